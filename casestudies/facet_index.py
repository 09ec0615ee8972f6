"""The facet index: ``FacetEntry`` rows of each sheet and the ``FacetCount`` of published sheets.

Each facet's values are one SQL ``SELECT case_id, value`` over the relation tables (``SOURCES``),
so that a sheet's rows are rewritten in three statements whatever it holds, and the whole
index is rebuilt in as many statements as there are facets. The value rules are those the
filters always had: a root theme also holds the sheets of its sub-themes; a party placed in a
département is in its région too (placements are closed under containment, see
``reference.normalise_placements``); the « territory » and « organisation » keys hold the
partners (for « fiches proches » and the partner filters), « year » and « theme_instrument »
what the statistics count.

``refresh(ids)`` rewrites the rows of some sheets and adds the difference to the counters, in
the caller's transaction: a text fix changes no row and no counter.
"""

from __future__ import annotations

from collections import Counter

from django.db import connection
from django.db.models import Count, F

from casestudies.models import FacetCount, FacetEntry, PublicationStatus

PUBLISHED = PublicationStatus.PUBLISHED.value

SOURCES = {
    "theme": """
        SELECT ct.casestudy_id AS case_id, t.slug AS value FROM casestudies_casestudy_themes ct
        JOIN casestudies_theme t ON t.id = ct.theme_id
        UNION
        SELECT ct.casestudy_id, r.slug FROM casestudies_casestudy_themes ct
        JOIN casestudies_theme t ON t.id = ct.theme_id
        JOIN casestudies_theme r ON r.id = t.parent_id""",
    "instrument": """
        SELECT u.case_id AS case_id, i.slug AS value FROM casestudies_instrumentuse u
        JOIN casestudies_instrument i ON i.id = u.instrument_id""",
    "territory_kind": """
        SELECT p.case_id AS case_id, t.kind AS value FROM casestudies_participation p
        JOIN casestudies_territory t ON t.id = p.territory_id""",
    "organisation_kind": """
        SELECT p.case_id AS case_id, o.kind AS value FROM casestudies_participation p
        JOIN casestudies_organisation o ON o.id = p.organisation_id""",
    "region": """
        SELECT p.case_id AS case_id, r.slug AS value FROM casestudies_participation p
        JOIN casestudies_territory_regions tr ON tr.from_territory_id = p.territory_id
        JOIN casestudies_territory r ON r.id = tr.to_territory_id""",
    "departement": """
        SELECT p.case_id AS case_id, d.insee_code AS value FROM casestudies_participation p
        JOIN casestudies_territory_departements td ON td.from_territory_id = p.territory_id
        JOIN casestudies_territory d ON d.id = td.to_territory_id""",
    "coop_type": """
        SELECT cc.casestudy_id AS case_id, k.slug AS value
        FROM casestudies_casestudy_cooperation_types cc
        JOIN casestudies_cooperationtype k ON k.id = cc.cooperationtype_id""",
    "status": "SELECT c.id AS case_id, c.cooperation_status AS value FROM casestudies_casestudy c",
    # Every sheet: its counter is the number of published sheets.
    "sheet": "SELECT c.id AS case_id, 'all' AS value FROM casestudies_casestudy c",
    # Not filters: the statistics' histogram of start years and theme (root) × instrument table.
    "year": """
        SELECT c.id AS case_id, CAST(c.start_year AS TEXT) AS value
        FROM casestudies_casestudy c""",
    "theme_instrument": """
        SELECT ct.casestudy_id AS case_id, COALESCE(r.slug, t.slug) || '|' || i.slug AS value
        FROM casestudies_casestudy_themes ct
        JOIN casestudies_theme t ON t.id = ct.theme_id
        LEFT JOIN casestudies_theme r ON r.id = t.parent_id
        JOIN casestudies_instrumentuse u ON u.case_id = ct.casestudy_id
        JOIN casestudies_instrument i ON i.id = u.instrument_id""",
    "source": """
        SELECT ci.case_id AS case_id, s.slug AS value FROM casestudies_citation ci
        JOIN casestudies_sourcedocument s ON s.id = ci.source_id""",
    "territory": """
        SELECT p.case_id AS case_id, t.slug AS value FROM casestudies_participation p
        JOIN casestudies_territory t ON t.id = p.territory_id""",
    "organisation": """
        SELECT p.case_id AS case_id, o.slug AS value FROM casestudies_participation p
        JOIN casestudies_organisation o ON o.id = p.organisation_id""",
}

