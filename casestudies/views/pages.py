"""Home page."""

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from casestudies import facet_index, metadata
from casestudies.models import (
    CaseStudy,
    FacetCount,
    Instrument,
    SourceDocument,
    Territory,
    TerritoryKind,
    Theme,
)


def health(request):
    """For load balancers and the benchmark's floor: the stack answers, nothing more."""
    return HttpResponse("ok", content_type="text/plain")


class HomeView(TemplateView):
    template_name = "casestudies/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.counts())
        context["structured_data"] = metadata.website(
            self.request,
            reverse("casestudies:case-list"),
            str(_("Catalogue des coopérations territoriales")),
        )
        context["latest_cases"] = (
            CaseStudy.objects.published().for_cards().order_by("-published_at", "-pk")[:6]
        )
        return context

    def counts(self):
        """From the published counters, as the list's facets count (a root theme counts the
        sheets of its sub-themes, as the list's filter selects them)."""
        counts = facet_index.published_counts(["theme", "instrument"])
        themes = list(Theme.objects.filter(parent__isnull=True).order_by("position"))
        instruments = list(Instrument.objects.order_by("position", "name"))
        for item, by_slug in [(t, counts["theme"]) for t in themes] + [
            (i, counts["instrument"]) for i in instruments
        ]:
            item.case_count = by_slug.get(item.slug, 0)
        collectives = Territory.objects.filter(kind=TerritoryKind.COLLECTIF).values("slug")
        territories = FacetCount.objects.filter(facet="territory", sheets__gt=0)
        return {
            "case_count": CaseStudy.objects.published().count(),
            "territory_count": territories.exclude(value__in=collectives).count(),
            "themes": [theme for theme in themes if theme.case_count],
            "instruments": sorted(
                (i for i in instruments if i.case_count), key=lambda i: (-i.case_count, i.name)
            ),
        }


class AboutView(TemplateView):
    """« Qui publie ce catalogue ? »: the publisher, the method, the sources and their counts."""

    template_name = "casestudies/about.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["case_count"] = CaseStudy.objects.published().count()
        context["sources"] = SourceDocument.objects.order_by("reference")
        return context
