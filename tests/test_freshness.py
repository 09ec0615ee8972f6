"""Pages follow every change to the catalogue at once: nothing is cached but the facet panel's
HTML (keyed by what it shows) and search's corrections (keyed by the generation)."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from casestudies.models import CaseStudy, CatalogueGeneration
from tests.factories import complete_case
from tests.pages import listed_cases

pytestmark = pytest.mark.django_db

LIST = reverse("casestudies:case-list")


def theme_count(client, slug):
    facets = client.get(LIST).context["facets"]
    theme = next(facet for facet in facets if facet.name == "theme")
    return next((item.count for item in theme.values if item.value == slug), 0)


def test_facet_counts_follow_every_change(client, django_assert_num_queries):
    case = complete_case()
    slug = case.themes.get().slug
    assert theme_count(client, slug) == 1
    # The list's queries: the filters' vocabularies (6), the count, the counters of every facet
    # (1), the page of sheets and its relations (4), the visitor's session (1), the release
    # (1: the key of the cached cards and facet panel).
    with django_assert_num_queries(14):
        client.get(LIST)

    other = complete_case()
    other.themes.set(case.themes.all())
    assert theme_count(client, slug) == 2

    CaseStudy.objects.filter(pk=other.pk).unpublish()
    assert theme_count(client, slug) == 1


def test_a_tracking_parameter_changes_nothing(client, django_assert_num_queries):
    complete_case()
    first = client.get(LIST, {"sort": "titre"})
    with django_assert_num_queries(14):
        again = client.get(LIST, {"sort": "titre", "utm_source": "lettre"})  # unused parameter
    assert listed_cases(again) == listed_cases(first)
    assert again.context["paginator"].count == 1


def test_a_page_with_warnings_warns_each_time(client):
    complete_case()
    params = {"theme": "inconnue", "page": "deux"}
    for response in (client.get(LIST, params), client.get(LIST, params)):
        assert "Ignoré" in response.text and "inconnue" in response.text
        assert "Numéro de page « deux » invalide" in response.text
        assert response.context["paginator"].count == 1


def test_migrate_renews_cached_values():
    before = CatalogueGeneration.current()
    call_command("migrate", verbosity=0)
    assert CatalogueGeneration.current() != before


def test_the_list_follows_publication(client):
    case = complete_case()
    assert listed_cases(client.get(LIST)) == [(case.slug, case.title)]
    CaseStudy.objects.filter(pk=case.pk).unpublish()
    response = client.get(LIST)
    assert listed_cases(response) == [] and "0 fiche" in response.text


def test_a_missing_result_page_stays_missing(client):
    complete_case()
    assert client.get(LIST, {"page": 5}).status_code == 404
    assert client.get(LIST, {"page": 5}).status_code == 404
    assert client.get(LIST, {"page": 1}).status_code == 200


def test_every_change_to_a_sheet_renews_search_corrections():
    before = CatalogueGeneration.current()
    case = complete_case()
    after_create = CatalogueGeneration.current()
    assert after_create != before
    case.participations.first().delete()
    assert CatalogueGeneration.current() != after_create
    now = CatalogueGeneration.current()
    CaseStudy.objects.filter(pk=case.pk).publish()
    assert CatalogueGeneration.current() != now


def test_renaming_a_filter_value_renews_the_cached_facet_panel(client):
    case = complete_case()
    source = case.citations.get().source
    source.title = "Rapport initial"
    source.save()
    assert "Rapport initial" in client.get(LIST).text
    source.title = "Rapport renommé pour le test"
    source.save()
    assert "Rapport renommé pour le test" in client.get(LIST).text


def test_map_and_statistics_follow_publication(client):
    case = complete_case()
    territory = case.participations.filter(territory__isnull=False).first().territory
    from tests.factories import TerritoryFactory

    finistere = TerritoryFactory(name="Finistère", kind="departement", insee_code="29")
    territory.departements.add(finistere)
    rows = {r["code"]: r["count"] for r in client.get("/carte/").context["rows"]}
    assert rows["29"] == 1
    CaseStudy.objects.filter(pk=case.pk).unpublish()
    rows = {r["code"]: r["count"] for r in client.get("/carte/").context["rows"]}
    assert rows["29"] == 0
    assert client.get("/statistiques/").context["total"] == 0


def test_api_pages_and_counts_follow_the_catalogue(client):
    first, second = complete_case(), complete_case()
    api = reverse("casestudies:api-case-list")
    page_one = client.get(api, {"page_size": 1, "page": 1}).json()
    page_two = client.get(api, {"page_size": 1, "page": 2}).json()
    assert page_one["count"] == page_two["count"] == 2
    slugs = {page_one["results"][0]["slug"], page_two["results"][0]["slug"]}
    assert slugs == {first.slug, second.slug}
    assert len(client.get(api).json()["results"]) == 2
    CaseStudy.objects.filter(pk=first.pk).unpublish()
    response = client.get(api, {"page_size": 1, "page": 1}).json()
    assert response["count"] == 1 and response["results"][0]["slug"] == second.slug


def test_a_cached_card_follows_what_it_shows(client):
    """A card's HTML is cached under the sheet's derived token, renewed by any change the
    card shows: the sheet's own fields, an instrument renamed, a party's new kind."""
    case = complete_case()
    instrument = case.instrument_uses.get().instrument
    instrument.name = "Contrat d'avant"
    instrument.save()
    assert "Contrat d&#x27;avant" in client.get(LIST).text
    instrument.name = "Contrat renommé"
    instrument.save()
    page = client.get(LIST).text
    assert "Contrat renommé" in page and "Contrat d&#x27;avant" not in page
    territory = case.participations.filter(territory__isnull=False).get().territory
    territory.kind = "petr"
    territory.save()
    assert "PETR (pôle d&#x27;équilibre territorial et rural)" in client.get(LIST).text
    CaseStudy.objects.filter(pk=case.pk).update(title="Titre changé sans signal")
    heading = ">Titre changé sans signal</a></h3>"
    assert heading not in client.get(LIST).text  # the card was cached: only a save renews it
    case.refresh_from_db()
    case.save()
    assert heading in client.get(LIST).text
