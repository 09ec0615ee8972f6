"""Official reference data, placing territories, the map of France and the statistics."""

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casestudies.maps import france_map
from casestudies.models import ReferenceArea, ReferenceKind, Role, Territory, TerritoryKind
from casestudies.reference import ReferenceImporter, link_by_code, place_territories
from tests.catalogue_fixtures import build_catalogue
from tests.factories import CaseStudyFactory, ParticipationFactory, TerritoryFactory, complete_case

pytestmark = pytest.mark.django_db

SLICE = Path(__file__).parent / "data" / "etalab"
LIST = reverse("casestudies:case-list")


def import_slice(directory=SLICE):
    return ReferenceImporter(directory).run()


def counts():
    through = ReferenceArea.contained_in.through
    return (
        {kind: ReferenceArea.objects.filter(kind=kind).count() for kind in ReferenceKind},
        through.objects.count(),
    )


class TestImport:
    def test_import_creates_every_level_with_codes_and_containment(self):
        import_slice()
        areas, links = counts()
        assert areas == {"region": 2, "departement": 3, "epci": 3, "commune": 6}
        toulouse = ReferenceArea.objects.get(kind="epci", code="243100518")
        assert toulouse.name == "Toulouse Métropole" and toulouse.epci_type == "METRO"
        assert toulouse.population > 700000
        assert {a.code for a in toulouse.contained_in.all()} == {"31", "76"}
        brest_commune = ReferenceArea.objects.get(kind="commune", code="29019")
        assert {a.code for a in brest_commune.contained_in.all()} == {"29", "53", "242900314"}
        assert links > 0

    def test_import_twice_gives_the_same_rows(self):
        import_slice()
        first = counts()
        report = import_slice()
        assert counts() == first
        assert sum(report.created.values()) == 0 and sum(report.updated.values()) == 0
        assert report.links_added == 0

    def test_a_changed_population_is_updated_and_nothing_deleted(self, tmp_path):
        import_slice()
        changed = tmp_path / "etalab"
        shutil.copytree(SLICE, changed)
        epcis = json.loads((changed / "epci.json").read_text())
        epcis[0]["populationMunicipale"] = 123456
        removed = epcis.pop()  # an EPCI missing from a later vintage is kept
        (changed / "epci.json").write_text(json.dumps(epcis))
        report = import_slice(changed)
        assert report.updated["epci"] == 1
        assert ReferenceArea.objects.get(code=epcis[0]["code"]).population == 123456
        assert ReferenceArea.objects.filter(code=removed["code"]).exists()

    def test_command_reports_progress_and_results(self, capsys):
        call_command("import_reference", directory=SLICE)
        output = capsys.readouterr().out
        assert "Communes (6)…" in output
        assert "EPCI à fiscalité propre ou EPT : 3 créé(s)" in output
        call_command("import_reference", directory=SLICE, if_needed=True)
        assert "déjà importé" in capsys.readouterr().out

    def test_missing_data_gives_a_clear_error(self, tmp_path):
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="make install"):
            call_command("import_reference", directory=tmp_path)


class TestPlacement:
    def setup_method(self):
        import_slice()
        self.occitanie = TerritoryFactory(
            name="Occitanie", kind=TerritoryKind.REGION, insee_code="76"
        )
        self.garonne = TerritoryFactory(name="Haute-Garonne", kind="departement", insee_code="31")
        self.gers = TerritoryFactory(name="Gers", kind="departement", insee_code="32")

    def test_territories_are_linked_by_code_never_by_name(self):
        by_code = TerritoryFactory(name="Toulouse", kind=TerritoryKind.METROPOLE, siren="243100518")
        same_name_no_code = TerritoryFactory(name="Brest Métropole", kind=TerritoryKind.METROPOLE)
        assert link_by_code() >= 3  # the metropole and the two départements, the région
        by_code.refresh_from_db()
        same_name_no_code.refresh_from_db()
        assert by_code.reference.code == "243100518"
        assert same_name_no_code.reference is None

    def test_a_petr_is_placed_through_its_members_and_found_by_the_filters(self, client):
        auch = TerritoryFactory(
            name="Grand Auch", kind="communaute-agglomeration", siren="200066926"
        )
        petr = TerritoryFactory(name="PETR Pays Portes de Gascogne", kind=TerritoryKind.PETR)
        petr.members.add(auch)
        case = CaseStudyFactory(title="Un contrat gersois")
        ParticipationFactory(case=case, territory=petr, role=Role.PORTEUR)
        CaseStudyFactory(title="Ailleurs")

        link_by_code()
        place_territories()
        assert list(petr.departements.values_list("insee_code", flat=True)) == ["32"]
        assert list(petr.regions.values_list("insee_code", flat=True)) == ["76"]

        for params in ({"departement": "32"}, {"region": self.occitanie.slug}):
            response = client.get(LIST, params)
            assert [c.slug for c in response.context["cases"]] == [case.slug], params

    def test_placement_never_removes_what_staff_entered(self):
        manual = TerritoryFactory(name="Pays manuel", kind=TerritoryKind.PAYS)
        manual.departements.add(self.garonne)
        place_territories()
        assert list(manual.departements.all()) == [self.garonne]


