"""Facet counts: for each filter value, how many sheets the user gets by adding it.

Values of one facet combine with OR, so adding value v to a facet whose selection is S gives
``results ∪ (others ∩ v)``, where ``others`` is what the FilterSet selects without that facet's
parameter. Its size is ``|results| + |others ∩ v − S|``. A facet without selection has
``others = results``: all of them are counted together, in one GROUP BY over the facet index
(or read from the published counters when nothing is filtered); each facet with a selection
costs one more query.
"""

from __future__ import annotations

from dataclasses import dataclass

from casestudies.caching import text_key
from casestudies.filters import FACETS, CaseStudyFilterSet
from casestudies.parties import party_kind_choices


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class FacetGroup:
    name: str
    label: str
    values: list[FacetValue]

    @property
    def has_selection(self):
        return any(value.selected for value in self.values)


def fragment_key(groups: list[FacetGroup]) -> str:
    """What the rendered facets depend on: every value, label, count and selection. The page
    caches their HTML under this digest (``{% cache %}``): a change that alters no count nor
    label (a text fix) keeps it, any other change gives another key — nothing to invalidate."""
    described = [
        (g.name, g.label, [(v.value, str(v.label), v.count, v.selected) for v in g.values])
        for g in groups
    ]
    return text_key(repr(described))


def selection_without(filterset: CaseStudyFilterSet, facet_name: str):
    """What the FilterSet selects without its filter ``facet_name``: its own filters applied
    to its validated values, as ``FilterSet.filter_queryset`` does, all but one."""
    queryset = filterset.queryset
    for name, value in filterset.cleaned.items():
        if name != facet_name:
            queryset = filterset.filters[name].filter(queryset, value)
    return queryset.order_by()


def facet_groups(filterset: CaseStudyFilterSet, result_count: int) -> list[FacetGroup]:
    selected = {name: set(filterset.selected(name)) for name in FACETS}
    counts = filterset.counts([name for name in FACETS if not selected[name]], result_count)
    for name, values in selected.items():
        if values:
            others = selection_without(filterset, name).exclude(FACETS[name].matching(list(values)))
            counts[name] = FACETS[name].count(others)
    groups = []
    for name, facet in FACETS.items():
        offset = result_count if selected[name] else 0
        values = []
        for value, label in filterset.form.fields[name].choices:
            if value in selected[name]:
                values.append(FacetValue(value, label, result_count, selected=True))
            elif counts[name].get(value):
                values.append(FacetValue(value, label, offset + counts[name][value], False))
        groups.append(FacetGroup(name, str(facet.label), values))
    return groups


@dataclass
class PartyKindSide:
    """One side of the « a party of kind A and another of kind B » filter, for the form."""

    name: str
    label: str
    groups: list[tuple[str, list[FacetValue]]]

    @property
    def has_selection(self):
        return any(value.selected for _, values in self.groups for value in values)


def party_kind_sides(filterset: CaseStudyFilterSet) -> list[PartyKindSide]:
    sides = []
    for name in ("party_kind_a", "party_kind_b"):
        selected = set(filterset.selected(name))
        groups = [
            (group, [FacetValue(value, label, 0, value in selected) for value, label in values])
            for group, values in party_kind_choices()
        ]
        sides.append(PartyKindSide(name, str(filterset.filters[name].label), groups))
    return sides
