"""The API keeps its contract: schemathesis, with every check it has, on every operation of the
OpenAPI schema — valid requests must be answered as documented, invalid ones refused with a
documented 400 or 404 — and the schema says what a typed client needs to know."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from casestudies.middleware import MAX_VALUES
from casestudies.models import FacetCount
from tests.catalogue_fixtures import build_mixed_catalogue
from tests.factories import CaseStudyFactory, ParticipationFactory, TerritoryFactory

pytestmark = pytest.mark.django_db

SCHEMA = "/api/schema/?format=json"
OPERATIONS = 12
# Bounded: about 30 s for both modes on every operation, on two cores.
EXAMPLES = 20


@pytest.fixture(scope="module")
def mixed_catalogue(django_db_setup, django_db_blocker):
    """Built once for the module, rolled back at its end."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield build_mixed_catalogue()
        transaction.set_rollback(True)


@pytest.fixture
def schema(client, mixed_catalogue):
    return client.get(SCHEMA).json()


@pytest.fixture
def wsgi_schema(mixed_catalogue):
    from cooperations.wsgi import application

    # Like Django's test client: keep the test's connection (and transaction) across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(SCHEMA, application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def failures_of(operation, mode) -> list[str]:
    failures = []

    @given(case=operation.as_strategy(mode))
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        try:
            case.call_and_validate()  # every check schemathesis has
        except BaseException as error:  # schemathesis raises an exception group
            failures.append(f"{operation.label} {mode.value} {case.query}\n{error}")

    run()
    return failures


@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode), ids=lambda mode: mode.value)
def test_schemathesis_finds_nothing_on_any_operation(wsgi_schema, mode):
    operations = [result.ok() for result in wsgi_schema.get_all_operations()]
    assert len(operations) == OPERATIONS
    failures = [failure for op in operations for failure in failures_of(op, mode)]
    assert not failures, "\n\n".join(failures[:5])


class TestSchema:
    def test_info_names_the_licence_and_a_contact(self, schema):
        info = schema["info"]
        assert info["license"]["name"] == "Licence Ouverte 2.0 (Etalab)"
        assert info["license"]["url"].startswith("https://www.etalab.gouv.fr/")
        assert info["contact"]["name"]
        assert info["contact"]["url"] == "http://testserver/contact/"

    def test_null_values_of_real_data_are_declared(self, schema):
        components = schema["components"]["schemas"]
        assert components["Party"]["properties"]["territory"]["nullable"] is True
        assert components["Theme"]["properties"]["parent"]["nullable"] is True

    def test_every_operation_documents_its_errors_with_their_bodies(self, schema):
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                responses = operation["responses"]
                body = responses["404"]["content"]["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/Detail"}, path
                if any(p["in"] == "query" for p in operation.get("parameters", [])):
                    body = responses["400"]["content"]["application/json"]["schema"]
                    assert body == {"$ref": "#/components/schemas/Erreurs"}, path
        assert schema["components"]["schemas"]["Erreurs"]["required"] == ["erreurs"]

    def test_parameters_declare_their_values_and_bounds(self, schema, mixed_catalogue):
        operation = schema["paths"]["/api/fiches/"]["get"]
        parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
        assert parameters["page"] == {"type": "integer", "minimum": 1}
        assert parameters["page_size"]["maximum"] == 100
        assert parameters["year_min"]["minimum"] == 1950
        assert "alimentation-et-agriculture" in parameters["theme"]["items"]["enum"]
        assert parameters["theme"]["maxItems"] == MAX_VALUES
        assert "metropole" in parameters["party_kind_a"]["items"]["enum"]
        # Partners: those of published sheets only (drafts' partners stay private).
        published = set(
            FacetCount.objects.filter(facet="territory", sheets__gt=0).values_list(
                "value", flat=True
            )
        )
        assert set(parameters["territory"]["items"]["enum"]) == published
        assert mixed_catalogue.full.participations.filter(territory__isnull=False).exists()


class TestErrors:
    def test_a_page_size_beyond_the_bounds_is_a_400(self, client, mixed_catalogue):
        for size in ("0", "101", "abc"):
            response = client.get("/api/fiches/", {"page_size": size})
            assert response.status_code == 400
            assert "Taille de page invalide" in response.json()["erreurs"][0]
        assert client.get("/api/fiches/", {"page_size": "100"}).status_code == 200

    def test_more_values_than_the_bound_is_a_400_on_the_api_only(self, client, mixed_catalogue):
        query = "&".join(["theme=alimentation-et-agriculture"] * (MAX_VALUES + 1))
        response = client.get(f"/api/fiches/?{query}")
        assert response.status_code == 400
        message = f"Trop de valeurs pour « theme » : {MAX_VALUES} au plus."
        assert response.json() == {"erreurs": [message]}
        assert client.get(f"/fiches/?{query}").status_code == 200

    def test_an_unknown_api_address_answers_in_json(self, client, mixed_catalogue):
        for path in ("/api/fiches/%C2%B8/", "/api/nulle-part/", "/api/fiches/inconnue/"):
            response = client.get(path)
            assert response.status_code == 404
            assert response["Content-Type"] == "application/json"
            assert "detail" in response.json()
        assert client.get("/nulle-part/")["Content-Type"].startswith("text/html")

    def test_a_partner_only_a_draft_names_is_unknown(self, client, mixed_catalogue):
        draft = CaseStudyFactory(title="Brouillon", draft=True)
        private = TerritoryFactory(name="Territoire d'un brouillon")
        ParticipationFactory(case=draft, territory=private)
        response = client.get("/api/fiches/", {"territory": private.slug})
        assert response.status_code == 400
        assert "Territoire partie prenante" in response.json()["erreurs"][0]


def test_several_values_of_a_partner_or_party_kind_all_count(client, mixed_catalogue):
    # Both values reach the filter (the bounded query once kept the first one only).
    list_url = reverse("casestudies:case-list")
    kinds = client.get(list_url, {"party_kind_a": ["metropole", "petr"]})
    assert len(kinds.context["chips"]) == 2
    both = list(
        FacetCount.objects.filter(facet="territory", sheets__gt=0).values_list("value", flat=True)[
            :2
        ]
    )
    assert len(both) == 2
    response = client.get(list_url, {"territory": both})
    assert len(response.context["chips"]) == 2