class TestReferenceAdmin:
    def test_reference_data_is_searchable_and_read_only(self, staff_client):
        import_slice()
        url = reverse("admin:casestudies_referencearea_changelist")
        response = staff_client.get(url, {"q": "243100518"})
        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [
            ReferenceArea.objects.get(code="243100518")
        ]
        area = ReferenceArea.objects.get(code="31")
        change = reverse("admin:casestudies_referencearea_change", args=[area.pk])
        staff_client.post(change, {"name": "Modifié", "code": "31", "kind": "departement"})
        area.refresh_from_db()
        assert area.name == "Haute-Garonne"
        assert staff_client.get(reverse("admin:casestudies_referencearea_add")).status_code == 403

    def test_admin_lists_unlinked_territories_and_suggests_exact_names(self, staff_client):
        import_slice()
        unlinked = TerritoryFactory(name="Toulouse Métropole", kind=TerritoryKind.METROPOLE)
        url = reverse("admin:casestudies_territory_changelist")
        response = staff_client.get(url, {"reference__isempty": "1"})
        assert unlinked in response.context["cl"].result_list
        change = staff_client.get(reverse("admin:casestudies_territory_change", args=[unlinked.pk]))
        assert "Toulouse Métropole (EPCI à fiscalité propre ou EPT 243100518)" in change.text

        staff_client.post(
            url, {"action": "link_to_exact_name_matches", "_selected_action": [unlinked.pk]}
        )
        unlinked.refresh_from_db()
        assert unlinked.reference.code == "243100518"

    def test_staff_pick_the_official_record_with_an_autocomplete(self, staff_client):
        import_slice()
        response = staff_client.get(
            reverse("admin:autocomplete"),
            {"term": "Brest", "app_label": "casestudies", "model_name": "territory",
             "field_name": "reference"},
        )  # fmt: skip
        texts = [result["text"] for result in response.json()["results"]]
        assert "Brest Métropole (EPCI à fiscalité propre ou EPT 242900314)" in texts


@pytest.fixture
def catalogue(db):
    return build_catalogue()


def list_count(client, params):
    return client.get(LIST, params).context["paginator"].count


class TestMap:
    def test_the_svg_is_well_formed_and_every_path_has_its_code(self, client, catalogue):
        outlines = france_map()
        assert outlines is not None, "make install puts the map outlines in node_modules"
        assert len(outlines.outlines) == 96
        response = client.get(reverse("casestudies:map"))
        assert response.status_code == 200
        svg = re.search(r"<svg.*?</svg>", response.text, re.S).group(0)
        root = ET.fromstring(svg)  # well-formed XML
        paths = root.findall(".//{http://www.w3.org/2000/svg}path")
        assert len(paths) == 96
        assert {p.get("data-code") for p in paths} == {o.code for o in outlines.outlines}
        links = root.findall(".//{http://www.w3.org/2000/svg}a")
        assert all(a.get("href").startswith("/fiches/?departement=") for a in links)
        assert all(a.get("aria-label") for a in links)
        assert "CC-BY-4.0" in response.text

    @pytest.mark.parametrize(
        "params",
        [{}, {"theme": "alimentation-et-agriculture"}, {"q": "réciprocité"}, {"status": "active"}],
    )
    def test_map_counts_equal_the_list_counts(self, client, catalogue, params):
        response = client.get(reverse("casestudies:map"), params)
        rows = {row["code"]: row["count"] for row in response.context["rows"]}
        assert rows["29"] == list_count(client, {**params, "departement": "29"})
        assert rows["32"] == list_count(client, {**params, "departement": "32"})
        assert response.context["total"] == list_count(client, params)

    def test_drafts_are_never_counted_on_the_map(self, client, catalogue):
        finistere = Territory.objects.get(insee_code="29", kind="departement")
        draft = CaseStudyFactory(draft=True)
        ParticipationFactory(case=draft, territory=finistere)
        response = client.get(reverse("casestudies:map"))
        rows = {row["code"]: row["count"] for row in response.context["rows"]}
        assert rows["29"] == 1

    def test_foreign_partners_are_listed_beside_the_map(self, client, catalogue):
        landkreis = TerritoryFactory(
            name="Landkreis Emmendingen", kind="territoire-etranger", country="Allemagne"
        )
        ParticipationFactory(case=catalogue.toulouse, territory=landkreis)
        response = client.get(reverse("casestudies:map"))
        assert "Allemagne : 1 fiche" in response.text


@pytest.mark.parametrize("url_name", ["casestudies:map", "casestudies:statistics"])
def test_query_counts_do_not_grow_with_the_number_of_sheets(client, db, url_name):
    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse(url_name), {"theme": "mobilite"}).status_code == 200
        return len(context.captured_queries)

    for _ in range(3):
        complete_case()
    small = queries()
    for _ in range(30):
        complete_case()
    assert queries() == small
