"""/statistiques/ and its CSV files: counts of the sheets selected by the list's FilterSet."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from casestudies.statistics import CHART_SLUGS, count_selection, csv_response, statistics_charts
from casestudies.views.filtered import FilteredSelectionMixin


class StatisticsMixin(FilteredSelectionMixin):
    def charts(self, filterset, total):
        """The charts of the selection, from one set of counts."""
        return statistics_charts(count_selection(filterset, total), self.request.GET)


class StatisticsView(StatisticsMixin, TemplateView):
    template_name = "casestudies/statistics.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset, selected = self.selection()
        total = selected.count()
        context.update(self.base_context(filterset, total))
        context["charts"] = self.charts(filterset, total)
        return context


class StatisticsCsvView(StatisticsMixin, View):
    """/statistiques/<chart>.csv: one chart's table, with the page's selection and numbers."""

    def get(self, request, chart):
        if chart not in CHART_SLUGS:
            raise Http404(_("Ce graphique n'existe pas."))
        # Warnings about ignored filters belong to a page: a file cannot show them.
        filterset, selected = self.selection(report=False)
        charts = self.charts(filterset, selected.count())
        return csv_response(next(c for c in charts if c.slug == chart))
