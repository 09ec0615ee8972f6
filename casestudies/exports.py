"""CSV and JSON exports of a filtered selection of published sheets, streamed in chunks.

JSON rows come from the API's list serializer; CSV rows are built directly from the models
(serializing each row costs too much for a whole catalogue) with the same information.
Memory stays flat whatever the number of rows: the queryset is read in chunks (with its
prefetches) and each row is written out before the next chunk is read.
"""

import csv
import json

from django.core.serializers.json import DjangoJSONEncoder

from casestudies.api.serializers import CaseStudyListSerializer

CHUNK_SIZE = 200

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


def csv_row(case, request) -> list[str]:
    """One CSV line, straight from the sheet and its prefetched relations (no serializer:
    the export of a whole catalogue must stay fast). Lists become « ; »-separated values;
    the columns carry the same information as the API's fields."""
    parties = "; ".join(
        f"{p.party} ({p.party_kind_display}, {p.get_role_display()})"
        for p in case.participations.all()
    )
    instruments = "; ".join(
        f"{u.instrument.name} ({u.signature_year})" if u.signature_year else u.instrument.name
        for u in case.instrument_uses.all()
    )
    sources = "; ".join(
        f"{c.source.title}, l. {c.line_start}–{c.line_end}" if c.line_start else c.source.title
        for c in case.citations.all()
    )
    values = [
        case.slug,
        case.title,
        request.build_absolute_uri(case.get_absolute_url()),
        case.summary,
        parties,
        instruments,
        "; ".join(theme.name for theme in case.themes.all()),
        "; ".join(kind.name for kind in case.cooperation_types.all()),
        case.start_year,
        case.end_year,
        case.get_cooperation_status_display(),
        sources,
        case.published_at.isoformat() if case.published_at else "",
        case.updated_at.isoformat() if case.updated_at else "",
    ]
    return ["" if value is None else str(value) for value in values]


class _Line:
    """csv.writer target that hands each formatted line back instead of storing it."""

    def write(self, value):
        return value


def stream_csv(queryset, request):
    writer = csv.writer(_Line())
    # A byte-order mark lets spreadsheet software recognise UTF-8 and keep the accents.
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)
    for case in queryset.with_related().iterator(chunk_size=CHUNK_SIZE):
        yield writer.writerow(csv_row(case, request))


def stream_json(queryset, request, count: int):
    yield f'{{"count": {count}, "results": ['
    for index, data in enumerate(rows(queryset, request)):
        prefix = "" if index == 0 else ","
        yield prefix + json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    yield "]}"
