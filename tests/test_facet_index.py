"""The facet index, its published counters and the stored « fiches proches » stay exactly what
the relations say, through every path an editor or an import can change them."""

from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from casestudies import facet_index, indexing, similarity
from casestudies.models import (
    CaseStudy,
    CooperationType,
    FacetCount,
    FacetEntry,
    PublicationStatus,
    Role,
    SimilarCase,
    Territory,
    TerritoryKind,
)
from casestudies.reference import normalise_placements
from tests.factories import (
    CaseStudyFactory,
    CitationFactory,
    InstrumentUseFactory,
    OrganisationFactory,
    ParticipationFactory,
    TerritoryFactory,
    ThemeFactory,
    complete_case,
)

LIST = "/fiches/"


def stored_rows():
    return set(FacetEntry.objects.values_list("case_id", "facet", "value", "published"))


def counters():
    return {
        (facet, value): n
        for facet, value, n in FacetCount.objects.values_list("facet", "value", "sheets")
        if n
    }


def assert_index_is_exact():
    expected = facet_index.expected_entries()
    assert stored_rows() == expected
    published = Counter((facet, value) for _case, facet, value, pub in expected if pub)
    assert counters() == dict(published)


@pytest.fixture
def region(db):
    occitanie = TerritoryFactory(name="Occitanie", slug="occitanie", kind=TerritoryKind.REGION)
    gers = TerritoryFactory(
        name="Gers", slug="gers", kind=TerritoryKind.DEPARTEMENT, insee_code="32"
    )
    gers.regions.add(occitanie)
    return occitanie, gers


def test_every_change_keeps_rows_and_counters_exact(db, region):
    _occitanie, gers = region
    root = ThemeFactory(name="Alimentation (essai)", slug="alimentation-essai")
    sub = ThemeFactory(name="Circuits courts (essai)", slug="circuits-courts-essai", parent=root)
    case = complete_case()
    assert_index_is_exact()
    # Relations of the sheet, one by one.
    party = ParticipationFactory(case=case).territory
    case.themes.add(sub)
    case.cooperation_types.add(
        CooperationType.objects.create(name="Échange (essai)", slug="echange-essai")
    )
    InstrumentUseFactory(case=case)
    CitationFactory(case=case)
    assert ("theme", "alimentation-essai") in {(f, v) for _c, f, v, _p in stored_rows()}
    assert_index_is_exact()
    # A party's placement, kind and name; a theme's parent and slug.
    party.departements.add(gers)
    assert {("region", "occitanie"), ("departement", "32")} <= {
        (f, v) for c, f, v, _p in stored_rows() if c == case.pk
    }
    party.kind = TerritoryKind.PETR
    party.slug = "petr-renomme"
    party.save()
    sub.parent = None
    sub.save()
    root.slug = "alimentation-renommee"
    root.save()
    assert_index_is_exact()
    # Publication by the QuerySet verbs (one UPDATE, no model signal), then deletions.
    CaseStudy.objects.filter(pk=case.pk).unpublish()
    assert not FacetEntry.objects.filter(case=case, published=True).exists()
    assert_index_is_exact()
    CaseStudy.objects.filter(pk=case.pk).publish()
    assert_index_is_exact()
    case.participations.first().delete()
    sub.delete()
    assert_index_is_exact()
    other = complete_case(cooperation_status="active", start_year=2015)
    other.delete()
    assert not FacetEntry.objects.filter(case_id=other.pk).exists()
    assert_index_is_exact()


def test_the_reference_import_placements_reach_the_index(db, region):
    _occitanie, gers = region
    case = complete_case()
    party = case.participations.filter(territory__isnull=False).first().territory
    # As a bulk import does: a placement in a département written without signal.
    Territory.departements.through.objects.create(from_territory=party, to_territory=gers)
    Territory.regions.through.objects.filter(from_territory=party).delete()
    assert normalise_placements() >= 1
    assert FacetEntry.objects.filter(case=case, facet="region", value="occitanie").exists()
    assert_index_is_exact()


def test_a_text_fix_writes_no_index_row_no_counter_and_no_list(db):
    case = complete_case()
    complete_case()
    case.refresh_from_db()
    case.summary = "Un chapeau corrigé."
    with CaptureQueriesContext(connection) as context:
        case.save()
    written = [
        q["sql"]
        for q in context.captured_queries
        if any(t in q["sql"] for t in ("facetentry", "facetcount", "similarcase"))
        and not q["sql"].startswith("SELECT")
    ]
    assert written == []
    assert_index_is_exact()


