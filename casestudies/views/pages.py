"""Home page."""

from django.db.models import Count, Q
from django.http import HttpResponse
from django.utils.translation import get_language
from django.views.generic import TemplateView

from casestudies.caching import cached
from casestudies.models import CaseStudy, Instrument, PublicationStatus, Territory, Theme

PUBLISHED = Q(cases__publication_status=PublicationStatus.PUBLISHED)


def health(request):
    """For load balancers and the benchmark's floor: the stack answers, nothing more."""
    return HttpResponse("ok", content_type="text/plain")


class HomeView(TemplateView):
    template_name = "casestudies/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(cached("home", get_language(), self.counts))
        context["latest_cases"] = (
            CaseStudy.objects.published().with_related().order_by("-published_at", "title")[:6]
        )
        return context

    def counts(self):
        published = CaseStudy.objects.published()
        return {
            "case_count": published.count(),
            "territory_count": Territory.objects.filter(
                participations__case__publication_status=PublicationStatus.PUBLISHED
            )
            .distinct()
            .count(),
            "themes": list(
                Theme.objects.filter(parent__isnull=True)
                .annotate(case_count=Count("cases", filter=PUBLISHED))
                .filter(case_count__gt=0)
                .order_by("position")
            ),
            "instruments": list(
                Instrument.objects.annotate(case_count=Count("cases", filter=PUBLISHED))
                .filter(case_count__gt=0)
                .order_by("-case_count", "name")
            ),
        }
