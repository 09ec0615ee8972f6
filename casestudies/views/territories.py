"""Territories: list, and territory page with its sheets and its partners across them."""

from django.contrib import messages
from django.core.paginator import EmptyPage
from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from casestudies.directory import Directory, sections
from casestudies.models import CaseStudy, Participation, ReferenceKind, Territory
from casestudies.notes import PageNotes
from casestudies.pagination import page_links


class TerritoryListView(ListView):
    """Territories of published sheets: searched by name or code, filtered by kind and région,
    grouped by kind (casestudies/directory.py); the collectives come apart, on the last page."""

    template_name = "casestudies/territory_list.html"
    context_object_name = "territories"
    paginate_by = 150

    def get_queryset(self):
        self.directory = Directory(self.request.GET)
        for text in self.directory.problems:
            messages.warning(self.request, text)
        return self.directory.territories()

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        raw = self.request.GET.get(self.page_kwarg) or "1"
        if not raw.isdigit():
            messages.warning(
                self.request,
                _("Numéro de page « %s » invalide : première page affichée.") % raw[:20],
            )
            raw = "1"
        try:
            page = paginator.page(raw)
        except EmptyPage:
            if raw != "1":
                raise Http404(_("Cette page de résultats n'existe pas.")) from None
            page = paginator.get_page(1)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        totals = self.directory.kind_totals()
        context.update(
            form=self.directory.form,
            sections=sections(page.object_list, totals, page.start_index() - 1),
            collectives=self.directory.collectives(),  # shown after the last page's territories
            page_range=page_links(page),
        )
        return context


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
        context["notes"] = PageNotes.for_page()
        official = self.object.reference
        context["official"] = official
        if official is not None and official.kind in {ReferenceKind.EPCI}:
            context["official_communes"] = official.contains.filter(
                kind=ReferenceKind.COMMUNE
            ).count()
        return context
