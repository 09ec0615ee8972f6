"""The minimal public face: home, list and sheet pages, territory, instrument and theme pages."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse

from casestudies.models import CaseStudy, Role
from tests.factories import (
    CaseStudyFactory,
    CitationFactory,
    InstrumentUseFactory,
    LessonFactory,
    ParticipationFactory,
    SourceDocumentFactory,
    TerritoryFactory,
    ThemeFactory,
    complete_case,
)

pytestmark = pytest.mark.django_db


def test_home_counts_published_sheets_and_lists_the_latest(client):
    complete_case(title="Brest – Quimper : entente")
    complete_case(title="Nantes – Retz : contrat")
    CaseStudyFactory(title="Brouillon secret", draft=True)
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["case_count"] == 2
    assert "<strong>2</strong> fiches de cas publiées" in response.text
    assert "Brest – Quimper : entente" in response.text
    assert "Brouillon secret" not in response.text


def test_list_shows_published_sheets_only(client):
    complete_case(title="Entente TRIDAN")
    CaseStudyFactory(title="Brouillon secret", draft=True)
    response = client.get(reverse("casestudies:case-list"))
    assert response.status_code == 200
    assert "Entente TRIDAN" in response.text
    assert "Brouillon secret" not in response.text
    assert "1 fiche" in response.text


def test_list_search_narrows_the_results(client):
    complete_case(title="Entente TRIDAN")
    complete_case(title="Contrat de réciprocité Brest")
    response = client.get(reverse("casestudies:case-list"), {"q": "tridan"})
    assert "Entente TRIDAN" in response.text
    assert "Contrat de réciprocité Brest" not in response.text
    assert "1 fiche" in response.text


@pytest.mark.parametrize("url", ["casestudies:case-list", "casestudies:lesson-list"])
def test_a_page_past_the_end_is_a_404_not_a_500(client, url):
    complete_case()
    response = client.get(reverse(url), {"page": "999"})
    assert response.status_code == 404
    assert "Page introuvable" in response.text


@pytest.mark.parametrize("url", ["casestudies:case-list", "casestudies:lesson-list"])
@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5"])
def test_an_unreadable_page_number_shows_the_first_page_and_says_so(client, url, page):
    complete_case()
    response = client.get(reverse(url), {"page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1
    assert f"Numéro de page « {page} » invalide" in html.unescape(response.text)


@pytest.mark.parametrize("url", ["casestudies:case-list", "casestudies:lesson-list"])
def test_an_unknown_parameter_is_reported_like_an_unknown_value(client, url):
    complete_case()
    response = client.get(reverse(url), {"thematique": "eau", "utm_source": "lettre"})
    assert response.status_code == 200
    text = html.unescape(response.text)
    assert "Paramètre inconnu ignoré : « thematique »." in text
    assert "utm_source" not in text.split("Paramètre inconnu")[1][:80]  # tracking: silent


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"page": "abc"}, 400),
        ({"page": "0"}, 400),
        ({"page": "999"}, 404),
        ({"thematique": "eau"}, 400),
    ],
)
def test_the_api_answers_bad_pages_and_unknown_parameters_with_400_or_404(client, query, status):
    complete_case()
    response = client.get("/api/fiches/", query)
    assert response.status_code == status
    if status == 400:
        assert response.json()["erreurs"]


def test_a_malformed_page_number_shows_the_first_page_with_a_message(client):
    complete_case(title="Entente TRIDAN")
    response = client.get(reverse("casestudies:case-list"), {"page": "abc"})
    assert response.status_code == 200
    assert "Entente TRIDAN" in response.text
    assert "Numéro de page « abc » invalide" in response.text


def test_an_oversized_search_is_truncated_not_an_error(client):
    complete_case(title="Entente TRIDAN")
    response = client.get(reverse("casestudies:case-list"), {"q": "tridan " * 800})
    assert response.status_code == 200
    assert "Entente TRIDAN" in response.text


def test_list_paginates_with_real_links(client, settings):
    for number in range(25):
        CaseStudyFactory(title=f"Fiche {number:02d}")
    response = client.get(reverse("casestudies:case-list"), {"q": "Fiche"})
    assert response.text.count('class="case-card"') == 20
    assert 'href="?q=Fiche&amp;page=2"' in response.text
    second = client.get(reverse("casestudies:case-list"), {"q": "Fiche", "page": 2})
    assert second.text.count('class="case-card"') == 5


def test_sheet_page_shows_every_part_in_template_order(client):
    case = complete_case(
        title="PETR A – PNR B : projet alimentaire",
        territory_context="Le PETR compte **106 communes**.",
        history="Engagement commun signé en 2010.",
        governance="Un comité de pilotage trimestriel.",
    )
    porteur = case.participations.get(role=Role.PORTEUR).territory
    response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    assert response.text.count("<h1>") == 1
    text = response.text[response.text.index('<article class="case-sheet">') :]
    assert "<strong>106 communes</strong>" in text
    # What made it work or stall comes right after the summary, then the key facts, the
    # parties, the narrative, the sources and how to cite the sheet.
    order = [
        'class="chapeau"',
        'id="enseignements"',
        'id="reperes"',
        'id="parties"',
        'id="section-territory_context"',
        'id="section-history"',
        'id="section-governance"',
        'id="sources"',
        'id="citer"',
    ]
    positions = [text.index(marker) for marker in order]
    assert positions == sorted(positions)
    toc = text[text.index('class="toc"') : text.index("</nav>", text.index('class="toc"'))]
    for anchor in ["#enseignements", "#reperes", "#parties", "#section-history", "#sources"]:
        assert f'href="{anchor}"' in toc
    assert porteur.get_absolute_url() in text
    assert "lignes 1 à 10" in text
    assert "Dernière mise à jour" in text and "Citer cette fiche" in text


def test_citation_markers_become_numbered_notes_linked_to_their_document(client):
    source = SourceDocumentFactory(title="Étude d'essai", short_title="Étude", reference="901")
    case = complete_case(
        summary="Deux voisins coopèrent (source 901, l.3–4). Depuis 2012.",
        history="Une convention est signée (source 901, l.10–12 ; l.20).\n\n"
        "Elle est renouvelée (source 901, l.3–4).",
        editorial_note="Une ambiguïté (source 901, l.30).",
    )
    CitationFactory(case=case, source=source, line_start=3, line_end=30)
    response = client.get(case.get_absolute_url())
    text = response.text
    assert "source 901" not in text  # never the internal code
    notes = [note for note, _ in response.context["notes"].items()]
    assert [note.number for note in notes] == [1, 2, 3]  # the same marker twice: one note
    assert text.count('href="#note-1"') == 2 and 'id="appel-1-2"' in text
    assert '<li id="note-2"><a href="#source-901">Étude</a>, l.\xa010–12 ; l.\xa020' in text
    assert 'href="#appel-2"' in text
    assert 'id="source-901"' in text and "lignes 3 à 30" in text


def test_addresses_in_a_sheet_become_links(client):
    case = complete_case(further_info="Site : www.exemple-petr.fr — contact@exemple-petr.fr")
    text = client.get(case.get_absolute_url()).text
    assert '<a href="http://www.exemple-petr.fr"' in text
    assert '<a href="mailto:contact@exemple-petr.fr"' in text


def test_a_sheet_without_lessons_says_so_and_keeps_its_notes_collapsed(client):
    case = CaseStudyFactory(editorial_note="La source n'énonce aucun enseignement.")
    text = html.unescape(client.get(case.get_absolute_url()).text)
    assert "n'énoncent ni condition de réussite ni frein" in text
    assert '<details class="method-notes" id="notes-methodologiques">' in text


def test_sheet_sections_cannot_inject_html(client):
    case = complete_case(
        history=(
            '<script>alert("x")</script> [lien](javascript:alert(1)) <img src=x onerror=alert(1)>'
        )
    )
    response = client.get(case.get_absolute_url())
    assert "<script>alert" not in response.text
    assert 'href="javascript:' not in response.text
    assert "<img src=x" not in response.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.text  # shown as text, escaped


def test_draft_sheet_page_is_a_404(client):
    draft = CaseStudyFactory(draft=True)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_unknown_sheet_is_a_404(client):
    assert client.get("/fiches/n-existe-pas/").status_code == 404


def test_sheet_page_query_count_is_fixed(client, django_assert_max_num_queries):
    case = complete_case()
    for _ in range(6):
        ParticipationFactory(case=case)
    # 13: the sheet, 6 prefetches, the cache generation, and for the similar sheets four
    # GROUP BY (instruments, themes, kinds of territory, kinds of organisation) and their titles.
    with django_assert_max_num_queries(21):
        response = client.get(case.get_absolute_url())
    assert response.status_code == 200


def test_territory_page_lists_its_published_sheets(client):
    territory = TerritoryFactory(name="PNR Livradois-Forez", kind="pnr")
    published = CaseStudyFactory(title="Contrat PNR – Métropole")
    ParticipationFactory(case=published, territory=territory)
    draft = CaseStudyFactory(title="Brouillon PNR", draft=True)
    ParticipationFactory(case=draft, territory=territory)
    response = client.get(territory.get_absolute_url())
    assert response.status_code == 200
    assert "Contrat PNR – Métropole" in response.text
    assert "Brouillon PNR" not in response.text
    territories = client.get(reverse("casestudies:territory-list"))
    assert "PNR Livradois-Forez" in territories.text


def test_instrument_and_theme_pages_list_their_sheets(client):
    use = InstrumentUseFactory(case=CaseStudyFactory(title="Entente Brest – Quimper"))
    theme = ThemeFactory(name="Mobilité d'essai")
    use.case.themes.add(theme)
    response = client.get(use.instrument.get_absolute_url())
    assert "Entente Brest – Quimper" in response.text
    response = client.get(theme.get_absolute_url())
    assert "Entente Brest – Quimper" in response.text
    listing = client.get(reverse("casestudies:instrument-list"))
    assert html.escape(use.instrument.name) in listing.text


def test_pages_have_a_skip_link_and_a_main_landmark(client):
    response = client.get("/")
    assert 'href="#contenu"' in response.text
    assert '<main id="contenu"' in response.text
    assert '<html lang="fr">' in response.text


def test_the_list_opens_on_the_latest_sheets_with_a_unique_order(client):
    from django.utils import timezone

    same_time = timezone.now()
    older = complete_case(title="Plus ancienne")
    CaseStudy.objects.filter(pk=older.pk).update(published_at=same_time - timedelta(days=3))
    first, second = complete_case(title="A"), complete_case(title="B")
    CaseStudy.objects.filter(pk__in=[first.pk, second.pk]).update(published_at=same_time)
    response = client.get(reverse("casestudies:case-list"))
    assert response.context["sort"] == "recent"
    # Same publication time: the later sheet first, always (pages never overlap).
    assert [case.pk for case in response.context["cases"]] == [second.pk, first.pk, older.pk]
    explicit = client.get(reverse("casestudies:case-list"), {"sort": "recent"})
    assert list(explicit.context["cases"]) == list(response.context["cases"])
    searching = client.get(reverse("casestudies:case-list"), {"q": "Plus ancienne"})
    assert searching.context["sort"] == "pertinence"


def test_lessons_filter_by_category_theme_and_kind(client):
    from casestudies.models import LessonCategory

    trust = LessonCategory.objects.get(number=7)
    money = LessonCategory.objects.get(number=5)
    food = ThemeFactory()
    case = complete_case()
    case.themes.add(food)
    other = complete_case()
    LessonFactory(case=case, category=trust, kind="reussite", text="Confiance des élus.")
    LessonFactory(case=case, category=money, kind="frein", text="Financement précaire.")
    LessonFactory(case=other, category=trust, kind="frein", text="Défiance ailleurs.")
    url = reverse("casestudies:lesson-list")

    def texts(**params):
        return {lesson.text for lesson in client.get(url, params).context["lessons"]}

    assert texts(categorie=trust.slug) >= {"Confiance des élus.", "Défiance ailleurs."}
    assert "Financement précaire." not in texts(categorie=trust.slug)
    assert texts(theme=food.slug) >= {"Confiance des élus.", "Financement précaire."}
    assert "Défiance ailleurs." not in texts(theme=food.slug)
    assert texts(nature="frein", categorie=trust.slug) == {"Défiance ailleurs."}
