"""Hostile input on every public address: no server error, bounded output, bounded work.

Run against a catalogue as editors leave it (drafts, sheets under review, sheets with every
optional field empty or full). Three generators:
- a fixed list of hostile query strings (unknown, repeated, huge, NUL, invalid percent-encodings,
  full-text query syntax, negative and huge page numbers) on every route of the site;
- Hypothesis, composing random query strings from the catalogue's parameter names and hostile
  values, on the pages that read parameters;
- schemathesis, generating requests from the API's OpenAPI schema.
Work is bounded by SQL queries per response rather than by time (timings are not asserted in
tests: the machines are shared); the whole module runs in about half a minute.
"""

from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.catalogue_fixtures import SECRET_TITLES, build_mixed_catalogue
from tests.pages import public_urls

pytestmark = pytest.mark.django_db

MAX_BYTES = 1_500_000
MAX_QUERIES = 60

PARAMETERS = [
    "q", "theme", "instrument", "territory_kind", "organisation_kind", "region", "departement",
    "coop_type", "status", "year_min", "year_max", "source", "sort", "page", "page_size",
    "fiches", "categorie", "nature", "format", "inconnu",
]  # fmt: skip

HOSTILE_VALUES = [
    "",
    "%00",
    "a%00b",
    "%G0",
    "%",
    "%C3%28",  # invalid UTF-8
    "%E2%82",  # truncated UTF-8
    "-1",
    "0",
    "10" * 20,
    "1e9",
    "NaN",
    "9" * 400,
    quote("coopération & | ! ( ) : * <-> ' \" \\"),
    quote('"phrase non fermée'),
    quote("-"),
    quote("or or or"),
    quote("<script>alert(1)</script>"),
    quote("' OR 1=1 --"),
    quote("x" * 5000),
    quote("é" * 300),
    quote("𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🌍"),
]

# On every route: one of each kind of hostility.
EVERY_ROUTE_QUERIES = [
    "q=%00&theme=%G0&page=-1",
    "page=" + "9" * 400,
    "sort=%C3%28&q=" + quote("coopération & | ! ( ) : * <-> '"),
    "&".join(["q=eau"] * 300),
    "&".join(f"parametre{n}=1" for n in range(300)),
    "%ZZ=%ZZ&=&&==&",
]
# On the pages that read parameters: every hostile value in every common parameter.
HOSTILE_QUERIES = [
    *(f"{name}={value}" for name in ("q", "theme", "page", "sort") for value in HOSTILE_VALUES),
    "&".join(["q=eau"] * 300),
    "&".join(f"theme=valeur-{n}" for n in range(300)),
    "&".join(f"parametre{n}=1" for n in range(300)),
    # A NUL byte in a value looked up in the database (PostgreSQL refuses it in a parameter).
    "territory=%00&organisation=a%00b&party_kind_a=%00",
    "fiche=%00",
    "page=-5&page_size=100000",
    "year_min=2100&year_max=1950",
    "fiches=" + ",".join(["x"] * 500),
    "%ZZ=%ZZ&=&&==&",
    "q" * 3000 + "=1",
]


@pytest.fixture(scope="module")
def mixed_catalogue(django_db_setup, django_db_blocker):
    """Built once for the module, rolled back at its end."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        catalogue = build_mixed_catalogue()
        yield catalogue
        transaction.set_rollback(True)


def check(client, url):
    cache.clear()  # the cold path: nothing reused from an earlier request
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    body = response.getvalue() if response.streaming else response.content
    assert response.status_code < 500, url
    assert len(body) <= MAX_BYTES, (url, len(body))
    assert len(queries) <= MAX_QUERIES, (url, len(queries))
    text = body.decode("utf-8", errors="replace")
    for title in SECRET_TITLES:
        assert title not in text, (url, title)
    return response


def test_hostile_query_strings_on_every_public_address(client, mixed_catalogue):
    statuses = set()
    for url in public_urls(mixed_catalogue):
        for query in EVERY_ROUTE_QUERIES:
            statuses.add(check(client, f"{url}?{query}").status_code)
    assert statuses <= {200, 301, 302, 400, 404}


@pytest.mark.parametrize(
    "route",
    [
        "casestudies:case-list",
        "casestudies:statistics",
        "casestudies:lesson-list",
        "casestudies:compare",
        "casestudies:api-case-list",
        "casestudies:data",
        "casestudies:data-package",
        "casestudies:case-export-xlsx",
        "contributions:contribute",
        "alerts:create",
        "alerts:manage",
    ],
)
def test_every_hostile_value_on_the_pages_that_read_parameters(client, mixed_catalogue, route):
    url = reverse(route)
    statuses = {check(client, f"{url}?{query}").status_code for query in HOSTILE_QUERIES}
    assert statuses <= {200, 400, 404}


@pytest.mark.parametrize(
    "route",
    [
        "casestudies:case-list",
        "casestudies:case-export-csv",
        "casestudies:statistics",
        "casestudies:map",
        "casestudies:lesson-list",
        "casestudies:compare",
        "casestudies:api-case-list",
    ],
)
def test_generated_query_strings_never_break_a_page(client, mixed_catalogue, route):
    url = reverse(route)
    pairs = st.lists(
        st.tuples(
            st.sampled_from(PARAMETERS) | st.text(max_size=8),
            st.sampled_from(HOSTILE_VALUES) | st.text(max_size=40).map(quote),
        ),
        max_size=12,
    )

    @given(pairs=pairs)
    @hypothesis_settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(pairs):
        query = "&".join(f"{quote(name)}={value}" for name, value in pairs)
        check(client, f"{url}?{query}")

    run()


# The API under generated requests: tests/test_api_contract.py (schemathesis, every check).
