"""Downloads of the current selection of /fiches/ (same filters and search as the page)."""

from django.http import StreamingHttpResponse
from django.views import View

from casestudies import exports
from casestudies.filters import CaseStudyFilterSet
from casestudies.models import CaseStudy


class ExportView(View):
    content_type = ""
    extension = ""

    def selection(self):
        filterset = CaseStudyFilterSet(self.request.GET, queryset=CaseStudy.objects.published())
        return filterset.qs

    def stream(self, queryset):
        raise NotImplementedError

    def get(self, request):
        response = StreamingHttpResponse(
            self.stream(self.selection()), content_type=self.content_type
        )
        response["Content-Disposition"] = (
            f'attachment; filename="fiches-cooperations.{self.extension}"'
        )
        return response


class CsvExportView(ExportView):
    content_type = "text/csv; charset=utf-8"
    extension = "csv"

    def stream(self, queryset):
        # « sep=semicolon »: the separator spreadsheets configured in French expect.
        delimiter = ";" if self.request.GET.get("sep") == "semicolon" else ","
        return exports.stream_csv(queryset, self.request, delimiter=delimiter)


class JsonExportView(ExportView):
    content_type = "application/json; charset=utf-8"
    extension = "json"

    def stream(self, queryset):
        return exports.stream_json(queryset, self.request, queryset.count())
