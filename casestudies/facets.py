"""Facet counts: for each filter value, how many sheets the user gets by adding it.

Values of one facet combine with OR, so adding value v to a facet whose selection is S gives
``results ∪ (others ∩ v)``, where ``others`` is the selection by every *other* filter. Its size is
``|results| + |others ∩ v − S|``. Each facet costs one query: a single aggregate with one
conditional COUNT per value, built from the same predicate the FilterSet filters with.
"""

from __future__ import annotations

from dataclasses import dataclass

from casestudies.filters import FACETS, CaseStudyFilterSet


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


def selection_without(filterset: CaseStudyFilterSet, base, facet_name: str):
    """``base`` filtered by the search, the years and every facet but ``facet_name``."""
    cleaned = filterset.cleaned
    queryset = base
    if filterset.search_text:
        queryset = queryset.search(filterset.search_text)
    if cleaned.get("year_min") is not None:
        queryset = queryset.filter(start_year__gte=cleaned["year_min"])
    if cleaned.get("year_max") is not None:
        queryset = queryset.filter(start_year__lte=cleaned["year_max"])
    for name, facet in FACETS.items():
        values = cleaned.get(name)
        if name != facet_name and values:
            queryset = queryset.filter(facet.matching(values))
    return queryset.order_by()


def facet_groups(filterset: CaseStudyFilterSet, base, result_count: int) -> list[FacetGroup]:
    groups = []
    for name, facet in FACETS.items():
        field = filterset.form.fields[name]
        choices = list(field.choices)
        selected = set(filterset.selected(name))
        others = selection_without(filterset, base, name)
        candidates = [(value, label) for value, label in choices if value not in selected]
        if selected:
            others = others.exclude(facet.matching(list(selected)))
        counts = facet.count(others)
        offset = result_count if selected else 0
        values = []
        for value, label in candidates:
            added = counts.get(value, 0)
            if added:
                values.append(FacetValue(value, label, offset + added, selected=False))
        values += [
            FacetValue(value, label, result_count, selected=True)
            for value, label in choices
            if value in selected
        ]
        order = {value: position for position, (value, _label) in enumerate(choices)}
        values.sort(key=lambda item: order[item.value])
        groups.append(FacetGroup(name, str(facet.label), values))
    return groups
