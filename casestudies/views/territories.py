"""Territories: list and territory page with the sheets it takes part in."""

from django.db.models import Count, Q
from django.views.generic import DetailView, ListView

from casestudies.models import CaseStudy, PublicationStatus, Territory


class TerritoryListView(ListView):
    template_name = "casestudies/territory_list.html"
    context_object_name = "territories"

    def get_queryset(self):
        published = Q(participations__case__publication_status=PublicationStatus.PUBLISHED)
        return (
            Territory.objects.annotate(case_count=Count("participations__case", filter=published))
            .filter(case_count__gt=0)
            .order_by("name")
        )


class TerritoryDetailView(DetailView):
    template_name = "casestudies/territory_detail.html"
    context_object_name = "territory"
    queryset = Territory.objects.prefetch_related("departements", "regions", "members", "groupings")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cases"] = (
            CaseStudy.objects.published().involving_territory(self.object).with_related()
        )
        return context
