"""The partner network: who works with whom, in a selection of published sheets.

Nodes are parties (territories and organisations, parties.py); an edge joins two parties of
the same sheet, weighted by the number of sheets they share. Everything is counted by the
database from the participations of the selection (two ``GROUP BY``), then:

- the **drawing** keeps the parties with the most sheets (``MAX_DRAWN``) and the links among
  them, laid out by networkx's force-directed layout (``spring_layout`` with a fixed seed and
  the nodes in a fixed order, so the same network is always drawn the same way). The layout
  is cached under a digest of the drawn graph itself: a change that alters no drawn node or
  weight reuses it, any other change gets a new one — nothing to invalidate;
- the **table** and the exports list every link, strongest first.

The whole network of a selection is cached with the catalogue (``caching.cached``: keyed by
the catalogue's generation, which every change of a sheet renews).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode

from casestudies.caching import TIMEOUT, cached, text_key
from casestudies.facet_index import PARTY_CODE
from casestudies.models import FacetCount, FacetEntry, Organisation, Territory
from casestudies.parties import NOT_A_PARTY, ORGANISATION, TERRITORY, Party

MAX_DRAWN = 60  # parties on the drawing of a network
LABELLED = 10  # of which the ones with the most sheets are named on it
WIDTH, HEIGHT, MARGIN = 960, 620, 40

PAIR = "pair"  # the facet of the index that holds the links (facet_index.py)
PLACE_PAIR = "place_pair"  # … and the one that holds the links between places
PARTY_FACETS = ("territory", "organisation")

# One row per (sheet, party) of the sheets ``{cases}``, a party as one integer (see
# ``decode``); sets of territories named collectively are not parties of a network.
PARTIES_SQL = f"""
    SELECT DISTINCT p.case_id AS case_id, {PARTY_CODE.format(p="p")} AS party
    FROM casestudies_participation p
    LEFT JOIN casestudies_territory t ON t.id = p.territory_id
    WHERE p.case_id IN ({{cases}}) AND (t.id IS NULL OR t.kind <> %s)
