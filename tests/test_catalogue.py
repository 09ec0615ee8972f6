"""The public catalogue /fiches/: filters, facets, search, sorting, bad input, query budgets."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casestudies import search
from casestudies.models import SearchWord
from tests.catalogue_fixtures import build_catalogue
from tests.factories import complete_case
from tests.pages import listed_cases

pytestmark = pytest.mark.django_db

LIST = reverse("casestudies:case-list")


@pytest.fixture
def catalogue(db):
    return build_catalogue()


def slugs(response):
    return {case.slug for case in response.context["paginator"].object_list}


def titles_in_order(response):
    return [title for _slug, title in listed_cases(response)]


class TestFilters:
    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"theme": "alimentation-et-agriculture"}, {"toulouse", "nantes"}),
            ({"instrument": "entente-intercommunale"}, {"brest"}),
            ({"territory_kind": "petr"}, {"toulouse", "nantes"}),
            ({"organisation_kind": "cluster"}, {"cluster"}),
            ({"region": "occitanie"}, {"toulouse"}),
            ({"region": "bretagne"}, {"brest"}),
            ({"departement": "29"}, {"brest"}),
            ({"departement": "32"}, {"toulouse"}),
            ({"coop_type": "urbain-rural"}, {"toulouse", "nantes"}),
            ({"status": "achevee"}, {"cluster"}),
            ({"source": "vademecum-anpp"}, {"cluster", "nantes"}),
            ({"year_min": "2012", "year_max": "2015"}, {"toulouse", "brest"}),
            ({"year_min": "2016"}, {"nantes"}),
        ],
    )
    def test_each_filter_alone(self, client, catalogue, params, expected):
        response = client.get(LIST, params)
        assert response.status_code == 200
        assert slugs(response) == {getattr(catalogue, name).slug for name in expected}

    def test_values_of_one_filter_combine_with_or(self, client, catalogue):
        response = client.get(LIST, {"theme": ["alimentation-et-agriculture", "mobilite"]})
        assert slugs(response) == {
            catalogue.toulouse.slug,
            catalogue.nantes.slug,
            catalogue.brest.slug,
        }

    def test_different_filters_combine_with_and(self, client, catalogue):
        response = client.get(LIST, {"theme": "alimentation-et-agriculture", "region": "occitanie"})
        assert slugs(response) == {catalogue.toulouse.slug}

    def test_a_root_theme_selects_its_sub_themes(self, client, catalogue):
        response = client.get(LIST, {"theme": "developpement-economique-et-emploi"})
        assert slugs(response) == {catalogue.cluster.slug}

    def test_drafts_are_absent_whatever_the_filter(self, client, catalogue):
        for params in [{}, {"theme": "alimentation-et-agriculture"}, {"q": "secret"}]:
            response = client.get(LIST, params)
            assert catalogue.draft.slug not in slugs(response)
            assert "Brouillon" not in response.text

    def test_the_url_reproduces_the_view(self, client, catalogue):
        response = client.get(LIST, {"theme": "alimentation-et-agriculture", "sort": "annee"})
        again = client.get(response.request["PATH_INFO"] + "?" + response.request["QUERY_STRING"])
        assert titles_in_order(again) == titles_in_order(response)


class TestFacetCounts:
    @pytest.mark.parametrize(
        "params",
        [
            {},
            {"theme": "alimentation-et-agriculture"},
            {"theme": "alimentation-et-agriculture", "region": "occitanie"},
            {"q": "réciprocité"},
            {"year_min": "2010", "instrument": "contrat-de-reciprocite"},
        ],
    )
    def test_every_count_equals_the_results_of_adding_that_value(self, client, catalogue, params):
        response = client.get(LIST, params)
        shown = 0
        for facet in response.context["facets"]:
            for item in facet.values:
                if item.selected:
                    continue
                selection = {key: [value] for key, value in params.items()}
                selection.setdefault(facet.name, []).append(item.value)
                added = client.get(LIST, selection)
                assert added.context["paginator"].count == item.count, (facet.name, item.value)
                shown += 1
        assert shown > 0

    def test_values_without_results_are_not_offered(self, client, catalogue):
        response = client.get(LIST, {"region": "bretagne"})
        themes = next(f for f in response.context["facets"] if f.name == "theme")
        assert "culture" not in {item.value for item in themes.values}
        assert all(item.count > 0 for facet in response.context["facets"] for item in facet.values)

    def test_selected_values_stay_checked(self, client, catalogue):
        response = client.get(LIST, {"theme": "mobilite"})
        assert 'value="mobilite" checked' in response.text


class TestSearch:
    def test_search_is_accent_and_case_insensitive(self, client, catalogue):
        for text in ["reciprocite", "RÉCIPROCITÉ", "réciprocité"]:
            response = client.get(LIST, {"q": text})
            assert slugs(response) == {catalogue.toulouse.slug, catalogue.nantes.slug}, text

    def test_search_matches_party_instrument_and_theme_names(self, client, catalogue):
        assert slugs(client.get(LIST, {"q": "Creuse"})) == {catalogue.cluster.slug}
        assert slugs(client.get(LIST, {"q": "Mobilité"})) == {catalogue.brest.slug}
        assert catalogue.brest.slug in slugs(client.get(LIST, {"q": "intercommunale"}))

    def test_a_title_match_ranks_before_a_body_match(self, client, catalogue):
        response = client.get(LIST, {"q": "réciprocité"})
        assert titles_in_order(response) == [catalogue.toulouse.title, catalogue.nantes.title]

    def test_the_matching_passage_is_highlighted(self, client, catalogue):
        response = client.get(LIST, {"q": "reciprocite"})
        assert "<mark>réciprocité</mark>" in response.text

    def test_search_index_follows_a_renamed_party(self, client, catalogue):
        retz = catalogue.territories.retz
        retz.name = "PETR de Machecoul"
        retz.save()
        assert slugs(client.get(LIST, {"q": "Machecoul"})) == {catalogue.nantes.slug}

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram search is PostgreSQL's")
    def test_a_misspelt_name_still_finds_the_sheet_on_postgresql(self, client, catalogue):
        assert catalogue.toulouse.slug in slugs(client.get(LIST, {"q": "Gascone"}))
        # Every word still counts: the misspelt one through its alternatives.
        assert slugs(client.get(LIST, {"q": "Gascone réciprocité"})) == {catalogue.toulouse.slug}
        assert slugs(client.get(LIST, {"q": "Gascone Machecoul"})) == set()

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram search is PostgreSQL's")
    def test_a_misspelt_word_keeps_the_search_syntax(self, client, catalogue):
        toulouse, nantes = catalogue.toulouse.slug, catalogue.nantes.slug
        assert slugs(client.get(LIST, {"q": "Gascone or Retz"})) == {toulouse, nantes}
        assert slugs(client.get(LIST, {"q": "Gascone -réciprocité"})) == set()
        assert slugs(client.get(LIST, {"q": 'Gascone "producteurs gersois"'})) == {toulouse}
        assert slugs(client.get(LIST, {"q": "Gascone 2019"})) == set()  # digits still count
        assert search.misspelling_candidates('Gascone -bordeaux "landes" a65 or') == {"gascone"}

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram search is PostgreSQL's")
    def test_only_words_found_in_no_sheet_get_alternatives(self, catalogue):
        alternatives = search.typo_alternatives("Gascone réciprocité")
        assert list(alternatives) == ["gascone"]
        assert alternatives["gascone"][0] == "gascogne"
        assert search.typo_alternatives("zzqxw") == {"zzqxw": []}

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="the vocabulary is PostgreSQL's")
    def test_the_vocabulary_follows_the_sheets(self, catalogue):
        retz = catalogue.territories.retz
        retz.name = "PETR de Machecoul"
        retz.save()
        assert SearchWord.objects.filter(word="machecoul").exists()

    def test_search_combines_with_filters(self, client, catalogue):
        response = client.get(LIST, {"q": "réciprocité", "region": "occitanie"})
        assert slugs(response) == {catalogue.toulouse.slug}


class TestSorting:
    def test_sort_by_year_puts_recent_starts_first(self, client, catalogue):
        response = client.get(LIST, {"sort": "annee"})
        assert titles_in_order(response)[0] == catalogue.nantes.title
        assert titles_in_order(response)[-1] == catalogue.cluster.title

    def test_sort_by_title(self, client, catalogue):
        titles = titles_in_order(client.get(LIST, {"sort": "titre"}))
        assert titles == sorted(titles)

    def test_relevance_is_only_offered_when_searching(self, client, catalogue):
        assert 'value="pertinence"' not in client.get(LIST).text
        assert 'value="pertinence" selected' in client.get(LIST, {"q": "contrat"}).text


class TestBadInput:
    def test_unknown_values_are_ignored_with_a_message(self, client, catalogue):
        response = client.get(LIST, {"theme": ["inconnue", "mobilite"], "instrument": "zzz"})
        assert response.status_code == 200
        assert slugs(response) == {catalogue.brest.slug}
        assert "Ignoré — Valeur inconnue pour « Thématique » : inconnue." in response.text
        assert "Ignoré — Valeur inconnue pour « Outil de coopération » : zzz." in response.text

    def test_absurd_year_is_ignored_with_a_message(self, client, catalogue):
        response = client.get(LIST, {"year_min": "-5", "year_max": "abc"})
        assert response.status_code == 200
        assert response.context["paginator"].count == 4
        assert "Ignoré — Valeur invalide pour « Début à partir de »" in response.text
        assert "Ignoré — Valeur invalide pour « Début jusqu&#x27;en »" in response.text

    def test_oversized_search_is_shortened_with_a_message(self, client, catalogue):
        response = client.get(LIST, {"q": "réciprocité " + "x" * 5000})
        assert response.status_code == 200
        assert "raccourcie à 200 caractères" in response.text

    def test_unknown_sort_is_ignored(self, client, catalogue):
        response = client.get(LIST, {"sort": "prix"})
        assert response.status_code == 200
        assert response.context["paginator"].count == 4

    @pytest.mark.parametrize("q", ["'", '"', "&|!", "a:b", "<script>", "%", "\\", "(", "-"])
    def test_punctuation_only_queries_never_fail(self, client, catalogue, q):
        assert client.get(LIST, {"q": q}).status_code == 200


class TestChipsAndPagination:
    def test_active_filters_are_removable_chips(self, client, catalogue):
        response = client.get(
            LIST, {"theme": "alimentation-et-agriculture", "region": "occitanie", "page": "1"}
        )
        chips = {chip.label: chip.remove_url for chip in response.context["chips"]}
        assert chips["Région : Occitanie"] == "?theme=alimentation-et-agriculture"
        assert chips["Thématique : Alimentation et agriculture"] == "?region=occitanie"

    def test_pagination_keeps_the_filters_and_marks_the_current_page(self, client, db):
        for _ in range(25):
            complete_case()
        response = client.get(LIST, {"theme": "", "sort": "titre", "page": "2"})
        assert 'aria-current="page">2<' in response.text
        assert "sort=titre&amp;page=1" in response.text


def list_queries(client, params):
    with CaptureQueriesContext(connection) as context:
        response = client.get(LIST, params)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_list_query_count_does_not_grow_with_the_number_of_sheets(client, db):
    params = {
        "q": "alimentation",
        "theme": "alimentation-et-agriculture",
        "territory_kind": "communaute-communes",
        "status": "",
    }
    for _ in range(5):
        complete_case(summary="Coopération sur l'alimentation.")
    small = list_queries(client, params)
    for _ in range(45):
        complete_case(summary="Coopération sur l'alimentation.")
    assert list_queries(client, params) == small
    assert small <= 30


def test_sheet_page_query_count_does_not_grow(client, db, django_assert_max_num_queries):
    case = complete_case()
    with CaptureQueriesContext(connection) as small:
        client.get(case.get_absolute_url())
    for _ in range(45):
        complete_case()
    for _ in range(10):
        from tests.factories import ParticipationFactory

        ParticipationFactory(case=case)
    with CaptureQueriesContext(connection) as large:
        response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries) <= 21


def test_similar_sheets_share_instruments_and_themes(client, catalogue):
    response = client.get(catalogue.toulouse.get_absolute_url())
    similar = list(response.context["similar"])
    assert similar[0] == catalogue.nantes  # same instrument, theme and kinds of party
    assert catalogue.draft not in similar
    assert similar[0].reasons == [
        "même outil : Contrat de réciprocité ville–campagne",
        "même thématique : Alimentation et agriculture",
    ]
    assert "même outil : Contrat de réciprocité ville–campagne" in response.text


def test_similar_sheets_put_shared_partners_first_and_name_them(client, catalogue):
    """A sheet sharing a partner outranks one sharing only an instrument and a theme."""
    from casestudies.models import Role
    from tests.factories import CaseStudyFactory, ParticipationFactory

    partner = CaseStudyFactory(title="Toulouse Métropole : une autre coopération")
    ParticipationFactory(case=partner, territory=catalogue.toulouse_metropole, role=Role.PORTEUR)
    similar = client.get(catalogue.toulouse.get_absolute_url()).context["similar"]
    assert similar[0] == partner
    assert similar[0].reasons[0] == "1 partenaire en commun : Toulouse Métropole"
    assert similar[1] == catalogue.nantes


def test_long_result_lists_show_a_short_pagination(client, db, monkeypatch):
    from casestudies.views.cases import CaseListView

    monkeypatch.setattr(CaseListView, "paginate_by", 1)
    for _ in range(12):
        complete_case()
    response = client.get(LIST, {"page": "6"})
    pages = [str(item) for item in response.context["page_range"]]
    assert pages == ["1", "…", "4", "5", "6", "7", "8", "…", "12"]
    assert response.text.count('href="?page=') < 12