def test_counts_of_every_facet_equal_the_filter_results(client, db, region):
    _occitanie, gers = region
    for _ in range(3):
        case = complete_case()
        case.participations.filter(territory__isnull=False).first().territory.departements.add(gers)
    complete_case(draft=True)
    facets = client.get(LIST).context["facets"]
    assert facets, "the unfiltered list shows its facets, read from the counters"
    for group in facets:
        for value in group.values:
            shown = client.get(LIST, {group.name: value.value}).context["paginator"].count
            assert value.count == shown, (group.name, value.value)


def test_unfiltered_pages_read_the_counters_not_the_entries(client, db):
    for _ in range(3):
        complete_case()
    for url in ("/", LIST, "/carte/", "/statistiques/", "/thematiques/", "/outils/"):
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        grouped = [
            q["sql"] for q in context.captured_queries if "casestudies_facetentry" in q["sql"]
        ]
        assert grouped == [], url


def test_rebuild_gives_back_the_same_index(db):
    for _ in range(3):
        complete_case()
    before, counts = stored_rows(), counters()
    FacetEntry.objects.all().delete()
    FacetCount.objects.all().delete()
    call_command("rebuild_indexes", verbosity=0)
    assert stored_rows() == before
    assert counters() == counts


class TestStoredSimilarSheets:
    def test_a_sheet_gaining_a_shared_partner_enters_the_other_lists(self, db):
        metropole = TerritoryFactory(name="Métropole d'essai", kind=TerritoryKind.METROPOLE)
        first = complete_case(title="Première")
        ParticipationFactory(case=first, territory=metropole, role=Role.PORTEUR)
        second = complete_case(title="Seconde")
        assert not SimilarCase.objects.filter(case=first, other=second, score__gte=10).exists()
        ParticipationFactory(case=second, territory=metropole)
        listed = similarity.similar_cases(first)
        assert listed[0] == second
        assert listed[0].reasons[0] == "1 partenaire en commun : Métropole d'essai"

    def test_an_unpublished_sheet_leaves_the_lists_and_comes_back(self, db):
        metropole = TerritoryFactory(name="Métropole d'essai", kind=TerritoryKind.METROPOLE)
        cases = [complete_case() for _ in range(3)]
        for case in cases:
            ParticipationFactory(case=case, territory=metropole)
        assert cases[1] in similarity.similar_cases(cases[0])
        CaseStudy.objects.filter(pk=cases[1].pk).unpublish()
        assert not SimilarCase.objects.filter(other=cases[1]).exists()
        assert cases[1] not in similarity.similar_cases(cases[0])
        CaseStudy.objects.filter(pk=cases[1].pk).publish()
        assert cases[1] in similarity.similar_cases(cases[0])

    def test_a_draft_is_never_suggested(self, db):
        organisation = OrganisationFactory()
        shown = complete_case()
        draft = complete_case(draft=True)
        for case in (shown, draft):
            ParticipationFactory(case=case, territory=None, organisation=organisation)
        assert draft not in similarity.similar_cases(shown)
        assert draft.publication_status == PublicationStatus.DRAFT

    def test_the_sheet_page_reads_the_stored_list_in_one_query(self, client, db):
        metropole = TerritoryFactory(name="Métropole d'essai", kind=TerritoryKind.METROPOLE)
        case = complete_case()
        for _ in range(4):
            ParticipationFactory(case=complete_case(), territory=metropole)
        ParticipationFactory(case=case, territory=metropole)
        with CaptureQueriesContext(connection) as context:
            response = client.get(case.get_absolute_url())
        assert len(response.context["similar"]) == 4
        similar_queries = [q for q in context.captured_queries if "similarcase" in q["sql"]]
        assert len(similar_queries) == 1

    def test_refresh_similar_recomputes_every_list(self, db):
        metropole = TerritoryFactory(kind=TerritoryKind.METROPOLE)
        cases = [complete_case() for _ in range(3)]
        for case in cases:
            ParticipationFactory(case=case, territory=metropole)
        expected = set(SimilarCase.objects.values_list("case_id", "other_id", "position"))
        SimilarCase.objects.all().delete()
        call_command("refresh_similar", verbosity=0)
        assert set(SimilarCase.objects.values_list("case_id", "other_id", "position")) == expected


def test_a_bulk_load_refreshes_each_sheet_once_at_the_end(db):
    with indexing.deferred_refresh():
        case = CaseStudyFactory()
        ParticipationFactory(case=case)
        assert not FacetEntry.objects.filter(case=case).exists()  # not yet
    assert FacetEntry.objects.filter(case=case, facet="territory").exists()
    assert_index_is_exact()


