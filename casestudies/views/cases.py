"""Case sheets: the list of published sheets and the sheet page."""

from django.conf import settings
from django.views.generic import DetailView, ListView

from casestudies.models import CaseStudy

MAX_QUERY_LENGTH = 200


class CaseListView(ListView):
    template_name = "casestudies/case_list.html"
    context_object_name = "cases"
    paginate_by = settings.CASES_PER_PAGE

    def get_search_text(self):
        return self.request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]

    def get_queryset(self):
        return (
            CaseStudy.objects.published()
            .search(self.get_search_text())
            .with_related()
            .order_by("title")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["q"] = self.get_search_text()
        return context


class CaseDetailView(DetailView):
    template_name = "casestudies/case_detail.html"
    context_object_name = "case"

    def get_queryset(self):
        return CaseStudy.objects.published().with_related()
