"""Open data: exports, the read-only API and its schema, feeds, sitemap, metadata."""

import csv
import io
import json
import re
import tracemalloc
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openapi_spec_validator import validate

from casestudies.models import CaseStudy, Participation, Role, Territory
from tests.catalogue_fixtures import build_catalogue
from tests.factories import CaseStudyFactory, TerritoryFactory
from tests.pages import listed_cases

pytestmark = pytest.mark.django_db

LIST = reverse("casestudies:case-list")
CSV_EXPORT = reverse("casestudies:case-export-csv")
JSON_EXPORT = reverse("casestudies:case-export-json")
API_CASES = "/api/fiches/"
ATOM = "{http://www.w3.org/2005/Atom}"

SELECTIONS = [
    {},
    {"theme": "alimentation-et-agriculture"},
    {"theme": ["alimentation-et-agriculture", "mobilite"], "region": "bretagne"},
    {"q": "réciprocité", "year_min": "2014"},
    {"instrument": "ptce", "status": "achevee"},
    {"sort": "annee", "territory_kind": "petr"},
]


@pytest.fixture
def catalogue(db):
    return build_catalogue()


def page_slugs(client, params):
    response = client.get(LIST, {**params, "page": 1})
    return [slug for slug, _title in listed_cases(response)]


def read_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def read_json(response):
    return json.loads(b"".join(response.streaming_content).decode("utf-8"))


class TestExports:
    @pytest.mark.parametrize("params", SELECTIONS)
    def test_export_rows_equal_the_page_results(self, client, catalogue, params):
        expected = page_slugs(client, params)
        csv_rows = read_csv(client.get(CSV_EXPORT, params))
        assert [row["slug"] for row in csv_rows] == expected
        data = read_json(client.get(JSON_EXPORT, params))
        assert data["count"] == len(expected)
        assert [item["slug"] for item in data["results"]] == expected

    def test_csv_parses_back_with_accents_and_readable_columns(self, client, catalogue):
        response = client.get(CSV_EXPORT, {"q": "Gascogne"})
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        (row,) = read_csv(response)
        assert row["titre"] == catalogue.toulouse.title
        assert "Toulouse Métropole (Métropole, Porteur)" in row["parties_prenantes"]
        assert row["thematiques"] == "Alimentation et agriculture"
        assert row["annee_debut"] == "2015"
        assert row["url"].endswith(catalogue.toulouse.get_absolute_url())
        assert "Étude ANCT, l. 1–10" in row["sources"]

    def test_csv_lists_every_relation_of_a_sheet_in_order(self, client, db):
        """The lines are built by the database: each list keeps the order of the sheet page."""
        from casestudies.models import CooperationType, InstrumentUse
        from tests.factories import (
            CitationFactory,
            InstrumentFactory,
            OrganisationFactory,
            ParticipationFactory,
            SourceDocumentFactory,
            ThemeFactory,
        )

        case = CaseStudyFactory(title="Ligne complète", cooperation_status="active")
        ParticipationFactory(
            case=case, territory=TerritoryFactory(name="PETR d'essai", kind="petr"), position=2
        )
        ParticipationFactory(
            case=case,
            territory=None,
            organisation=OrganisationFactory(
                name="Chambre d'essai", acronym="CE", kind="chambre-agriculture"
            ),
            role=Role.PORTEUR,
            position=1,
        )
        InstrumentUse.objects.create(
            case=case, instrument=InstrumentFactory(name="Outil A"), signature_year=2019
        )
        InstrumentUse.objects.create(case=case, instrument=InstrumentFactory(name="Outil B"))
        case.themes.add(
            ThemeFactory(name="Zèbre", position=1), ThemeFactory(name="Abeille", position=2)
        )
        case.cooperation_types.add(CooperationType.objects.order_by("position").first())
        source = SourceDocumentFactory(title="Rapport d'essai", reference="Z1")
        CitationFactory(case=case, source=source, line_start=40, line_end=42)
        CitationFactory(case=case, source=source, line_start=3, line_end=9)
        (row,) = read_csv(client.get(CSV_EXPORT, {"q": "Ligne complète"}))
        assert row["parties_prenantes"] == (
            "Chambre d'essai (CE) (Chambre d'agriculture, Porteur); PETR d'essai (PETR (pôle "
            "d'équilibre territorial et rural), Partenaire)"
        )
        assert row["outils"] == "Outil A (2019); Outil B"
        assert row["thematiques"] == "Zèbre; Abeille"
        assert row["types_de_cooperation"] == CooperationType.objects.order_by("position")[0].name
        assert row["sources"] == "Rapport d'essai, l. 3–9; Rapport d'essai, l. 40–42"
        assert row["etat"] == "Active"

    def test_json_export_rows_are_the_api_representation(self, client, catalogue):
        """The export builds its rows without DRF; they stay exactly the API's."""
        from casestudies.models import Organisation

        participation = Participation.objects.filter(organisation__isnull=False).first()
        Organisation.objects.filter(pk=participation.organisation_id).update(siren="130000000")
        exported = json.loads(b"".join(client.get(JSON_EXPORT).streaming_content))["results"]
        api = client.get(API_CASES, {"page_size": 100}).json()["results"]
        assert exported == api
        assert any(party["official_code"] == "130000000" for r in api for party in r["parties"])

    def test_drafts_are_absent_from_exports(self, client, catalogue):
        assert catalogue.draft.slug not in {r["slug"] for r in read_csv(client.get(CSV_EXPORT))}
        assert catalogue.draft.slug not in str(read_json(client.get(JSON_EXPORT)))

    def test_the_list_page_links_to_the_exports_of_its_selection(self, client, catalogue):
        response = client.get(LIST, {"theme": "mobilite"})
        assert f'href="{CSV_EXPORT}?theme=mobilite&amp;sep=semicolon"' in response.text
        assert f'href="{JSON_EXPORT}?theme=mobilite"' in response.text


