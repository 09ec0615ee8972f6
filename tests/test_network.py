"""The partner network (/reseau/), its exports and API, the « kind A and kind B » filter, the
neighbourhood of territory and organisation pages, and the links on the map."""

import csv
import io
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casestudies.filters import CaseStudyFilterSet
from casestudies.models import CaseStudy, Role, TerritoryKind
from casestudies.network import Network, Node, draw, overlap
from casestudies.parties import TERRITORY, Party
from tests.catalogue_fixtures import build_catalogue
from tests.factories import (
    CaseStudyFactory,
    OrganisationFactory,
    ParticipationFactory,
    TerritoryFactory,
)

pytestmark = pytest.mark.django_db

NETWORK = reverse("casestudies:network")
SVG = "{http://www.w3.org/2000/svg}"


def sheet(*parties, draft=False, **fields):
    case = CaseStudyFactory(draft=draft, **fields)
    for party in parties:
        if hasattr(party, "insee_code"):
            ParticipationFactory(case=case, territory=party, role=Role.PARTENAIRE)
        else:
            ParticipationFactory(case=case, territory=None, organisation=party)
    return case


@pytest.fixture
def triangle(db):
    """Three published sheets: A–B twice, A–B–C once; a draft joins A and D."""
    a = TerritoryFactory(name="Métropole A", kind=TerritoryKind.METROPOLE)
    b = TerritoryFactory(name="PETR B", kind=TerritoryKind.PETR)
    c = OrganisationFactory(name="Chambre C", kind="chambre-agriculture")
    d = TerritoryFactory(name="Secret D")
    sheet(a, b)
    sheet(a, b)
    sheet(a, b, c)
    sheet(a, d, draft=True)
    return a, b, c, d


def weights(network):
    return {(link.a.name, link.b.name): link.sheets for link in network.links}


def networks():
    """The network of every published sheet read from the counters, and the same selection
    read from the index rows of its sheets: both must agree."""
    return Network(), Network(CaseStudy.objects.published())


class TestEdges:
    @pytest.mark.parametrize("source", [0, 1], ids=["counters", "index-rows"])
    def test_edges_are_weighted_by_shared_published_sheets_and_drafts_never_appear(
        self, triangle, source
    ):
        network = networks()[source]
        assert weights(network) == {
            ("Métropole A", "PETR B"): 3,
            ("Chambre C", "Métropole A"): 1,
            ("Chambre C", "PETR B"): 1,
        }
        assert {(n.party.name, n.sheets) for n in network.top_nodes(10)} == {
            ("Métropole A", 3),
            ("PETR B", 3),
            ("Chambre C", 1),
        }

    def test_a_party_with_two_roles_in_a_sheet_is_one_node_and_links_once(self, db):
        a, b = TerritoryFactory(), TerritoryFactory()
        case = sheet(a, b)
        ParticipationFactory(case=case, territory=a, role=Role.FINANCEUR)
        for network in networks():
            assert len(network.top_nodes(10)) == 2
            assert [link.sheets for link in network.links] == [1]

    def test_territories_named_collectively_are_not_nodes(self, db):
        a = TerritoryFactory()
        others = TerritoryFactory(name="Les EPCI voisins", kind=TerritoryKind.COLLECTIF)
        sheet(a, others)
        assert [list(network.links) for network in networks()] == [[], []]

    def test_the_network_follows_the_list_filters(self, client, triangle):
        response = client.get(NETWORK + "?organisation_kind=chambre-agriculture")
        assert response.context["paginator"].count == 3  # only the A–B–C sheet
        assert {link.sheets for link in response.context["links"]} == {1}


