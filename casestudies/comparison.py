"""/comparer/: the rows of the comparison table, and what the compared sheets share.

Most rows are lists (parties, instruments, themes…): each value is an ``Item`` with a key that
identifies it across sheets (a party, an instrument, a lesson category…), so that the table can
say which values two or more sheets have « en commun » and list them first. Figures (number of
parties, years and duration, population of the cooperating territories) make sheets comparable
at a glance; sources come last.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from casestudies.models import (
    CaseStudy,
    Citation,
    InstrumentUse,
    Lesson,
    LessonKind,
    Participation,
    ReferenceArea,
    ReferenceKind,
    Role,
    TerritoryKind,
)

# The parties whose territory cooperates, as opposed to those that fund, advise or study it.
COOPERATING_ROLES = {Role.PORTEUR, Role.COPILOTE, Role.PARTENAIRE, Role.MEMBRE}


def comparable(queryset):
    """Sheets with everything the comparison shows, in a fixed number of queries."""
    # The population of a région or a département is that of its communes (the reference
    # data gives none for them).
    references = ReferenceArea.objects.annotate(
        communes_population=Sum(
            "contains__population", filter=Q(contains__kind=ReferenceKind.COMMUNE)
        )
    )
    return queryset.prefetch_related(
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("territory", "organisation"),
        ),
        Prefetch("participations__territory__reference", queryset=references),
        "participations__territory__reference__contained_in",
        "participations__territory__groupings",
        "participations__territory__departements",
        "participations__territory__regions",
        Prefetch("instrument_uses", queryset=InstrumentUse.objects.select_related("instrument")),
        "themes",
        "cooperation_types",
        Prefetch("citations", queryset=Citation.objects.select_related("source")),
        Prefetch("lessons", queryset=Lesson.objects.select_related("category")),
    )


# -- list rows --------------------------------------------------------------------------------


@dataclass
class Item:
    """One value of a list cell; ``holders`` are the numbers (from 1) of the compared sheets
    that have the same key, out of ``compared``."""

    key: Hashable
    label: str
    detail: str = ""
    url: str = ""
    notes: list[str] = field(default_factory=list)
    holders: list[int] = field(default_factory=list)
    compared: int = 1

    @property
    def shared(self) -> int:
        return len(self.holders)

    @property
    def in_common(self) -> bool:
        return self.shared > 1

    @property
    def in_all(self) -> bool:
        return self.shared == self.compared

    @property
    def holder_numbers(self) -> str:
        return ", ".join(str(number) for number in self.holders)


def merged(items: list[Item]) -> list[Item]:
    """One item per key, in order of first appearance (details and notes put together)."""
    by_key: dict[Hashable, Item] = {}
    for item in items:
        if item.key not in by_key:
            by_key[item.key] = item
            continue
        kept = by_key[item.key]
        if item.detail and item.detail not in kept.detail.split(" ; "):
            kept.detail = f"{kept.detail} ; {item.detail}" if kept.detail else item.detail
        kept.notes += item.notes
    return list(by_key.values())


def party_items(case) -> list[Item]:
    items = []
    for participation in case.participations.all():
        party = participation.party
        if party is None:
            continue
        territory = participation.territory
        items.append(
            Item(
                key=("territoire", territory.pk) if territory else ("organisation", party.pk),
                label=str(party),
                detail=f"{participation.party_kind_display}, {participation.get_role_display()}",
                url=territory.get_absolute_url() if territory else "",
            )
        )
    return items


def party_kind_items(case) -> list[Item]:
    items = []
    for participation in case.participations.all():
        party = participation.party
        if party is not None:
            family = "territoire" if participation.territory_id else "organisation"
            items.append(Item(key=(family, party.kind), label=str(party.get_kind_display())))
    return sorted(items, key=lambda item: item.label)


def instrument_items(case) -> list[Item]:
    return [
        Item(
            key=use.instrument_id,
            label=use.instrument.name,
            detail=str(use.signature_year or ""),
            url=use.instrument.get_absolute_url(),
        )
        for use in case.instrument_uses.all()
    ]


def theme_items(case) -> list[Item]:
    return [
        Item(key=theme.pk, label=str(theme), url=theme.get_absolute_url())
        for theme in case.themes.all()
    ]


def cooperation_type_items(case) -> list[Item]:
    return [Item(key=kind.pk, label=kind.name) for kind in case.cooperation_types.all()]


def lesson_items(kind) -> Callable:
    """Lessons of one kind, one item per category: two sheets « share » a category."""

    def items(case) -> list[Item]:
        lessons = sorted(
            (lesson for lesson in case.lessons.all() if lesson.kind == kind),
            key=lambda lesson: (lesson.category.number, lesson.position, lesson.pk),
        )
        return [
            Item(key=lesson.category_id, label=lesson.category.name, notes=[lesson.text])
            for lesson in lessons
        ]

    return items


def status_items(case) -> list[Item]:
    if not case.cooperation_status:
        return []
    return [Item(key=case.cooperation_status, label=str(case.get_cooperation_status_display()))]


def source_items(case) -> list[Item]:
    return [
        Item(
            key=citation.source_id,
            label=citation.source.short_title or citation.source.title,
            detail=str(citation.location),
        )
        for citation in case.citations.all()
    ]


# -- figures ----------------------------------------------------------------------------------


@dataclass
class Figure:
    value: str
    detail: str = ""


def party_count(case) -> Figure:
    parties = {item.key for item in party_items(case)}
    territories = sum(1 for family, _pk in parties if family == "territoire")
    organisations = len(parties) - territories
    parts = []
    if territories:
        parts.append(
            ngettext("%(n)s territoire", "%(n)s territoires", territories) % {"n": territories}
        )
    if organisations:
        parts.append(
            ngettext("%(n)s organisation", "%(n)s organisations", organisations)
            % {"n": organisations}
        )
    return Figure(str(len(parties)), ", ".join(parts))


def years(case) -> Figure:
    start, end = case.start_year, case.end_year
    if start and end:
        length = end - start
        duration = (
            ngettext("durée : %(n)s an", "durée : %(n)s ans", length) % {"n": length}
            if length
            else _("commencée et achevée la même année")
        )
        return Figure(f"{start} – {end}", duration)
    if start:
        return Figure(_("depuis %(year)s") % {"year": start}, _("année de fin non précisée"))
    if end:
        return Figure(_("jusqu'en %(year)s") % {"year": end}, _("année de début non précisée"))
    return Figure("")


def population(territory) -> int | None:
    """The official population (Etalab) when the territory is linked to it, else the source's."""
    reference = territory.reference
    if reference is not None:
        official = reference.population or reference.communes_population
        if official:
            return official
    return territory.population


