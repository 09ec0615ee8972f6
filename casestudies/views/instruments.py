"""Instruments (outils de coopération) and themes, each with their published sheets."""

from django.db.models import Case, Count, Q, Value, When
from django.views.generic import DetailView, ListView

from casestudies.filters import theme_matching
from casestudies.models import CaseStudy, Instrument, InstrumentFamily, PublicationStatus, Theme

PUBLISHED = Q(cases__publication_status=PublicationStatus.PUBLISHED)


class InstrumentListView(ListView):
    template_name = "casestudies/instrument_list.html"
    context_object_name = "instruments"

    def get_queryset(self):
        family_order = Case(
            *(When(family=family, then=Value(i)) for i, family in enumerate(InstrumentFamily))
        )
        return Instrument.objects.annotate(
            case_count=Count("cases", filter=PUBLISHED), family_order=family_order
        ).order_by("family_order", "position", "name")


class InstrumentDetailView(DetailView):
    template_name = "casestudies/instrument_detail.html"
    context_object_name = "instrument"
    model = Instrument

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cases"] = self.object.cases.published().with_related()
        return context


class ThemeListView(ListView):
    template_name = "casestudies/theme_list.html"
    context_object_name = "themes"

    def get_queryset(self):
        return Theme.objects.annotate(case_count=Count("cases", filter=PUBLISHED)).order_by(
            "position", "name"
        )


class ThemeDetailView(DetailView):
    template_name = "casestudies/theme_detail.html"
    context_object_name = "theme"
    queryset = Theme.objects.select_related("parent").prefetch_related("children")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A root theme shows the sheets of its sub-themes too, as the list filter does.
        context["cases"] = (
            CaseStudy.objects.published()
            .filter(theme_matching([self.object.slug]))
            .with_related()
            .order_by("title")
        )
        return context
