"""The finder's answer: instruments ranked by the editors' rules, the closest published cases
with the reason each is proposed, and those cases' lessons by success factor and obstacle.

Rules are data (casestudies/models/finder.py); the cases are ranked in one GROUP BY over the
facet index (the rows of the wanted instruments, themes, kinds of party and région), whatever
the size of the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Case, IntegerField, Q, Sum, Value, When
from django.utils.translation import gettext as _

from casestudies.models import (
    CaseStudy,
    FacetEntry,
    FinderRule,
    Instrument,
    Lesson,
    LessonKind,
    OrganisationKind,
    Territory,
    TerritoryKind,
    Theme,
)
from casestudies.models.finder import QUESTIONS
from casestudies.parties import organisation_kind_value, territory_kind_value

from .places import Place

# The finder's kinds of party (« nous », « avec ») as kinds of the catalogue's territories (t)
# and organisations (o).
GROUP_KINDS = {
    "commune": [("t", TerritoryKind.COMMUNE)],
    "communaute": [
        ("t", TerritoryKind.COMMUNAUTE_COMMUNES),
        ("t", TerritoryKind.COMMUNAUTE_AGGLOMERATION),
        ("t", TerritoryKind.COMMUNAUTE_URBAINE),
        ("t", TerritoryKind.EPT),
    ],
    "metropole": [("t", TerritoryKind.METROPOLE)],
    "petr-pays": [("t", TerritoryKind.PETR), ("t", TerritoryKind.PAYS)],
    "pnr": [("t", TerritoryKind.PNR)],
    "pole-metropolitain": [("t", TerritoryKind.POLE_METROPOLITAIN)],
    "syndicat-mixte": [("t", TerritoryKind.SYNDICAT_MIXTE)],
    "departement": [("t", TerritoryKind.DEPARTEMENT)],
    "region": [("t", TerritoryKind.REGION)],
    "departement-region": [("t", TerritoryKind.DEPARTEMENT), ("t", TerritoryKind.REGION)],
    "etat": [("o", OrganisationKind.ETAT)],
    "entreprises": [
        ("o", OrganisationKind.ENTREPRISE),
        ("o", OrganisationKind.COOPERATIVE),
        ("o", OrganisationKind.CLUSTER),
        ("o", OrganisationKind.PTCE),
        ("o", OrganisationKind.CHAMBRE_AGRICULTURE),
        ("o", OrganisationKind.CHAMBRE_COMMERCE),
        ("o", OrganisationKind.CHAMBRE_METIERS),
    ],
    "associations": [
        ("o", OrganisationKind.ASSOCIATION),
        ("o", OrganisationKind.FONDATION),
        ("o", OrganisationKind.RESEAU),
    ],
    "recherche": [("o", OrganisationKind.RECHERCHE), ("o", OrganisationKind.ENSEIGNEMENT)],
    "etranger": [("t", TerritoryKind.ETRANGER)],
}
FACET_OF_SIDE = {"t": "territory_kind", "o": "organisation_kind"}

# Points of a case: sharing one of the three best instruments (by their rank), each theme,
# each kind of party, the région.
INSTRUMENT_POINTS = (6, 3, 2)
THEME_POINTS = 2
KIND_POINTS = 2
REGION_POINTS = 2
SHOWN_INSTRUMENTS = 5
SHOWN_CASES = 8
# Cases ranked by the database (each kind of party counted), then re-scored exactly (each of
# our groups and of the partners' groups counted once).
CANDIDATES = 40


@dataclass(frozen=True)
class Reason:
    text: str
    legal_reference: str = ""


@dataclass
class InstrumentFit:
    instrument: Instrument
    score: int = 0
    reasons: list[Reason] = field(default_factory=list)
    against: list[Reason] = field(default_factory=list)


@dataclass
class CaseFit:
    case: CaseStudy
    score: int
    reasons: list[str]


@dataclass
class LessonGroup:
    kind: str
    label: str
    categories: list  # (category, [lessons]) in category order


@dataclass
class Advice:
    answers: dict
    place: Place
    fits: list[InstrumentFit]
    set_aside: list[InstrumentFit]
    cases: list[CaseFit]
    lessons: list[LessonGroup]
    list_query: str

    @property
    def answered(self) -> bool:
        return any(self.answers.values())

    def set_aside_by_reason(self) -> list[tuple[Reason, list[Instrument]]]:
        """The instruments set aside, gathered under each reason (one rule often sets several
        aside: « these create a legal person »)."""
        reasons: dict[Reason, list[Instrument]] = {}
        for fit in self.set_aside:
            for reason in fit.against:
                reasons.setdefault(reason, []).append(fit.instrument)
        return list(reasons.items())


def advise(answers: dict, place: Place | None = None) -> Advice:
    """``answers``: question name → set of values (casestudies.models.finder.QUESTIONS)."""
    place = place or Place()
    answers = {name: set(answers.get(name) or ()) for name in QUESTIONS}
    if place.group and not answers["nous"]:
        answers["nous"] = {place.group}
    fits, set_aside = rank_instruments(answers)
    cases = closest_cases(answers, [fit.instrument for fit in fits[:3]], place)
    return Advice(
        answers=answers,
        place=place,
        fits=fits[:SHOWN_INSTRUMENTS],
        set_aside=set_aside,
        cases=cases,
        lessons=lessons_of([fit.case for fit in cases]),
        list_query=list_query(answers),
    )


def rank_instruments(answers: dict) -> tuple[list[InstrumentFit], list[InstrumentFit]]:
    """The favoured instruments, best first, and those a rule sets aside, with their reasons."""
    fits: dict[int, InstrumentFit] = {}
    for rule in FinderRule.objects.for_answers():
        if not rule.applies(answers):
            continue
        reason = Reason(rule.explanation, rule.legal_reference)
        for instrument in rule.favours.all():
            fit = fits.setdefault(instrument.pk, InstrumentFit(instrument))
            fit.score += rule.weight
            fit.reasons.append(reason)
        for instrument in rule.excludes.all():
            fits.setdefault(instrument.pk, InstrumentFit(instrument)).against.append(reason)
    order = sorted(
        fits.values(), key=lambda f: (-f.score, f.instrument.position, f.instrument.name)
    )
    kept = [fit for fit in order if fit.score > 0 and not fit.against]
    set_aside = [fit for fit in order if fit.against]
    return kept, set_aside


def kinds_of(groups) -> list[tuple[str, str]]:
    return list(dict.fromkeys(kind for group in groups for kind in GROUP_KINDS.get(group, [])))


def closest_cases(answers: dict, instruments: list[Instrument], place: Place) -> list[CaseFit]:
    points = {}  # (facet, value) → points
    for rank, instrument in enumerate(instruments):
        points["instrument", instrument.slug] = INSTRUMENT_POINTS[rank]
    for slug in sorted(answers["theme"]):
        points["theme", slug] = THEME_POINTS
    groups = [*sorted(answers["nous"]), *sorted(answers["avec"])]
    for side, kind in kinds_of(groups):
        points[FACET_OF_SIDE[side], str(kind)] = KIND_POINTS
    region = place.region_slug()
    if region:
        points["region", region] = REGION_POINTS
    if not points:
        return []
    wanted = Q()
    for facet, value in points:
        wanted |= Q(facet=facet, value=value)
    upper_bound = Sum(
        Case(
            *(When(Q(facet=f, value=v), then=Value(p)) for (f, v), p in points.items()),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    candidates = list(
        FacetEntry.objects.filter(wanted, published=True)
        .values("case")
        .annotate(score=upper_bound)
        .order_by("-score", "case")
        .values_list("case", flat=True)[:CANDIDATES]
    )
    if not candidates:
        return []
    matched: dict[int, set] = {pk: set() for pk in candidates}
    rows = FacetEntry.objects.filter(wanted, case__in=candidates).values_list(
        "case", "facet", "value"
    )
    for case_id, facet, value in rows:
        matched[case_id].add((facet, value))
    scored = sorted(
        ((exact_score(matched[pk], points, groups), pk) for pk in candidates),
        key=lambda item: (-item[0], item[1]),
    )[:SHOWN_CASES]
    cases = CaseStudy.objects.published().for_cards().in_bulk([pk for _s, pk in scored])
    labels = Labels(instruments, answers, region)
    return [
        CaseFit(cases[pk], score, labels.reasons(matched[pk]))
        for score, pk in scored
        if pk in cases
    ]


def exact_score(matched: set, points: dict, groups: list[str]) -> int:
    """Instruments, themes and région as in ``points``; each group of parties counted once."""
    score = sum(p for key, p in points.items() if key in matched and key[0] in SCORED_ALONE)
    for group in groups:
        kinds = {(FACET_OF_SIDE[side], str(kind)) for side, kind in GROUP_KINDS.get(group, [])}
        if kinds & matched:
            score += KIND_POINTS
    return score


SCORED_ALONE = {"instrument", "theme", "region"}


class Labels:
    """The reason a case is proposed, in words."""

    def __init__(self, instruments, answers, region):
        self.instruments = {i.slug: i.name for i in instruments}
        self.themes = dict(
            Theme.objects.filter(slug__in=answers["theme"]).values_list("slug", "name")
        )
        self.region = (
            Territory.objects.filter(slug=region).values_list("name", flat=True).first()
            if region
            else ""
        )

    def reasons(self, matched: set) -> list[str]:
        reasons = []
        tools = [self.instruments[v] for f, v in matched if f == "instrument"]
        if tools:
            reasons.append(_("même outil : %(names)s") % {"names": ", ".join(sorted(tools))})
        themes = [self.themes[v] for f, v in matched if f == "theme" and v in self.themes]
        if themes:
            reasons.append(_("même thématique : %(names)s") % {"names": ", ".join(sorted(themes))})
        kinds = sorted(
            str(TerritoryKind(v).label if f == "territory_kind" else OrganisationKind(v).label)
            for f, v in matched
            if f in ("territory_kind", "organisation_kind")
        )
        if kinds:
            reasons.append(_("partenaires comparables : %(names)s") % {"names": ", ".join(kinds)})
        if any(f == "region" for f, v in matched):
            reasons.append(_("même région : %(name)s") % {"name": self.region})
        return reasons


def lessons_of(cases: list[CaseStudy]) -> list[LessonGroup]:
    if not cases:
        return []
    lessons = (
        Lesson.objects.filter(case__in=cases)
        .select_related("category", "case")
        .order_by("kind", "category__number", "case__title", "position", "pk")
    )
    groups = []
    for kind in LessonKind:
        by_category: dict = {}
        for lesson in lessons:
            if lesson.kind == kind:
                by_category.setdefault(lesson.category, []).append(lesson)
        if by_category:
            groups.append(LessonGroup(kind, kind.label, list(by_category.items())))
    return groups


def party_kind_value(side: str, kind: str) -> str:
    return territory_kind_value(kind) if side == "t" else organisation_kind_value(kind)


def list_query(answers: dict) -> str:
    """The list's parameters for the same situation: themes, our kind and the partners' kinds."""
    pairs = [("theme", slug) for slug in sorted(answers["theme"])]
    pairs += [("party_kind_a", party_kind_value(*k)) for k in kinds_of(sorted(answers["nous"]))]
    pairs += [("party_kind_b", party_kind_value(*k)) for k in kinds_of(sorted(answers["avec"]))]
    return urlencode(pairs[:25])