class TestNetworkPage:
    def test_the_svg_has_a_node_per_drawn_party_and_a_title_per_edge(self, client, triangle):
        response = client.get(NETWORK)
        assert response.status_code == 200
        html = response.content.decode()
        start, end = html.index("<svg"), html.index("</svg>") + len("</svg>")
        svg = ET.fromstring(html[start:end])
        circles = svg.findall(f".//{SVG}circle")
        assert {c.get("data-key") for c in circles} == {
            node.node.party.key for node in response.context["drawing"].nodes
        }
        lines = svg.findall(f".//{SVG}line")
        assert len(lines) == 3
        titles = sorted(line.find(f"{SVG}title").text for line in lines)
        assert titles[-1] == "Métropole A — PETR B : 3 fiches"

    def test_labels_never_cover_one_another_nor_leave_the_drawing(self):
        parties = [
            Party(TERRITORY, i, f"p{i}", f"Communauté de communes numéro {i}", "metropole", "")
            for i in range(6)
        ]
        nodes = [Node(party, 6 - i) for i, party in enumerate(parties)]
        # Four nodes on one spot, one in the bottom-left corner, one in the top-right corner.
        positions = {p.key: (0.5, 0.5) for p in parties[:4]}
        positions |= {parties[4].key: (0.0, 1.0), parties[5].key: (1.0, 0.0)}
        drawing = draw(nodes, [], 6, positions, labelled=6)
        labelled = {n.node.party.slug: n for n in drawing.nodes if n.labelled}
        # The crowded spot has room for a label on each side; the two isolated nodes keep theirs.
        assert set(labelled) == {"p0", "p1", "p4", "p5"}
        assert {labelled["p0"].label_anchor, labelled["p1"].label_anchor} == {"start", "end"}
        assert labelled["p4"].label_anchor == "start"  # at the left edge, it points inwards
        assert labelled["p5"].label_anchor == "end"  # at the right edge too
        plates = [n.label_box for n in labelled.values()]
        for i, a in enumerate(plates):
            assert a[0] >= 0 and a[0] + a[2] <= drawing.width
            assert not any(overlap(a, b) for b in plates[i + 1 :])

    def test_the_table_lists_every_link_with_a_link_to_the_shared_sheets(self, client, triangle):
        response = client.get(NETWORK)
        links = response.context["links"]
        assert [link.sheets for link in links] == [3, 1, 1]
        shared = client.get(links[0].url)
        assert shared.context["paginator"].count == 3

    def test_page_numbers_follow_the_catalogue_rule(self, client, triangle):
        assert client.get(NETWORK + "?page=abc").status_code == 200
        assert client.get(NETWORK + "?page=9").status_code == 404

    def test_an_empty_selection_says_so(self, client, triangle):
        response = client.get(NETWORK + "?year_min=2099")
        assert response.status_code == 200
        assert "Aucun lien dans cette sélection" in response.content.decode()

    def test_queries_do_not_grow_with_the_network(self, client, triangle):
        client.get(NETWORK)  # the layout is computed once and cached
        with CaptureQueriesContext(connection) as small:
            client.get(NETWORK + "?sort=titre")
        for _ in range(5):
            sheet(TerritoryFactory(), TerritoryFactory(), OrganisationFactory())
        client.get(NETWORK + "?sort=recent")
        with CaptureQueriesContext(connection) as large:
            client.get(NETWORK + "?sort=titre")
        assert len(large) == len(small)


class TestExports:
    def test_csv_edge_list_reads_back(self, client, triangle):
        response = client.get(reverse("casestudies:network-export", args=["csv"]))
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert rows[0] == {
            "partie_a": f"t-{triangle[0].slug}",
            "nom_a": "Métropole A",
            "code_a": "",
            "type_a": "metropole",
            "partie_b": f"t-{triangle[1].slug}",
            "nom_b": "PETR B",
            "code_b": "",
            "type_b": "petr",
            "fiches": "3",
        }
        assert len(rows) == 3

    @pytest.mark.parametrize("extension", ["graphml", "gexf"])
    def test_graph_files_read_back_with_networkx(self, client, triangle, tmp_path, extension):
        response = client.get(reverse("casestudies:network-export", args=[extension]))
        path = tmp_path / f"reseau.{extension}"
        path.write_bytes(b"".join(response.streaming_content))
        graph = nx.read_graphml(path) if extension == "graphml" else nx.read_gexf(path)
        a, b = f"t-{triangle[0].slug}", f"t-{triangle[1].slug}"
        assert graph.number_of_nodes() == 3 and graph.number_of_edges() == 3
        assert int(graph.edges[a, b]["weight"]) == 3
        assert graph.nodes[a]["label"] == "Métropole A"

    def test_unknown_formats_are_404(self, client):
        assert client.get("/reseau/export.xlsx").status_code == 404

    def test_api_gives_the_same_links_and_refuses_unknown_values(self, client, triangle):
        data = client.get(reverse("casestudies:api-network")).json()
        assert data["count"] == 3
        first = data["results"][0]
        assert (first["a"]["name"], first["b"]["name"], first["sheets"]) == (
            "Métropole A",
            "PETR B",
            3,
        )
        assert first["cases_url"].endswith(
            f"territory={triangle[0].slug}&territory={triangle[1].slug}"
        )
        assert client.get(reverse("casestudies:api-network") + "?theme=inconnue").status_code == 400
        assert client.get(reverse("casestudies:api-network") + "?page=9").status_code == 404


