"""CSV and JSON exports of a filtered selection of published sheets, streamed in chunks.

JSON rows come from the API's list serializer, read in chunks with their prefetches. CSV rows
carry the same information, built by the database: the lists of a sheet (parties with their
kind and role, instruments, themes, types, sources) are joined by correlated subqueries, so a
chunk of 2,000 lines is one statement, read through a server-side cursor on PostgreSQL. Memory
stays flat whatever the number of rows: each row is written out before the next chunk is read.
"""

import csv
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models.expressions import RawSQL
from django.urls import reverse

from casestudies.api.serializers import CaseStudyListSerializer
from casestudies.models import (
    CooperationStatus,
    OrganisationKind,
    Role,
    TerritoryKind,
)

CHUNK_SIZE = 200
EXPORT_CHUNK = 2000  # rows per fetch of the CSV export's cursor

CSV_COLUMNS = [
    "slug", "titre", "url", "chapeau", "parties_prenantes", "outils", "thematiques",
    "types_de_cooperation", "annee_debut", "annee_fin", "etat", "sources", "publiee_le",
    "modifiee_le",
]  # fmt: skip


def rows(queryset, request):
    # One serializer for all rows: binding its fields once is most of the cost of a row.
    serializer = CaseStudyListSerializer(context={"request": request})
    for case in queryset.with_related().iterator(chunk_size=CHUNK_SIZE):
        yield serializer.to_representation(case)


class ChoiceLabels:
    """Labels of the choices a CSV line shows, translated once per export."""

    def __init__(self):
        def labels(choices):
            return {value: str(label) for value, label in choices.choices}

        self.role = labels(Role)
        self.status = labels(CooperationStatus)
        self.territory_kind = labels(TerritoryKind)
        self.organisation_kind = labels(OrganisationKind)


def joined(rows_sql: str, order: str) -> str:
    """A correlated subquery joining the texts ``t`` of ``rows_sql`` with « ; », in ``order``
    (names of its columns).
    (SQLite before 3.44 knows no ORDER BY inside an aggregate: it concatenates in the order
    of an ordered subquery.)"""
    if connection.vendor == "postgresql":
        ordered = ", ".join(f"x.{column}" for column in order.split(", "))
        return f"(SELECT string_agg(x.t, '; ' ORDER BY {ordered}) FROM ({rows_sql}) AS x)"
    return f"(SELECT group_concat(x.t, '; ') FROM ({rows_sql} ORDER BY {order}) AS x)"


def label_case(column: str, labels: dict[str, str]) -> tuple[str, list[str]]:
    """``CASE column WHEN value THEN label … ELSE column END`` with its parameters."""
    whens = " ".join("WHEN %s THEN %s" for _ in labels)
    params = [item for pair in labels.items() for item in pair]
    return f"(CASE {column} {whens} ELSE {column} END)", params


def csv_columns(labels: ChoiceLabels) -> dict[str, RawSQL]:
    """The list-valued CSV columns, each built by the database (one statement for a chunk of
    sheets instead of five prefetch queries and a Python loop per sheet)."""
    case_id = "casestudies_casestudy.id"
    territory_kind, territory_params = label_case("t.kind", labels.territory_kind)
    organisation_kind, organisation_params = label_case("o.kind", labels.organisation_kind)
    role, role_params = label_case("p.role", labels.role)
    organisation_name = (
        "CASE WHEN o.acronym <> '' THEN o.name || ' (' || o.acronym || ')' ELSE o.name END"
    )
    parties = f"""
        SELECT COALESCE(t.name, {organisation_name}, '') || ' ('
            || COALESCE({territory_kind}, {organisation_kind}, '') || ', ' || {role} || ')' AS t,
            p.position AS position, p.id AS id
        FROM casestudies_participation p
        LEFT JOIN casestudies_territory t ON t.id = p.territory_id
        LEFT JOIN casestudies_organisation o ON o.id = p.organisation_id
        WHERE p.case_id = {case_id}"""
    instruments = f"""
        SELECT CASE WHEN u.signature_year IS NOT NULL
            THEN i.name || ' (' || CAST(u.signature_year AS TEXT) || ')' ELSE i.name END AS t,
            u.id AS id
        FROM casestudies_instrumentuse u JOIN casestudies_instrument i ON i.id = u.instrument_id
        WHERE u.case_id = {case_id}"""
    themes = f"""
        SELECT th.name AS t, th.position AS position, th.name AS name
        FROM casestudies_casestudy_themes ct JOIN casestudies_theme th ON th.id = ct.theme_id
        WHERE ct.casestudy_id = {case_id}"""
    types = f"""
        SELECT k.name AS t, k.position AS position, k.name AS name
        FROM casestudies_casestudy_cooperation_types ck
        JOIN casestudies_cooperationtype k ON k.id = ck.cooperationtype_id
        WHERE ck.casestudy_id = {case_id}"""
    sources = f"""
        SELECT CASE WHEN c.line_start IS NOT NULL
            THEN s.title || ', l. ' || CAST(c.line_start AS TEXT) || '–'
                || COALESCE(CAST(c.line_end AS TEXT), '')
            ELSE s.title END AS t,
            s.reference AS reference, c.line_start AS line_start, c.id AS id
        FROM casestudies_citation c JOIN casestudies_sourcedocument s ON s.id = c.source_id
        WHERE c.case_id = {case_id}"""
    return {
        "party_names": RawSQL(
            joined(parties, "position, id"),
            [*territory_params, *organisation_params, *role_params],
        ),
        "instrument_names": RawSQL(joined(instruments, "id"), []),
        "theme_names": RawSQL(joined(themes, "position, name"), []),
        "type_names": RawSQL(joined(types, "position, name"), []),
        "source_names": RawSQL(joined(sources, "reference, line_start, id"), []),
    }


CSV_FIELDS = [
    "slug", "title", "summary", "party_names", "instrument_names", "theme_names", "type_names",
    "start_year", "end_year", "cooperation_status", "source_names", "published_at", "updated_at",
]  # fmt: skip


def csv_lines(queryset, request, labels: ChoiceLabels):
    """One CSV line per sheet, straight from one SQL statement per chunk (read with a
    server-side cursor on PostgreSQL): memory stays flat whatever the size of the export."""
    url = request.build_absolute_uri(reverse("casestudies:case-detail", args=["-"]))[:-2]
    rows = (
        queryset.annotate(**csv_columns(labels))
        .values_list(*CSV_FIELDS)
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    for (slug, title, summary, parties, instruments, themes, types, start, end, status,
         sources, published, updated) in rows:  # fmt: skip
        values = [
            slug, title, f"{url}{slug}/", summary, parties, instruments, themes, types,
            start, end, labels.status.get(status, status), sources,
            published.isoformat() if published else "", updated.isoformat() if updated else "",
        ]  # fmt: skip
        yield ["" if value is None else str(value) for value in values]


class _Line:
    """csv.writer target that hands each formatted line back instead of storing it."""

    def write(self, value):
        return value


def stream_csv(queryset, request):
    writer = csv.writer(_Line())
    # A byte-order mark lets spreadsheet software recognise UTF-8 and keep the accents.
    labels = ChoiceLabels()
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)
    for line in csv_lines(queryset, request, labels):
        yield writer.writerow(line)


def stream_json(queryset, request, count: int):
    yield f'{{"count": {count}, "results": ['
    for index, data in enumerate(rows(queryset, request)):
        prefix = "" if index == 0 else ","
        yield prefix + json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    yield "]}"