def test_placements_are_closed_under_containment_whatever_the_order_of_edits(db):
    """The rule of reference.normalise_placements, applied to what each edit touches."""
    region = TerritoryFactory(name="Région d'essai", kind=TerritoryKind.REGION)
    assert set(region.regions.all()) == {region}  # in itself
    departement = TerritoryFactory(
        name="Département d'essai", kind=TerritoryKind.DEPARTEMENT, insee_code="99"
    )
    assert set(departement.departements.all()) == {departement}
    early = TerritoryFactory()
    early.departements.add(departement)  # before the département has its région
    departement.regions.add(region)  # the région reaches what is placed in the département
    assert region in early.regions.all()
    late = TerritoryFactory()
    departement.territories_in_departement.add(late)  # from the other side
    assert region in late.regions.all()
    case = complete_case()
    ParticipationFactory(case=case, territory=late)
    assert FacetEntry.objects.filter(case=case, facet="region", value=region.slug).exists()
    assert_index_is_exact()


def test_a_search_holding_most_sheets_is_counted_from_the_counters(client, db):
    """Counters minus the few sheets left out give the same counts as counting the results."""
    for _ in range(4):
        complete_case(summary="Une coopération exemplaire entre voisins.")
    complete_case(summary="Un autre sujet.")
    complete_case(draft=True, summary="Une coopération exemplaire en brouillon.")
    params = {"q": "exemplaire"}
    with CaptureQueriesContext(connection) as context:
        response = client.get(LIST, params)
    assert response.context["paginator"].count == 4
    assert any("casestudies_facetcount" in q["sql"] for q in context.captured_queries)
    for group in response.context["facets"]:
        for value in group.values:
            shown = client.get(LIST, {**params, group.name: value.value})
            assert value.count == shown.context["paginator"].count, (group.name, value.value)


def test_renaming_a_region_renames_the_facet_value_of_the_sheets_placed_in_it(client, db, region):
    occitanie, gers = region
    case = complete_case()
    case.participations.filter(territory__isnull=False).first().territory.departements.add(gers)
    occitanie.slug = "occitanie-renommee"
    occitanie.save()
    gers.insee_code = "32"
    gers.save()
    assert FacetEntry.objects.filter(case=case, facet="region", value="occitanie-renommee").exists()
    assert_index_is_exact()
    listed = client.get(LIST, {"region": "occitanie-renommee"}).context["paginator"].count
    assert listed == 1


def test_clearing_moving_and_deleting_keep_the_index_exact(db, region):
    """Paths without a per-row signal: clearing a relation from the other side, a line moved
    to another sheet, a département deleted with what is placed in it."""
    occitanie, gers = region
    theme = ThemeFactory()
    first, second = complete_case(), complete_case()
    first.themes.add(theme)
    party = first.participations.filter(territory__isnull=False).first()
    party.territory.departements.add(gers)
    assert_index_is_exact()
    theme.cases.clear()
    assert_index_is_exact()
    occitanie.territories_in_region.clear()
    assert not FacetEntry.objects.filter(facet="region", value="occitanie", case=first).exists()
    assert_index_is_exact()
    party.case = second
    party.save()
    assert_index_is_exact()
    gers.delete()
    assert not FacetEntry.objects.filter(facet="departement", value="32").exists()
    assert_index_is_exact()


def test_a_failed_deletion_does_not_stop_the_sheet_being_indexed(db):
    """A deletion that fails half-way (after the pre_delete signals) leaves the sheet indexed
    and indexable, and a deletion through the cascade leaves no row behind."""
    from django.db import transaction
    from django.db.models.signals import pre_delete

    def refuse(sender, instance, **kwargs):
        raise RuntimeError("refusé")

    case = complete_case()
    pk = case.pk
    pre_delete.connect(refuse, sender=CaseStudy, dispatch_uid="test-refuse")
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            case.delete()
    finally:
        pre_delete.disconnect(dispatch_uid="test-refuse", sender=CaseStudy)
    case = CaseStudy.objects.get(pk=pk)
    case.themes.add(ThemeFactory(slug="ajoute-apres"))
    assert FacetEntry.objects.filter(case=case, facet="theme", value="ajoute-apres").exists()
    assert_index_is_exact()
    case.delete()
    assert not FacetEntry.objects.filter(case_id=pk).exists()
    assert not SimilarCase.objects.filter(Q(case_id=pk) | Q(other_id=pk)).exists()
    assert_index_is_exact()


def test_a_renamed_partner_is_renamed_in_the_similar_sheets(db):
    metropole = TerritoryFactory(name="Ancien nom", kind=TerritoryKind.METROPOLE)
    first, second = complete_case(), complete_case()
    for case in (first, second):
        ParticipationFactory(case=case, territory=metropole)
    assert similarity.similar_cases(first)[0].reasons[0] == "1 partenaire en commun : Ancien nom"
    metropole.name = "Nouveau nom"
    metropole.save()
    assert similarity.similar_cases(first)[0].reasons[0] == "1 partenaire en commun : Nouveau nom"
