"""Source documents and the sheets drawn from each."""

from django.db.models import Prefetch
from django.views.generic import ListView

from casestudies.models import CaseStudy, Citation, SourceDocument


class SourceListView(ListView):
    template_name = "casestudies/source_list.html"
    context_object_name = "sources"

    def get_queryset(self):
        # Only the citations of published sheets: drafts and sheets under review stay unseen.
        citations = (
            Citation.objects.filter(case__in=CaseStudy.objects.published())
            .select_related("case")
            .only("source_id", "case__title", "case__slug")
            .order_by("case__title", "case_id")
        )
        return SourceDocument.objects.prefetch_related(
            Prefetch("citations", queryset=citations, to_attr="published_citations")
        ).order_by("reference", "title")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for source in context["sources"]:
            # One entry per sheet, however many passages of the document it cites.
            source.cases = list({c.case_id: c.case for c in source.published_citations}.values())
        return context
