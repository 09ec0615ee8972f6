"""Pages that gather many sheets or lessons stay bounded: first sheets, then the list; pages."""

import pytest

from tests.factories import (
    CaseStudyFactory,
    InstrumentFactory,
    InstrumentUseFactory,
    LessonFactory,
    ThemeFactory,
)
from tests.pages import listed_cases

pytestmark = pytest.mark.django_db


def test_an_instrument_page_shows_the_first_sheets_and_links_to_all(client):
    instrument = InstrumentFactory(slug="entente")
    for n in range(23):
        InstrumentUseFactory(case=CaseStudyFactory(title=f"Fiche {n:02d}"), instrument=instrument)
    response = client.get(instrument.get_absolute_url())
    titles = [title for _slug, title in listed_cases(response)]
    assert titles == [f"Fiche {n:02d}" for n in range(20)]
    assert "Les 20 premières fiches sur 23." in response.text
    assert 'href="/fiches/?instrument=entente"' in response.text


def test_a_theme_page_without_more_sheets_has_no_link_to_the_list(client):
    theme = ThemeFactory(slug="mobilite-test")
    for n in range(3):
        CaseStudyFactory(title=f"Fiche {n}").themes.add(theme)
    response = client.get(theme.get_absolute_url())
    assert len(listed_cases(response)) == 3
    assert "?theme=mobilite-test" not in response.text


def test_lessons_come_in_pages_of_fifty(client):
    case = CaseStudyFactory()
    for n in range(55):
        LessonFactory(case=case, text=f"Enseignement numéro {n:02d}.", position=n)
    first = client.get("/enseignements/")
    assert "55 enseignements" in first.text
    assert first.text.count("Enseignement numéro") == 50
    second = client.get("/enseignements/", {"page": 2})
    assert second.text.count("Enseignement numéro") == 5
    assert client.get("/enseignements/", {"page": 3}).status_code == 404
    # An unreadable number shows the first page, as on the list of sheets.
    assert client.get("/enseignements/", {"page": "trois"}).context["page_obj"].number == 1


def test_a_lesson_page_follows_the_catalogue(client):
    case = CaseStudyFactory()
    LessonFactory(case=case, text="Un premier enseignement.")
    assert "1 enseignement" in client.get("/enseignements/").text
    LessonFactory(case=case, text="Un second enseignement.")
    response = client.get("/enseignements/")
    assert "2 enseignements" in response.text and "Un second enseignement." in response.text


def test_cached_instrument_and_theme_lists_follow_publication(client):
    from casestudies.models import CaseStudy

    instrument, theme = InstrumentFactory(name="Entente de test"), ThemeFactory(name="Thème test")
    case = CaseStudyFactory(title="Fiche suivie")
    InstrumentUseFactory(case=case, instrument=instrument)
    case.themes.add(theme)
    assert "Entente de test</a> — 1 fiche" in client.get("/outils/").text
    assert "Thème test</a> — 1 fiche" in client.get("/thematiques/").text
    assert "Fiche suivie" in client.get(instrument.get_absolute_url()).text
    CaseStudy.objects.filter(pk=case.pk).unpublish()
    assert "Entente de test</a> — 0 fiche" in client.get("/outils/").text
    assert "Thème test</a> — 0 fiche" in client.get("/thematiques/").text
    assert "Fiche suivie" not in client.get(instrument.get_absolute_url()).text


def test_lesson_pages_keep_the_order_across_categories_kinds_and_sheets(client, monkeypatch):
    """Pages are read group by group (category, kind): crossing a group's end on a page keeps
    the order by category number, kind, sheet title and position, without gap or repeat."""
    from casestudies.models import LessonCategory, LessonKind
    from casestudies.views.lessons import LessonListView

    monkeypatch.setattr(LessonListView, "paginate_by", 3)
    first, second = (
        LessonCategory.objects.order_by("number")[1],
        LessonCategory.objects.order_by("number")[0],
    )
    zebra, abeille = CaseStudyFactory(title="Zèbre"), CaseStudyFactory(title="Abeille")
    draft = CaseStudyFactory(title="Brouillon", draft=True)
    expected = []
    for category in (second, first):  # created out of order
        for kind in (LessonKind.OBSTACLE, LessonKind.SUCCESS):
            for case in (zebra, abeille, draft):
                for position in (2, 1):
                    text = f"{category.number}-{kind}-{case.title}-{position}"
                    LessonFactory(
                        case=case, category=category, kind=kind, position=position, text=text
                    )
    for category in sorted((first, second), key=lambda c: c.number):
        for kind in sorted([LessonKind.OBSTACLE, LessonKind.SUCCESS]):
            for title in ("Abeille", "Zèbre"):
                expected += [f"{category.number}-{kind}-{title}-{p}" for p in (1, 2)]
    shown, number = [], 1
    while True:
        response = client.get("/enseignements/", {"page": number})
        if response.status_code == 404:
            break
        shown += [lesson.text for lesson in response.context["lessons"]]
        number += 1
    assert shown == expected
    assert response.status_code == 404 and number == 7  # 16 lessons, 3 a page