"""


def decode(party: int) -> tuple[str, int]:
    """(side letter, id) of a party's integer code."""
    return ("o", party // 2) if party % 2 else ("t", party // 2)


def _parties_sql(cases) -> tuple[str, list]:
    sql, params = cases.values("pk").order_by().query.sql_with_params()
    return PARTIES_SQL.format(cases=sql), [*params, NOT_A_PARTY]


def _fetch(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def load_parties(codes) -> dict[int, Party]:
    """The parties of integer ``codes``, by code: two queries per 1 000 codes."""
    ids: dict[str, list[int]] = {"t": [], "o": []}
    for code in codes:
        side, pk = decode(code)
        ids[side].append(pk)
    parties = {}
    for start in range(0, len(ids["t"]), 1000):
        territories = Territory.objects.filter(pk__in=ids["t"][start : start + 1000])
        for pk, slug, name, kind, siren, insee in territories.values_list(
            "pk", "slug", "name", "kind", "siren", "insee_code"
        ):
            parties[pk * 2] = Party(TERRITORY, pk, slug, name, kind, insee or siren)
    for start in range(0, len(ids["o"]), 1000):
        organisations = Organisation.objects.filter(pk__in=ids["o"][start : start + 1000])
        for pk, slug, name, kind, siren in organisations.values_list(
            "pk", "slug", "name", "kind", "siren"
        ):
            parties[pk * 2 + 1] = Party(ORGANISATION, pk, slug, name, kind, siren)
    return parties


def sheets_url(*parties: Party) -> str:
    """The list of the published sheets in which all ``parties`` take part."""
    params = [(p.side, p.slug) for p in parties]
    return reverse("casestudies:case-list") + "?" + urlencode(params)


@dataclass(frozen=True)
class Node:
    party: Party
    sheets: int


@dataclass(frozen=True)
class Link:
    a: Party
    b: Party
    sheets: int

    @property
    def url(self) -> str:
        return sheets_url(self.a, self.b)


@dataclass(frozen=True)
class DrawnNode:
    node: Node
    x: float
    y: float
    r: float
    labelled: bool
    label_anchor: str = "start"  # or "end": the label on the left of the node

    @property
    def label(self) -> str:
        name = self.node.party.name
        return name if len(name) <= 30 else name[:29].rstrip() + "…"

    @property
    def label_x(self) -> float:
        offset = self.r + 3
        return round(self.x - offset if self.label_anchor == "end" else self.x + offset, 1)

    @property
    def label_box(self) -> tuple[float, float, float, float]:
        """x, y, width, height of the light plate behind the label: a label crossing another node
        stays readable (and measurable by a contrast checker, which ignores a text's halo). The
        width is estimated at 0.6 em per character of 13 px type."""
        width = round(len(self.label) * 7.8 + 6, 1)
        x = self.label_x - width + 3 if self.label_anchor == "end" else self.label_x - 3
        return round(x, 1), round(self.y - 9, 1), width, 18


@dataclass(frozen=True)
class DrawnLink:
    link: Link
    x1: float
    y1: float
    x2: float
    y2: float
    width: float


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    nodes: list[DrawnNode]
    links: list[DrawnLink]
    shown: int  # parties drawn
    total: int  # parties of the network


def layout(node_keys: list[str], weighted_edges: list[tuple[str, str, int]]) -> dict:
    """Positions in [0, 1]² of ``node_keys``, cached under a digest of the graph: the same
    graph is laid out once, whatever changed around it.

    Each connected component is laid out on its own by networkx's force-directed
    ``spring_layout`` (fixed seed), then the components are packed: the largest on the left,
    the others in a grid on the right (laid out together, the small components would push
    the large one into a clump)."""
    key = "network-layout:" + text_key(repr((node_keys, weighted_edges)))
    positions = cache.get(key)
    if positions is None:
        import networkx as nx  # imported on first use: numpy is slow to load

        graph = nx.Graph()
        graph.add_nodes_from(node_keys)
        graph.add_weighted_edges_from(weighted_edges)
        order = {k: i for i, k in enumerate(node_keys)}
        components = sorted(
            (sorted(c, key=order.get) for c in nx.connected_components(graph)),
            key=lambda c: (-len(c), order[c[0]]),
        )
        positions = {}
        for component, box in zip(components, pack([len(c) for c in components]), strict=True):
            positions.update(_fit(_spring(nx, graph.subgraph(component), component), box))
        cache.set(key, positions, TIMEOUT)
    return positions


def _spring(nx, graph, nodes) -> dict:
    if len(nodes) == 1:
        return {nodes[0]: (0.5, 0.5)}
    k = 2.5 / math.sqrt(len(nodes))  # networkx default 1/√n: labels overlapped
    raw = nx.spring_layout(graph, k=k, seed=17, iterations=200, weight="weight")
    return {k: (float(x), float(y)) for k, (x, y) in raw.items()}


def _fit(raw: dict, box) -> dict:
    """``raw`` positions scaled into ``box`` (x, y, width, height), centred, aspect kept."""
    x0, y0, width, height = box
    xs, ys = [x for x, _ in raw.values()], [y for _, y in raw.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = min(width, height) / span if len(raw) > 1 else 0
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {
        k: (x0 + width / 2 + (x - cx) * scale, y0 + height / 2 + (y - cy) * scale)
        for k, (x, y) in raw.items()
    }


def pack(sizes: list[int]) -> list[tuple[float, float, float, float]]:
    """Boxes in [0, 1]² for components of ``sizes`` (largest first): the largest takes the left
    part in proportion to its size (half to four fifths), the others a grid on the right."""
    if len(sizes) <= 1:
        return [(0.0, 0.0, 1.0, 1.0)][: len(sizes)]
    share = min(0.8, max(0.5, sizes[0] / sum(sizes)))
    rest = len(sizes) - 1
    columns = max(1, math.ceil(math.sqrt(rest * (1 - share) / 1.0)))
    rows = math.ceil(rest / columns)
    width, height = (1 - share) / columns, 1.0 / rows
    boxes = [(0.0, 0.0, share * 0.95, 1.0)]
    for index in range(rest):
        row, column = divmod(index, columns)
        boxes.append((share + column * width, row * height, width * 0.9, height * 0.9))
    return boxes


def overlap(a, b) -> bool:
    """Whether two boxes (x, y, width, height) intersect."""
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def draw(
    nodes: list[Node],
    links: list[Link],
    total: int,
    positions=None,
    width=WIDTH,
    height=HEIGHT,
    labelled=LABELLED,
    outward=False,
) -> Drawing:
    """Nodes and links placed on a ``width`` × ``height`` drawing (``positions`` in [0, 1]²,
    by default the force-directed ``layout``); labels point away from the centre."""
    if positions is None:
        keys = [node.party.key for node in nodes]
        positions = layout(keys, [(link.a.key, link.b.key, link.sheets) for link in links])
    most = max((node.sheets for node in nodes), default=1)
    heaviest = max((link.sheets for link in links), default=1)
    labelled = {node.party.key for node in nodes[:labelled]}

    def place(key):
        x, y = positions[key]
        return (
            round(MARGIN + x * (width - 2 * MARGIN), 1),
            round(MARGIN + y * (height - 2 * MARGIN), 1),
        )

    drawn_nodes = []
    plates = []  # the label plates already placed, largest nodes first
    for node in nodes:
        x, y = place(node.party.key)
        r = round(4 + 14 * math.sqrt(node.sheets / most), 1)
        left = x < width / 2 - 1 if outward else x > width * 0.7
        anchors = ("end", "start") if left else ("start", "end")
        drawn = DrawnNode(node, x, y, r, False, anchors[0])
        if node.party.key in labelled:
            # The first side where the label neither covers another label nor leaves the
            # drawing; no label rather than an unreadable one (the table names every party).
            for anchor in anchors:
                candidate = DrawnNode(node, x, y, r, True, anchor)
                box = candidate.label_box
                if (
                    box[0] >= 0
                    and box[0] + box[2] <= width
                    and not any(overlap(box, plate) for plate in plates)
                ):
                    drawn = candidate
                    plates.append(box)
                    break
        drawn_nodes.append(drawn)
    drawn_links = []
    for link in links:
        x1, y1 = place(link.a.key)
        x2, y2 = place(link.b.key)
        w = round(1 + 5 * link.sheets / heaviest, 1)
        drawn_links.append(DrawnLink(link, x1, y1, x2, y2, w))
    # Small nodes last, so that they stay visible over the large ones.
    drawn_nodes.sort(key=lambda n: (-n.r, n.node.party.key))
    return Drawing(width, height, drawn_nodes, drawn_links, len(nodes), total)


class LinkList:
    """The links of a network, strongest first, as a sequence the paginator can slice: each
    slice is one query (``LIMIT``/``OFFSET`` on the counts), then its parties (two queries)."""

    def __init__(self, counts):
        self.counts = counts  # (« pair », value « a-b », sheets) rows, strongest first

    @cached_property
    def total(self) -> int:
        return self.counts.count()

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        if isinstance(index, slice):
            return links_of([(v, n) for _f, v, n in self.counts[index]])
        return self[index : index + 1][0]

    def __iter__(self):
        """Every link, read 2 000 at a time (exports)."""
        rows = []
        for _facet, value, sheets in self.counts.iterator(chunk_size=2000):
            rows.append((value, sheets))
            if len(rows) == 2000:
                yield from links_of(rows)
                rows = []
        yield from links_of(rows)


def links_of(rows) -> list[Link]:
    codes = {code for value, _n in rows for code in split_pair(value)}
    parties = load_parties(codes)
    links = []
    for value, sheets in rows:
        a, b = split_pair(value)
        if a in parties and b in parties:
            first, second = sorted((parties[a], parties[b]), key=lambda p: p.name.casefold())
            links.append(Link(first, second, sheets))
    return links


def split_pair(value: str) -> tuple[int, int]:
    a, _, b = value.partition("-")
    return int(a), int(b)


class Network:
    """The partner network of a selection of published sheets, read from the facet index: the
    « pair » rows of the selected sheets (or, for every published sheet, their counters) give
    the links, the « territory » and « organisation » rows the parties' numbers of sheets.
    Nothing is proportional to the whole network but the count of its links."""

    def __init__(self, cases=None):
        self.cases = cases  # None: every published sheet

    @classmethod
    def of(cls, filterset) -> Network:
        return cls(None if filterset.filters_nothing else filterset.qs)

    def counts(self, facets, **lookups):
        """(facet, value, sheets) of the selection for ``facets``, most sheets first."""
        if self.cases is None:
            rows = FacetCount.objects.filter(facet__in=facets, sheets__gt=0, **lookups)
            return rows.order_by("-sheets", "facet", "value").values_list(
                "facet", "value", "sheets"
            )
        rows = FacetEntry.objects.filter(
            facet__in=facets, case__in=self.cases.order_by().values("pk"), **lookups
        )
        return (
            rows.values("facet", "value")
            .annotate(n=Count("*"))
            .order_by("-n", "facet", "value")
            .values_list("facet", "value", "n")
        )

    def pair_counts(self, **lookups):
        return [(v, n) for _f, v, n in self.counts([PAIR], **lookups)]

    @cached_property
    def links(self) -> LinkList:
        return LinkList(self.counts([PAIR]))

    def top_nodes(self, limit: int) -> list[Node]:
        """The ``limit`` parties with the most sheets (sets of territories named collectively
        left out)."""
        rows = list(self.counts(PARTY_FACETS)[: limit + 20])
        slugs = {facet: [v for f, v, _n in rows if f == facet] for facet in PARTY_FACETS}
        parties = load_parties_by_slug(slugs)
        nodes = [Node(parties[f, v], n) for f, v, n in rows if (f, v) in parties]
        return nodes[:limit]

    @cached_property
    def node_total(self) -> int:
        return self.counts(PARTY_FACETS).count()

    def sheets_by_party(self) -> dict[tuple[str, str], int]:
        """Sheets of every party, by (facet, slug)."""
        rows = self.counts(PARTY_FACETS).iterator(chunk_size=2000)
        return {(facet, slug): n for facet, slug, n in rows}

    def drawing(self, key: str) -> Drawing:
        """The drawing of the parties with the most sheets and the links among them, cached
        with the catalogue under ``key`` (the selection)."""

        def compute():
            nodes = self.top_nodes(MAX_DRAWN)
            codes = sorted(code_of(node.party) for node in nodes)
            values = [pair_value(a, b) for i, a in enumerate(codes) for b in codes[i + 1 :]]
            links = links_of(self.pair_counts(value__in=values)) if values else []
            return draw(nodes, links, self.node_total)

        return cached("network-drawing", text_key(key), compute)


def pair_value(a: int, b: int) -> str:
    return f"{a}-{b}"


def load_parties_by_slug(slugs: dict[str, list[str]]) -> dict[tuple[str, str], Party]:
    """Parties by (facet, slug) for the « territory » and « organisation » slugs given."""
    parties = {}
    territories = Territory.objects.filter(slug__in=slugs.get("territory", ())).exclude(
        kind=NOT_A_PARTY
    )
    for pk, slug, name, kind, siren, insee in territories.values_list(
        "pk", "slug", "name", "kind", "siren", "insee_code"
    ):
        parties["territory", slug] = Party(TERRITORY, pk, slug, name, kind, insee or siren)
    organisations = Organisation.objects.filter(slug__in=slugs.get("organisation", ()))
    for pk, slug, name, kind, siren in organisations.values_list(
        "pk", "slug", "name", "kind", "siren"
    ):
        parties["organisation", slug] = Party(ORGANISATION, pk, slug, name, kind, siren)
    return parties


# -- exports --------------------------------------------------------------------------------

CSV_HEADER = [
    "partie_a",
    "nom_a",
    "code_a",
    "type_a",
    "partie_b",
    "nom_b",
    "code_b",
    "type_b",
    "fiches",
]


def csv_rows(network: Network):
    """The edge list: one row per link, with both parties' key, name, code and kind."""
    yield CSV_HEADER
    for link in network.links:
        a, b = link.a, link.b
        yield [
            a.key,
            a.name,
            a.code,
            a.kind_value,
            b.key,
            b.name,
            b.code,
            b.kind_value,
            link.sheets,
        ]


def graph(network: Network):
    """The network as a networkx graph: node attributes label, kind, group, code, sheets; edge
    attribute weight (sheets shared)."""
    import networkx as nx

    sheets = network.sheets_by_party()
    result = nx.Graph()
    for link in network.links:
        for party in (link.a, link.b):
            if party.key not in result:
                result.add_node(
                    party.key,
                    label=party.name,
                    kind=party.kind_value,
                    group=party.kind_label,
                    code=party.code,
                    sheets=sheets.get((party.side, party.slug), 0),
                )
        result.add_edge(link.a.key, link.b.key, weight=link.sheets)
    return result


def graphml_lines(network: Network):
    import networkx as nx

    return nx.generate_graphml(graph(network), encoding="utf-8")


def gexf_lines(network: Network):
    import networkx as nx

    return nx.generate_gexf(graph(network), encoding="utf-8")


# -- a party's neighbourhood ------------------------------------------------------------------

NEIGHBOURS = 24  # partners drawn around a party
COMMON = 8  # other territories with partners in common

COMMON_SQL = """
    WITH parties AS ({parties}),
    mine AS (
        SELECT DISTINCT party FROM parties
        WHERE party <> %s AND case_id IN (SELECT case_id FROM parties WHERE party = %s)
    )
    SELECT DISTINCT other.party, shared.party
    FROM parties shared
    JOIN mine ON mine.party = shared.party
    JOIN parties other ON other.case_id = shared.case_id AND other.party <> shared.party
    WHERE other.party <> %s AND other.party %% 2 = 0
"""


def code_of(party: Party) -> int:
    return party.id * 2 + (1 if party.side == ORGANISATION else 0)


@dataclass(frozen=True)
class CommonPartners:
    party: Party
    partners: list[Party]  # names, the first few
    count: int


@dataclass
class Neighbourhood:
    party: Party
    partners: list[Link]  # the party and each partner, strongest first (``b`` is the partner)
    drawing: Drawing | None
    common: list[CommonPartners]


def ego_drawing(party: Party, partners: list[Link], links: list[Link], sheets: int) -> Drawing:
    """The party in the centre, its partners around it by strength (networkx's shell layout),
    the links among them drawn too."""
    import networkx as nx

    keys = [link.b.key for link in partners]
    shells = [[party.key], keys] if keys else [[party.key]]
    raw = nx.shell_layout(nx.empty_graph([party.key, *keys]), nlist=shells)
    reach = max((max(abs(float(x)), abs(float(y))) for x, y in raw.values()), default=1) or 1
    # The ring in the middle half of the width: its labels point outwards, into the margins.
    positions = {k: (0.5 + x / reach * 0.27, (y / reach + 1) / 2) for k, (x, y) in raw.items()}
    nodes = [Node(party, sheets)] + [Node(link.b, link.sheets) for link in partners]
    shown = {party.key, *keys}
    drawn = [link for link in links if link.a.key in shown and link.b.key in shown]
    return draw(nodes, drawn, len(partners) + 1, positions, 880, 560, labelled=9, outward=True)


def neighbourhood(party: Party, cases) -> Neighbourhood:
    """``party``'s partners in the published sheets ``cases`` it takes part in, the links among
    them, and the territories that share the most partners with it — cached with the
    catalogue."""

    def compute():
        links = links_of(Network(cases).pair_counts())
        mine = [link for link in links if party.key in (link.a.key, link.b.key)]
        partners = [
            link if link.a.key == party.key else Link(party, link.a, link.sheets) for link in mine
        ]
        partners.sort(key=lambda link: (-link.sheets, link.b.name.casefold()))
        sheets = cases.count()
        drawing = ego_drawing(party, partners[:NEIGHBOURS], links, sheets) if partners else None
        return Neighbourhood(party, partners, drawing, common_partners(party))

    return cached("neighbourhood", party.key, compute)


def common_partners(party: Party) -> list[CommonPartners]:
    from casestudies.models import CaseStudy

    parties_sql, params = _parties_sql(CaseStudy.objects.published())
    code = code_of(party)
    rows = _fetch(COMMON_SQL.format(parties=parties_sql), [*params, code, code, code])
    shared: dict[int, set[int]] = {}
    for other, partner in rows:
        shared.setdefault(other, set()).add(partner)
    best = sorted(shared.items(), key=lambda item: (-len(item[1]), item[0]))[:COMMON]
    names = load_parties({c for _o, partners in best for c in partners} | {o for o, _p in best})
    result = []
    for other, partners in best:
        listed = sorted((names[c] for c in partners), key=lambda p: p.name.casefold())
        result.append(CommonPartners(names[other], listed[:5], len(partners)))
    return result


# -- links between départements (the map) ---------------------------------------------------


@dataclass(frozen=True)
class PlaceLink:
    """Sheets joining territories in two places: two départements (INSEE codes), or a
    département and a territory abroad (``X<id>``)."""

    a: str
    b: str
    sheets: int


def place_links(network: Network) -> list[PlaceLink]:
    """Links between the places of the territories of the network's sheets, strongest first
    (the « place_pair » rows of the facet index, or their counters)."""
    links = []
    for _facet, value, sheets in network.counts([PLACE_PAIR]):
        a, _, b = value.partition("-")
        links.append(PlaceLink(a, b, sheets))
    return links
