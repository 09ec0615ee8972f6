"""Instruments (outils de coopération) and themes, each with their published sheets."""

from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Case, Value, When
from django.urls import reverse
from django.views.generic import DetailView, ListView

from casestudies import facet_index
from casestudies.filters import FACETS
from casestudies.models import (
    CaseStudy,
    Instrument,
    InstrumentFamily,
)
from casestudies.notes import PageNotes
from casestudies.pagination import TolerantPaginator


def first_sheets(cases, facet: str, slug: str) -> dict:
    """The first sheets (by title) of a selection, its size and its page in the catalogue.

    An instrument or a theme of a national catalogue gathers thousands of sheets: its page
    shows the first ones and links to the paginated, filterable list for the rest.
    """
    ordered = cases.order_by("title", "pk").for_cards()
    paginator = TolerantPaginator(ordered, settings.CASES_PER_PAGE)
    return {
        "cases": paginator.page(1).object_list,
        "case_total": paginator.count,
        "all_cases_url": reverse("casestudies:case-list") + "?" + urlencode({facet: slug}),
    }


class InstrumentListView(ListView):
    template_name = "casestudies/instrument_list.html"
    context_object_name = "instruments"

    def get_queryset(self):
        family_order = Case(
            *(When(family=family, then=Value(i)) for i, family in enumerate(InstrumentFamily))
        )
        instruments = Instrument.objects.annotate(family_order=family_order).order_by(
            "family_order", "position", "name"
        )
        counts = facet_index.published_counts(["instrument"])["instrument"]
        for instrument in instruments:
            instrument.case_count = counts.get(instrument.slug, 0)
        return instruments


class InstrumentDetailView(DetailView):
    template_name = "casestudies/instrument_detail.html"
    context_object_name = "instrument"
    model = Instrument

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        matching = FACETS["instrument"].matching([self.object.slug])
        cases = CaseStudy.objects.published().filter(matching)
        context.update(first_sheets(cases, "instrument", self.object.slug))
        context["notes"] = PageNotes.for_page()
        return context