def inside(territory, other) -> bool:
    """Whether ``territory`` lies wholly inside ``other``: one of its members, placed in it
    alone (a PETR in one département only), or a commune of that EPCI."""
    if other.pk == territory.pk:
        return False
    if any(grouping.pk == other.pk for grouping in territory.groupings.all()):
        return True
    for kind, placements in (
        (TerritoryKind.DEPARTEMENT, territory.departements.all()),
        (TerritoryKind.REGION, territory.regions.all()),
    ):
        if other.kind == kind and [place.pk for place in placements] == [other.pk]:
            return True
    reference, container = territory.reference, other.reference
    return bool(
        reference
        and container
        and container.kind == ReferenceKind.EPCI
        and any(area.pk == container.pk for area in reference.contained_in.all())
    )


def partner_population(case) -> Figure:
    """Sum of the known populations of the cooperating territories, each person counted once:
    a territory inside another party of the sheet (a commune in its EPCI, an EPCI in its PETR
    or its département) is left out."""
    territories = {
        p.territory.pk: p.territory
        for p in case.participations.all()
        if p.territory_id and p.role in COOPERATING_ROLES
    }.values()
    if not territories:
        return Figure("")
    counted = [t for t in territories if not any(inside(t, other) for other in territories)]
    known = [population(t) for t in counted if population(t) is not None]
    left_out = len(territories) - len(counted)
    notes = []
    if left_out:
        notes.append(
            ngettext(
                "%(n)s territoire compris dans un autre n'est pas compté à part",
                "%(n)s territoires compris dans un autre ne sont pas comptés à part",
                left_out,
            )
            % {"n": left_out}
        )
    if not known:
        notes.insert(0, _("population inconnue"))
        return Figure("", " ; ".join(notes))
    notes.insert(
        0,
        ngettext(
            "population connue pour %(known)s territoire sur %(total)s",
            "population connue pour %(known)s territoires sur %(total)s",
            len(known),
        )
        % {"known": len(known), "total": len(counted)},
    )
    total = number_format(sum(known), force_grouping=True)
    return Figure(_("%(total)s habitants") % {"total": total}, " ; ".join(notes))


