"""CSV and JSON exports of a filtered selection of published sheets, streamed in chunks.

JSON rows come from the API's list serializer; CSV rows are built directly from the models
(serializing each row costs too much for a whole catalogue) with the same information.
Memory stays flat whatever the number of rows: the queryset is read in chunks (with its
prefetches) and each row is written out before the next chunk is read.
"""

import csv
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch

from casestudies.api.serializers import CaseStudyListSerializer
from casestudies.models import (
    Citation,
    CooperationStatus,
    InstrumentUse,
    OrganisationKind,
    Participation,
    Role,
    TerritoryKind,
)

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


def for_csv(queryset):
    """Only what a CSV line shows: no section texts, no lessons, names and kinds of parties."""
    return queryset.only(
        "slug", "title", "summary", "start_year", "end_year", "cooperation_status",
        "published_at", "updated_at",
    ).prefetch_related(
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("territory", "organisation").only(
                "case_id", "role", "territory__name", "territory__kind",
                "organisation__name", "organisation__acronym", "organisation__kind",
            ),
        ),
        Prefetch("instrument_uses", queryset=InstrumentUse.objects.select_related("instrument")),
        "themes",
        "cooperation_types",
        Prefetch("citations", queryset=Citation.objects.select_related("source")),
    )  # fmt: skip


class ChoiceLabels:
    """Labels of the choices a CSV line shows, translated once per export.

    ``get_FOO_display()`` hashes every lazy label of the field's choices at each call: over a
    whole catalogue that was most of the export's time.
    """

    def __init__(self):
        def labels(choices):
            return {value: str(label) for value, label in choices.choices}

        self.role = labels(Role)
        self.status = labels(CooperationStatus)
        self.territory_kind = labels(TerritoryKind)
        self.organisation_kind = labels(OrganisationKind)

    def party(self, participation) -> str:
        if participation.territory_id:
            kind = participation.territory.kind
            kind = self.territory_kind.get(kind, kind)
        elif participation.organisation_id:
            kind = participation.organisation.kind
            kind = self.organisation_kind.get(kind, kind)
        else:
            kind = ""
        role = self.role.get(participation.role, participation.role)
        return f"{participation.party} ({kind}, {role})"


def csv_row(case, request, labels: ChoiceLabels) -> list[str]:
    """One CSV line, straight from the sheet and its prefetched relations (no serializer:
    the export of a whole catalogue must stay fast). Lists become « ; »-separated values;
    the columns carry the same information as the API's fields."""
    parties = "; ".join(labels.party(p) for p in case.participations.all())
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
        labels.status.get(case.cooperation_status, case.cooperation_status),
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
    labels = ChoiceLabels()
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)
    for case in for_csv(queryset).iterator(chunk_size=CHUNK_SIZE):
        yield writer.writerow(csv_row(case, request, labels))


def stream_json(queryset, request, count: int):
    yield f'{{"count": {count}, "results": ['
    for index, data in enumerate(rows(queryset, request)):
        prefix = "" if index == 0 else ","
        yield prefix + json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    yield "]}"
