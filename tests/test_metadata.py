"""What feed readers, search engines and link previews read: Atom feeds with an author for any
selection and for each theme, instrument and territory; schema.org JSON-LD (read back with
extruct, as a crawler would); Open Graph title and image on every page."""

import re
import xml.etree.ElementTree as ET

import extruct
import pytest
from django.urls import reverse

from casestudies.models import Territory
from tests.catalogue_fixtures import build_catalogue
from tests.factories import CitationFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FEED = reverse("casestudies:case-feed")
LIST = reverse("casestudies:case-list")


@pytest.fixture
def catalogue(db):
    return build_catalogue()


def entries(response):
    root = ET.fromstring(response.content)
    return root, [entry.find(f"{ATOM}title").text for entry in root.iter(f"{ATOM}entry")]


def json_ld(response) -> list[dict]:
    html = response.content.decode()
    return extruct.extract(html, base_url="http://testserver/", syntaxes=["json-ld"])["json-ld"]


def alternate_feeds(response) -> list[str]:
    html = response.content.decode()
    return re.findall(
        r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', html
    )


class TestFeeds:
    def test_every_feed_names_its_author(self, client, catalogue):
        for url in [
            FEED,
            reverse("casestudies:theme-feed", args=["mobilite"]),
            reverse("casestudies:territory-feed", args=["toulouse-metropole"]),
        ]:
            root, _titles = entries(client.get(url))
            author = root.find(f"{ATOM}author")
            assert author is not None, url
            assert author.find(f"{ATOM}name").text == "L'équipe éditoriale du catalogue"

    def test_a_filtered_list_has_its_own_feed(self, client, catalogue):
        _root, titles = entries(client.get(FEED, {"region": "bretagne", "page": "3"}))
        assert titles == [catalogue.brest.title]
        _root, everything = entries(client.get(FEED))
        assert len(everything) == 4
        assert catalogue.draft.title not in everything
        # Hostile parameters give the feed of what can be used, never an error.
        assert client.get(FEED, {"theme": "x" * 300, "year_min": "abc"}).status_code == 200

    def test_a_territory_feed_lists_the_sheets_it_takes_part_in(self, client, catalogue):
        url = reverse("casestudies:territory-feed", args=["toulouse-metropole"])
        _root, titles = entries(client.get(url))
        assert titles == [catalogue.toulouse.title]  # not the draft that names it too
        assert client.get("/territoires/inconnu/flux/").status_code == 404

    def test_pages_advertise_their_own_feed(self, client, catalogue):
        assert alternate_feeds(client.get(LIST)) == [FEED]
        assert alternate_feeds(client.get(LIST, {"theme": "mobilite", "page": "1"})) == [
            FEED,
            f"{FEED}?theme=mobilite",
        ]
        for page, feed in [
            ("/thematiques/mobilite/", "/thematiques/mobilite/flux/"),
            ("/outils/ptce/", "/outils/ptce/flux/"),
            ("/territoires/toulouse-metropole/", "/territoires/toulouse-metropole/flux/"),
        ]:
            assert alternate_feeds(client.get(page)) == [FEED, feed], page


class TestStructuredData:
    def test_a_sheet_is_an_article_naming_its_partners_and_sources(self, client, catalogue):
        Territory.objects.filter(name="Toulouse Métropole").update(siren="243100518")
        case = catalogue.toulouse
        CitationFactory(case=case, source=case.citations.get().source, line_start=20, line_end=25)
        (data,) = json_ld(client.get(case.get_absolute_url()))
        assert data["@type"] == "Article"
        assert data["headline"] == case.title
        toulouse, gascogne = data["mentions"]
        assert toulouse["@type"] == "GovernmentOrganization"
        assert toulouse["identifier"] == [
            {"@type": "PropertyValue", "propertyID": "SIREN", "value": "243100518"}
        ]
        assert toulouse["url"] == "http://testserver/territoires/toulouse-metropole/"
        assert "identifier" not in gascogne  # no code known: none invented
        # Two citations of one document: one « isBasedOn ».
        assert [source["name"] for source in data["isBasedOn"]] == ["Étude ANCT"]

    def test_an_organisation_partner_is_an_organization(self, client, catalogue):
        (data,) = json_ld(client.get(catalogue.cluster.get_absolute_url()))
        types = [node["@type"] for node in data["mentions"]]
        assert types == ["GovernmentOrganization", "Organization"]

    def test_the_home_page_is_the_website_with_its_search(self, client, catalogue):
        (data,) = json_ld(client.get("/"))
        assert data["@type"] == "WebSite"
        action = data["potentialAction"]
        assert action["@type"] == "SearchAction"
        assert action["target"]["urlTemplate"] == "http://testserver/fiches/?q={search_term_string}"

    def test_territory_pages_say_what_kind_of_body_they_describe(self, client, catalogue):
        (region,) = json_ld(client.get("/territoires/occitanie/"))
        assert region["@type"] == "AdministrativeArea"
        assert region["identifier"][0]["value"] == "76"
        (petr,) = json_ld(client.get("/territoires/petr-pays-portes-de-gascogne/"))
        assert petr["@type"] == "GovernmentOrganization"
        assert petr["areaServed"][0]["name"] == "Gers"


class TestOpenGraph:
    @pytest.mark.parametrize(
        ("path", "title"),
        [
            ("/", "Catalogue des coopérations territoriales"),
            ("/fiches/", "Fiches de cas"),
            ("/thematiques/mobilite/", "Mobilité"),
            ("/territoires/toulouse-metropole/", "Toulouse Métropole"),
            ("/donnees/", "Données ouvertes"),
        ],
    )
    def test_every_page_has_its_own_title_and_an_image(self, client, catalogue, path, title):
        html = client.get(path).content.decode()
        assert html.count('property="og:title"') == 1
        assert f'<meta property="og:title" content="{title}">' in html
        assert (
            '<meta property="og:image" content="http://testserver/static/img/og-image.png">' in html
        )

    def test_a_sheet_previews_with_its_title(self, client, catalogue):
        html = client.get(catalogue.brest.get_absolute_url()).content.decode()
        assert html.count('property="og:title"') == 1
        assert f'<meta property="og:title" content="{catalogue.brest.title}">' in html
