"""Search on both engines: full-text ranking, accents, prefixes (SQLite), synonyms and acronyms,
compounds, hostile syntax, « Vouliez-vous dire … », the synonym list in the administration,
the index kept current, and the list's query budget.

The sheets below say what each search must find by construction: a sheet that only says « PAT »,
one that only says « projet alimentaire territorial », one about « patrimoine » that no search
for « PAT » may find, three ways of saying « ville-campagne » and one that does not.
"""

import importlib
import io
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from casestudies import search, search_index
from casestudies.models import CaseStudy, FacetEntry, SearchSynonym, SimilarCase
from tests.factories import CaseStudyFactory, complete_case
from tests.pages import listed_cases

pytestmark = pytest.mark.django_db

LIST = reverse("casestudies:case-list")
SQLITE_ONLY = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's FTS5 matches prefixes; PostgreSQL matches French stems instead",
)
FTS5_ONLY = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite's FTS5 index is a table of its own; PostgreSQL's vector is a column",
)
MIGRATION = importlib.import_module("casestudies.migrations.0013_search_synonyms_fts")

HOSTILE = [
    '"',
    '""',
    '"""',
    "*",
    "coop*",
    "* coop",
    "NEAR(",
    'NEAR("ville" "campagne", 2)',
    "AND OR NOT",
    "NOT",
    "patrimoine NOT",
    "OR",
    "or or or",
    "^",
    "^coop",
    ":",
    "title:pat",
    "middle : pat",
    "{title sections}: pat",
    "(",
    ")",
    "((coop)",
    "coop))",
    "a + b",
    "+",
    "\x00",
    "pat\x00rimoine",
    "-",
    "- -",
    "--coop",
    '-"',
    "'",
    "l'",
    "' OR 1=1 --",
    "\\",
    "%",
    "_",
    "$",
    "é" * 300,
    "\u0301",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🌍",
    "ﬁ ß œ",
    "coop" + "*" * 100,
    " ".join(["pat"] * 100),
    " ".join(["-x"] * 100),
]


def sheet(title, summary, **fields):
    return CaseStudyFactory(title=title, summary=summary, **fields)


@pytest.fixture
def sheets(db):
    return SimpleNamespace(
        pat_acronym=sheet(
            "Le PAT du Grand Clermont", "Le PAT relie les producteurs et les écoles du territoire."
        ),
        pat_words=sheet(
            "Cantines du pays de Retz",
            "Un projet alimentaire territorial approvisionne les cantines.",
        ),
        heritage=sheet(
            "Patrimoine bâti de la vallée", "Les communes restaurent ensemble leur patrimoine."
        ),
        coop=sheet("Coopération intercommunale des syndicats", "Deux syndicats mutualisent."),
        water_title=sheet("Gestion de l'eau entre deux vallées", "Un syndicat mixte gère tout."),
        water_body=sheet(
            "Syndicat mixte du bassin",
            "Un syndicat mixte gère tout.",
            history="L'eau potable est partagée depuis 2010.",
        ),
        city_hyphen=sheet(
            "Alliance de Brest et du Léon", "Un contrat ville-campagne relie la métropole au pays."
        ),
        urban_rural=sheet(
            "Nantes et le pays voisin", "Une coopération urbain-rural autour des marchés."
        ),
        city_spaced=sheet("Pacte de Rennes", "Le dialogue ville campagne structure le pacte."),
        city_apart=sheet("Vallée de la Loire", "La ville et la campagne partagent une rivière."),
        gascogne=sheet(
            "PETR Portes de Gascogne",
            "Le pôle d'équilibre territorial et rural fédère cinq intercommunalités.",
        ),
        draft=sheet("Brouillon du Ségala", "Une fiche en cours.", draft=True),
    )


def found(text, queryset=None):
    queryset = CaseStudy.objects.published() if queryset is None else queryset
    return set(search.search(queryset, text).values_list("slug", flat=True))


def slugs(*cases):
    return {case.slug for case in cases}


