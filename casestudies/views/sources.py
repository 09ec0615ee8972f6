"""Source documents and the sheets drawn from each."""

from django.db.models import Prefetch
from django.views.generic import ListView

from casestudies.models import CaseStudy, SourceDocument


class SourceListView(ListView):
    template_name = "casestudies/source_list.html"
    context_object_name = "sources"

    def get_queryset(self):
        published = CaseStudy.objects.published().order_by("title").only("title", "slug")
        return SourceDocument.objects.prefetch_related(
            Prefetch("citations__case", queryset=published)
        ).order_by("reference", "title")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for source in context["sources"]:
            seen = {}
            for citation in source.citations.all():
                # Citations of unpublished sheets get no case from the filtered prefetch.
                if citation.case is not None:
                    seen.setdefault(citation.case.pk, citation.case)
            source.cases = sorted(seen.values(), key=lambda case: case.title)
        return context
