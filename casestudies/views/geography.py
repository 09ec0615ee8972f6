"""The map of France and the statistics: both count the sheets selected by the list's FilterSet."""

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from casestudies.caching import cached, query_key
from casestudies.filters import FACETS, CaseStudyFilterSet
from casestudies.maps import CREDIT, france_map, shade_classes
from casestudies.models import CaseStudy, Participation, Territory, TerritoryKind
from casestudies.statistics import (
    CHART_SLUGS,
    count_selection,
    csv_response,
    list_url,
    statistics_charts,
)
from casestudies.views.cases import active_chips


class FilteredSelectionMixin:
    """Binds the list's FilterSet to the query string and reports what was ignored."""

    def selection(self, report=True):
        filterset = CaseStudyFilterSet(self.request.GET, queryset=CaseStudy.objects.published())
        for text in filterset.ignored() if report else ():
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


class StatisticsMixin(FilteredSelectionMixin):
    def charts(self, selected):
        """The charts of the selection, from counts cached for its query string."""
        # A name of its own: counts cached by an earlier version (tuples) are never read back.
        counts = cached(
            "statistics-counts", query_key(self.request.GET), lambda: count_selection(selected)
        )
        return statistics_charts(counts, self.request.GET)


class StatisticsView(StatisticsMixin, TemplateView):
    template_name = "casestudies/statistics.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset, selected = self.selection()
        context.update(self.base_context(filterset, selected))
        context["charts"] = self.charts(selected)
        return context


class StatisticsCsvView(StatisticsMixin, View):
    """/statistiques/<chart>.csv: one chart's table, with the page's selection and numbers."""

    def get(self, request, chart):
        if chart not in CHART_SLUGS:
            raise Http404(_("Ce graphique n'existe pas."))
        # Warnings about ignored filters belong to a page: a file cannot show them.
        _filterset, selected = self.selection(report=False)
        return csv_response(next(c for c in self.charts(selected) if c.slug == chart))
