"""The list partner sites frame: /integrer/fiches/?<list parameters>, and the page that writes
its <iframe> code. Only that list may be framed; every other page keeps refusing it."""

import pytest
from django.urls import reverse

from tests.catalogue_fixtures import build_catalogue

pytestmark = pytest.mark.django_db

FRAME = reverse("casestudies:embed-list")
CODE = reverse("casestudies:embed-code")


@pytest.fixture
def catalogue(db):
    return build_catalogue()


def frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(d for d in policy.split(";") if d.strip().startswith("frame-ancestors")).strip()


def test_only_the_embeddable_list_may_be_framed(client, catalogue):
    framed = client.get(FRAME)
    assert framed.status_code == 200
    assert "X-Frame-Options" not in framed
    assert frame_ancestors(framed) == "frame-ancestors 'self' https:"
    for url in ["/", "/fiches/", CODE, catalogue.toulouse.get_absolute_url(), "/donnees/"]:
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert frame_ancestors(response) == "frame-ancestors 'none'", url


def test_the_frame_lists_the_selection_and_links_to_the_catalogue(client, catalogue):
    response = client.get(FRAME, {"theme": "alimentation-et-agriculture", "nombre": "1"})
    page = response.content.decode()
    assert "2 fiches du catalogue des coopérations territoriales" in page
    assert len(response.context["cases"]) == 1
    assert catalogue.brest.title not in page
    assert 'target="_blank" rel="noopener"' in page
    assert "(nouvel onglet)" in page
    assert 'href="http://testserver/fiches/?theme=alimentation-et-agriculture"' in page
    assert catalogue.draft.title not in client.get(FRAME, {"nombre": "50"}).content.decode()


def test_the_number_of_sheets_is_bounded(client, catalogue):
    for raw, expected in [("abc", 4), ("0", 4), ("-3", 4), ("2", 2), ("9999", 4)]:
        response = client.get(FRAME, {"nombre": raw})
        assert response.status_code == 200
        assert len(response.context["cases"]) == expected, raw


def test_an_empty_selection_says_so(client, catalogue):
    page = client.get(FRAME, {"year_min": "2099"}).content.decode()
    assert "Aucune fiche publiée ne correspond à cette sélection." in page


def test_the_code_page_writes_the_iframe_of_the_current_selection(client, catalogue):
    page = client.get(CODE, {"region": "bretagne", "nombre": "5", "page": "2"}).content.decode()
    expected_src = "http://testserver/integrer/fiches/?region=bretagne&amp;nombre=5"
    assert f"&lt;iframe src=&quot;{expected_src}&quot;" in page  # in the textarea, escaped
    assert f'<iframe class="embed-preview" src="{expected_src}"' in page
    assert 'value="5"' in page
    # The list link leaves « nombre » out: the list does not know it.
    assert 'href="http://testserver/fiches/?region=bretagne"' in page


def test_the_list_links_to_the_code_of_its_selection(client, catalogue):
    page = client.get("/fiches/", {"theme": "mobilite"}).content.decode()
    assert 'href="/integrer/?theme=mobilite"' in page
