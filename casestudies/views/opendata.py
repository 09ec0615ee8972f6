"""Open data: the data package of /donnees/, its tables as CSV, and the XLSX workbook."""

from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from casestudies import opendata
from casestudies.filters import CaseStudyFilterSet, carried_query
from casestudies.models import CaseStudy


class SelectionMixin:
    """The published sheets the list's parameters select (all of them without parameters)."""

    def selected(self) -> opendata.Selected:
        filterset = CaseStudyFilterSet(self.request.GET, queryset=CaseStudy.objects.published())
        base = self.request.build_absolute_uri("/").rstrip("/")
        return opendata.Selected(filterset.qs, base)

    def query(self) -> str:
        """The list's parameters to carry over (page and export options left out)."""
        return carried_query(self.request.GET, "sep")

    def table_url(self, table, absolute=False) -> str:
        url = reverse("casestudies:data-table", args=[table.name]) + self.query()
        return self.request.build_absolute_uri(url) if absolute else url


class DataView(SelectionMixin, TemplateView):
    """/donnees/: what the data holds, its licence, how to cite it, and the downloads."""

    template_name = "casestudies/data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tables"] = [(table, self.table_url(table)) for table in opendata.TABLES]
        context["query"] = self.query()
        # Sorting changes no table: only filters and search make a selection.
        context["filtered"] = bool(carried_query(self.request.GET, "sort", "sep"))
        context["sheet_count"] = self.selected().ids.count() if context["filtered"] else None
        return context


class DataPackageView(SelectionMixin, View):
    def get(self, request):
        descriptor = opendata.package(
            self.selected(),
            lambda table: self.table_url(table, absolute=True),
            request.build_absolute_uri(reverse("casestudies:data") + self.query()),
        )
        return JsonResponse(descriptor, json_dumps_params={"ensure_ascii": False, "indent": 1})


class TableView(SelectionMixin, View):
    """One table of the package as CSV (UTF-8 without byte-order mark, comma-separated)."""

    def get(self, request, name):
        table = opendata.TABLES_BY_NAME.get(name)
        if table is None:
            raise Http404
        response = StreamingHttpResponse(
            opendata.stream_table(table, self.selected()), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'inline; filename="{table.name}.csv"'
        return response


class XlsxExportView(SelectionMixin, View):
    """/fiches/export.xlsx: the package's tables for the list's selection, one sheet each."""

    def get(self, request):
        return FileResponse(
            opendata.write_workbook(self.selected()),
            as_attachment=True,
            filename="fiches-cooperations.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
