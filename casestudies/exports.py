"""CSV and JSON exports of a filtered selection of published sheets, streamed in chunks.

JSON rows are the API list's representation and CSV rows carry the same information, both
built by the database: the lists of a sheet (parties with their kind and role, instruments,
themes, types, sources) are correlated subqueries — JSON arrays, or texts joined with « ; » —
so a chunk of 2,000 lines is one statement, read through a server-side cursor on PostgreSQL.
Memory stays flat whatever the number of rows: each row is written out before the next chunk
is read.
"""

import csv
import json

from django.db import connection
from django.db.models.expressions import RawSQL
from django.urls import reverse
from rest_framework import serializers

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
    "modifiee_le", "departements", "regions",
]  # fmt: skip


class ChoiceLabels:
    """Labels of the choices a CSV line shows, translated once per export."""

    def __init__(self):
        def labels(choices):
            return {value: str(label) for value, label in choices.choices}

        self.role = labels(Role)
        self.status = labels(CooperationStatus)
        self.territory_kind = labels(TerritoryKind)
        self.organisation_kind = labels(OrganisationKind)


# The lines of each list of a sheet, for the correlated subqueries of both exports.
CASE_ID = "casestudies_casestudy.id"
PARTIES_FROM = f"""FROM casestudies_participation p
        LEFT JOIN casestudies_territory t ON t.id = p.territory_id
        LEFT JOIN casestudies_organisation o ON o.id = p.organisation_id
        WHERE p.case_id = {CASE_ID}"""
INSTRUMENTS_FROM = f"""FROM casestudies_instrumentuse u
        JOIN casestudies_instrument i ON i.id = u.instrument_id
        WHERE u.case_id = {CASE_ID}"""
THEMES_FROM = f"""FROM casestudies_casestudy_themes ct
        JOIN casestudies_theme th ON th.id = ct.theme_id
        WHERE ct.casestudy_id = {CASE_ID}"""
TYPES_FROM = f"""FROM casestudies_casestudy_cooperation_types ck
        JOIN casestudies_cooperationtype k ON k.id = ck.cooperationtype_id
        WHERE ck.casestudy_id = {CASE_ID}"""
CITATIONS_FROM = f"""FROM casestudies_citation c
        JOIN casestudies_sourcedocument s ON s.id = c.source_id
        WHERE c.case_id = {CASE_ID}"""


def joined(rows_sql: str, order: str) -> str:
    """A correlated subquery joining the texts ``t`` of ``rows_sql`` with « ; », in ``order``
    (names of its columns).
    (SQLite before 3.44 knows no ORDER BY inside an aggregate: it concatenates in the order
    of an ordered subquery.)"""
    if connection.vendor == "postgresql":
        ordered = ", ".join(f"x.{column}" for column in order.split(", "))
        return f"(SELECT string_agg(x.t, '; ' ORDER BY {ordered}) FROM ({rows_sql}) AS x)"
    return f"(SELECT group_concat(x.t, '; ') FROM ({rows_sql} ORDER BY {order}) AS x)"


def places(territory: str, kind: str) -> RawSQL:
    """The INSEE codes of the départements (``kind`` « departements ») or régions of the
    territory whose id is the SQL expression ``territory``, joined with « ; »."""
    rows = f"""
        SELECT DISTINCT d.insee_code AS t FROM casestudies_territory_{kind} td
        JOIN casestudies_territory d ON d.id = td.to_territory_id
        WHERE td.from_territory_id = {territory} AND d.insee_code <> ''"""
    return RawSQL(joined(rows, "t"), [])


def sheet_places(kind: str) -> RawSQL:
    """The départements or régions of all the territories of a sheet."""
    rows = f"""
        SELECT DISTINCT d.insee_code AS t FROM casestudies_participation p
        JOIN casestudies_territory_{kind} td ON td.from_territory_id = p.territory_id
        JOIN casestudies_territory d ON d.id = td.to_territory_id
        WHERE p.case_id = casestudies_casestudy.id AND d.insee_code <> ''"""
    return RawSQL(joined(rows, "t"), [])


