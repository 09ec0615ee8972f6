"""The map of France and the statistics: both count the sheets selected by the list's FilterSet."""

from django.contrib import messages
from django.db.models import Count, F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from casestudies.caching import cached, query_key
from casestudies.filters import FACETS, CaseStudyFilterSet
from casestudies.maps import CREDIT, france_map, shade_classes
from casestudies.models import (
    CaseStudy,
    Instrument,
    InstrumentUse,
    Participation,
    Territory,
    TerritoryKind,
    Theme,
)
from casestudies.views.cases import active_chips


def list_url(query, **extra):
    """/fiches/ with the current selection plus ``extra`` parameters."""
    params = query.copy()
    params.pop("page", None)
    for key, value in extra.items():
        params.setlist(key, [*params.getlist(key), value])
    return "/fiches/?" + params.urlencode()


class FilteredSelectionMixin:
    """Binds the list's FilterSet to the query string and reports what was ignored."""

    def selection(self):
        filterset = CaseStudyFilterSet(self.request.GET, queryset=CaseStudy.objects.published())
        for text in filterset.ignored():
            messages.warning(self.request, text)
        return filterset, filterset.qs.order_by()

    def base_context(self, filterset, selected):
        return {
            "filterset": filterset,
            "chips": active_chips(filterset, self.request.GET),
            "total": selected.count(),
            "list_url": list_url(self.request.GET),
            "query_string": self.request.GET.urlencode(),
        }


class MapView(FilteredSelectionMixin, TemplateView):
    template_name = "casestudies/map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset, selected = self.selection()
        departements = list(
            Territory.objects.departements().exclude(insee_code="").order_by("insee_code")
        )
        names = {d.insee_code: d.name for d in departements}
        key = query_key(self.request.GET)
        counts = cached("map", key, lambda: FACETS["departement"].count(selected))
        outlines = france_map()
        shown = {o.code for o in outlines.outlines} if outlines else set()
        classes, legend = shade_classes({code: counts.get(code, 0) for code in shown})
        query = self.request.GET.copy()
        query.pop("departement", None)
        rows = [
            {
                "code": code,
                "name": names[code],
                "count": counts.get(code, 0),
                "url": list_url(query, departement=code),
                "on_map": code in shown,
            }
            for code in names
        ]
        context.update(self.base_context(filterset, selected))
        context.update(
            france_map=outlines,
            outlines=[
                {
                    "outline": outline,
                    "count": counts.get(outline.code, 0),
                    "shade": classes.get(outline.code, 0),
                    "url": list_url(query, departement=outline.code),
                }
                for outline in (outlines.outlines if outlines else ())
            ],
            legend=legend,
            rows=rows,
            elsewhere=[row for row in rows if not row["on_map"] and row["count"]],
            foreign=(
                Participation.objects.filter(
                    case__in=selected.values("pk"), territory__kind=TerritoryKind.ETRANGER
                )
                .values("territory__country")
                .annotate(count=Count("case", distinct=True))
                .order_by("-count", "territory__country")
            ),
            credit=CREDIT,
            selected_departements=filterset.selected("departement"),
        )
        return context


ROW_HEIGHT = 36  # a label line and a bar, in the horizontal bar charts
COLUMN_WIDTH = 30  # one year, in the histogram
COLUMN_HEIGHT = 100


def bar_rows(counts: dict, labels: dict, url_for) -> list[dict]:
    """Rows of a bar chart, biggest first, with each bar's share of the longest."""
    rows = [(key, count) for key, count in counts.items() if count and key in labels]
    highest = max((count for _key, count in rows), default=0)
    rows.sort(key=lambda item: (-item[1], str(labels[item[0]])))
    return [
        {
            "label": labels[key],
            "count": count,
            "share": round(100 * count / highest, 1) if highest else 0,
            "url": url_for(key),
            "y": index * ROW_HEIGHT,
        }
        for index, (key, count) in enumerate(rows)
    ]