def make_sheets(count, start=0):
    territory = Territory.objects.first() or TerritoryFactory()
    now = timezone.now()
    cases = CaseStudy.objects.bulk_create(
        CaseStudy(
            title=f"Coopération générée n° {start + n}",
            slug=f"cooperation-generee-{start + n}",
            summary="Une coopération générée pour mesurer la mémoire de l'export.",
            publication_status="publie",
            published_at=now,
        )
        for n in range(count)
    )
    Participation.objects.bulk_create(
        Participation(case=case, territory=territory, role=Role.PORTEUR) for case in cases
    )


def test_csv_export_reads_each_chunk_in_a_fixed_number_of_queries(client, db):
    from casestudies.exports import CHUNK_SIZE

    def export_queries():
        with CaptureQueriesContext(connection) as context:
            read_csv(client.get(CSV_EXPORT))
        return len(context.captured_queries)

    make_sheets(5)
    one_chunk = export_queries()
    make_sheets(CHUNK_SIZE - 5, start=5)  # still one chunk, 40 times the rows
    assert export_queries() == one_chunk
    make_sheets(1, start=CHUNK_SIZE)  # a second chunk: its sheets and their relations
    assert export_queries() <= one_chunk + 6


def peak_memory_of_export(client):
    tracemalloc.start()
    response = client.get(CSV_EXPORT)
    lines = 0
    for chunk in response.streaming_content:
        lines += chunk.count(b"\n")
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, lines


def test_exporting_5000_sheets_keeps_memory_flat(client, db):
    # Past the first chunks, memory plateaus: rows are streamed and their objects released.
    # 2,000 rows already reach the plateau, so 5,000 rows must not need more.
    make_sheets(2000)
    small_peak, small_lines = peak_memory_of_export(client)
    make_sheets(3000, start=2000)
    large_peak, large_lines = peak_memory_of_export(client)
    assert (small_lines, large_lines) == (2001, 5001)
    assert large_peak < 1.3 * small_peak + 1_000_000, (small_peak, large_peak)
    assert large_peak < 25_000_000


