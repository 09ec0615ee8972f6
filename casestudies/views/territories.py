"""Territories: list, and territory page with its sheets and its partners across them."""

from django.db.models import Count, Q
from django.views.generic import DetailView, ListView

from casestudies.models import (
    CaseStudy,
    Participation,
    PublicationStatus,
    ReferenceKind,
    Territory,
)

PUBLISHED_PARTICIPATION = Q(participations__case__publication_status=PublicationStatus.PUBLISHED)


class TerritoryListView(ListView):
    template_name = "casestudies/territory_list.html"
    context_object_name = "territories"

    def get_queryset(self):
        return (
            Territory.objects.annotate(
                case_count=Count(
                    "participations__case", filter=PUBLISHED_PARTICIPATION, distinct=True
                )
            )
            .filter(case_count__gt=0)
            .order_by("name")
        )


def partners_of(territory: Territory, cases):
    """Other parties of ``cases`` with the number of sheets shared with ``territory``."""
    rows = (
        Participation.objects.filter(case__in=cases)
        .exclude(territory=territory)
        .values(
            "territory__slug",
            "territory__name",
            "territory__kind",
            "organisation__name",
            "organisation__kind",
        )
        .annotate(shared=Count("case", distinct=True))
        .order_by("-shared", "territory__name", "organisation__name")
    )
    return list(rows)


class TerritoryDetailView(DetailView):
    template_name = "casestudies/territory_detail.html"
    context_object_name = "territory"
    queryset = Territory.objects.select_related("reference").prefetch_related(
        "departements", "regions", "members", "groupings"
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cases = CaseStudy.objects.published().involving_territory(self.object)
        context["cases"] = cases.for_cards()
        context["partners"] = partners_of(self.object, cases.values("pk"))
        official = self.object.reference
        context["official"] = official
        if official is not None and official.kind in {ReferenceKind.EPCI}:
            context["official_communes"] = official.contains.filter(
                kind=ReferenceKind.COMMUNE
            ).count()
        return context
