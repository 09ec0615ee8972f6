"""Instruments (outils de coopération) and themes, each with their published sheets."""

from django.db.models import Case, Count, Q, Value, When
from django.views.generic import DetailView, ListView

from casestudies.models import Instrument, InstrumentFamily, PublicationStatus, Theme

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


class ThemeDetailView(DetailView):
    template_name = "casestudies/theme_detail.html"
    context_object_name = "theme"
    queryset = Theme.objects.select_related("parent").prefetch_related("children")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cases"] = self.object.cases.published().with_related()
        return context
