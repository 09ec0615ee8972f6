"""« Fiches proches »: published sheets that share the most with a sheet, and why.

What counts, in this order: the same partners (a territory or an organisation taking part in
both), then the same instruments, themes and kinds of partner. Score = 10 × shared partners +
3 × shared instruments + 2 × shared themes + 1 × shared kinds, so that one shared partner
outweighs everything else; each suggestion says what it shares (« 2 partenaires en commun :
… »).

The lists are computed when a sheet changes (``casestudies.indexing``) and stored in
``SimilarCase``; a sheet page reads its list in one query. Computing a list reads the facet
index (``FacetEntry``): the sheets sharing a partner, an instrument or a theme are the
candidates (kinds of partner, shared by most of the catalogue, only break ties among them), so
a list costs a few indexed queries whatever the catalogue's size. A change of a sheet's
partners, instruments, themes, kinds or publication also recomputes the lists that showed it
and those of the sheets having a partner it gained or lost (at most ``PROPAGATION`` of them);
a text fix recomputes nothing. ``manage.py refresh_similar`` recomputes every list.
"""

from __future__ import annotations

import operator
from collections import Counter, defaultdict
from functools import reduce

from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from casestudies.models import (
    CaseStudy,
    FacetEntry,
    Instrument,
    Organisation,
    PublicationStatus,
    SimilarCase,
    Territory,
    Theme,
)

LIMIT = 5
CANDIDATES = 50
PROPAGATION = 20
PARTNER_FACETS = ("territory", "organisation")
KIND_FACETS = ("territory_kind", "organisation_kind")
WEIGHTS = {"territory": 10, "organisation": 10, "instrument": 3, "theme": 2}
KIND_WEIGHT = 1


def pairs_q(pairs) -> Q:
    return reduce(operator.or_, (Q(facet=f, value=v) for f, v in pairs), Q(pk__in=[]))