class TestPartyKindFilter:
    def selected(self, query):
        from django.http import QueryDict

        filterset = CaseStudyFilterSet(QueryDict(query), queryset=CaseStudy.objects.published())
        return set(filterset.qs.values_list("title", flat=True)), filterset

    def test_a_kind_and_another_kind(self, db):
        metro = TerritoryFactory(kind=TerritoryKind.METROPOLE)
        petr = TerritoryFactory(kind=TerritoryKind.PETR)
        pnr = TerritoryFactory(kind=TerritoryKind.PNR)
        cc = TerritoryFactory(kind=TerritoryKind.COMMUNAUTE_COMMUNES)
        sheet(metro, petr, title="métropole et PETR")
        sheet(metro, pnr, title="métropole et PNR")
        sheet(metro, cc, title="métropole et CC")
        sheet(petr, pnr, title="PETR et PNR")
        titles, filterset = self.selected(
            "party_kind_a=metropole&party_kind_b=petr&party_kind_b=pnr"
        )
        assert titles == {"métropole et PETR", "métropole et PNR"}
        assert filterset.problems() == []

    def test_the_two_sides_are_two_different_parties(self, db):
        one, two = (TerritoryFactory(kind=TerritoryKind.COMMUNAUTE_COMMUNES) for _ in range(2))
        metro = TerritoryFactory(kind=TerritoryKind.METROPOLE)
        sheet(one, metro, title="une seule CC")
        sheet(one, two, title="deux CC")
        case = sheet(one, title="une CC sous deux rôles")
        ParticipationFactory(case=case, territory=one, role=Role.FINANCEUR)
        titles, _ = self.selected(
            "party_kind_a=communaute-communes&party_kind_b=communaute-communes"
        )
        assert titles == {"deux CC"}

    def test_organisation_kinds_and_the_two_others(self, db):
        metro = TerritoryFactory(kind=TerritoryKind.METROPOLE)
        other = TerritoryFactory(kind=TerritoryKind.AUTRE)
        chamber = OrganisationFactory(kind="chambre-agriculture")
        sheet(metro, chamber, title="métropole et chambre")
        sheet(other, chamber, title="autre territoire et chambre")
        titles, _ = self.selected("party_kind_a=autre-territoire&party_kind_b=chambre-agriculture")
        assert titles == {"autre territoire et chambre"}

    def test_unknown_kinds_are_reported_and_the_api_refuses_them(self, client, db):
        _, filterset = self.selected("party_kind_a=zzz")
        assert [kind for kind, _ in filterset.problems()] == ["unknown"]
        assert (
            client.get(reverse("casestudies:api-case-list") + "?party_kind_b=zzz").status_code
            == 400
        )

    def test_the_list_names_the_filter_in_its_chips_and_exports_follow_it(self, client, db):
        metro = TerritoryFactory(kind=TerritoryKind.METROPOLE)
        petr = TerritoryFactory(kind=TerritoryKind.PETR)
        sheet(metro, petr, title="métropole et PETR")
        sheet(metro, title="métropole seule")
        query = "?party_kind_a=metropole&party_kind_b=petr"
        response = client.get(reverse("casestudies:case-list") + query)
        assert [case.title for case in response.context["cases"]] == ["métropole et PETR"]
        labels = [chip.label for chip in response.context["chips"]]
        assert labels == [
            "Une partie de type : Métropole",
            "… et une autre partie de type : PETR (pôle d'équilibre territorial et rural)",
        ]
        export = client.get(reverse("casestudies:case-export-csv") + query)
        text = b"".join(export.streaming_content).decode("utf-8-sig")
        assert len(list(csv.reader(io.StringIO(text)))) == 2
        api = client.get(reverse("casestudies:api-case-list") + query).json()
        assert api["count"] == 1

    def test_the_territory_filter_selects_sheets_with_every_given_party(self, db):
        a, b, c = TerritoryFactory(), TerritoryFactory(), TerritoryFactory()
        sheet(a, b, title="A et B")
        sheet(a, c, title="A et C")
        titles, filterset = self.selected(f"territory={a.slug}&territory={b.slug}")
        assert titles == {"A et B"}
        _, filterset = self.selected("territory=inconnu")
        assert [kind for kind, _ in filterset.problems()] == ["unknown"]


