"""« Fiches proches »: published sheets sharing the most instruments, themes and party kinds.

Score = 3 × shared instruments + 2 × shared themes + 1 × shared kinds of party. Simple enough to be
explained on the page next to each suggestion; computed in one query.
"""

from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from casestudies.models import CaseStudy, InstrumentUse, Participation


def shared_count(queryset, case_field: str, counted: str):
    """Number of distinct ``counted`` values in ``queryset`` for the outer sheet (0 if none)."""
    counts = (
        queryset.filter(**{case_field: OuterRef("pk")})
        .values(case_field)
        .order_by()
        .annotate(n=Count(counted, distinct=True))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counts), Value(0), output_field=IntegerField())


def similar_cases(case: CaseStudy, limit: int = 5):
    """Up to ``limit`` published sheets with a positive score, best first (uses prefetched data)."""
    instrument_ids = [use.instrument_id for use in case.instrument_uses.all()]
    theme_ids = [theme.pk for theme in case.themes.all()]
    kinds = {p.party.kind for p in case.participations.all() if p.party is not None}
    themes_through = CaseStudy.themes.through.objects
    return (
        CaseStudy.objects.published()
        .exclude(pk=case.pk)
        .annotate(
            shared_instruments=shared_count(
                InstrumentUse.objects.filter(instrument_id__in=instrument_ids), "case", "instrument"
            ),
            shared_themes=shared_count(
                themes_through.filter(theme_id__in=theme_ids), "casestudy", "theme"
            ),
            shared_territory_kinds=shared_count(
                Participation.objects.filter(territory__kind__in=kinds), "case", "territory__kind"
            ),
            shared_organisation_kinds=shared_count(
                Participation.objects.filter(organisation__kind__in=kinds),
                "case",
                "organisation__kind",
            ),
        )
        .annotate(
            shared_kinds=F("shared_territory_kinds") + F("shared_organisation_kinds"),
            score=3 * F("shared_instruments") + 2 * F("shared_themes") + F("shared_kinds"),
        )
        .filter(score__gt=0)
        .order_by("-score", "title")
        .only("title", "slug")[:limit]
    )
