"""Open data as tables: the Frictionless data package of /donnees/, its CSV files, the XLSX
workbook and the semicolon CSV of /fiches/export.csv."""

import csv
import io
import json

import openpyxl
import pandas
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from frictionless import Package

from casestudies import opendata
from casestudies.models import (
    CaseStudy,
    Citation,
    InstrumentUse,
    Lesson,
    Organisation,
    Participation,
    SourceDocument,
    Territory,
    TerritoryKind,
)
from tests.catalogue_fixtures import build_catalogue
from tests.factories import CaseStudyFactory, ParticipationFactory, TerritoryFactory

pytestmark = pytest.mark.django_db

DATA = reverse("casestudies:data")
PACKAGE = reverse("casestudies:data-package")
XLSX = reverse("casestudies:case-export-xlsx")
CSV_EXPORT = reverse("casestudies:case-export-csv")
TABLES = [
    "fiches", "parties", "outils", "thematiques", "types_de_cooperation", "enseignements",
    "territoires", "organisations", "sources", "citations",
]  # fmt: skip


def table_url(name):
    return reverse("casestudies:data-table", args=[name])


@pytest.fixture
def catalogue(db):
    catalogue = build_catalogue()
    # A territory only a draft names: it must appear nowhere.
    secret = TerritoryFactory(name="Communauté secrète", kind=TerritoryKind.COMMUNAUTE_COMMUNES)
    ParticipationFactory(case=catalogue.draft, territory=secret)
    return catalogue


def read_table(client, name, params=None):
    response = client.get(table_url(name), params or {})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert not text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def downloaded_package(client, tmp_path, params=None):
    """The package as a user downloads it: the descriptor and each table's CSV, saved side by
    side (each resource's address becomes the file's name)."""
    descriptor = client.get(PACKAGE, params or {}).json()
    for resource in descriptor["resources"]:
        response = client.get(resource["path"].removeprefix("http://testserver"))
        (tmp_path / f"{resource['name']}.csv").write_bytes(b"".join(response.streaming_content))
        resource["path"] = f"{resource['name']}.csv"
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return Package(str(tmp_path / "datapackage.json"))


