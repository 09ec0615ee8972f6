"""Domain verbs of the case sheet QuerySet."""

import pytest

from casestudies import search
from casestudies.models import CaseStudy
from tests.factories import CaseStudyFactory, ParticipationFactory, TerritoryFactory, complete_case

pytestmark = pytest.mark.django_db


def test_published_hides_drafts_and_sheets_in_review():
    published = CaseStudyFactory()
    CaseStudyFactory(draft=True)
    CaseStudyFactory(draft=True, publication_status="a-relire")
    assert list(CaseStudy.objects.published()) == [published]


def test_with_related_loads_a_page_of_sheets_in_a_fixed_number_of_queries(
    django_assert_num_queries,
):
    for _ in range(5):
        complete_case()
    # 1 sheets + 7 prefetches (parties, their régions, instruments, themes, types, citations,
    # lessons)
    with django_assert_num_queries(8):
        cases = list(CaseStudy.objects.published().with_related())
        for case in cases:
            for participation in case.participations.all():
                str(participation.party)
            case.regions()
            for use in case.instrument_uses.all():
                str(use.instrument)
            list(case.themes.all())
            list(case.cooperation_types.all())
            for citation in case.citations.all():
                str(citation.source)
            for lesson in case.lessons.all():
                str(lesson.category)
    assert len(cases) == 5


def test_involving_territory_returns_each_sheet_once():
    territory = TerritoryFactory()
    case = CaseStudyFactory()
    ParticipationFactory(case=case, territory=territory, role="porteur")
    ParticipationFactory(case=case, territory=territory, role="financeur")
    CaseStudyFactory()
    assert list(CaseStudy.objects.involving_territory(territory)) == [case]


def test_search_matches_title_summary_and_party_names():
    territory = TerritoryFactory(name="Pays de Retz")
    by_party = CaseStudyFactory(title="Contrat alimentaire")
    ParticipationFactory(case=by_party, territory=territory)
    by_title = CaseStudyFactory(title="Entente Brest – Quimper")
    CaseStudyFactory(title="Autre chose", summary="Rien à voir.")
    assert list(search.search(CaseStudy.objects.all(), "retz")) == [by_party]
    assert list(search.search(CaseStudy.objects.all(), "quimper")) == [by_title]
    assert search.search(CaseStudy.objects.all(), "").count() == 3
