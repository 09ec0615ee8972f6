"""The one FilterSet of case sheets: the list page, facets, exports, API, map and statistics use it.

Each multi-valued filter is a *facet*: its values combine with OR, different filters with AND.
A facet's values are rows of the facet index (``FacetEntry``, see facet_index.py), which is
the single definition of what each value selects: the filter is « has a row with one of these
values » and the count is a GROUP BY of the same rows (casestudies/facets.py), so counts
always equal results.
Unknown values are dropped and reported (``ignored``), never an error page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from casestudies import facet_index, search
from casestudies.models import (
    CaseStudy,
    CooperationStatus,
    CooperationType,
    FacetCount,
    FacetEntry,
    Instrument,
    OrganisationKind,
    Participation,
    SourceDocument,
    Territory,
    TerritoryKind,
    Theme,
)
from casestudies.parties import NOT_A_PARTY, party_kind_choices, split_kinds
from casestudies.search import MAX_QUERY_LENGTH, normalise_query
from casestudies.validators import YEAR_MAX, YEAR_MIN


def indexed(name: str):
    """The predicate of facet ``name``: the sheet has one of the values in the facet index."""

    def matching(values) -> Q:
        entries = FacetEntry.objects.filter(case=OuterRef("pk"), facet=name, value__in=values)
        return Q(Exists(entries))

    return matching


def counted(name: str):
    """Sheets of ``cases`` per value of facet ``name``: one GROUP BY over the facet index."""

    def count(cases) -> dict[str, int]:
        return facet_index.counts(cases, [name]).get(name, {})

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
            indexed("theme"),
            lambda: [
                (theme.slug, f"— {theme.name}" if theme.parent_id else theme.name)
                for theme in Theme.objects.order_by("position", "name")
            ],
            counted("theme"),
        ),
        Facet(
            "instrument",
            _("Outil de coopération"),
            indexed("instrument"),
            model_choices(lambda: Instrument.objects.order_by("position", "name")),
            counted("instrument"),
        ),
        Facet(
            "territory_kind",
            _("Type de territoire"),
            indexed("territory_kind"),
            lambda: list(TerritoryKind.choices),
            counted("territory_kind"),
        ),
        Facet(
            "organisation_kind",
            _("Type d'organisation"),
            indexed("organisation_kind"),
            lambda: list(OrganisationKind.choices),
            counted("organisation_kind"),
        ),
        Facet(
            "region",
            _("Région"),
            indexed("region"),
            model_choices(lambda: Territory.objects.regions().order_by("name")),
            counted("region"),
        ),
        Facet(
            "departement",
            _("Département"),
            indexed("departement"),
            model_choices(
                lambda: Territory.objects.departements().order_by("insee_code"), key="insee_code"
            ),
            counted("departement"),
        ),
        Facet(
            "coop_type",
            _("Type de coopération"),
            indexed("coop_type"),
            model_choices(lambda: CooperationType.objects.order_by("position")),
            counted("coop_type"),
        ),
        Facet(
            "status",
            _("État de la coopération"),
            indexed("status"),
            lambda: list(CooperationStatus.choices),
            counted("status"),
        ),
        Facet(
            "source",
            _("Document source"),
            indexed("source"),
            model_choices(lambda: SourceDocument.objects.order_by("reference"), label="title"),
            counted("source"),
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


def carried_query(query, *leave_out: str) -> str:
    """« ?… »: the list's parameters ``query`` carried to another address (exports, data
    tables, embedding), without the page number and ``leave_out``; « » when none is left."""
    params = query.copy()
    for key in ("page", *leave_out):
        params.pop(key, None)
    return "?" + params.urlencode() if params else ""


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


def having_party_kind(values) -> Q:
    """The sheet has a party of one of the party kinds ``values`` (parties.py)."""
    territory, organisation = split_kinds(values)
    entries = FacetEntry.objects.filter(case=OuterRef("pk")).filter(
        Q(facet="territory_kind", value__in=territory)
        | Q(facet="organisation_kind", value__in=organisation)
    )
    return Q(Exists(entries))


def parties_of_kinds(values) -> Q:
    """The sheet has at least two different parties whose kinds are among ``values``."""
    territory, organisation = split_kinds(values)
    parties = (
        Participation.objects.filter(case=OuterRef("pk"))
        .filter(Q(territory__kind__in=territory) | Q(organisation__kind__in=organisation))
        .exclude(territory__kind=NOT_A_PARTY)
        .order_by()
        .values("case")
        .annotate(n=Count("territory", distinct=True) + Count("organisation", distinct=True))
        .values("n")
    )
    return Q(GreaterThanOrEqual(Subquery(parties), 2))


class PartyKindFilter(django_filters.MultipleChoiceFilter):
    """One side of « a party of kind A *and* another party of kind B »: values of one side
    combine with OR, the two sides with AND, and the two parties are different parties."""

    field_class = LenientMultipleChoiceField

    def __init__(self, label, other: str | None = None, **kwargs):
        self.other = other
        super().__init__(
            label=label,
            choices=party_kind_choices,
            method=self.apply,
            widget=forms.CheckboxSelectMultiple,
            **kwargs,
        )

    # The hint tells the OpenAPI schema the type of each value (a party kind).
    def apply(self, queryset, name, value: str):
        if not value:
            return queryset
        queryset = queryset.filter(having_party_kind(value))
        other = self.other and self.parent.cleaned.get(self.other)
        if other and set(other) & set(value):
            # The same party must not count for both sides.
            queryset = queryset.filter(parties_of_kinds({*value, *other}))
        return queryset


class SlugsField(forms.MultipleChoiceField):
    """Slugs of the parties (``facet`` « territory » or « organisation ») of published sheets,
    checked in one query on the published counters; others are kept aside (``rejected``) like
    unknown facet values — a party that only drafts name is unknown to the public."""

    def __init__(self, *, facet="territory", **kwargs):
        self.facet = facet
        super().__init__(**kwargs)

    def clean(self, value):
        # Distinct, and at most MAX_VALUES of them (casestudies/middleware.py).
        values = list(dict.fromkeys(self.to_python(value)))
        published = FacetCount.objects.filter(facet=self.facet, sheets__gt=0)
        # A NUL byte is no slug, and PostgreSQL refuses it in a text parameter.
        asked = [v[:200] for v in values if "\x00" not in v]
        known = set(published.filter(value__in=asked).values_list("value", flat=True))
        self.rejected = [v[:60] for v in values if v not in known]
        return [v for v in values if v in known]


class PartyFilter(django_filters.MultipleChoiceFilter):
    """Sheets in which *every* given territory (or organisation) takes part: the link of two
    partners in the network lists the sheets they share."""

    field_class = SlugsField

    def __init__(self, facet: str, **kwargs):
        self.facet = facet
        super().__init__(method=self.apply, facet=facet, **kwargs)

    # The hint tells the OpenAPI schema the type of each value (a slug).
    def apply(self, queryset, name, value: str):
        for slug in value or ():
            entries = FacetEntry.objects.filter(case=OuterRef("pk"), facet=self.facet, value=slug)
            queryset = queryset.filter(Exists(entries))
        return queryset


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
    party_kind_a = PartyKindFilter(_("Une partie de type"))
    party_kind_b = PartyKindFilter(_("… et une autre partie de type"), other="party_kind_a")
    territory = PartyFilter("territory", label=_("Territoire partie prenante"))
    organisation = PartyFilter("organisation", label=_("Organisation partie prenante"))
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
        # search.search(), not a QuerySet verb: search reads the models, which then cannot
        # import it back without a function-local import.
        return search.search(queryset, value)

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

    @property
    def filters_nothing(self) -> bool:
        """No search, year or facet value: the selection is the whole queryset."""
        return not any(value for name, value in self.cleaned.items() if name != "sort")

    def counts(self, names, size: int | None = None) -> dict[str, dict[str, int]]:
        """Sheets of the selection per value of each facet-index key of ``names``. The
        queryset is always the published sheets: unfiltered, the counters answer; when the
        selection (of ``size`` sheets, if known) holds most of them, the counters minus the
        counts of the sheets left out."""
        if self.filters_nothing:
            return facet_index.published_counts(names)
        if size is not None:
            whole = facet_index.published_counts([*names, "sheet"])
            if size > whole.pop("sheet").get("all", 0) / 2:
                return facet_index.counts_by_complement(self.queryset, self.qs, whole)
        return facet_index.counts(self.qs, names)

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