class TestDataPackage:
    def test_the_package_validates_with_frictionless(self, client, catalogue, tmp_path):
        # The real library reads the descriptor and every table, checks types, constraints,
        # enumerations, primary keys and the foreign keys between tables.
        package = downloaded_package(client, tmp_path)
        report = package.validate()
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
        assert [resource.name for resource in package.resources] == TABLES
        assert len(package.get_resource("fiches").read_rows()) == 4

    def test_a_filtered_package_validates_and_holds_only_the_selection(
        self, client, catalogue, tmp_path
    ):
        package = downloaded_package(client, tmp_path, {"theme": "alimentation-et-agriculture"})
        report = package.validate()
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
        slugs = {row["slug"] for row in package.get_resource("fiches").read_rows()}
        assert slugs == {catalogue.toulouse.slug, catalogue.nantes.slug}

    def test_the_seed_content_makes_a_valid_package(self, client, tmp_path):
        # The real sheets: some leave the state of the cooperation unknown, most name
        # organisations and collective partners; every table must still validate.
        call_command("load_content", stdout=io.StringIO())
        package = downloaded_package(client, tmp_path)
        report = package.validate()
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
        sheets = package.get_resource("fiches").read_rows()
        assert len(sheets) == CaseStudy.objects.published().count() >= 70
        assert any(row["etat"] is None for row in sheets)

    def test_the_descriptor_names_its_licence_and_every_table_schema(self, client, catalogue):
        descriptor = client.get(PACKAGE).json()
        assert descriptor["licenses"][0]["name"] == "etalab-2.0"
        assert descriptor["profile"] == "tabular-data-package"
        resources = {resource["name"]: resource for resource in descriptor["resources"]}
        assert list(resources) == TABLES
        parties = resources["parties"]["schema"]
        assert parties["primaryKey"] == ["fiche", "partie", "role"]
        reference = {"resource": "territoires", "fields": "slug"}
        assert {"fields": "territoire", "reference": reference} in parties["foreignKeys"]
        fields = {field["name"]: field for field in parties["fields"]}
        assert "porteur" in fields["role"]["constraints"]["enum"]
        assert fields["fiche"]["constraints"]["required"] is True
        # Each table's address carries the list's parameters.
        filtered = client.get(PACKAGE, {"region": "bretagne", "page": "2"}).json()
        assert filtered["resources"][0]["path"].endswith("/donnees/fiches.csv?region=bretagne")

    def test_tables_hold_the_published_sheets_and_nothing_of_drafts(self, client, catalogue):
        published = CaseStudy.objects.published()
        sheets = read_table(client, "fiches")
        assert sorted(row["slug"] for row in sheets) == sorted(c.slug for c in published)
        parties = read_table(client, "parties")
        assert len(parties) == Participation.objects.filter(case__in=published).count() == 8
        assert {row["fiche"] for row in parties} == {row["slug"] for row in sheets}
        lessons = read_table(client, "enseignements")
        assert len(lessons) == Lesson.objects.filter(case__in=published).count()
        citations = read_table(client, "citations")
        assert len(citations) == Citation.objects.filter(case__in=published).count()
        territories = {row["nom"] for row in read_table(client, "territoires")}
        assert "Communauté secrète" not in territories
        assert "Toulouse Métropole" in territories
        every_cell = json.dumps([read_table(client, name) for name in TABLES])
        assert "secret" not in every_cell.lower()

    def test_every_table_has_one_row_per_published_record(self, client, catalogue):
        published = CaseStudy.objects.published()
        expected = {
            "fiches": published.count(),
            "parties": Participation.objects.filter(case__in=published).count(),
            "outils": InstrumentUse.objects.filter(case__in=published).count(),
            "thematiques": CaseStudy.themes.through.objects.filter(casestudy__in=published).count(),
            "types_de_cooperation": CaseStudy.cooperation_types.through.objects.filter(
                casestudy__in=published
            ).count(),
            "enseignements": Lesson.objects.filter(case__in=published).count(),
            "territoires": Territory.objects.filter(participations__case__in=published)
            .distinct()
            .count(),
            "organisations": Organisation.objects.filter(participations__case__in=published)
            .distinct()
            .count(),
            "sources": SourceDocument.objects.filter(citations__case__in=published)
            .distinct()
            .count(),
            "citations": Citation.objects.filter(case__in=published).count(),
        }
        assert {name: len(read_table(client, name)) for name in TABLES} == expected
        assert min(expected.values()) >= 1

    def test_a_party_row_is_tidy_with_its_codes_and_places(self, client, catalogue):
        rows = read_table(client, "parties", {"q": "Gascogne"})
        gascogne = next(row for row in rows if row["nom"] == "PETR Pays Portes de Gascogne")
        assert gascogne["partie"].startswith("t-")
        assert (gascogne["nature"], gascogne["type"], gascogne["role"]) == (
            "territoire", "petr", "partenaire"
        )  # fmt: skip
        assert gascogne["role_libelle"] == "Partenaire"
        # Placed in the Gers only: its région comes through the département.
        assert (gascogne["departements"], gascogne["regions"]) == ("32", "76")
        cluster = next(
            row for row in read_table(client, "parties") if row["nature"] == "organisation"
        )
        assert cluster["partie"] == "o-" + cluster["organisation"]
        assert cluster["territoire"] == ""
        sheet = next(
            row for row in read_table(client, "fiches") if row["slug"] == catalogue.toulouse.slug
        )
        assert (sheet["departements"], sheet["regions"]) == ("32", "76")
        assert sheet["url"] == f"http://testserver/fiches/{catalogue.toulouse.slug}/"

    def test_tables_follow_the_list_filters(self, client, catalogue):
        rows = read_table(client, "thematiques", {"region": "bretagne"})
        assert {row["fiche"] for row in rows} == {catalogue.brest.slug}
        assert read_table(client, "fiches", {"year_min": "2099"}) == []

    def test_an_unknown_table_is_a_404(self, client, catalogue):
        assert client.get(table_url("utilisateurs")).status_code == 404

    def test_hostile_parameters_do_not_break_the_tables(self, client, catalogue):
        for params in [{"theme": "x" * 500}, {"year_min": "abc"}, {"q": "\x00'"}, {"page": "-1"}]:
            assert client.get(table_url("parties"), params).status_code == 200
            assert client.get(PACKAGE, params).status_code == 200
            assert client.get(DATA, params).status_code == 200

    def test_a_table_costs_the_same_queries_whatever_its_size(self, client, catalogue):
        def queries(name):
            with CaptureQueriesContext(connection) as captured:
                b"".join(client.get(table_url(name)).streaming_content)
            return len(captured)

        before = {name: queries(name) for name in TABLES}
        for index in range(5):
            case = CaseStudyFactory(title=f"Coopération {index}")
            ParticipationFactory(case=case)
        assert {name: queries(name) for name in TABLES} == before