def label_case(column: str, labels: dict[str, str]) -> tuple[str, list[str]]:
    """``CASE column WHEN value THEN label … ELSE column END`` with its parameters."""
    whens = " ".join("WHEN %s THEN %s" for _ in labels)
    params = [item for pair in labels.items() for item in pair]
    return f"(CASE {column} {whens} ELSE {column} END)", params


def csv_columns(labels: ChoiceLabels) -> dict[str, RawSQL]:
    """The list-valued CSV columns, each built by the database (one statement for a chunk of
    sheets instead of five prefetch queries and a Python loop per sheet)."""
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
        {PARTIES_FROM}"""
    instruments = f"""
        SELECT CASE WHEN u.signature_year IS NOT NULL
            THEN i.name || ' (' || CAST(u.signature_year AS TEXT) || ')' ELSE i.name END AS t,
            u.id AS id
        {INSTRUMENTS_FROM}"""
    themes = f"""
        SELECT th.name AS t, th.position AS position, th.name AS name
        {THEMES_FROM}"""
    types = f"""
        SELECT k.name AS t, k.position AS position, k.name AS name
        {TYPES_FROM}"""
    sources = f"""
        SELECT CASE WHEN c.line_start IS NOT NULL
            THEN s.title || ', l. ' || CAST(c.line_start AS TEXT) || '–'
                || COALESCE(CAST(c.line_end AS TEXT), '')
            ELSE s.title END AS t,
            s.reference AS reference, c.line_start AS line_start, c.id AS id
        {CITATIONS_FROM}"""
    return {
        "party_names": RawSQL(
            joined(parties, "position, id"),
            [*territory_params, *organisation_params, *role_params],
        ),
        "instrument_names": RawSQL(joined(instruments, "id"), []),
        "theme_names": RawSQL(joined(themes, "position, name"), []),
        "type_names": RawSQL(joined(types, "position, name"), []),
        "source_names": RawSQL(joined(sources, "reference, line_start, id"), []),
        "departement_codes": sheet_places("departements"),
        "region_codes": sheet_places("regions"),
    }


CSV_FIELDS = [
    "slug", "title", "summary", "party_names", "instrument_names", "theme_names", "type_names",
    "start_year", "end_year", "cooperation_status", "source_names", "published_at", "updated_at",
    "departement_codes", "region_codes",
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
         sources, published, updated, departements, regions) in rows:  # fmt: skip
        values = [
            slug, title, f"{url}{slug}/", summary, parties, instruments, themes, types,
            start, end, labels.status.get(status, status), sources,
            published.isoformat() if published else "", updated.isoformat() if updated else "",
            departements, regions,
        ]  # fmt: skip
        yield ["" if value is None else str(value) for value in values]


class _Line:
    """csv.writer target that hands each formatted line back instead of storing it."""

    def write(self, value):
        return value


def csv_stream(rows, delimiter=",", bom=True):
    """Formatted CSV lines of ``rows`` (the first is the header), after a byte-order mark that
    lets spreadsheet software recognise UTF-8 and keep the accents (``bom``)."""
    writer = csv.writer(_Line(), delimiter=delimiter)
    if bom:
        yield "\ufeff"
    for row in rows:
        yield writer.writerow(row)


def stream_csv(queryset, request, delimiter=","):
    labels = ChoiceLabels()
    return csv_stream(_with_header(queryset, request, labels), delimiter=delimiter)


def _with_header(queryset, request, labels):
    yield CSV_COLUMNS
    yield from csv_lines(queryset, request, labels)


def json_list(pairs: list[tuple[str, str]], source: str, order: str) -> str:
    """A correlated subquery giving the JSON array of the objects {key: column} of ``source``
    (« FROM … WHERE … »), in ``order``."""
    if connection.vendor == "postgresql":
        fields = ", ".join(f"'{key}', {column}" for key, column in pairs)
        return (
            f"(SELECT COALESCE(json_agg(json_build_object({fields}) ORDER BY {order}), "
            f"'[]'::json)::text {source})"
        )
    columns = ", ".join(f"{column} AS {key}" for key, column in pairs)
    fields = ", ".join(f"'{key}', x.{key}" for key, _column in pairs)
    return (
        f"(SELECT json_group_array(json_object({fields})) "
        f"FROM (SELECT {columns} {source} ORDER BY {order}) AS x)"
    )


def json_columns(labels: ChoiceLabels) -> dict[str, RawSQL]:
    """The lists of the API's representation of a sheet, as JSON built by the database."""
    territory_kind, territory_params = label_case("t.kind", labels.territory_kind)
    organisation_kind, organisation_params = label_case("o.kind", labels.organisation_kind)
    role, role_params = label_case("p.role", labels.role)
    parties = json_list(
        [
            ("name", "COALESCE(t.name, o.name)"),
            ("type", "CASE WHEN p.territory_id IS NULL THEN 'organisation' ELSE 'territoire' END"),
            ("kind", "COALESCE(t.kind, o.kind)"),
            ("kind_label", f"COALESCE({territory_kind}, {organisation_kind}, '')"),
            ("role", "p.role"),
            ("role_label", role),
            ("territory", "t.slug"),
            ("official_code", "COALESCE(NULLIF(t.insee_code, ''), t.siren, o.siren)"),
            ("note", "p.note"),
        ],
        PARTIES_FROM,
        "p.position, p.id",
    )
    instruments = json_list(
        [("slug", "i.slug"), ("name", "i.name"), ("signature_year", "u.signature_year"),
         ("note", "u.note")],
        INSTRUMENTS_FROM,
        "u.id",
    )  # fmt: skip
    themes = json_list(
        [("slug", "th.slug"), ("name", "th.name")],
        THEMES_FROM,
        "th.position, th.name",
    )
    types = json_list(
        [("slug", "k.slug"), ("name", "k.name")],
        TYPES_FROM,
        "k.position, k.name",
    )
    citations = json_list(
        [("source", "s.slug"), ("source_title", "s.title"), ("line_start", "c.line_start"),
         ("line_end", "c.line_end"), ("pages", "c.pages"), ("note", "c.note")],
        CITATIONS_FROM,
        "s.reference, c.line_start, c.id",
    )  # fmt: skip
    return {
        "themes_json": RawSQL(themes, []),
        "instruments_json": RawSQL(instruments, []),
        "types_json": RawSQL(types, []),
        "parties_json": RawSQL(parties, [*territory_params, *organisation_params, *role_params]),
        "citations_json": RawSQL(citations, []),
    }