# -- rows -------------------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    kind: str  # "list", "text" or "figure"
    cells: list
    in_common: int = 0  # for a list row: how many values two sheets or more share


def list_row(label, values: Callable, cases) -> Row:
    cells = [merged(values(case)) for case in cases]
    holders: dict[Hashable, list[int]] = {}
    for number, cell in enumerate(cells, start=1):
        for item in cell:
            holders.setdefault(item.key, []).append(number)
    for cell in cells:
        for item in cell:
            item.holders, item.compared = holders[item.key], len(cases)
        # Shared values first, so that what the sheets have in common comes at the top.
        cell.sort(key=lambda item: -item.shared)
    return Row(
        str(label), "list", cells, sum(1 for numbers in holders.values() if len(numbers) > 1)
    )


LIST = "list"
ROWS = [
    (gettext_lazy("Parties prenantes"), LIST, party_items),
    (gettext_lazy("Nombre de parties prenantes"), "figure", party_count),
    (gettext_lazy("Population des territoires partenaires"), "figure", partner_population),
    (gettext_lazy("Types de parties"), LIST, party_kind_items),
    (gettext_lazy("Outils"), LIST, instrument_items),
    (gettext_lazy("Thématiques"), LIST, theme_items),
    (gettext_lazy("Types de coopération"), LIST, cooperation_type_items),
    (gettext_lazy("Gouvernance"), "text", lambda case: case.governance),
    (gettext_lazy("Moyens humains et financiers"), "text", lambda case: case.means),
    (gettext_lazy("Conditions de réussite"), LIST, lesson_items(LessonKind.SUCCESS)),
    (gettext_lazy("Freins et difficultés"), LIST, lesson_items(LessonKind.OBSTACLE)),
    (gettext_lazy("Années"), "figure", years),
    (gettext_lazy("État"), LIST, status_items),
    (gettext_lazy("Sources"), LIST, source_items),
]


def comparison_rows(cases: list[CaseStudy]) -> list[Row]:
    rows = []
    for label, kind, values in ROWS:
        if kind == LIST:
            rows.append(list_row(label, values, cases))
        else:
            rows.append(Row(str(label), kind, [values(case) for case in cases]))
    return rows


@dataclass
class SharedLine:
    label: str
    items: list[Item]


def shared_summary(rows: list[Row]) -> list[SharedLine]:
    """What two sheets or more have in common, row by row (each value once)."""
    lines = []
    for row in rows:
        if row.kind != LIST or not row.in_common:
            continue
        seen, items = set(), []
        for cell in row.cells:
            for item in cell:
                if item.in_common and item.key not in seen:
                    seen.add(item.key)
                    items.append(item)
        items.sort(key=lambda item: -item.shared)
        lines.append(SharedLine(row.label, items))
    return lines