# A party as one integer: a territory's id × 2, an organisation's id × 2 + 1 (network.decode).
# « pair » holds each two parties of a sheet, as « smaller code-larger code »: the links of the
# partner network. Sets of territories named collectively are not parties of the network.
PARTY_CODE = (
    "CASE WHEN {p}.territory_id IS NULL THEN {p}.organisation_id * 2 + 1"
    " ELSE {p}.territory_id * 2 END"
)
SOURCES["pair"] = f"""
    SELECT pa.case_id AS case_id,
        CAST({PARTY_CODE.format(p="pa")} AS VARCHAR(20)) || '-'
        || CAST({PARTY_CODE.format(p="pb")} AS VARCHAR(20)) AS value
    FROM casestudies_participation pa
    JOIN casestudies_participation pb ON pb.case_id = pa.case_id
    LEFT JOIN casestudies_territory ta ON ta.id = pa.territory_id
    LEFT JOIN casestudies_territory tb ON tb.id = pb.territory_id
    WHERE {PARTY_CODE.format(p="pa")} < {PARTY_CODE.format(p="pb")}
        AND (ta.id IS NULL OR ta.kind <> 'ensemble-de-territoires')
        AND (tb.id IS NULL OR tb.kind <> 'ensemble-de-territoires')"""
# « place_pair » holds each two places of a sheet's territories — two départements (INSEE
# codes), or a département and a territory abroad (« X<id> ») — when two different
# territories are there: the links drawn on the map.
PLACED = """
    SELECT p.case_id AS case_id, p.territory_id AS party,
        COALESCE(d.insee_code, 'X' || CAST(t.id AS VARCHAR(20))) AS place
    FROM casestudies_participation p
    JOIN casestudies_territory t ON t.id = p.territory_id
    LEFT JOIN casestudies_territory_departements td
        ON td.from_territory_id = t.id AND t.kind <> 'territoire-etranger'
    LEFT JOIN casestudies_territory d ON d.id = td.to_territory_id AND d.insee_code <> ''
    WHERE t.kind <> 'ensemble-de-territoires'
        AND (d.id IS NOT NULL OR t.kind = 'territoire-etranger')"""
SOURCES["place_pair"] = f"""
    SELECT a.case_id AS case_id, a.place || '-' || b.place AS value
    FROM ({PLACED}) a JOIN ({PLACED}) b
        ON b.case_id = a.case_id AND a.place < b.place AND a.party <> b.party"""

ROWS = """
    SELECT DISTINCT v.case_id, %s, v.value, c.publication_status = %s
    FROM ({source}) AS v
    JOIN casestudies_casestudy c ON c.id = v.case_id
    WHERE v.value IS NOT NULL AND v.value <> '' {where}
"""
INSERT = "INSERT INTO casestudies_facetentry (case_id, facet, value, published)" + ROWS
CHUNK = 500  # sheets per statement (SQLite's limit on parameters is far above)


def computed_rows(ids) -> set[tuple[int, str, str, bool]]:
    """The rows the sheets ``ids`` should have, from their relations, in one statement."""
    marks = ", ".join(["%s"] * len(ids))
    union = " UNION ALL ".join(
        ROWS.format(source=source, where=f"AND c.id IN ({marks})") for source in SOURCES.values()
    )
    params = [value for facet in SOURCES for value in (facet, PUBLISHED, *ids)]
    with connection.cursor() as cursor:
        cursor.execute(union, params)
        return {(case, facet, value, bool(published)) for case, facet, value, published in cursor}


