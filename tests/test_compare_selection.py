"""The comparison selection: kept across pages and searches, shown in a bar, no JavaScript."""

import html

import pytest
from django.urls import reverse

from casestudies.models import CaseStudy
from tests.factories import CaseStudyFactory, complete_case

pytestmark = pytest.mark.django_db

LIST = reverse("casestudies:case-list")
SELECTION = reverse("casestudies:compare-selection")


def choose(client, case, action="ajouter", next_url="/fiches/?page=2&theme=mobilite"):
    return client.post(SELECTION, {"fiche": case.slug, "action": action, "next": next_url})


def test_adding_a_sheet_returns_to_the_same_page_and_shows_the_bar(client, monkeypatch):
    from casestudies.views.cases import CaseListView

    monkeypatch.setattr(CaseListView, "paginate_by", 1)
    first, second = complete_case(title="Première fiche"), complete_case(title="Seconde fiche")
    response = choose(client, first, next_url="/fiches/?page=2")
    assert response.status_code == 302 and response["Location"] == "/fiches/?page=2"
    page = client.get(LIST, {"page": 1})
    assert [case.slug for case in page.context["comparison"].cases] == [first.slug]
    assert "Comparer (1)" in page.text
    choose(client, second)
    # Another page, another search: the selection stays.
    page = client.get(LIST, {"q": "fiche", "page": 2})
    assert page.status_code == 200
    bar = page.text[page.text.index('class="compare-bar"') :]
    assert "Comparer (2)" in bar
    assert f'href="/comparer/?fiches={first.slug},{second.slug}"' in bar


def test_the_card_button_says_remove_once_a_sheet_is_selected(client):
    case = complete_case()
    choose(client, case)
    text = client.get(LIST).text
    card = text[text.index(f'id="fiche-{case.slug}"') :]
    assert "Retirer de la comparaison" in card[: card.index("</article>")]


def test_at_most_four_sheets_and_a_clear_message_beyond(client):
    cases = [complete_case() for _ in range(5)]
    for case in cases:
        choose(client, case)
    assert client.session["comparaison"] == [case.slug for case in cases[:4]]
    page = client.get(LIST)
    assert "La comparaison porte sur 4 fiches au plus" in html.unescape(page.text)


def test_removing_and_emptying(client):
    one, two = complete_case(), complete_case()
    choose(client, one), choose(client, two)
    choose(client, one, action="retirer")
    assert client.session["comparaison"] == [two.slug]
    client.post(SELECTION, {"action": "vider", "next": "/fiches/"})
    assert client.session["comparaison"] == []


@pytest.mark.parametrize("status", ["draft", "unknown"])
def test_a_draft_or_unknown_sheet_cannot_be_selected(client, status):
    draft = CaseStudyFactory(draft=True)
    slug = draft.slug if status == "draft" else "fiche-inconnue"
    client.post(SELECTION, {"fiche": slug, "action": "ajouter", "next": "/fiches/"})
    assert client.session.get("comparaison", []) == []
    assert "n'existe pas ou n'est pas publiée" in html.unescape(client.get(LIST).text)


def test_a_sheet_unpublished_after_its_selection_disappears_from_the_bar(client):
    case = complete_case()
    choose(client, case)
    CaseStudy.objects.filter(pk=case.pk).unpublish()
    assert client.get(LIST).context["comparison"].cases == []


@pytest.mark.parametrize("target", ["https://example.org/", "//example.org/", "javascript:x"])
def test_the_return_address_stays_on_the_site(client, target):
    response = choose(client, complete_case(), next_url=target)
    assert response["Location"] == LIST


def test_only_post_and_known_actions(client):
    assert client.get(SELECTION).status_code == 405
    assert client.post(SELECTION, {"action": "supprimer"}).status_code == 400


def test_list_and_sheet_pages_offer_to_compare_without_javascript(client):
    cases = [complete_case() for _ in range(3)]
    listing = client.get(LIST)
    assert listing.text.count(f'action="{SELECTION}"') == 3  # one form per card
    assert f'name="fiche" value="{cases[0].slug}"' in listing.text
    sheet = client.get(cases[1].get_absolute_url())
    assert f'name="fiche" value="{cases[1].slug}"' in sheet.text
    assert "Ajouter à la comparaison" in sheet.text