class StatisticsView(FilteredSelectionMixin, TemplateView):
    template_name = "casestudies/statistics.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset, selected = self.selection()
        query = self.request.GET
        themes = {t.slug: t.name for t in Theme.objects.filter(parent__isnull=True)}
        instruments = {i.slug: i.name for i in Instrument.objects.all()}
        kinds = dict(TerritoryKind.choices)

        counts = cached("statistics", query_key(query), lambda: self.counts(selected))
        theme_counts, instrument_counts, kind_counts, by_year, pairs = counts
        context.update(self.base_context(filterset, selected))
        context.update(
            charts=[
                {
                    "id": "par-thematique",
                    "title": _("Fiches par thématique"),
                    "key": _("Thématique"),
                    "rows": bar_rows(theme_counts, themes, lambda key: list_url(query, theme=key)),
                },
                {
                    "id": "par-outil",
                    "title": _("Fiches par outil de coopération"),
                    "key": _("Outil"),
                    "rows": bar_rows(
                        instrument_counts, instruments, lambda key: list_url(query, instrument=key)
                    ),
                },
                {
                    "id": "par-type-de-territoire",
                    "title": _("Fiches par type de territoire partie prenante"),
                    "key": _("Type de territoire"),
                    "rows": bar_rows(
                        kind_counts, kinds, lambda key: list_url(query, territory_kind=key)
                    ),
                },
            ],
            years=self.year_rows(by_year, query),
            years_width=max(len(by_year), 1) * COLUMN_WIDTH,
            matrix=self.matrix(pairs, themes, instruments, theme_counts, instrument_counts),
        )
        return context

    def counts(self, selected):
        """Every count of the page, one GROUP BY query each."""
        by_year = dict(
            CaseStudy.objects.filter(pk__in=selected.values("pk"), start_year__isnull=False)
            .values_list("start_year")
            .annotate(count=Count("pk"))
            .order_by("start_year")
        )
        # Theme (at root level, as the theme filter counts) × instrument, in one query.
        pairs = (
            InstrumentUse.objects.filter(case__in=selected.values("pk"))
            .annotate(
                root=Coalesce("case__themes__parent__slug", "case__themes__slug"),
                instrument_slug=F("instrument__slug"),
            )
            .exclude(root__isnull=True)
            .values("root", "instrument_slug")
            .annotate(sheets=Count("case", distinct=True))
            .order_by()
        )
        return (
            FACETS["theme"].count(selected),
            FACETS["instrument"].count(selected),
            FACETS["territory_kind"].count(selected),
            by_year,
            {(row["root"], row["instrument_slug"]): row["sheets"] for row in pairs},
        )

    def year_rows(self, by_year, query):
        highest = max(by_year.values(), default=0)
        rows = []
        for index, (year, count) in enumerate(by_year.items()):
            height = round(COLUMN_HEIGHT * count / highest, 1)
            rows.append(
                {
                    "year": year,
                    "count": count,
                    "x": index * COLUMN_WIDTH,
                    "y": COLUMN_HEIGHT - height,
                    "height": height,
                    "url": list_url(query, year_min=str(year), year_max=str(year)),
                }
            )
        return rows

    def matrix(self, pairs, themes, instruments, theme_counts, instrument_counts):
        """Theme × instrument counts for the themes and instruments present."""
        row_keys = [key for key in themes if theme_counts.get(key)]
        column_keys = [key for key in instruments if instrument_counts.get(key)]
        counts = {(t, i): pairs.get((t, i), 0) for t in row_keys for i in column_keys}
        query = self.request.GET
        return {
            "columns": [(key, instruments[key]) for key in column_keys],
            "rows": [
                {
                    "label": themes[theme],
                    "cells": [
                        {
                            "count": counts[(theme, instrument)],
                            "url": list_url(query, theme=theme, instrument=instrument),
                            "instrument": instruments[instrument],
                        }
                        for instrument in column_keys
                    ],
                }
                for theme in row_keys
            ],
        }
