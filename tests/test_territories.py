"""/territoires/: the territories of published sheets, searchable by name or official code,
filtered by kind and région without JavaScript, grouped by kind; collectives apart."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casestudies.models import Role, TerritoryKind
from casestudies.views.territories import TerritoryListView
from tests.factories import CaseStudyFactory, ParticipationFactory, TerritoryFactory

pytestmark = pytest.mark.django_db

TERRITORIES = reverse("casestudies:territory-list")


def taking_part(territory, sheets=1, drafts=0):
    for _ in range(sheets):
        ParticipationFactory(case=CaseStudyFactory(), territory=territory, role=Role.PARTENAIRE)
    for _ in range(drafts):
        ParticipationFactory(case=CaseStudyFactory(draft=True), territory=territory)
    return territory


@pytest.fixture
def places(db):
    bretagne = TerritoryFactory(name="Bretagne", kind=TerritoryKind.REGION, insee_code="53")
    occitanie = TerritoryFactory(name="Occitanie", kind=TerritoryKind.REGION, insee_code="76")
    ardeche = TerritoryFactory(name="Ardèche", kind=TerritoryKind.DEPARTEMENT, insee_code="07")
    brest = TerritoryFactory(
        name="Brest métropole", kind=TerritoryKind.METROPOLE, siren="242900314"
    )
    brest.regions.add(bretagne)
    toulouse = TerritoryFactory(
        name="Toulouse Métropole", kind=TerritoryKind.METROPOLE, siren="243100518"
    )
    toulouse.regions.add(occitanie)
    coeur = TerritoryFactory(name="Pays Cœur d'Hérault", kind=TerritoryKind.PAYS)
    coeur.regions.add(occitanie)
    petr = TerritoryFactory(name="PETR du Pays de Brest", kind=TerritoryKind.PETR)
    petr.regions.add(bretagne)
    collective = TerritoryFactory(
        name="EPCI voisins de Brest métropole", kind=TerritoryKind.COLLECTIF
    )
    collective.regions.add(bretagne)
    for territory in (bretagne, ardeche, toulouse, coeur, petr, collective):
        taking_part(territory)
    taking_part(brest, sheets=2, drafts=1)
    draft_only = taking_part(TerritoryFactory(name="Territoire des brouillons"), sheets=0, drafts=2)
    unused = TerritoryFactory(name="Territoire sans fiche")
    return locals()


def names(response) -> list[str]:
    """Names of the listed territories (both lists), in page order."""
    found = re.findall(r'<li><a href="/territoires/[^/]+/">([^<]+)</a>', response.text)
    return [html.unescape(name) for name in found]


def section(response, heading_id) -> str:
    start = response.text.index(f'id="{heading_id}"')
    end = response.text.find("</section>", start)
    return response.text[start:end]


class TestListing:
    def test_only_territories_of_published_sheets_with_their_counts(self, client, places):
        response = client.get(TERRITORIES)
        assert response.status_code == 200
        listed = names(response)
        assert "Territoire des brouillons" not in listed
        assert "Territoire sans fiche" not in listed
        assert len(listed) == 7
        assert re.search(r"Brest métropole</a> <span class=\"code\">SIREN 242900314</span> "
                         r"— 2 fiches</li>", response.text)  # the draft is not counted  # fmt: skip
        assert "6 territoires et 1 ensemble désigné collectivement" in response.text

    def test_grouped_by_kind_in_the_order_of_the_kind_groups(self, client, places):
        response = client.get(TERRITORIES)
        groups = re.findall(r'<h2 id="groupe-[^"]+">([^<]+)</h2>', response.text)
        assert groups == [
            "Collectivités",
            "EPCI à fiscalité propre et EPT",
            "Territoires de projet et syndicats",
        ]
        kinds = re.findall(r'<h3 id="type-([^"]+)">', response.text)
        assert kinds == ["region", "departement", "metropole", "petr", "pays"]
        metropoles = response.text[response.text.index('id="type-metropole"') :]
        assert metropoles.index("Brest métropole") < metropoles.index("Toulouse Métropole")
        assert 'Métropole <span class="count">(2 territoires)</span>' in response.text

    def test_collectives_are_listed_apart_as_groups_not_territories(self, client, places):
        response = client.get(TERRITORIES)
        apart = section(response, "ensembles-titre")
        assert "Ensembles désignés collectivement (pas des territoires)" in apart
        assert "EPCI voisins de Brest métropole" in apart
        groups = response.text[: response.text.index('id="ensembles-titre"')]
        assert "EPCI voisins de Brest métropole" not in groups
        assert "type-ensemble-de-territoires" not in response.text

    def test_the_form_works_without_javascript(self, client, places):
        text = client.get(TERRITORIES).text
        form = re.search(r'<form method="get" action="/territoires/".*?</form>', text, re.S)
        assert form, "a GET form"
        form = form.group(0)
        assert '<label for="id_q">' in form and 'type="search" name="q"' in form
        assert '<label for="id_type">' in form and '<label for="id_region">' in form
        # Kinds grouped as TERRITORY_KIND_GROUPS, régions of the catalogue.
        assert '<optgroup label="EPCI à fiscalité propre et EPT">' in form
        assert '<option value="metropole">Métropole</option>' in form
        assert '<option value="bretagne">Bretagne</option>' in form
        assert 'aria-describedby="id_q_helptext"' in form and 'id="id_q_helptext"' in form


class TestSearch:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("ardeche", ["Ardèche"]),
            ("ARDÈCHE", ["Ardèche"]),
            ("coeur herault", ["Pays Cœur d'Hérault"]),
            ("cœur", ["Pays Cœur d'Hérault"]),
            ("d'herault", ["Pays Cœur d'Hérault"]),
            (
                "brest",
                ["Brest métropole", "PETR du Pays de Brest", "EPCI voisins de Brest métropole"],
            ),
            ("brest petr", ["PETR du Pays de Brest"]),
            ("nulle part", []),
        ],
    )
    def test_by_name_whatever_the_accents_and_case(self, client, places, query, expected):
        assert names(client.get(TERRITORIES, {"q": query})) == expected

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("243100518", ["Toulouse Métropole"]),
            ("243 100 518", ["Toulouse Métropole"]),
            ("07", ["Ardèche"]),
            ("53", ["Bretagne"]),
        ],
    )
    def test_by_official_code(self, client, places, query, expected):
        assert names(client.get(TERRITORIES, {"q": query})) == expected

    def test_by_kind(self, client, places):
        response = client.get(TERRITORIES, {"type": "metropole"})
        assert names(response) == ["Brest métropole", "Toulouse Métropole"]
        assert 'id="ensembles-titre"' not in response.text
        only = client.get(TERRITORIES, {"type": "ensemble-de-territoires"})
        assert names(only) == ["EPCI voisins de Brest métropole"]
        assert "Aucun territoire ne correspond" not in only.text

    def test_by_region(self, client, places):
        response = client.get(TERRITORIES, {"region": "bretagne"})
        # A région is placed in itself: it is one of the territories of its région.
        assert names(response) == [
            "Bretagne", "Brest métropole", "PETR du Pays de Brest",
            "EPCI voisins de Brest métropole",
        ]  # fmt: skip
        both = client.get(TERRITORIES, {"region": "occitanie", "type": "pays", "q": "herault"})
        assert names(both) == ["Pays Cœur d'Hérault"]

    def test_no_result_says_so(self, client, places):
        response = client.get(TERRITORIES, {"q": "introuvable"})
        assert "Aucun territoire ne correspond à cette recherche." in response.text
        assert "0 territoire" in response.text


class TestBadParameters:
    @pytest.mark.parametrize(
        ("params", "message"),
        [
            ({"type": "inconnu"}, "Filtre « Type de territoire » ignoré : valeur inconnue"),
            ({"region": "atlantide"}, "Filtre « Région » ignoré : valeur inconnue"),
            ({"page": "abc"}, "Numéro de page « abc » invalide : première page affichée."),
            ({"page": "-1"}, "Numéro de page « -1 » invalide : première page affichée."),
            ({"q": "x" * 300}, "La recherche a été raccourcie à 100 caractères."),
        ],
    )
    def test_a_clear_message_and_the_rest_of_the_page(self, client, places, params, message):
        response = client.get(TERRITORIES, params)
        assert response.status_code == 200
        assert message in response.text
        if "q" not in params:
            assert len(names(response)) == 7  # the bad filter is ignored

    def test_control_characters_are_dropped(self, client, places):
        response = client.get(TERRITORIES, {"q": "brest\x00 petr"})
        assert response.status_code == 200
        assert "\x00" not in response.text
        assert names(response) == ["PETR du Pays de Brest"]

    @pytest.mark.parametrize("page", ["2", "0", "9" * 30])
    def test_a_page_beyond_the_list_is_a_404(self, client, places, page):
        response = client.get(TERRITORIES, {"page": page})
        assert response.status_code == 404
        assert "Page introuvable" in response.text


class TestPagination:
    def test_long_lists_are_paginated_and_kinds_continue_across_pages(
        self, client, places, monkeypatch
    ):
        monkeypatch.setattr(TerritoryListView, "paginate_by", 4)
        first = client.get(TERRITORIES)
        assert names(first) == ["Bretagne", "Ardèche", "Brest métropole", "Toulouse Métropole"]
        assert 'id="ensembles-titre"' not in first.text  # the collectives close the list
        assert '<a href="?page=2#ensembles-titre">(en fin de liste)</a>' in first.text
        assert 'href="?page=2" rel="next"' in first.text
        second = client.get(TERRITORIES, {"page": 2})
        assert names(second) == [
            "PETR du Pays de Brest", "Pays Cœur d'Hérault", "EPCI voisins de Brest métropole",
        ]  # fmt: skip
        assert "page 2 sur 2" in second.text

    def test_a_kind_split_across_pages_says_it_continues(self, client, places, monkeypatch):
        monkeypatch.setattr(TerritoryListView, "paginate_by", 3)
        second = client.get(TERRITORIES, {"page": 2})
        assert names(second)[0] == "Toulouse Métropole"
        assert re.search(r'id="type-metropole">Métropole <span class="count">'
                         r"\(2 territoires, suite\)", second.text)  # fmt: skip


def test_query_count_is_fixed_and_does_not_grow(client, db, django_assert_max_num_queries):
    region = TerritoryFactory(name="Bretagne", kind=TerritoryKind.REGION)

    def add(number):
        for index in range(number):
            territory = taking_part(TerritoryFactory(), sheets=2)  # « Communauté de communes… »
            territory.regions.add(region)
            if index % 10 == 0:
                collective = TerritoryFactory(
                    kind=TerritoryKind.COLLECTIF, name=f"Communes voisines n° {territory.pk}"
                )
                taking_part(collective).regions.add(region)

    def queries():
        with CaptureQueriesContext(connection) as context:
            response = client.get(TERRITORIES, {"q": "communes", "region": "bretagne"})
        assert response.status_code == 200
        return len(context.captured_queries), len(names(response))

    add(3)
    small, listed = queries()
    assert listed == 3 + 1
    add(40)
    assert queries() == (small, 43 + 5)
    # The régions of the form, the count, the totals by kind, the page, the collectives.
    with django_assert_max_num_queries(5):
        client.get(TERRITORIES, {"q": "communes", "type": "communaute-communes", "page": "1"})
