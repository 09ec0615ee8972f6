"""The one FilterSet of case sheets: the list page, facets, exports, API, map and statistics use it.

Each multi-valued filter is a *facet*: its values combine with OR, different filters with AND.
A facet's predicate (``FACETS[name].matching(values)``) is the single definition of what it
selects, used both to filter and to count (casestudies/facets.py), so counts always equal results.
Unknown values are dropped and reported (``ignored``), never an error page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from casestudies.models import (
    CaseStudy,
    Citation,
    CooperationStatus,
    CooperationType,
    Instrument,
    InstrumentUse,
    OrganisationKind,
    Participation,
    SourceDocument,
    Territory,
    TerritoryKind,
    Theme,
)
from casestudies.search import MAX_QUERY_LENGTH, normalise_query
from casestudies.validators import YEAR_MAX, YEAR_MIN


def exists(model, **lookups):
    return Q(Exists(model.objects.filter(case=OuterRef("pk"), **lookups)))


def theme_matching(slugs):
    # A root theme also selects the sheets of its sub-themes.
    through = CaseStudy.themes.through.objects.filter(casestudy=OuterRef("pk")).filter(
        Q(theme__slug__in=slugs) | Q(theme__parent__slug__in=slugs)
    )
    return Q(Exists(through))


def coop_type_matching(slugs):
    through = CaseStudy.cooperation_types.through.objects.filter(
        casestudy=OuterRef("pk"), cooperationtype__slug__in=slugs
    )
    return Q(Exists(through))


def region_matching(slugs):
    # Placements are closed under containment (reference.normalise_placements): a party in a
    # département is also in its région, and a région territory is in itself.
    return exists(Participation, territory__regions__slug__in=slugs)


def departement_matching(codes):
    return exists(Participation, territory__departements__insee_code__in=codes)


def grouped(relation, value_path: str, case_path: str) -> dict[str, int]:
    """Distinct sheets per value of ``value_path``, in one GROUP BY query."""
    rows = (
        relation.values(value_path)
        .annotate(sheets=Count(case_path, distinct=True))
        .order_by()
        .values_list(value_path, "sheets")
    )
    return {value: count for value, count in rows if value is not None}


def count_by_relation(model, value_path, case_field="case"):
    def count(cases):
        return grouped(
            model.objects.filter(**{f"{case_field}__in": cases.values("pk")}),
            value_path,
            case_field,
        )

    return count


def count_themes(cases):
    through = CaseStudy.themes.through.objects.filter(casestudy__in=cases.values("pk"))
    counts = grouped(through, "theme__slug", "casestudy")
    # A root theme counts the sheets of its sub-themes too, as theme_matching selects them.
    roots = through.annotate(root=Coalesce("theme__parent__slug", "theme__slug"))
    counts.update(grouped(roots, "root", "casestudy"))
    return counts


def count_field(field):
    def count(cases):
        return grouped(CaseStudy.objects.filter(pk__in=cases.values("pk")), field, "pk")

    return count


@dataclass(frozen=True)
class Facet:
    """One filter of the list: what it selects, how many sheets each value holds, its values.

    ``matching(values)`` and ``count(cases)`` must agree: for every value v,
    ``count(cases)[v] == cases.filter(matching([v])).count()`` (tests check it).
    """

    name: str
    label: str
    matching: Callable[[list[str]], Q]
    choices: Callable[[], list[tuple[str, str]]]
    count: Callable[[QuerySet], dict[str, int]]


def model_choices(queryset, key="slug", label="name"):
    return lambda: list(queryset().values_list(key, label))


FACETS = {
    facet.name: facet
    for facet in [
        Facet(
            "theme",
            _("Thématique"),
            theme_matching,
            lambda: [
                (theme.slug, f"— {theme.name}" if theme.parent_id else theme.name)
                for theme in Theme.objects.order_by("position", "name")
            ],
            count_themes,
        ),
        Facet(
            "instrument",
            _("Outil de coopération"),
            lambda values: exists(InstrumentUse, instrument__slug__in=values),
            model_choices(lambda: Instrument.objects.order_by("position", "name")),
            count_by_relation(InstrumentUse, "instrument__slug"),
        ),
        Facet(
            "territory_kind",
            _("Type de territoire"),
            lambda values: exists(Participation, territory__kind__in=values),
            lambda: list(TerritoryKind.choices),
            count_by_relation(Participation, "territory__kind"),
        ),
        Facet(
            "organisation_kind",
            _("Type d'organisation"),
            lambda values: exists(Participation, organisation__kind__in=values),
            lambda: list(OrganisationKind.choices),
            count_by_relation(Participation, "organisation__kind"),
        ),
        Facet(
            "region",
            _("Région"),
            region_matching,
            model_choices(lambda: Territory.objects.regions().order_by("name")),
            count_by_relation(Participation, "territory__regions__slug"),
        ),
        Facet(
            "departement",
            _("Département"),
            departement_matching,
            model_choices(
                lambda: Territory.objects.departements().order_by("insee_code"), key="insee_code"
            ),
            count_by_relation(Participation, "territory__departements__insee_code"),
        ),
        Facet(
            "coop_type",
            _("Type de coopération"),
            coop_type_matching,
            model_choices(lambda: CooperationType.objects.order_by("position")),
            count_by_relation(
                CaseStudy.cooperation_types.through, "cooperationtype__slug", "casestudy"
            ),
        ),
        Facet(
            "status",
            _("État de la coopération"),
            lambda values: Q(cooperation_status__in=values),
            lambda: list(CooperationStatus.choices),
            count_field("cooperation_status"),
        ),
        Facet(
            "source",
            _("Document source"),
            lambda values: exists(Citation, source__slug__in=values),
            model_choices(lambda: SourceDocument.objects.order_by("reference"), label="title"),
            count_by_relation(Citation, "source__slug"),
        ),
    ]
}

SORTS = {
    "pertinence": _("Pertinence"),
    "recent": _("Les plus récentes"),
    "titre": _("Titre (A → Z)"),
    "annee": _("Année de début"),
}


# Parameters that pages accept besides the filters, and tracking parameters left silently.
PAGE_PARAMETERS = frozenset({"page", "page_size", "format"})
TRACKING_PREFIXES = ("utm_", "fbclid", "gclid", "mc_")


def unknown_parameters(query, known) -> str:
    """A French sentence naming the parameters of ``query`` that a page does not know (empty
    when there is none): ``?thematique=eau`` is reported like an unknown value."""
    unknown = [
        name
        for name in query
        if name not in known
        and name not in PAGE_PARAMETERS
        and not name.startswith(TRACKING_PREFIXES)
    ]
    if not unknown:
        return ""
    names = ", ".join(f"« {name[:40]} »" for name in unknown[:10])
    more = "…" if len(unknown) > 10 else ""
    return ngettext(
        "Paramètre inconnu ignoré : %(names)s.",
        "Paramètres inconnus ignorés : %(names)s.",
        len(unknown),
    ) % {"names": names + more}


class LenientMultipleChoiceField(forms.MultipleChoiceField):
    """Keeps the known values, remembers the unknown ones instead of failing."""

    def clean(self, value):
        values = self.to_python(value)
        self.rejected = [v for v in values if not self.valid_value(v)]
        return [v for v in values if self.valid_value(v)]


class FacetFilter(django_filters.MultipleChoiceFilter):
    field_class = LenientMultipleChoiceField

    def __init__(self, facet: Facet, **kwargs):
        self.facet = facet
        super().__init__(
            label=facet.label,
            choices=facet.choices,
            method=self.apply,
            widget=forms.CheckboxSelectMultiple,
            **kwargs,
        )

    # The hint tells the OpenAPI schema the type of each value (a slug or code).
    def apply(self, queryset, name, value: str):
        return queryset.filter(self.facet.matching(value)) if value else queryset


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        super().__init__(field_name="start_year", min_value=YEAR_MIN, max_value=YEAR_MAX, **kwargs)


class CaseStudyFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Rechercher"), method="filter_search")
    theme = FacetFilter(FACETS["theme"])
    instrument = FacetFilter(FACETS["instrument"])
    territory_kind = FacetFilter(FACETS["territory_kind"])
    organisation_kind = FacetFilter(FACETS["organisation_kind"])
    region = FacetFilter(FACETS["region"])
    departement = FacetFilter(FACETS["departement"])
    coop_type = FacetFilter(FACETS["coop_type"])
    status = FacetFilter(FACETS["status"])
    source = FacetFilter(FACETS["source"])
    year_min = YearFilter(label=_("Début à partir de"), lookup_expr="gte")
    year_max = YearFilter(label=_("Début jusqu'en"), lookup_expr="lte")
    sort = django_filters.ChoiceFilter(
        label=_("Trier par"),
        choices=list(SORTS.items()),
        method="filter_nothing",
        empty_label=None,
    )

    class Meta:
        model = CaseStudy
        fields: list[str] = []

    @property
    def form(self):
        form = super().form
        if not getattr(form, "choices_loaded", False):
            # Evaluate each facet's choices once per request, not once per validated value.
            for name in FACETS:
                form.fields[name].choices = list(form.fields[name].choices)
            form.choices_loaded = True
        return form

    # -- filtering ----------------------------------------------------------------------------
    def filter_search(self, queryset, name, value: str):
        return queryset.search(value)

    def filter_nothing(self, queryset, name, value: str):
        return queryset  # ordering is applied last, in filter_queryset

    def filter_queryset(self, queryset):
        return self.order(super().filter_queryset(queryset))

    def order(self, queryset):
        sort = self.sort_key
        # The primary key breaks ties: pages computed at different times never overlap.
        if sort == "pertinence":
            return queryset.order_by("-rank", "title", "pk")
        if sort == "recent":
            # Unique order, served by the (publication_status, -published_at) index.
            return queryset.order_by("-published_at", "-pk")
        if sort == "annee":
            return queryset.order_by(F("start_year").desc(nulls_last=True), "title", "pk")
        return queryset.order_by("title", "pk")

    # -- what the page needs to know ------------------------------------------------------------
    @property
    def cleaned(self) -> dict:
        self.errors  # noqa: B018 - validates the form once
        return getattr(self.form, "cleaned_data", {})

    @property
    def search_text(self) -> str:
        return normalise_query(self.cleaned.get("q") or "")

    @property
    def sort_key(self) -> str:
        requested = self.cleaned.get("sort")
        if requested == "pertinence" and not self.search_text:
            return "recent"
        # Relevance when searching, the most recently published sheets otherwise.
        return requested or ("pertinence" if self.search_text else "recent")

    def selected(self, name) -> list[str]:
        return list(self.cleaned.get(name) or [])

    def problems(self) -> list[tuple[str, str]]:
        """What could not be used in the query, as (kind, French description) pairs.

        Kinds: « unknown_parameter » (a parameter no filter reads), « too_long » (the search
        text was cut), « unknown » (values not in the vocabulary), « invalid » (a value of the
        wrong form). The HTML list ignores them and
        says so; the API refuses the request with a 400.
        """
        self.cleaned  # noqa: B018 - validation records the rejected values
        problems = []
        unknown = unknown_parameters(self.data or {}, self.base_filters)
        if unknown:
            problems.append(("unknown_parameter", unknown))
        raw_q = (self.data.get("q") or "") if self.data else ""
        if len(" ".join(raw_q.split())) > MAX_QUERY_LENGTH:
            problems.append(
                ("too_long", _("La recherche dépasse %(n)s caractères.") % {"n": MAX_QUERY_LENGTH})
            )
        for field in self.form.fields.values():
            rejected = getattr(field, "rejected", None)
            if rejected:
                text = _("Valeur inconnue pour « %(filter)s » : %(values)s.") % {
                    "filter": field.label,
                    "values": ", ".join(rejected),
                }
                problems.append(("unknown", text))
        for name, errors in self.form.errors.items():
            label = self.form.fields[name].label if name in self.form.fields else name
            text = _("Valeur invalide pour « %(filter)s » : %(error)s") % {
                "filter": label,
                "error": " ".join(errors),
            }
            problems.append(("invalid", text))
        return problems

    def ignored(self) -> list[str]:
        """The problems as the HTML pages report them: dropped, or the search shortened."""
        messages = []
        for kind, text in self.problems():
            if kind == "too_long":
                messages.append(
                    _("La recherche a été raccourcie à %(n)s caractères.") % {"n": MAX_QUERY_LENGTH}
                )
            elif kind == "unknown_parameter":
                messages.append(text)
            else:
                messages.append(_("Ignoré — %(problem)s") % {"problem": text})
        return messages
