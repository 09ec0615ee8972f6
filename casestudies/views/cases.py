"""Case sheets: the filterable list and the sheet page."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from casestudies import metadata, pdf, search
from casestudies.facets import facet_groups, fragment_key, party_kind_sides
from casestudies.filters import FACETS, SORTS, CaseStudyFilterSet
from casestudies.models import CaseRedirect, CaseStudy, Organisation, Territory
from casestudies.notes import PageNotes
from casestudies.pagination import TolerantPageMixin, TolerantPaginator, page_links
from casestudies.parties import party_kind_label
from casestudies.similarity import similar_cases


@dataclass
class Chip:
    label: str
    remove_url: str


def active_chips(filterset: CaseStudyFilterSet, query) -> list[Chip]:
    """One removable chip per active filter value; its link is the same view without it."""

    def url_without(key, value=None):
        params = query.copy()
        params.pop("page", None)
        if value is None:
            params.pop(key, None)
        else:
            params.setlist(key, [v for v in params.getlist(key) if v != value])
        return "?" + params.urlencode() if params else "?"

    chips = []
    if filterset.search_text:
        chips.append(Chip(_("Recherche : « %s »") % filterset.search_text, url_without("q")))
    for name, facet in FACETS.items():
        labels = dict(filterset.form.fields[name].choices)
        for value in filterset.selected(name):
            label = str(labels.get(value, value)).lstrip("— ")
            chips.append(Chip(f"{facet.label} : {label}", url_without(name, value)))
    for name in ("party_kind_a", "party_kind_b"):
        for value in filterset.selected(name):
            label = f"{filterset.filters[name].label} : {party_kind_label(value)}"
            chips.append(Chip(label, url_without(name, value)))
    for name, model in (("territory", Territory), ("organisation", Organisation)):
        slugs = filterset.selected(name)
        names = (
            dict(model.objects.filter(slug__in=slugs).values_list("slug", "name")) if slugs else {}
        )
        for slug in slugs:
            label = f"{filterset.filters[name].label} : {names.get(slug, slug)}"
            chips.append(Chip(label, url_without(name, slug)))
    for name, text in (("year_min", _("Début ≥ %s")), ("year_max", _("Début ≤ %s"))):
        if filterset.cleaned.get(name) is not None:
            chips.append(Chip(text % filterset.cleaned[name], url_without(name)))
    return chips


class CaseListView(TolerantPageMixin, ListView):
    """The searchable, filterable list of published sheets: one FilterSet, facet counts of the
    selection, removable chips, pages; unusable parameters are ignored and reported."""

    template_name = "casestudies/case_list.html"
    context_object_name = "cases"
    paginate_by = settings.CASES_PER_PAGE
    paginator_class = TolerantPaginator

    def get_queryset(self):
        self.base = CaseStudy.objects.published()
        self.filterset = CaseStudyFilterSet(self.request.GET, queryset=self.base)
        return self.filterset.qs.for_cards()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset, count = self.filterset, context["paginator"].count
        for text in filterset.ignored():
            messages.warning(self.request, text)
        if filterset.search_text:
            highlight = search.highlighter(filterset.search_text)
            for case in context["cases"]:
                case.highlight = highlight(case)
        # « Vouliez-vous dire … » (partials/_search_suggestion.html): a word found nowhere.
        q = filterset.search_text
        context["suggestion"] = search.suggestion(q, self.base) if q else ""
        context.update(
            filterset=filterset,
            q=filterset.search_text,
            sort=filterset.sort_key,
            sorts=[(k, v) for k, v in SORTS.items() if k != "pertinence" or filterset.search_text],
            facets=(facets := facet_groups(filterset, count)),
            facets_key=fragment_key(facets),
            party_kinds=party_kind_sides(filterset),
            chips=active_chips(filterset, self.request.GET),
            page_range=page_links(context["page_obj"]),
        )
        return context


class CaseDetailView(DetailView):
    template_name = "casestudies/case_detail.html"
    context_object_name = "case"
    footnotes = False  # note calls, or the notes' text in place (the PDF's footnotes)

    def get_queryset(self):
        published = CaseStudy.objects.published()
        return (
            published.with_related()
            .select_related("monograph")
            .prefetch_related(
                Prefetch(
                    "detailed_cases", queryset=published.order_by("title").only("title", "slug")
                )
            )
        )

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A merged or renamed sheet: its former address leads to the sheet that replaced it.
            moved = (
                CaseRedirect.objects.filter(old_slug=kwargs["slug"], case__in=self.get_queryset())
                .select_related("case")
                .first()
            )
            if moved is None:
                raise
            return HttpResponsePermanentRedirect(moved.case.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["similar"] = similar_cases(self.object)
        context["notes"] = PageNotes.for_page(self.object.citations.all(), self.footnotes)
        context["structured_data"] = metadata.sheet(self.object, self.request)
        return context


class CasePreviewView(CaseDetailView):
    """A sheet in any status, rendered exactly as its public page, for the editorial team only
    (mounted in the admin: casestudies/admin/cases.py); never indexed, never cached."""

    def get_queryset(self):
        return CaseStudy.objects.with_related().select_related("monograph")

    def get(self, request, *args, **kwargs):
        return DetailView.get(self, request, *args, **kwargs)  # no former addresses here

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "preview": True}

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        return response


class CasePdfView(CaseDetailView):
    """/fiches/<slug>/pdf/: the sheet as a printed case sheet (casestudies/pdf.py)."""

    footnotes = True

    def render_to_response(self, context, **response_kwargs):
        response = HttpResponse(
            pdf.sheet_pdf(context, self.request), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'inline; filename="{self.object.slug}.pdf"'
        return response
