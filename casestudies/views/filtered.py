"""What the pages that count a selection of the list (map, statistics) share."""

from django.contrib import messages

from casestudies.filters import CaseStudyFilterSet
from casestudies.models import CaseStudy
from casestudies.statistics import list_url
from casestudies.views.cases import active_chips


class FilteredSelectionMixin:
    """Binds the list's FilterSet to the query string and reports what was ignored."""

    page_parameters: tuple[str, ...] = ()  # the page's own parameters, besides the filters

    def selection(self, report=True):
        data = self.request.GET.copy()
        for name in self.page_parameters:
            data.pop(name, None)
        filterset = CaseStudyFilterSet(data, queryset=CaseStudy.objects.published())
        for text in filterset.ignored() if report else ():
            messages.warning(self.request, text)
        return filterset, filterset.qs.order_by()

    def base_context(self, filterset, total: int):
        return {
            "filterset": filterset,
            "chips": active_chips(filterset, self.request.GET),
            "total": total,
            "list_url": list_url(self.request.GET),
            "query_string": self.request.GET.urlencode(),
        }