class TestFullText:
    def test_a_title_match_ranks_before_a_body_match(self, client, sheets):
        response = client.get(LIST, {"q": "eau"})
        assert [slug for slug, _title in listed_cases(response)] == [
            sheets.water_title.slug,
            sheets.water_body.slug,
        ]

    def test_accents_and_case_do_not_matter(self, sheets):
        expected = slugs(sheets.coop, sheets.urban_rural)
        for text in ["cooperation", "COOPÉRATION", "coopération", "Coopèration"]:
            assert found(text) == expected, text

    @SQLITE_ONLY
    def test_a_word_of_four_letters_or_more_matches_longer_words(self, sheets):
        assert found("coop") == slugs(sheets.coop, sheets.urban_rural)
        assert found("patr") == slugs(sheets.heritage)
        # Shorter: matched exactly (« pay » is no « pays »).
        assert found("pay") == set()

    def test_an_acronym_never_matches_a_longer_word(self, sheets):
        for text in ["PAT", "pat", '"PAT"']:
            result = found(text)
            assert sheets.heritage.slug not in result, text
            assert sheets.city_spaced.slug not in result, text  # « Pacte »

    def test_an_acronym_finds_the_sheets_that_spell_it_out(self, sheets):
        food = slugs(sheets.pat_acronym, sheets.pat_words)
        assert found("PAT") == food
        assert found("projet alimentaire territorial") == food
        assert found('"Projet alimentaire territorial"') == food
        assert found("PETR") == slugs(sheets.gascogne)
        assert found("pôle d'équilibre territorial et rural") == slugs(sheets.gascogne)

    def test_a_synonym_combines_with_the_other_words(self, sheets):
        assert found("PAT écoles") == slugs(sheets.pat_acronym)
        assert found("cantines projet alimentaire territorial") == slugs(sheets.pat_words)
        assert found("PAT -cantines") == slugs(sheets.pat_acronym)
        assert found("-PAT syndicat") == slugs(sheets.water_title, sheets.water_body, sheets.coop)

    def test_a_compound_is_the_same_as_its_words_side_by_side(self, sheets):
        expected = slugs(sheets.city_hyphen, sheets.urban_rural, sheets.city_spaced)
        for text in ["ville-campagne", "ville campagne", "Ville-Campagne", "urbain-rural"]:
            assert found(text) == expected, text
        # A hyphen between two letters excludes nothing.
        assert sheets.city_spaced.slug in found("ville-campagne")

    def test_phrases_exclusions_and_or_keep_their_meaning(self, sheets):
        assert found('"syndicat mixte"') == slugs(sheets.water_title, sheets.water_body)
        assert found('"mixte syndicat"') == set()
        assert found("syndicat -eau") == slugs(sheets.coop)
        assert found("patrimoine or Gascogne") == slugs(sheets.heritage, sheets.gascogne)
        published = set(CaseStudy.objects.published().values_list("slug", flat=True))
        assert found("-patrimoine") == published - slugs(sheets.heritage)

    def test_the_passage_highlights_synonyms_and_never_a_longer_word(self, client, sheets):
        response = client.get(LIST, {"q": "PAT"})
        assert "<mark>projet alimentaire territorial</mark>" in response.text
        assert "<mark>PAT</mark>" in response.text
        assert "<mark>patrimoine" not in response.text.lower()


