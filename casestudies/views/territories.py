"""Territories: list, and territory page with its sheets and its partners across them."""

from django.contrib import messages
from django.core.paginator import EmptyPage
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from casestudies import metadata
from casestudies.directory import Directory, sections
from casestudies.models import CaseStudy, ReferenceKind, Territory
from casestudies.network import neighbourhood
from casestudies.notes import PageNotes
from casestudies.pagination import page_links
from casestudies.parties import TERRITORY, Party, official_links


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


class TerritoryDetailView(DetailView):
    template_name = "casestudies/territory_detail.html"
    context_object_name = "territory"
    queryset = Territory.objects.select_related("reference").prefetch_related(
        "departements", "regions", "members", "groupings"
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        territory = self.object
        cases = CaseStudy.objects.published().involving_territory(territory)
        context["cases"] = cases.for_cards()
        party = Party(TERRITORY, territory.pk, territory.slug, territory.name, territory.kind, "")
        context["neighbourhood"] = neighbourhood(party, cases)
        context["notes"] = PageNotes.for_page()
        context["structured_data"] = metadata.territory(territory, self.request)
        official = territory.reference
        context["official"] = official
        context["official_links"] = official_links(
            territory.kind, territory.name, territory.siren, territory.insee_code
        )
        if official is not None and official.kind in {ReferenceKind.EPCI}:
            context["official_communes"] = official.contains.filter(
                kind=ReferenceKind.COMMUNE
            ).count()
        return context