def compute(case_id: int) -> list[SimilarCase]:
    """The list of one sheet, best first (not saved)."""
    mine = set(
        FacetEntry.objects.filter(case_id=case_id, facet__in=[*WEIGHTS, *KIND_FACETS]).values_list(
            "facet", "value"
        )
    )
    weighted = {pair for pair in mine if pair[0] in WEIGHTS}
    kinds = {pair for pair in mine if pair[0] in KIND_FACETS}
    scores = Counter()
    if weighted:
        weight = Case(
            *[When(facet=name, then=Value(w)) for name, w in WEIGHTS.items()],
            default=Value(0),
            output_field=IntegerField(),
        )
        rows = (
            FacetEntry.objects.filter(pairs_q(weighted), published=True)
            .exclude(case_id=case_id)
            .values("case_id")
            .annotate(score=Sum(weight))
            .order_by("-score", "case_id")
            .values_list("case_id", "score")[:CANDIDATES]
        )
        scores.update(dict(rows))
    if len(scores) < LIMIT and kinds:  # a small catalogue: kinds alone may suggest a sheet
        rows = (
            FacetEntry.objects.filter(pairs_q(kinds), published=True)
            .exclude(case_id__in=[case_id, *scores])
            .values("case_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "case_id")
            .values_list("case_id", "n")[:CANDIDATES]
        )
        for other, _n in rows:
            scores[other] += 0
    if not scores:
        return []
    shared = defaultdict(set)
    for other, facet, value in FacetEntry.objects.filter(
        pairs_q(mine), case_id__in=list(scores)
    ).values_list("case_id", "facet", "value"):
        shared[other].add((facet, value))
    for other in scores:
        scores[other] += KIND_WEIGHT * sum(1 for facet, _ in shared[other] if facet in KIND_FACETS)
    titles = dict(CaseStudy.objects.filter(pk__in=list(scores)).values_list("pk", "title"))
    ranked = sorted(
        (other for other in scores if other in titles and scores[other] > 0),
        key=lambda other: (-scores[other], titles[other], other),
    )[:LIMIT]
    names = Names({pair for other in ranked for pair in shared[other]})
    return [
        SimilarCase(
            case_id=case_id,
            other_id=other,
            position=position,
            score=scores[other],
            shared=names.describe(shared[other]),
        )
        for position, other in enumerate(ranked)
    ]


class Names:
    """Display names of the partners, instruments and themes of some (facet, value) pairs."""

    def __init__(self, pairs):
        def values(facet):
            return [value for name, value in pairs if name == facet]

        self.territories = dict(
            Territory.objects.filter(slug__in=values("territory")).values_list("slug", "name")
        )
        self.organisations = {
            o.slug: str(o) for o in Organisation.objects.filter(slug__in=values("organisation"))
        }
        self.instruments = dict(
            Instrument.objects.filter(slug__in=values("instrument")).values_list("slug", "name")
        )
        self.themes = {
            t.slug: t for t in Theme.objects.filter(slug__in=values("theme")).select_related()
        }

    def describe(self, pairs) -> dict:
        partners = sorted(
            self.territories.get(v) or self.organisations.get(v, "")
            for f, v in pairs
            if f in PARTNER_FACETS
        )
        theme_slugs = {v for f, v in pairs if f == "theme" and v in self.themes}
        # A root shared through one of its sub-themes is not named twice.
        parents = {self.themes[s].parent.slug for s in theme_slugs if self.themes[s].parent_id}
        return {
            "partners": [name for name in partners if name],
            "instruments": sorted(
                self.instruments[v] for f, v in pairs if f == "instrument" and v in self.instruments
            ),
            "themes": sorted(self.themes[s].name for s in theme_slugs - parents),
            "kinds": sum(1 for f, _ in pairs if f in KIND_FACETS),
        }


RELEVANT = {*WEIGHTS, *KIND_FACETS}


def refresh(changed: dict[int, set[tuple[str, str]]]) -> None:
    """After the facet rows of some sheets changed (``facet_index.refresh``): recompute the
    lists of the sheets whose partners, instruments, themes, kinds or publication changed, of
    the sheets whose list showed one of them, and of up to ``PROPAGATION`` sheets that have a
    partner they gained or lost (one shared partner outweighs everything else)."""
    ids = {case for case, pairs in changed.items() if any(f in RELEVANT for f, _ in pairs)}
    if not ids:
        return
    listing = set(SimilarCase.objects.filter(other_id__in=ids).values_list("case_id", flat=True))
    partners = {pair for case in ids for pair in changed[case] if pair[0] in PARTNER_FACETS}
    sharing = set()
    if partners and len(ids) <= PROPAGATION:  # (a bulk change: « refresh_similar » is for it)
        sharing = set(
            FacetEntry.objects.filter(pairs_q(partners), published=True)
            .exclude(case_id__in=ids)
            .order_by("case_id")
            .values_list("case_id", flat=True)
            .distinct()[:PROPAGATION]
        )
    store(ids | listing | sharing)


def store(case_ids) -> None:
    ids = sorted(case_ids)
    rows = [row for pk in ids for row in compute(pk)]
    SimilarCase.objects.filter(case_id__in=ids).delete()
    SimilarCase.objects.bulk_create(rows)


def refresh_all(progress=None, batch=500) -> int:
    ids = list(CaseStudy.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        store(ids[start : start + batch])
        if progress:
            progress(min(start + batch, len(ids)), len(ids))
    return len(ids)


def similar_cases(case: CaseStudy) -> list[CaseStudy]:
    """The stored list of ``case``: published sheets, each with ``score`` and ``reasons``."""
    links = (
        SimilarCase.objects.filter(case=case, other__publication_status=PublicationStatus.PUBLISHED)
        .select_related("other")
        .only("score", "shared", "position", "other__title", "other__slug")
        .order_by("position")
    )
    result = []
    for link in links:
        other = link.other
        other.score = link.score
        other.reasons = reasons(link.shared)
        result.append(other)
    return result


def reasons(shared: dict) -> list[str]:
    """What a suggestion shares, in the reader's language, most telling first."""
    lines = []
    partners = shared.get("partners") or []
    if partners:
        lines.append(
            ngettext(
                "%(n)s partenaire en commun : %(names)s",
                "%(n)s partenaires en commun : %(names)s",
                len(partners),
            )
            % {"n": len(partners), "names": ", ".join(partners)}
        )
    if shared.get("instruments"):
        lines.append(_("même outil : %s") % ", ".join(shared["instruments"]))
    if shared.get("themes"):
        lines.append(_("même thématique : %s") % ", ".join(shared["themes"]))
    kinds = shared.get("kinds") or 0
    if not lines and kinds:
        lines.append(
            ngettext(
                "%(n)s type de partenaire en commun", "%(n)s types de partenaires en commun", kinds
            )
            % {"n": kinds}
        )
    return lines
