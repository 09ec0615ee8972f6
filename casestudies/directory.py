"""The directory of territories (/territoires/): its search form and its sections by kind.

Only territories that take part in a published sheet are listed, in the order of
``TERRITORY_KIND_GROUPS`` (collectivités, EPCI, territoires de projet…), then by name. Sets of
bodies that a source names only collectively (« les EPCI voisins de … », kind
``ensemble-de-territoires``) are not territories: they are listed apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django import forms
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from casestudies.models import Territory, TerritoryKind
from casestudies.models.choices import TERRITORY_KIND_GROUPS
from casestudies.text import accent_insensitive_pattern, fold

MAX_QUERY_LENGTH = 100
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
COLLECTIVE = TerritoryKind.COLLECTIF
KIND_ORDER = [
    kind for kinds in TERRITORY_KIND_GROUPS.values() for kind in kinds if kind != COLLECTIVE
]


LIGATURE_OE = f"(?:{accent_insensitive_pattern('oe')}|œ|Œ)"


def name_pattern(word: str) -> str:
    """A regex matching ``word`` (folded) in a name, whatever its accents: « coeur » finds
    « Cœur », « ardeche » finds « Ardèche »."""
    return "".join(
        LIGATURE_OE if part == "oe" else accent_insensitive_pattern(part)
        for part in re.split(r"(oe)", word)
        if part
    )


def matching(text: str) -> Q:
    """Territories whose name holds every word of ``text`` (accents and case aside), or whose
    official code (SIREN, code INSEE) is ``text``, spaces aside."""
    code = re.sub(r"\s", "", text).upper()
    by_code = Q(siren=code) | Q(insee_code=code)
    words = re.findall(r"\w+", fold(text))
    if not words:
        return by_code
    by_name = Q()
    for word in words:
        by_name &= Q(name__iregex=name_pattern(word))
    return by_name | by_code


class TerritorySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Nom ou code officiel"),
        required=False,
        widget=forms.SearchInput(attrs={"maxlength": MAX_QUERY_LENGTH}),
        help_text=_(
            "Accents et majuscules indifférents ; code : SIREN d'un EPCI, code INSEE d'une "
            "commune, d'un département ou d'une région."
        ),
    )
    type = forms.ChoiceField(label=_("Type de territoire"), required=False)
    region = forms.ChoiceField(label=_("Région"), required=False)

    def __init__(self, query, regions: list[tuple[str, str]]):
        data = query.copy()
        if "q" in data:  # control characters (NUL…) are dropped, not sent back in the page
            data["q"] = CONTROL_CHARACTERS.sub("", data["q"])
        super().__init__(data)
        self.shortened = False
        self.fields["type"].choices = [
            ("", _("Tous les types")),
            *(
                (group, [(kind.value, kind.label) for kind in kinds])
                for group, kinds in TERRITORY_KIND_GROUPS.items()
            ),
        ]
        self.fields["region"].choices = [("", _("Toutes les régions")), *regions]

    def clean_q(self):
        text = " ".join(self.cleaned_data["q"].split())
        if len(text) > MAX_QUERY_LENGTH:
            self.shortened = True
            text = text[:MAX_QUERY_LENGTH]
        return text

    def problems(self) -> list[str]:
        """What was ignored or changed in the request, in French, for the page to say."""
        self.is_valid()
        problems = []
        if self.shortened:
            problems.append(
                _("La recherche a été raccourcie à %(n)s caractères.") % {"n": MAX_QUERY_LENGTH}
            )
        for name in self.errors:
            problems.append(
                _("Filtre « %(filter)s » ignoré : valeur inconnue ou invalide.")
                % {"filter": self.fields[name].label}
            )
        return problems

    def criteria(self) -> Q:
        data = self.cleaned_data  # the valid fields only
        criteria = Q()
        if data.get("q"):
            criteria &= matching(data["q"])
        if data.get("type"):
            criteria &= Q(kind=data["type"])
        if data.get("region"):
            criteria &= Q(regions__slug=data["region"])
        return criteria

    @property
    def wants_collectives(self) -> bool:
        return self.cleaned_data.get("type") in {"", None, COLLECTIVE}


def kind_rank():
    return Case(
        *(When(kind=kind, then=Value(rank)) for rank, kind in enumerate(KIND_ORDER)),
        default=Value(len(KIND_ORDER)),
        output_field=IntegerField(),
    )


class Directory:
    """The territories a request asks for: the paginated list and the collectives."""

    def __init__(self, query):
        regions = list(Territory.objects.regions().order_by("name").values_list("slug", "name"))
        self.form = TerritorySearchForm(query, regions)
        self.problems = self.form.problems()
        self.selected = Territory.objects.in_published_cases().filter(self.form.criteria())

    def territories(self):
        return (
            self.selected.exclude(kind=COLLECTIVE)
            .with_published_case_count()
            .annotate(kind_rank=kind_rank())
            .order_by("kind_rank", "name", "pk")
        )

    def collectives(self) -> list[Territory]:
        if not self.form.wants_collectives:
            return []
        return list(self.selected.filter(kind=COLLECTIVE).with_published_case_count())

    def kind_totals(self) -> dict[str, int]:
        rows = self.selected.exclude(kind=COLLECTIVE).values("kind").annotate(n=Count("pk"))
        return dict(rows.order_by().values_list("kind", "n"))


@dataclass
class KindSection:
    kind: str
    label: str
    total: int  # territories of this kind in the whole selection, every page
    continued: bool  # the kind began on an earlier page
    territories: list = field(default_factory=list)


@dataclass
class GroupSection:
    label: str
    slug: str
    kinds: list[KindSection] = field(default_factory=list)


def sections(territories, totals: dict[str, int], start: int) -> list[GroupSection]:
    """The territories of one page (``start``: the index of its first one in the whole list)
    under their group of kinds and their kind."""
    labels = dict(TerritoryKind.choices)
    group_of = {kind: group for group, kinds in TERRITORY_KIND_GROUPS.items() for kind in kinds}
    before, offset = {}, 0
    for kind in KIND_ORDER:
        before[kind], offset = offset, offset + totals.get(kind, 0)
    groups: list[GroupSection] = []
    for territory in territories:
        group = group_of.get(territory.kind, _("Autres"))
        if not groups or groups[-1].label != group:
            groups.append(GroupSection(str(group), slugify(str(group))))
        kinds = groups[-1].kinds
        if not kinds or kinds[-1].kind != territory.kind:
            kinds.append(
                KindSection(
                    kind=territory.kind,
                    label=str(labels.get(territory.kind, territory.kind)),
                    total=totals.get(territory.kind, 0),
                    continued=before.get(territory.kind, 0) < start,
                )
            )
        kinds[-1].territories.append(territory)
    return groups
