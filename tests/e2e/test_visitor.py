"""A visitor's journey, with and without JavaScript: search, filter, read, compare, export."""

import csv
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from casestudies import search
from casestudies.models import CaseStudy

SEARCH = "réciprocité"
THEME = ("theme", "alimentation-et-agriculture", "Alimentation et agriculture")
INSTRUMENT = ("instrument", "contrat-de-reciprocite", "Contrat de réciprocité ville–campagne")


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def filter_checkbox(page, label: str):
    """A facet's checkbox, by its visible label (« Mobilité (4) »)."""
    form = page.get_by_role("form", name="Rechercher et filtrer")
    return form.get_by_role("checkbox", name=re.compile(rf"^{re.escape(label)}\b"))


def result_cards(page):
    return page.get_by_role("region", name=re.compile(r"^\d+ fiches?$")).locator("article")


@pytest.mark.parametrize("javascript", [True, False], ids=["avec-javascript", "sans-javascript"])
def test_visitor_searches_filters_reads_compares_and_exports(new_page, journey, javascript):
    page = new_page(java_script_enabled=javascript)

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Qui a déjà bâti une coopération comme la vôtre ?"
    )
    journey.step(page, "accueil")

    # Search from the home page.
    page.get_by_role("searchbox", name="Rechercher une coopération").fill(SEARCH)
    journey.step(page, "recherche saisie")
    page.get_by_role("button", name="Rechercher").click()
    expect(page).to_have_url(re.compile(r"/fiches/\?"))
    assert query_of(page.url) == {"q": [SEARCH]}
    expect(page.get_by_role("searchbox", name="Mots-clés")).to_have_value(SEARCH)
    expect(result_cards(page).first).to_be_visible()
    journey.step(page, "résultats de la recherche")

    # Filter by a theme and an instrument, with the form's checkboxes and « Appliquer ».
    filter_checkbox(page, THEME[2]).check()
    filter_checkbox(page, INSTRUMENT[2]).check()
    journey.step(page, "filtres cochés")
    page.get_by_role("button", name="Appliquer").click()
    expect(page).to_have_url(re.compile(r"instrument="))
    filtered_url = page.url
    query = query_of(filtered_url)
    assert query["q"] == [SEARCH]
    assert query[THEME[0]] == [THEME[1]]
    assert query[INSTRUMENT[0]] == [INSTRUMENT[1]]
    cards = result_cards(page)
    count = cards.count()
    assert count >= 2, "il faut au moins deux fiches pour la suite du parcours"
    expected = (
        search.search(CaseStudy.objects.published(), SEARCH)
        .filter(themes__slug=THEME[1], instruments__slug=INSTRUMENT[1])
        .distinct()
    )
    assert count == expected.count()
    expect(page.get_by_role("heading", name=f"{count} fiches")).to_be_visible()
    for index in range(count):
        expect(cards.nth(index)).to_contain_text(THEME[2])
        expect(cards.nth(index)).to_contain_text(INSTRUMENT[2])
    titles = [cards.nth(index).get_by_role("heading").inner_text() for index in range(count)]
    chips = page.get_by_role("list", name="Filtres actifs")
    expect(chips).to_contain_text(f"Thématique : {THEME[2]}")
    expect(chips).to_contain_text(f"Outil de coopération : {INSTRUMENT[2]}")
    journey.step(page, "résultats filtrés")

    # Open a sheet, then one of its territories.
    cards.first.get_by_role("link", name=titles[0]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(titles[0])
    journey.step(page, "fiche")
    territory = page.get_by_role("region", name="Parties prenantes").get_by_role("link").first
    territory_name = territory.inner_text()
    territory.click()
    expect(page).to_have_url(re.compile(r"/territoires/[\w-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(territory_name)
    expect(page.get_by_role("link", name=titles[0])).to_be_visible()
    journey.step(page, "territoire")

    # Back to the list, filters intact.
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text(titles[0])
    page.go_back()
    expect(page).to_have_url(filtered_url)
    expect(filter_checkbox(page, THEME[2])).to_be_checked()
    expect(filter_checkbox(page, INSTRUMENT[2])).to_be_checked()
    expect(page.get_by_role("searchbox", name="Mots-clés")).to_have_value(SEARCH)
    expect(result_cards(page)).to_have_count(count)
    journey.step(page, "retour à la liste filtrée")

    # Compare two sheets: each card adds its sheet to a selection that the page shows.
    for index in (0, 1):
        result_cards(page).nth(index).get_by_role(
            "button", name=re.compile("^Ajouter à la comparaison")
        ).click()
        expect(page.get_by_text(f"Comparer ({index + 1})")).to_be_visible()
    expect(result_cards(page).first.get_by_role("button")).to_have_text(
        re.compile("^Retirer de la comparaison")
    )
    journey.step(page, "deux fiches sélectionnées")
    page.get_by_role("link", name="Comparer ces fiches").click()
    expect(page).to_have_url(re.compile(r"/comparer/\?"))
    slugs = ",".join(query_of(page.url)["fiches"]).split(",")
    assert len(slugs) == 2
    table = page.get_by_role("table")
    for title in titles[:2]:
        expect(table.get_by_role("columnheader", name=title)).to_be_visible()
    expect(table.get_by_role("rowheader", name=re.compile("^Parties prenantes"))).to_be_visible()
    journey.step(page, "comparaison")

    # Export the filtered selection as CSV.
    page.goto(filtered_url)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV (tableur)").click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename == "fiches-cooperations.csv"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    # Separated by semicolons: what a spreadsheet set to French expects.
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert sorted(row["titre"] for row in rows) == sorted(titles)
    assert set(slugs) <= {row["slug"] for row in rows}
    journey.step(page, "export CSV")
