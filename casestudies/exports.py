"""CSV and JSON exports of a filtered selection of published sheets, streamed in chunks.

JSON rows are the API list's representation, built directly from the sheets read in chunks
with their prefetches. CSV rows
carry the same information, built by the database: the lists of a sheet (parties with their
kind and role, instruments, themes, types, sources) are joined by correlated subqueries, so a
chunk of 2,000 lines is one statement, read through a server-side cursor on PostgreSQL. Memory
stays flat whatever the number of rows: each row is written out before the next chunk is read.
"""

import csv
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import Prefetch
from django.db.models.expressions import RawSQL
from django.urls import reverse
from rest_framework import serializers

from casestudies.models import (
    Citation,
    CooperationStatus,
    InstrumentUse,
    OrganisationKind,
    Participation,
    Role,
    TerritoryKind,
)
from casestudies.models.cases import SECTION_FIELDS

CHUNK_SIZE = 200
EXPORT_CHUNK = 2000  # rows per fetch of the CSV export's cursor

CSV_COLUMNS = [
    "slug", "titre", "url", "chapeau", "parties_prenantes", "outils", "thematiques",
    "types_de_cooperation", "annee_debut", "annee_fin", "etat", "sources", "publiee_le",
    "modifiee_le",
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

    def party(self, participation) -> dict:
        """A party as the API shows it (``PartySerializer``)."""
        territory, organisation = participation.territory, participation.organisation
        party = territory or organisation
        kinds = self.territory_kind if territory else self.organisation_kind
        return {
            "name": party.name if party else None,
            "type": "territoire" if territory else "organisation",
            "kind": party.kind if party else None,
            "kind_label": kinds.get(party.kind, party.kind) if party else "",
            "role": participation.role,
            "role_label": self.role.get(participation.role, participation.role),
            "territory": territory.slug if territory else None,
            "official_code": territory.official_code if territory else organisation.siren,
            "note": participation.note,
        }


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


def for_json(queryset):
    """What a JSON row shows (the API list's fields), without the sections and lessons."""
    return queryset.defer(*SECTION_FIELDS, "search_text", "search_title", "search_vector")


def json_rows(queryset, request):
    """The API list's representation of each sheet (``CaseStudyListSerializer``: a test keeps
    them equal), built directly: DRF's nested serializers cost ten times more per row."""
    labels = ChoiceLabels()
    dates = serializers.DateTimeField()
    url = request.build_absolute_uri(reverse("casestudies:case-detail", args=["-"]))[:-2]
    prefetched = for_json(queryset).prefetch_related(
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("territory", "organisation"),
        ),
        Prefetch("instrument_uses", queryset=InstrumentUse.objects.select_related("instrument")),
        "themes",
        "cooperation_types",
        Prefetch("citations", queryset=Citation.objects.select_related("source")),
    )
    for case in prefetched.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "slug": case.slug,
            "title": case.title,
            "url": f"{url}{case.slug}/",
            "summary": case.summary,
            "start_year": case.start_year,
            "end_year": case.end_year,
            "cooperation_status": case.cooperation_status,
            "cooperation_status_label": labels.status.get(
                case.cooperation_status, case.cooperation_status
            ),
            "themes": [{"slug": t.slug, "name": t.name} for t in case.themes.all()],
            "instruments": [
                {
                    "slug": use.instrument.slug,
                    "name": use.instrument.name,
                    "signature_year": use.signature_year,
                    "note": use.note,
                }
                for use in case.instrument_uses.all()
            ],
            "cooperation_types": [
                {"slug": k.slug, "name": k.name} for k in case.cooperation_types.all()
            ],
            "parties": [labels.party(p) for p in case.participations.all()],
            "citations": [
                {
                    "source": c.source.slug,
                    "source_title": c.source.title,
                    "line_start": c.line_start,
                    "line_end": c.line_end,
                    "pages": c.pages,
                    "note": c.note,
                }
                for c in case.citations.all()
            ],
            "published_at": dates.to_representation(case.published_at)
            if case.published_at
            else None,
            "updated_at": dates.to_representation(case.updated_at) if case.updated_at else None,
        }


def stream_json(queryset, request, count: int):
    yield f'{{"count": {count}, "results": ['
    for index, data in enumerate(json_rows(queryset, request)):
        prefix = "" if index == 0 else ","
        yield prefix + json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    yield "]}"
