"""/reseau/: the partner network of the published sheets selected by the list's FilterSet."""

from django.http import StreamingHttpResponse
from django.views import View
from django.views.generic import ListView

from casestudies.exports import csv_stream
from casestudies.network import Network, csv_rows, gexf_lines, graphml_lines
from casestudies.pagination import TolerantPageMixin, TolerantPaginator, page_links
from casestudies.parties import kind_groups
from casestudies.views.filtered import FilteredSelectionMixin


class NetworkMixin(FilteredSelectionMixin):
    def network(self, report=True):
        filterset, selected = self.selection(report=report)
        return filterset, selected, Network.of(filterset)

    def selection_key(self) -> str:
        """The selection, whatever the order of the parameters (the drawing's cache key)."""
        params = self.request.GET.lists()
        return repr(sorted((k, v) for k, values in params for v in values if k != "page"))


class NetworkView(NetworkMixin, TolerantPageMixin, ListView):
    """The drawing of the network, then the complete table of its links, 100 a page."""

    template_name = "casestudies/network.html"
    context_object_name = "links"
    paginate_by = 100
    paginator_class = TolerantPaginator

    def get_queryset(self):
        self.filterset, selected, self.graph = self.network()
        self.total = selected.count()
        return self.graph.links

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.base_context(self.filterset, self.total))
        context.update(
            network=self.graph,
            drawing=self.graph.drawing(self.selection_key()),
            groups=kind_groups(),
            page_range=page_links(context["page_obj"]),
        )
        return context


class NetworkExportView(NetworkMixin, View):
    """/reseau/export.csv, .graphml, .gexf: the whole network of the selection."""

    formats = {
        "csv": ("text/csv; charset=utf-8", None),
        "graphml": ("application/graphml+xml; charset=utf-8", graphml_lines),
        "gexf": ("application/gexf+xml; charset=utf-8", gexf_lines),
    }

    def get(self, request, extension):
        _filterset, _selected, network = self.network(report=False)
        content_type, lines = self.formats[extension]
        if lines is None:
            body = csv_stream(csv_rows(network))
        else:
            body = (line + "\n" for line in lines(network))
        response = StreamingHttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="reseau-cooperations.{extension}"'
        return response
