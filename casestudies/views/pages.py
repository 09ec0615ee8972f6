"""Home page."""

from django.db.models import Count, Q
from django.views.generic import TemplateView

from casestudies.models import CaseStudy, Instrument, PublicationStatus, Territory, Theme

PUBLISHED = Q(cases__publication_status=PublicationStatus.PUBLISHED)


class HomeView(TemplateView):
    template_name = "casestudies/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = CaseStudy.objects.published()
        context.update(
            case_count=published.count(),
            territory_count=Territory.objects.filter(
                participations__case__publication_status=PublicationStatus.PUBLISHED
            )
            .distinct()
            .count(),
            themes=Theme.objects.filter(parent__isnull=True)
            .annotate(case_count=Count("cases", filter=PUBLISHED))
            .filter(case_count__gt=0)
            .order_by("position"),
            instruments=Instrument.objects.annotate(case_count=Count("cases", filter=PUBLISHED))
            .filter(case_count__gt=0)
            .order_by("-case_count", "name"),
            latest_cases=published.with_related().order_by("-published_at", "title")[:6],
        )
        return context
