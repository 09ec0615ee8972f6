"""Instruments (outils de coopération) and themes, each with their published sheets."""

from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Case, Value, When
from django.urls import reverse
from django.views.generic import DetailView, ListView

from casestudies.caching import cached
from casestudies.filters import exists
from casestudies.models import (
    CaseStudy,
    Instrument,
    InstrumentFamily,
    InstrumentUse,
)
from casestudies.notes import PageNotes
from casestudies.pagination import CachedPaginator


def first_sheets(cases, facet: str, slug: str) -> dict:
    """The first sheets (by title) of a selection, its size and its page in the catalogue.

    An instrument or a theme of a national catalogue gathers thousands of sheets: its page
    shows the first ones and links to the paginated, filterable list for the rest.
    """
    paginator = CachedPaginator(
        cases.order_by("title", "pk"),
        settings.CASES_PER_PAGE,
        cache_key=f"{facet}:{slug}",
        fetch=lambda keys: CaseStudy.objects.filter(pk__in=keys).for_cards(),
    )
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
        instruments = (
            Instrument.objects.with_published_count()
            .annotate(family_order=family_order)
            .order_by("family_order", "position", "name")
        )
        # Counting every published sheet per instrument: once per catalogue generation.
        return cached("instrument-list", "", lambda: list(instruments))


class InstrumentDetailView(DetailView):
    template_name = "casestudies/instrument_detail.html"
    context_object_name = "instrument"
    model = Instrument

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cases = CaseStudy.objects.published().filter(exists(InstrumentUse, instrument=self.object))
        context.update(first_sheets(cases, "instrument", self.object.slug))
        context["notes"] = PageNotes.for_page()
        return context
