"""Staff bring in lists of territories and organisations from a spreadsheet, with a preview."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from casestudies.models import Organisation, Territory
from tests.factories import TerritoryFactory

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:casestudies_territory_import")
CSV_FORMAT = "0"
XLSX_FORMAT = "1"


@pytest.fixture
def redacteur(client, django_user_model):
    user = django_user_model.objects.create_user("redactrice", password="x" * 20, is_staff=True)
    user.groups.add(Group.objects.get(name="Rédacteur"))
    client.force_login(user)
    return client


def upload(client, url, content: bytes, name: str, file_format: str):
    return client.post(
        url,
        {
            "resource": "0",
            "format": file_format,
            "import_file": SimpleUploadedFile(name, content),
        },
    )


def confirm(client, preview, url):
    form = preview.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    return client.post(url.replace("/import/", "/process_import/"), data, follow=True)


def test_csv_import_previews_then_creates_territories(redacteur):
    TerritoryFactory(name="Finistère", kind="departement", insee_code="29")
    csv = (
        "name,kind,siren,insee_code,population,departements\n"
        "Brest métropole,metropole,242900314,,,29\n"
        "Pays de Morlaix,pays,,,,29\n"
    ).encode()
    preview = upload(redacteur, IMPORT, csv, "territoires.csv", CSV_FORMAT)
    assert preview.status_code == 200
    assert "Brest métropole" in preview.text
    assert not Territory.objects.filter(slug="brest-metropole").exists()  # preview only

    done = confirm(redacteur, preview, IMPORT)
    assert done.status_code == 200
    brest = Territory.objects.get(slug="brest-metropole")
    assert brest.siren == "242900314"
    assert list(brest.departements.values_list("insee_code", flat=True)) == ["29"]
    assert Territory.objects.filter(slug="pays-de-morlaix", kind="pays").exists()


def test_rows_with_errors_are_reported_and_nothing_is_saved(redacteur):
    csv = (
        b"name,kind,siren,insee_code\n"
        b"Bonne CC,communaute-communes,,\n"
        b"Mauvais SIREN,metropole,12345,\n"
        b"Code sur un PETR,petr,,63113\n"
    )
    preview = upload(redacteur, IMPORT, csv, "territoires.csv", CSV_FORMAT)
    assert preview.status_code == 200
    assert "9 chiffres" in preview.text
    assert "Seuls les communes, départements et régions" in preview.text
    assert "confirm_form" not in preview.context or preview.context["confirm_form"] is None
    assert not Territory.objects.filter(name__in=["Bonne CC", "Mauvais SIREN"]).exists()


def test_xlsx_import_of_organisations(redacteur):
    TerritoryFactory(name="Jura", slug="jura", kind="departement", insee_code="39")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "acronym", "kind", "territory"])
    sheet.append(["Clus'Ter Jura", "", "ptce", "jura"])
    sheet.append(["Vitagora", "", "cluster", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    url = reverse("admin:casestudies_organisation_import")
    preview = upload(redacteur, url, buffer.getvalue(), "partenaires.xlsx", XLSX_FORMAT)
    assert preview.status_code == 200
    confirm(redacteur, preview, url)
    assert Organisation.objects.get(slug="cluster-jura").territory.slug == "jura"
    assert Organisation.objects.filter(slug="vitagora", kind="cluster").exists()


def test_export_lists_the_territories(redacteur):
    TerritoryFactory(name="Toulouse Métropole", kind="metropole", siren="243100518")
    response = redacteur.post(
        reverse("admin:casestudies_territory_export"),
        {
            "format": CSV_FORMAT,
            "resource": "0",
            "territoryresource_name": True,
            "territoryresource_siren": True,
            "territoryresource_slug": True,
        },
    )
    assert response.status_code == 200
    assert "Toulouse Métropole" in response.content.decode()
    assert "243100518" in response.content.decode()
