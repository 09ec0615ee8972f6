"""Keyboard only: skip link, search, a filter, and the pages of results."""

import math
import re

from django.conf import settings
from playwright.sync_api import expect

from casestudies.models import CaseStudy

# Enough to cross the longest page of the list (facets, twenty cards, pagination).
MAX_TABS = 400

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), id: el.id, type: el.type || "", rel: el.rel || "",
    text: (el.innerText || el.value || "").trim(), name: el.name || "",
    label: el.labels && el.labels.length ? el.labels[0].innerText.trim() : "",
    outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
    visible: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0,
  };
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def tab_until(page, wanted, description: str) -> dict:
    """Press Tab until the focused element matches ``wanted``; every stop must show its focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        element = focused(page)
        assert element["tag"] != "body", f"le focus est sorti de la page avant {description}"
        assert element["visible"], f"élément focalisé invisible : {element}"
        assert element["outline"] != "none" and element["outlineWidth"] > 0, (
            f"focus non visible (pas de contour) : {element}"
        )
        if wanted(element):
            return element
    raise AssertionError(f"{description} : pas atteint après {MAX_TABS} appuis sur Tab")


def test_keyboard_only_journey(new_page, journey):
    page = new_page()
    page.goto("/")

    # The skip link is the first stop, and visible once focused.
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["tag"] == "a" and skip["text"] == "Aller au contenu"
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_in_viewport()
    journey.step(page, "lien d'évitement")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "contenu"

    # Next stop after the skip link: the search box.
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "recherche"
    page.keyboard.type("réciprocité")
    journey.step(page, "recherche au clavier")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/fiches/\?q=r%C3%A9ciprocit%C3%A9$"))
    found = int(re.match(r"\d+", page.locator("#resultats-titre").inner_text()).group())

    # A filter: Tab to a theme's checkbox, Space, then Tab to « Appliquer » and Enter.
    theme = tab_until(
        page,
        lambda el: el["type"] == "checkbox" and el["name"] == "theme",
        "la première case d'une thématique",
    )
    page.keyboard.press("Space")
    expect(page.locator(f"#{theme['id']}")).to_be_checked()
    journey.step(page, "thématique cochée au clavier")
    tab_until(page, lambda el: el["tag"] == "button" and el["text"] == "Appliquer", "Appliquer")
    page.keyboard.press("Enter")
    value = theme["id"].removeprefix("theme-")
    expect(page).to_have_url(re.compile(rf"theme={value}"))
    expect(page.locator(f"#{theme['id']}")).to_be_checked()
    filtered = int(re.match(r"\d+", page.locator("#resultats-titre").inner_text()).group())
    assert 0 < filtered <= found
    journey.step(page, "filtre appliqué au clavier")

    # Back to every sheet (« Tout effacer »), then through the pages of results.
    tab_until(page, lambda el: el["tag"] == "a" and el["text"] == "Tout effacer", "Tout effacer")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/fiches/$"))
    total = CaseStudy.objects.published().count()
    pages = math.ceil(total / settings.CASES_PER_PAGE)
    assert pages >= 3, "la pagination demande plus de deux pages de fiches"
    expect(page.locator("#resultats-titre")).to_have_text(f"{total} fiches")
    journey.step(page, "toutes les fiches")

    tab_until(page, lambda el: el["rel"] == "next", "Page suivante")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]page=2$"))
    pagination = page.get_by_role("navigation", name="Pagination")
    expect(pagination.locator("[aria-current=page]")).to_have_text("2")
    journey.step(page, "page 2")

    tab_until(page, lambda el: el["tag"] == "a" and el["text"] == str(pages), f"page {pages}")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"[?&]page={pages}$"))
    last_page_count = total - (pages - 1) * settings.CASES_PER_PAGE
    expect(page.locator(".case-card")).to_have_count(last_page_count)
    expect(pagination.get_by_role("link", name="Page suivante")).to_have_count(0)
    journey.step(page, "dernière page")

    tab_until(page, lambda el: el["rel"] == "prev", "Page précédente")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"[?&]page={pages - 1}$"))
    expect(page.locator(".case-card")).to_have_count(settings.CASES_PER_PAGE)
    journey.step(page, "page précédente")
