"""Parties of a sheet as one vocabulary: territories and organisations, their kinds, their keys.

A party is a territory or an organisation. The « partners » filter, the network and the map of
links speak of both at once, so they share:
- **party kinds**: the territory kinds and the organisation kinds in one list of values (the
  two « autre » become « autre-territoire » and « autre-organisation »), grouped for forms;
- **party keys**: ``t-<slug>`` for a territory, ``o-<slug>`` for an organisation — stable,
  readable, and usable in URLs and exports.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from casestudies.models import OrganisationKind, TerritoryKind
from casestudies.models.choices import TERRITORY_KIND_GROUPS

TERRITORY = "territory"
ORGANISATION = "organisation"

# Renamed values: « autre » exists in both vocabularies.
_TERRITORY_VALUE = {TerritoryKind.AUTRE: "autre-territoire"}
_ORGANISATION_VALUE = {OrganisationKind.AUTRE: "autre-organisation"}

# Sets of bodies a source names only collectively (« les EPCI voisins ») are not parties of a
# network: they are left out of it, of the links and of the « partners » filter.
NOT_A_PARTY = TerritoryKind.COLLECTIF


def territory_kind_value(kind: str) -> str:
    return _TERRITORY_VALUE.get(kind, kind)


def organisation_kind_value(kind: str) -> str:
    return _ORGANISATION_VALUE.get(kind, kind)


# value → (side, kind of that side's vocabulary)
PARTY_KINDS: dict[str, tuple[str, str]] = {
    **{
        territory_kind_value(kind): (TERRITORY, kind)
        for kind in TerritoryKind.values
        if kind != NOT_A_PARTY
    },
    **{organisation_kind_value(kind): (ORGANISATION, kind) for kind in OrganisationKind.values},
}


def party_kind_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices (Django's optgroup form): the territory groups, then organisations."""
    groups = []
    for group, kinds in TERRITORY_KIND_GROUPS.items():
        values = [
            (territory_kind_value(kind), TerritoryKind(kind).label)
            for kind in kinds
            if kind != NOT_A_PARTY
        ]
        groups.append((str(group), values))
    groups.append(
        (
            str(_("Organisations")),
            [(organisation_kind_value(kind), label) for kind, label in OrganisationKind.choices],
        )
    )
    return groups


def party_kind_label(value: str) -> str:
    side, kind = PARTY_KINDS[value]
    vocabulary = TerritoryKind if side == TERRITORY else OrganisationKind
    return str(vocabulary(kind).label)


def split_kinds(values) -> tuple[list[str], list[str]]:
    """The territory kinds and the organisation kinds among party-kind ``values``."""
    territory, organisation = [], []
    for value in values:
        side, kind = PARTY_KINDS[value]
        (territory if side == TERRITORY else organisation).append(kind)
    return territory, organisation


# -- kind groups, for colours and legends -------------------------------------------------------

_GROUP_OF_KIND = {
    kind: index for index, kinds in enumerate(TERRITORY_KIND_GROUPS.values()) for kind in kinds
}
ORGANISATION_GROUP = len(TERRITORY_KIND_GROUPS)


def kind_groups() -> list[str]:
    """Labels of the groups of kinds, by index: the territory groups, then « Organisations »."""
    return [str(group) for group in TERRITORY_KIND_GROUPS] + [str(_("Organisations"))]


def group_of(side: str, kind: str) -> int:
    if side == ORGANISATION:
        return ORGANISATION_GROUP
    return _GROUP_OF_KIND.get(kind, ORGANISATION_GROUP - 1)


@dataclass(frozen=True)
class Party:
    """A territory or an organisation, as the network, the links and the exports show it."""

    side: str  # TERRITORY or ORGANISATION
    id: int
    slug: str
    name: str
    kind: str  # the kind in its side's vocabulary
    code: str  # SIREN or INSEE code, « » when unknown

    @property
    def key(self) -> str:
        return ("t-" if self.side == TERRITORY else "o-") + self.slug

    @property
    def kind_value(self) -> str:
        if self.side == TERRITORY:
            return territory_kind_value(self.kind)
        return organisation_kind_value(self.kind)

    @property
    def kind_label(self) -> str:
        if self.side == TERRITORY:
            return str(TerritoryKind(self.kind).label)
        return str(OrganisationKind(self.kind).label)

    @property
    def group(self) -> int:
        return group_of(self.side, self.kind)

    @property
    def url(self) -> str:
        if self.side == TERRITORY:
            return reverse("casestudies:territory-detail", kwargs={"slug": self.slug})
        return reverse("casestudies:organisation-detail", kwargs={"slug": self.slug})


# -- official directories (links only: nothing is fetched) ------------------------------------

GROUP_KINDS = {
    TerritoryKind.METROPOLE,
    TerritoryKind.COMMUNAUTE_URBAINE,
    TerritoryKind.COMMUNAUTE_AGGLOMERATION,
    TerritoryKind.COMMUNAUTE_COMMUNES,
    TerritoryKind.EPT,
    TerritoryKind.PETR,
    TerritoryKind.PAYS,
    TerritoryKind.POLE_METROPOLITAIN,
    TerritoryKind.PNR,
    TerritoryKind.SYNDICAT_MIXTE,
}
COG_LEVELS = {
    TerritoryKind.COMMUNE: ("commune", "COM"),
    TerritoryKind.DEPARTEMENT: ("departement", "DEP"),
    TerritoryKind.REGION: ("region", "REG"),
}


@dataclass(frozen=True)
class OfficialLink:
    label: str
    url: str


def official_links(kind: str, name: str, siren: str = "", insee_code: str = "") -> list:
    """Links to the official directories of a territory or an organisation: the Annuaire des
    entreprises for a SIREN, the INSEE's Code officiel géographique for an INSEE code, BANATIC
    (the national base of intercommunality) for a group with a SIREN."""
    links = []
    if insee_code and kind in COG_LEVELS:
        level, prefix = COG_LEVELS[kind]
        url = (
            f"https://www.insee.fr/fr/metadonnees/cog/{level}/{prefix}{insee_code}-{slugify(name)}"
        )
        links.append(OfficialLink(str(_("Code officiel géographique (INSEE)")), url))
    if siren:
        url = f"https://annuaire-entreprises.data.gouv.fr/entreprise/{siren}"
        links.append(OfficialLink(str(_("Annuaire des entreprises (SIREN)")), url))
        if kind in GROUP_KINDS:
            url = f"https://www.banatic.interieur.gouv.fr/intercommunalite/{siren}-{slugify(name)}"
            links.append(OfficialLink(str(_("BANATIC, base nationale de l'intercommunalité")), url))
    return links