JSON_FIELDS = [
    "slug", "title", "summary", "start_year", "end_year", "cooperation_status", "themes_json",
    "instruments_json", "types_json", "parties_json", "citations_json", "published_at",
    "updated_at",
]  # fmt: skip


def json_lines(queryset, request):
    """The API list's representation of each sheet (``CaseStudyListSerializer``: a test keeps
    them equal) as JSON text: the lists come as JSON from the database (one statement per
    chunk, a server-side cursor on PostgreSQL), the rest is written here."""
    labels = ChoiceLabels()
    dates = serializers.DateTimeField()
    url = request.build_absolute_uri(reverse("casestudies:case-detail", args=["-"]))[:-2]
    rows = (
        queryset.annotate(**json_columns(labels))
        .values_list(*JSON_FIELDS)
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    for (slug, title, summary, start, end, status, themes, instruments, types, parties,
         citations, published, updated) in rows:  # fmt: skip
        head = json.dumps(
            {
                "slug": slug,
                "title": title,
                "url": f"{url}{slug}/",
                "summary": summary,
                "start_year": start,
                "end_year": end,
                "cooperation_status": status,
                "cooperation_status_label": labels.status.get(status, status),
            },
            ensure_ascii=False,
        )
        tail = json.dumps(
            {
                "published_at": dates.to_representation(published) if published else None,
                "updated_at": dates.to_representation(updated) if updated else None,
            }
        )
        yield (
            f'{head[:-1]}, "themes": {themes}, "instruments": {instruments}, '
            f'"cooperation_types": {types}, "parties": {parties}, "citations": {citations}, '
            f"{tail[1:]}"
        )


def stream_json(queryset, request, count: int):
    yield f'{{"count": {count}, "results": ['
    for index, line in enumerate(json_lines(queryset, request)):
        yield line if index == 0 else "," + line
    yield "]}"