class TestApi:
    @pytest.mark.parametrize("params", SELECTIONS)
    def test_api_filters_equal_the_html_filters(self, client, catalogue, params):
        response = client.get(API_CASES, {**params, "page_size": 100})
        assert response.status_code == 200
        assert [item["slug"] for item in response.json()["results"]] == page_slugs(client, params)
        assert response.json()["count"] == len(page_slugs(client, params))

    def test_pagination_has_next_previous_and_count(self, client, catalogue):
        first = client.get(API_CASES, {"page_size": 3}).json()
        assert first["count"] == 4 and first["previous"] is None
        assert "page=2" in first["next"]
        second = client.get(first["next"]).json()
        assert second["next"] is None and second["previous"]
        assert len(first["results"]) + len(second["results"]) == 4

    def test_detail_by_slug_with_sections_and_lessons(self, client, catalogue):
        data = client.get(f"{API_CASES}{catalogue.brest.slug}/").json()
        assert data["title"] == catalogue.brest.title
        assert set(data["sections"]) >= {"history", "governance", "means"}
        assert data["lessons"][0]["category"] == "confiance-et-interconnaissance"
        assert data["parties"][0]["role"] == "porteur"

    @pytest.mark.parametrize(
        "params",
        [{"theme": "inconnue"}, {"year_min": "-5"}, {"page": "abc"}, {"page_size": "x"},
         {"q": "x" * 500}, {"departement": "999"}],
    )  # fmt: skip
    def test_bad_parameters_give_a_400_with_a_json_error(self, client, catalogue, params):
        response = client.get(API_CASES, params)
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        assert response.json()["erreurs"]

    def test_a_page_beyond_the_last_is_a_404(self, client, catalogue):
        response = client.get(API_CASES, {"page": 9})
        assert response.status_code == 404
        assert "n'existe pas" in response.json()["detail"]

    def test_drafts_are_absent_from_the_api(self, client, catalogue):
        slugs = [
            item["slug"] for item in client.get(API_CASES, {"page_size": 100}).json()["results"]
        ]
        assert catalogue.draft.slug not in slugs
        assert client.get(f"{API_CASES}{catalogue.draft.slug}/").status_code == 404

    def test_other_endpoints_list_and_show_by_slug(self, client, catalogue):
        for endpoint, slug in [
            ("/api/territoires/", catalogue.toulouse_metropole.slug),
            ("/api/outils/", "contrat-de-reciprocite"),
            ("/api/thematiques/", "mobilite"),
            ("/api/sources/", "etude-anct"),
        ]:
            listing = client.get(endpoint)
            assert listing.status_code == 200 and listing.json()["count"] >= 1
            detail = client.get(f"{endpoint}{slug}/")
            assert detail.status_code == 200 and detail.json()["slug"] == slug
        food = client.get("/api/thematiques/alimentation-et-agriculture/").json()
        assert food["case_count"] == 2  # drafts are not counted

    def test_cors_is_open_for_get_on_the_api_only(self, client, catalogue):
        api = client.get(API_CASES, HTTP_ORIGIN="https://exemple.org")
        assert api["Access-Control-Allow-Origin"] == "*"
        page = client.get(LIST, HTTP_ORIGIN="https://exemple.org")
        assert "Access-Control-Allow-Origin" not in page
        preflight = client.options(
            API_CASES, HTTP_ORIGIN="https://exemple.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
        )
        assert "POST" not in preflight.get("Access-Control-Allow-Methods", "")

    def test_the_api_is_read_only(self, client, catalogue):
        assert client.post(API_CASES, {}, content_type="application/json").status_code == 405
        assert client.delete(f"{API_CASES}{catalogue.brest.slug}/").status_code == 405

    def test_anonymous_clients_are_throttled(self, client, catalogue, settings):
        settings.API_ANON_RATE = "3/minute"
        cache.clear()
        codes = [client.get("/api/outils/").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        cache.clear()


class TestSchema:
    def test_the_openapi_schema_validates(self, client, catalogue):
        response = client.get("/api/schema/", {"format": "json"})
        assert response.status_code == 200
        schema = json.loads(response.content)
        validate(schema)
        assert schema["openapi"].startswith("3.")
        parameters = {p["name"] for p in schema["paths"]["/api/fiches/"]["get"]["parameters"]}
        assert {
            "q",
            "theme",
            "instrument",
            "region",
            "departement",
            "year_min",
            "sort",
            "page",
        } <= parameters

    def test_the_documentation_page_lists_the_endpoints(self, client, catalogue):
        response = client.get("/api/")
        assert response.status_code == 200
        for path in ["/api/fiches/", "/api/fiches/{slug}/", "/api/territoires/", "/api/sources/"]:
            assert f"GET {path}" in response.text
        assert "<script" not in response.text


class TestFeedsAndMetadata:
    def test_atom_feed_lists_published_sheets_newest_first(self, client, catalogue):
        response = client.get(reverse("casestudies:case-feed"))
        assert response["Content-Type"].startswith("application/atom+xml")
        root = ET.fromstring(response.content)
        titles = [entry.find(f"{ATOM}title").text for entry in root.iter(f"{ATOM}entry")]
        assert len(titles) == 4 and catalogue.draft.title not in titles
        assert all(entry.find(f"{ATOM}updated") is not None for entry in root.iter(f"{ATOM}entry"))

    def test_theme_and_instrument_feeds_are_scoped(self, client, catalogue):
        theme = client.get(reverse("casestudies:theme-feed", args=["alimentation-et-agriculture"]))
        titles = {
            e.find(f"{ATOM}title").text for e in ET.fromstring(theme.content).iter(f"{ATOM}entry")
        }
        assert titles == {catalogue.toulouse.title, catalogue.nantes.title}
        instrument = client.get(
            reverse("casestudies:instrument-feed", args=["entente-intercommunale"])
        )
        assert (
            catalogue.brest.title in instrument.text
            and catalogue.toulouse.title not in instrument.text
        )
        assert client.get("/thematiques/inconnue/flux/").status_code == 404

    def test_sitemap_and_robots(self, client, catalogue):
        sitemap = client.get("/sitemap.xml")
        assert sitemap.status_code == 200
        assert catalogue.brest.get_absolute_url() in sitemap.text
        assert catalogue.draft.get_absolute_url() not in sitemap.text
        robots = client.get("/robots.txt")
        assert robots["Content-Type"].startswith("text/plain")
        assert "Sitemap: http://testserver/sitemap.xml" in robots.text

    def test_sheet_pages_carry_json_ld_and_open_graph(self, client, catalogue):
        text = client.get(catalogue.toulouse.get_absolute_url()).text
        block = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
        data = json.loads(block.group(1))
        assert data["@type"] == "Article" and data["headline"] == catalogue.toulouse.title
        assert {"@type": "GovernmentOrganization", "name": "Toulouse Métropole"}.items() <= (
            data["mentions"][0].items()
        )
        assert '<meta property="og:type" content="article">' in text
        assert f'<meta property="og:title" content="{catalogue.toulouse.title}">' in text

    def test_json_ld_cannot_close_its_script(self, client, db):
        case = CaseStudyFactory(title="</script><script>alert(1)</script>")
        text = client.get(case.get_absolute_url()).text
        assert "</script><script>alert(1)" not in text
