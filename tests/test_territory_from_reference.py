"""A partner missing from the catalogue is created from its official record in one step, from
the sheet's « + » (the admin's popup) or the territories' add page."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from casestudies.models import ReferenceArea, Territory, TerritoryKind
from tests.factories import TerritoryFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:casestudies_territory_add")


@pytest.fixture
def official():
    region = ReferenceArea.objects.create(kind="region", code="53", name="Bretagne")
    departement = ReferenceArea.objects.create(kind="departement", code="29", name="Finistère")
    departement.contained_in.add(region)
    epci = ReferenceArea.objects.create(
        kind="epci", code="242900314", name="Brest Métropole", epci_type="METRO", population=210000
    )
    epci.contained_in.add(region, departement)
    TerritoryFactory(name="Bretagne", slug="bretagne", kind=TerritoryKind.REGION, insee_code="53")
    return epci


@pytest.fixture
def redacteur(django_user_model):
    user = django_user_model.objects.create_user("camille", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Rédacteur"))
    browser = Client()
    browser.force_login(user)
    return browser


def test_the_sheet_s_popup_creates_the_territory_from_its_official_record(redacteur, official):
    search = redacteur.get(ADD, {"_popup": "1", "_to_field": "id", "referentiel": "brest"})
    assert search.status_code == 200
    html = search.content.decode()
    assert "Brest Métropole" in html and "Créer depuis ce référentiel" in html
    create = reverse("admin:casestudies_territory_from_reference", args=[official.pk])
    response = redacteur.post(create, {"_popup": "1", "_to_field": "id"})
    assert response.status_code == 200  # the popup's answer, which fills the partner row
    territory = Territory.objects.get(reference=official)
    assert (territory.name, territory.kind, territory.siren, territory.population) == (
        "Brest Métropole",
        TerritoryKind.METROPOLE,
        "242900314",
        210000,
    )
    assert [r.slug for r in territory.regions.all()] == ["bretagne"]
    assert f"&quot;value&quot;: &quot;{territory.pk}&quot;" in response.content.decode()
    # Asked again, the catalogue's territory is chosen, never a duplicate.
    again = redacteur.get(ADD, {"_popup": "1", "referentiel": "242900314"})
    assert "Choisir (déjà au catalogue)" in again.content.decode()
    redacteur.post(create, {"_popup": "1", "_to_field": "id"})
    assert Territory.objects.filter(siren="242900314").count() == 1


def test_creating_from_the_reference_needs_a_post_and_the_right(official, django_user_model):
    create = reverse("admin:casestudies_territory_from_reference", args=[official.pk])
    clerk = django_user_model.objects.create_user("guichet", password="x", is_staff=True)
    browser = Client()
    browser.force_login(clerk)
    assert browser.post(create).status_code == 403
    assert not Territory.objects.filter(reference=official).exists()


def test_a_get_creates_nothing_and_hostile_searches_answer(redacteur, official):
    create = reverse("admin:casestudies_territory_from_reference", args=[official.pk])
    assert redacteur.get(create).status_code == 403
    assert not Territory.objects.filter(reference=official).exists()
    for text in ("\x00", "x" * 500, "%"):
        assert redacteur.get(ADD, {"referentiel": text}).status_code == 200