def refresh(case_ids) -> dict[int, set[tuple[str, str]]]:
    """Bring the rows of the sheets ``case_ids`` in line with their relations (gone sheets lose
    theirs), writing only the difference and adding it to the published counters.

    Returns, for each sheet whose rows changed, the (facet, value) pairs added or removed
    (a change of publication changes them all): a text fix returns nothing.
    """
    ids = sorted({pk for pk in case_ids if pk is not None})
    changed = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        stored = {
            (case, facet, value, published): pk
            for pk, case, facet, value, published in FacetEntry.objects.filter(
                case_id__in=chunk
            ).values_list("pk", "case_id", "facet", "value", "published")
        }
        wanted = computed_rows(chunk)
        removed = stored.keys() - wanted
        added = wanted - stored.keys()
        if removed:
            FacetEntry.objects.filter(pk__in=[stored[row] for row in removed]).delete()
        if added:
            FacetEntry.objects.bulk_create(
                [FacetEntry(case_id=c, facet=f, value=v, published=p) for c, f, v, p in added]
            )
        deltas = Counter()
        for case, facet, value, published in removed | added:
            changed.setdefault(case, set()).add((facet, value))
            if published:
                deltas[(facet, value)] += 1 if (case, facet, value, published) in added else -1
        add_to_counters({key: delta for key, delta in deltas.items() if delta})
    return changed


def forget(case_ids) -> None:
    """Before sheets are deleted: their rows go, and their published values leave the counters
    (the cascade would remove the rows without telling the counters)."""
    rows = FacetEntry.objects.filter(case_id__in=list(case_ids))
    deltas = Counter(rows.filter(published=True).values_list("facet", "value"))
    rows.delete()
    add_to_counters({key: -n for key, n in deltas.items()})


def add_to_counters(deltas: dict[tuple[str, str], int]) -> None:
    """Add each delta to its counter, in a fixed order (two editors saving at once lock the
    same rows in the same order: no deadlock)."""
    if not deltas:
        return
    FacetCount.objects.bulk_create(
        [FacetCount(facet=facet, value=value, sheets=0) for facet, value in sorted(deltas)],
        ignore_conflicts=True,
    )
    for (facet, value), delta in sorted(deltas.items()):
        FacetCount.objects.filter(facet=facet, value=value).update(sheets=F("sheets") + delta)


def rebuild() -> None:
    """Recompute every row and every counter (after a bulk change made without signals)."""
    FacetEntry.objects.all().delete()
    with connection.cursor() as cursor:
        for facet, source in SOURCES.items():
            cursor.execute(INSERT.format(source=source, where=""), [facet, PUBLISHED])
    rebuild_counters()


def rebuild_counters() -> None:
    FacetCount.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO casestudies_facetcount (facet, value, sheets)
            SELECT facet, value, COUNT(*) FROM casestudies_facetentry
            WHERE published GROUP BY facet, value"""
        )


def counts(cases, names) -> dict[str, dict[str, int]]:
    """For each facet of ``names``, the sheets of ``cases`` per value: one GROUP BY query."""
    rows = (
        FacetEntry.objects.filter(facet__in=list(names), case__in=cases.order_by().values("pk"))
        .values_list("facet", "value")
        .annotate(n=Count("*"))  # (not the id: the unique index answers without the table)
        .order_by()
    )
    result = {name: {} for name in names}
    for facet, value, n in rows:
        result[facet][value] = n
    return result


def counts_by_complement(base, selection, whole) -> dict[str, dict[str, int]]:
    """The same as ``counts(selection, names)`` when ``base`` is every published sheet and
    ``selection`` most of it (a search for a common word): the counters ``whole`` (from
    ``published_counts(names)``) minus the counts of the published sheets left out."""
    left_out = counts(base.exclude(pk__in=selection.order_by().values("pk")), list(whole))
    result = {}
    for name, by_value in whole.items():
        remaining = {v: n - left_out[name].get(v, 0) for v, n in by_value.items()}
        result[name] = {v: n for v, n in remaining.items() if n > 0}
    return result


def published_counts(names) -> dict[str, dict[str, int]]:
    """The same for every published sheet, read from the counters (one small query)."""
    result = {name: {} for name in names}
    rows = FacetCount.objects.filter(facet__in=list(names), sheets__gt=0)
    for facet, value, n in rows.values_list("facet", "value", "sheets"):
        result[facet][value] = n
    return result


def expected_entries() -> set[tuple[int, str, str, bool]]:
    """Every row the index should hold, recomputed from the relations (for checks and tests)."""
    rows = set()
    with connection.cursor() as cursor:
        for facet, source in SOURCES.items():
            cursor.execute(
                ROWS.format(source=source, where=""),
                [facet, PUBLISHED],
            )
            rows.update((case, name, value, bool(pub)) for case, name, value, pub in cursor)
    return rows
