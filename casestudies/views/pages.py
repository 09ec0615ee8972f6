"""Home page."""

from django.http import HttpResponse
from django.utils.translation import get_language
from django.views.generic import TemplateView

from casestudies.caching import cached
from casestudies.filters import FACETS
from casestudies.models import (
    CaseStudy,
    Instrument,
    PublicationStatus,
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
        context.update(cached("home", get_language(), self.counts))
        context["latest_cases"] = (
            CaseStudy.objects.published().for_cards().order_by("-published_at", "-pk")[:6]
        )
        return context

    def counts(self):
        """Counted by the list's own facets, so that home and list always agree (a root theme
        counts the sheets of its sub-themes, as the list's filter selects them)."""
        published = CaseStudy.objects.published()
        by_theme = FACETS["theme"].count(published)
        by_instrument = FACETS["instrument"].count(published)
        themes = Theme.objects.filter(parent__isnull=True).order_by("position")
        instruments = Instrument.objects.order_by("position", "name")
        for item, counts in [(t, by_theme) for t in themes] + [
            (i, by_instrument) for i in instruments
        ]:
            item.case_count = counts.get(item.slug, 0)
        return {
            "case_count": published.count(),
            "territory_count": Territory.objects.filter(
                participations__case__publication_status=PublicationStatus.PUBLISHED
            )
            .exclude(kind=TerritoryKind.COLLECTIF)
            .distinct()
            .count(),
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