class TestHostileSyntax:
    @pytest.mark.parametrize("text", HOSTILE)
    def test_search_syntax_never_fails(self, client, sheets, text):
        assert client.get(LIST, {"q": text}).status_code == 200
        # The API refuses what the list shortens or ignores (a NUL, a search too long).
        api = client.get(reverse("casestudies:api-case-list"), {"q": text})
        assert api.status_code in {200, 400}
        published = CaseStudy.objects.published()
        assert sheets.draft.slug not in found(text)
        search.suggestion(text, published)

    def test_generated_text_never_fails(self, sheets):
        published = CaseStudy.objects.published()

        @given(text=st.text(max_size=200))
        @hypothesis_settings(
            max_examples=60,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(text):
            cases = list(search.search(published, text).order_by("-rank", "pk")[:5])
            for case in cases:
                search.highlight(case, text)
            search.suggestion(text, published)

        run()

    def test_syntax_characters_are_ignored_not_interpreted(self, sheets):
        assert found("title:PAT") == found("title PAT") == set()
        assert found("(PAT)") == found("PAT")
        assert found("NEAR(patrimoine") == found("near patrimoine") == set()


class TestSuggestion:
    def test_a_word_found_nowhere_gets_the_closest_word_of_the_catalogue(self, client, sheets):
        response = client.get(LIST, {"q": "Gascone"})
        assert response.context["suggestion"] == "gascogne"
        # The other words stay as typed; a known acronym is never « corrected ».
        response = client.get(LIST, {"q": "PETR Gascone"})
        assert response.context["suggestion"] == "PETR gascogne"

    def test_no_suggestion_when_every_word_is_known(self, client, sheets):
        for text in ["Gascogne", "PAT", "CPIER", "syndicat mixte"]:
            assert client.get(LIST, {"q": text}).context["suggestion"] == "", text

    def test_a_word_only_drafts_hold_is_never_proposed(self, client, sheets):
        assert client.get(LIST, {"q": "Segalla"}).context["suggestion"] == ""

    def test_the_partial_links_to_the_corrected_search(self):
        html = render_to_string(
            "partials/_search_suggestion.html", {"suggestion": "gascogne réciprocité"}
        )
        assert "Vouliez-vous dire :" in html
        assert 'href="/fiches/?q=gascogne%20r%C3%A9ciprocit%C3%A9"' in html
        assert ">gascogne réciprocité</a>" in html
        assert (
            render_to_string("partials/_search_suggestion.html", {"suggestion": ""}).strip() == ""
        )


class TestSynonymList:
    def test_the_migration_seeds_the_vocabulary_of_the_field(self, db):
        known = search.synonyms()
        for acronym in ["PAT", "PETR", "SCoT", "EPCI", "PNR", "CRTE", "CTE", "PTCE", "GAL"]:
            assert known.group_of((acronym.lower(),)), acronym
        for acronym in ["LEADER", "CLS", "CPER", "CPIER", "SPL", "GIP", "SCIC", "GTEC", "ESS"]:
            assert known.group_of((acronym.lower(),)), acronym
        assert ("groupe", "d", "action", "locale") in known.group_of(("leader",))
        assert ("urbain", "rural") in known.group_of(("ville", "campagne"))

    def test_staff_edit_the_list_and_the_next_search_uses_it(self, client, staff_client, sheets):
        third_place = sheet("Un tiers-lieu à Guéret", "Un atelier partagé ouvre en 2021.")
        assert client.get(LIST, {"q": "fablab"}).context["paginator"].count == 0
        changelist = staff_client.get(reverse("admin:casestudies_searchsynonym_changelist"))
        assert changelist.status_code == 200
        assert "PAT — projet alimentaire territorial" in changelist.text
        assert staff_client.get(reverse("admin:casestudies_searchsynonym_add")).status_code == 200
        response = staff_client.post(
            reverse("admin:casestudies_searchsynonym_add"),
            {"label": "Tiers-lieu — fablab", "expressions": "tiers-lieu\nfablab\n"},
        )
        assert response.status_code == 302
        group = SearchSynonym.objects.get(label="Tiers-lieu — fablab")
        change = staff_client.get(
            reverse("admin:casestudies_searchsynonym_change", args=[group.pk])
        )
        assert change.status_code == 200
        # The cached list page is not served again: editing the list renews the catalogue.
        response = client.get(LIST, {"q": "fablab"})
        assert [slug for slug, _title in listed_cases(response)] == [third_place.slug]

    @pytest.mark.parametrize(
        ("expressions", "message"),
        [
            ("fablab", "au moins deux expressions différentes"),
            ("fablab\nFabLab", "au moins deux expressions différentes"),
            ("fablab\n!!!", "ne convient pas"),
            ("fablab\nPAT", "figure déjà dans le groupe « PAT — projet alimentaire territorial »"),
        ],
    )
    def test_a_group_that_cannot_work_is_refused_with_a_reason(
        self, staff_client, expressions, message
    ):
        count = SearchSynonym.objects.count()
        response = staff_client.post(
            reverse("admin:casestudies_searchsynonym_add"),
            {"label": "Essai", "expressions": expressions},
        )
        assert response.status_code == 200
        assert message in response.content.decode()
        assert SearchSynonym.objects.count() == count

    def test_the_editorial_groups_keep_the_list_current(self, db):
        def codenames(name):
            group = Group.objects.get(name=name)
            return set(
                group.permissions.filter(codename__endswith="searchsynonym").values_list(
                    "codename", flat=True
                )
            )

        assert codenames("Rédacteur") == {
            "add_searchsynonym",
            "change_searchsynonym",
            "view_searchsynonym",
        }
        assert codenames("Éditeur") == codenames("Rédacteur") | {"delete_searchsynonym"}

    def test_words_of_the_list_are_never_taken_for_typos(self, db):
        assert search.misspelling_candidates("CPIER Gascone leader") == {"gascone"}


class TestIndexKeptCurrent:
    def test_the_migration_rebuilds_the_index_from_the_sheets(self, sheets):
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {search.FTS_TABLE}")
        else:
            CaseStudy.objects.update(search_vector=None)
        assert found("PAT") == set()
        MIGRATION.index_sheets(apps, SimpleNamespace(connection=connection))
        assert found("PAT") == slugs(sheets.pat_acronym, sheets.pat_words)
        assert found("ville-campagne") == slugs(
            sheets.city_hyphen, sheets.urban_rural, sheets.city_spaced
        )

    def test_the_index_follows_edits_and_deletions(self, sheets):
        sheets.heritage.summary = "Les communes restaurent ensemble leurs moulins."
        sheets.heritage.save()
        assert found("moulins") == slugs(sheets.heritage)
        pk = sheets.heritage.pk
        sheets.heritage.delete()
        assert found("moulins") == set()
        if connection.vendor == "sqlite":
            assert index_rows(pk) == 0

    @FTS5_ONLY
    def test_loaddata_indexes_the_loaded_sheets_once_committed(
        self, sheets, tmp_path, django_capture_on_commit_callbacks
    ):
        case = complete_case(title="Coopération laitière du Ségala")
        dump = io.StringIO()
        call_command("dumpdata", "casestudies", format="json", stdout=dump)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {search.FTS_TABLE}")
        path = tmp_path / "catalogue.json"
        path.write_text(dump.getvalue(), encoding="utf-8")
        with django_capture_on_commit_callbacks(execute=True):
            call_command("loaddata", str(path), verbosity=0)
        assert found("laitière") == {case.slug}
        assert found("PAT") == slugs(sheets.pat_acronym, sheets.pat_words)
        party = case.participations.first().party.name
        assert case.slug in found(f'"{party}"')

    @FTS5_ONLY
    def test_a_flush_leaves_no_row_of_its_sheets_in_the_index(self, sheets):
        pk = sheets.heritage.pk
        # As flush, which empties every table without signal (here, the sheet and its rows).
        for rows in (
            FacetEntry.objects.filter(case_id=pk),
            SimilarCase.objects.filter(Q(case_id=pk) | Q(other_id=pk)),
            CaseStudy.objects.filter(pk=pk),
        ):
            rows._raw_delete(connection.alias)
        assert index_rows(pk) == 1
        search_index.forget_deleted_sheets(connection)
        assert index_rows(pk) == 0


def index_rows(pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {search.FTS_TABLE} WHERE rowid = %s", [pk])
        return cursor.fetchone()[0]


def list_queries(client, params):
    with CaptureQueriesContext(connection) as context:
        response = client.get(LIST, params)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_a_search_costs_a_fixed_number_of_queries(client, db):
    """A search adds the same few queries to the list (the generation and the synonym list,
    the check of its words, on PostgreSQL the lexemes of a synonym or a correction, the counts
    of its results besides the counters), whatever the number of sheets and of matches."""
    params = {"sort": "titre"}
    searched = {**params, "q": "PAT coopération"}
    for _ in range(5):
        complete_case(summary="Coopération autour du PAT.")
    small = (list_queries(client, params), list_queries(client, searched))
    for _ in range(45):
        complete_case(summary="Coopération autour du PAT.")
    large = (list_queries(client, params), list_queries(client, searched))
    assert small == large
    plain, with_search = large
    assert plain <= with_search <= plain + (5 if connection.vendor == "postgresql" else 4)