class TestDataPage:
    def test_it_explains_the_licence_and_lists_every_table(self, client, catalogue):
        page = client.get(DATA).content.decode()
        assert "Licence Ouverte 2.0" in page
        for name in TABLES:
            assert f'href="/donnees/{name}.csv"' in page
        assert f'href="{PACKAGE}"' in page

    def test_from_a_filtered_list_it_says_the_tables_follow_the_selection(self, client, catalogue):
        page = client.get(DATA, {"theme": "mobilite"}).content.decode()
        assert "2 fiches publiées" not in page
        assert "1 fiche publiée" in page
        assert 'href="/donnees/parties.csv?theme=mobilite"' in page

    def test_the_list_links_to_the_data_of_its_selection(self, client, catalogue):
        page = client.get(reverse("casestudies:case-list"), {"theme": "mobilite"}).content
        assert b'href="/donnees/?theme=mobilite"' in page
        assert b'href="/fiches/export.xlsx?theme=mobilite"' in page


class TestSpreadsheets:
    def test_the_workbook_has_every_table_as_a_sheet(self, client, catalogue):
        response = client.get(XLSX, {"theme": "alimentation-et-agriculture"})
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        assert workbook.sheetnames == TABLES
        rows = list(workbook["fiches"].values)
        assert rows[0][:2] == ("slug", "titre")
        assert {row[0] for row in rows[1:]} == {catalogue.toulouse.slug, catalogue.nantes.slug}
        years = {row[0]: row[4] for row in rows[1:]}
        assert years[catalogue.toulouse.slug] == 2015  # a number, not text
        parties = list(workbook["parties"].values)
        assert len(parties) == 1 + 4

    def test_the_semicolon_csv_reads_back_with_pandas(self, client, catalogue):
        response = client.get(CSV_EXPORT, {"sep": "semicolon", "region": "occitanie"})
        data = b"".join(response.streaming_content)
        frame = pandas.read_csv(io.BytesIO(data), sep=";", encoding="utf-8-sig", dtype=str)
        assert list(frame["slug"]) == [catalogue.toulouse.slug]
        assert frame.loc[0, "titre"] == catalogue.toulouse.title
        assert frame.loc[0, "departements"] == "32"
        assert frame.loc[0, "regions"] == "76"
        # Commas inside cells stay inside their cell.
        assert "," in frame.loc[0, "parties_prenantes"]

    def test_the_default_separator_stays_the_comma(self, client, catalogue):
        response = client.get(CSV_EXPORT)
        header = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[0]
        assert header.startswith("slug,titre,url,")


def test_every_table_declares_each_of_its_columns():
    for table in opendata.TABLES:
        names = [field["name"] for field in table.schema()["fields"]]
        assert names == table.header
        assert len(set(names)) == len(names)
        for column in table.primary_key:
            assert column in names
        for column, target, target_column in table.foreign_keys:
            assert column in names
            assert target_column in opendata.TABLES_BY_NAME[target].header


def test_territories_of_the_package_carry_their_official_codes(client, catalogue):
    Territory.objects.filter(name="Toulouse Métropole").update(siren="243100518")
    rows = {row["nom"]: row for row in read_table(client, "territoires")}
    toulouse = rows["Toulouse Métropole"]
    assert (toulouse["siren"], toulouse["type"], toulouse["regions"]) == (
        "243100518", "metropole", "76"
    )  # fmt: skip
    assert toulouse["url"] == "http://testserver/territoires/toulouse-metropole/"