class TestNeighbourhood:
    def test_a_territory_page_shows_its_partners_and_partners_in_common(self, client, db):
        hub = TerritoryFactory(name="Pivot", kind=TerritoryKind.METROPOLE, siren="243100518")
        shared = TerritoryFactory(name="Partenaire commun")
        peer = TerritoryFactory(name="Pair")
        sheet(hub, shared)
        sheet(peer, shared)
        sheet(hub, TerritoryFactory(name="Autre"), draft=True)
        response = client.get(hub.get_absolute_url())
        neighbourhood = response.context["neighbourhood"]
        assert [(link.b.name, link.sheets) for link in neighbourhood.partners] == [
            ("Partenaire commun", 1)
        ]
        assert [(c.party.name, c.count) for c in neighbourhood.common] == [("Pair", 1)]
        html = response.content.decode()
        assert "https://annuaire-entreprises.data.gouv.fr/entreprise/243100518" in html
        assert "https://www.banatic.interieur.gouv.fr/intercommunalite/243100518-pivot" in html

    def test_a_commune_links_to_the_official_geographic_code(self, client, db):
        commune = TerritoryFactory(name="Clermont-Ferrand", kind="commune", insee_code="63113")
        html = client.get(commune.get_absolute_url()).content.decode()
        assert "https://www.insee.fr/fr/metadonnees/cog/commune/COM63113-clermont-ferrand" in html

    def test_an_organisation_page_shows_its_sheets_and_partners(self, client, db):
        chamber = OrganisationFactory(name="Chambre d'agriculture", kind="chambre-agriculture")
        partner = TerritoryFactory(name="PETR voisin", kind=TerritoryKind.PETR)
        sheet(chamber, partner, title="Une fiche publiée")
        sheet(chamber, TerritoryFactory(name="Caché"), draft=True, title="Un brouillon")
        response = client.get(reverse("casestudies:organisation-detail", args=[chamber.slug]))
        assert response.status_code == 200
        assert [case.title for case in response.context["cases"]] == ["Une fiche publiée"]
        assert [link.b.name for link in response.context["neighbourhood"].partners] == [
            "PETR voisin"
        ]
        assert "Caché" not in response.content.decode()
        missing = reverse("casestudies:organisation-detail", args=["inconnue"])
        assert client.get(missing).status_code == 404


class TestMapLinks:
    def test_toulouse_portes_de_gascogne_is_an_arc_between_haute_garonne_and_gers(self, client):
        catalogue = build_catalogue()
        haute_garonne = TerritoryFactory(
            name="Haute-Garonne", kind=TerritoryKind.DEPARTEMENT, insee_code="31"
        )
        catalogue.territories.toulouse.departements.add(haute_garonne)
        response = client.get(reverse("casestudies:map"))
        links = response.context["links"]
        assert [(link.a, link.b, link.sheets) for link in links.strongest] == [
            ("Haute-Garonne", "Gers", 1)
        ]
        assert [arc.title for arc in links.arcs] == ["Haute-Garonne — Gers : 1 fiche"]
        html = response.content.decode()
        assert html.count('class="arcs"') == 1 and "<title>Haute-Garonne — Gers : 1 fiche" in html

    def test_links_abroad_are_listed_and_the_density_view_stays(self, client, db):
        gers = TerritoryFactory(name="Gers", kind=TerritoryKind.DEPARTEMENT, insee_code="32")
        abroad = TerritoryFactory(name="Navarre", kind=TerritoryKind.ETRANGER, country="Espagne")
        sheet(gers, abroad)
        response = client.get(reverse("casestudies:map"))
        assert [(link.a, link.b) for link in response.context["links"].elsewhere] == [
            ("Gers", "Navarre (Espagne)")
        ]
        density = client.get(reverse("casestudies:map") + "?vue=densite")
        assert density.context["view"] == "densite" and 'class="shade-' in density.content.decode()
        unknown = client.get(reverse("casestudies:map") + "?vue=inconnue&zzz=1")
        assert unknown.context["view"] == "liens"
        assert [str(m) for m in unknown.context["messages"]] == [
            "Paramètre inconnu ignoré : « zzz »."
        ]
