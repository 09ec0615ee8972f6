"""Case sheets: the filterable list and the sheet page."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import EmptyPage
from django.db.models import Prefetch
from django.http import Http404, HttpResponsePermanentRedirect
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from casestudies import search
from casestudies.caching import cached, one_generation, query_key
from casestudies.facets import facet_groups
from casestudies.filters import FACETS, SORTS, CaseStudyFilterSet
from casestudies.models import CaseRedirect, CaseStudy
from casestudies.pagination import CachedPaginator, page_links
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
    for name, text in (("year_min", _("Début ≥ %s")), ("year_max", _("Début ≤ %s"))):
        if filterset.cleaned.get(name) is not None:
            chips.append(Chip(text % filterset.cleaned[name], url_without(name)))
    return chips


class CaseListView(ListView):
    """The searchable, filterable list of published sheets.

    Its catalogue part (filters with their counts, results, pages) depends only on the query
    string, the interface language and the catalogue: it is rendered once per catalogue
    generation and served from the cache afterwards, with the warnings it raised. The page
    around it (header, language form with its CSRF token) is rendered for every request.
    """

    template_name = "casestudies/case_list.html"
    catalogue_template_name = "partials/_case_catalogue.html"
    context_object_name = "cases"
    paginate_by = settings.CASES_PER_PAGE

    def cache_key(self):
        # Only the parameters the list uses: « utm_source » and the like share the page.
        known = set(CaseStudyFilterSet.base_filters)
        return query_key(self.request.GET, keep=known | {self.page_kwarg})

    def selection_key(self):
        """The selection without its page number: its count and facets are the same."""
        return query_key(self.request.GET, keep=set(CaseStudyFilterSet.base_filters))

    def get(self, request, *args, **kwargs):
        with one_generation():
            catalogue = cached(
                "list-html",
                f"{get_language()}:{self.cache_key()}",
                self.render_catalogue,
                # A page with warnings (unknown values, a bad page number) is built again
                # each time: random values must not fill the cache.
                store_if=lambda catalogue: not catalogue["warnings"],
            )
        for text in catalogue["warnings"]:
            messages.warning(request, text)
        return self.render_to_response(
            {"catalogue": mark_safe(catalogue["html"]), "q": catalogue["q"]}
        )

    def get_template_names(self):
        return [self.template_name]

    def render_catalogue(self) -> dict:
        """The catalogue part of the page, for the cache (Http404 is raised, never cached)."""
        self.warnings = []
        self.object_list = self.get_queryset()
        context = self.get_context_data()
        html = render_to_string(self.catalogue_template_name, context, request=self.request)
        return {"html": html, "q": context["q"], "warnings": self.warnings}

    def get_queryset(self):
        self.base = CaseStudy.objects.published()
        self.filterset = CaseStudyFilterSet(self.request.GET, queryset=self.base)
        return self.filterset.qs.with_related()

    def paginate_queryset(self, queryset, page_size):
        paginator = CachedPaginator(queryset, page_size, cache_key=self.selection_key())
        raw = self.request.GET.get("page", "1")
        try:
            number = int(raw)
        except ValueError:
            self.warnings.append(
                _("Numéro de page « %s » invalide : première page affichée.") % raw[:20]
            )
            number = 1
        try:
            page = paginator.page(number)
        except EmptyPage:
            if number == 1:  # no result at all: page 1 exists, empty
                page = paginator.page(1) if paginator.count else paginator.get_page(1)
            else:
                raise Http404(_("Cette page de résultats n'existe pas.")) from None
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset
        self.warnings.extend(str(text) for text in filterset.ignored())
        q = filterset.search_text
        if q:
            for case in context["cases"]:
                case.highlight = search.highlight(case, q)
        # « Vouliez-vous dire … » (partials/_search_suggestion.html): a word found nowhere.
        context["suggestion"] = search.suggestion(q, self.base) if q else ""
        count = context["paginator"].count
        context["page_range"] = page_links(context["page_obj"])
        context.update(
            filterset=filterset,
            q=q,
            sort=filterset.sort_key,
            sorts=[(key, label) for key, label in SORTS.items() if key != "pertinence" or q],
            facets=cached(
                "facets",
                f"{get_language()}:{self.selection_key()}",
                lambda: facet_groups(filterset, self.base, count),
            ),
            chips=active_chips(filterset, self.request.GET),
            year_min=filterset.cleaned.get("year_min"),
            year_max=filterset.cleaned.get("year_max"),
            query_string=urlencode(
                [(k, v) for k, v in self.request.GET.lists() for v in v if k != "page"]
            ),
        )
        return context


class CaseDetailView(DetailView):
    template_name = "casestudies/case_detail.html"
    context_object_name = "case"

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
        context["similar"] = cached(
            "similar", str(self.object.pk), lambda: list(similar_cases(self.object))
        )
        context["structured_data"] = structured_data(self.object, self.request)
        return context


def structured_data(case, request):
    """schema.org description of a sheet, for search engines (JSON-LD)."""
    return {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": case.title,
        "description": case.summary,
        "url": request.build_absolute_uri(case.get_absolute_url()),
        "inLanguage": "fr",
        "datePublished": case.published_at,
        "dateModified": case.updated_at,
        "about": [theme.name for theme in case.themes.all()],
        "mentions": [
            {
                "@type": "Place" if p.territory_id else "Organization",
                "name": str(p.party),
            }
            for p in case.participations.all()
        ],
        "isBasedOn": [
            {
                "@type": "CreativeWork",
                "name": citation.source.title,
                "publisher": citation.source.publisher,
            }
            for citation in case.citations.all()
        ],
    }
