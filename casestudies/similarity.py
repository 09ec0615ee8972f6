"""« Fiches proches »: published sheets sharing the most instruments, themes and party kinds.

Score = 3 × shared instruments + 2 × shared themes + 1 × shared kinds of party. Simple enough to be
explained on the page next to each suggestion. Each part is one GROUP BY over a relation table
(no correlated subquery per sheet, which would not scale to a national catalogue), combined here.
"""

from collections import Counter

from django.db.models import Count

from casestudies.models import CaseStudy, InstrumentUse, Participation, PublicationStatus

WEIGHTS = {"shared_instruments": 3, "shared_themes": 2, "shared_kinds": 1}


def shared(relation, counted: str, case_field: str = "case") -> Counter:
    rows = (
        relation.filter(**{f"{case_field}__publication_status": PublicationStatus.PUBLISHED})
        .values(case_field)
        .annotate(n=Count(counted, distinct=True))
        .order_by()
        .values_list(case_field, "n")
    )
    return Counter(dict(rows))


def similar_cases(case: CaseStudy, limit: int = 5) -> list[CaseStudy]:
    """Up to ``limit`` published sheets with a positive score, best first (uses prefetched data)."""
    instrument_ids = [use.instrument_id for use in case.instrument_uses.all()]
    theme_ids = [theme.pk for theme in case.themes.all()]
    kinds = {p.party.kind for p in case.participations.all() if p.party is not None}
    parts = {
        "shared_instruments": shared(
            InstrumentUse.objects.filter(instrument_id__in=instrument_ids), "instrument"
        ),
        "shared_themes": shared(
            CaseStudy.themes.through.objects.filter(theme_id__in=theme_ids), "theme", "casestudy"
        ),
        "shared_kinds": shared(
            Participation.objects.filter(territory__kind__in=kinds), "territory__kind"
        )
        + shared(Participation.objects.filter(organisation__kind__in=kinds), "organisation__kind"),
    }
    scores = Counter()
    for name, counts in parts.items():
        for pk, count in counts.items():
            scores[pk] += WEIGHTS[name] * count
    scores.pop(case.pk, None)
    best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[: limit * 4]
    # [0] keeps one query even without candidates: the page's query count stays constant.
    ids = [pk for pk, _ in best] or [0]
    candidates = CaseStudy.objects.filter(pk__in=ids).only("title", "slug").in_bulk()
    ranked = sorted(candidates.values(), key=lambda c: (-scores[c.pk], c.title))[:limit]
    for other in ranked:
        for name, counts in parts.items():
            setattr(other, name, counts.get(other.pk, 0))
        other.score = scores[other.pk]
    return ranked
