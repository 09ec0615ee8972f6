"""The accessibility statement: what is tested and how, linked from every page's footer."""

import html

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_statement_says_what_is_tested_and_how(client):
    url = reverse("casestudies:accessibility")
    assert url == "/accessibilite/"
    response = client.get(url)
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    for fact in (
        "axe-core",
        "WCAG 2.1",
        "A et AA",
        "Nu Html Checker",
        "clavier seul",
        "sans JavaScript",
        "Limites",
    ):
        assert fact in text, fact


def test_every_page_links_to_the_statement_in_its_footer(client):
    footer = client.get("/").content.decode().split('<footer class="site-footer">', 1)[1]
    assert 'href="/accessibilite/"' in footer
    statement = client.get("/accessibilite/").content.decode()
    assert 'href="/accessibilite/" aria-current="page"' in statement


def test_the_statement_is_in_the_sitemap(client):
    assert "/accessibilite/</loc>" in client.get("/sitemap.xml").content.decode()
