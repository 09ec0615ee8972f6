"""Import of the official reference data, and placing catalogue territories with it.

``ReferenceImporter`` reads the JSON files of the npm package ``@etalab/decoupage-administratif``
(installed by ``make install`` from package-lock.json) and writes only what differs: new areas
are created, changed names, natures or populations are updated, containment links are added.
Nothing is ever deleted, so running it twice leaves the same rows.

``link_by_code`` links catalogue territories to their official record by code only (INSEE code
or SIREN). ``place_territories`` then gives each territory the départements and régions of its
official record, and each grouping (PETR, Pays, PNR, pôle…) those of its members; placements are
only added, never removed, so what staff entered by hand stays.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from casestudies.events import sheets_changed
from casestudies.models import (
    EpciType,
    Participation,
    ReferenceArea,
    ReferenceKind,
    Territory,
    TerritoryKind,
)
from casestudies.slugs import free_slug

DEFAULT_DATA_DIR = (
    Path(settings.BASE_DIR) / "node_modules" / "@etalab" / "decoupage-administratif" / "data"
)
BATCH = 2000
EPCI_TYPES = {
    "METRO": EpciType.METROPOLE,
    "MET69": EpciType.METROPOLE,  # Métropole de Lyon
    "CU": EpciType.URBAINE,
    "CA": EpciType.AGGLOMERATION,
    "CC": EpciType.COMMUNES,
    "EPT": EpciType.EPT,
}


class ReferenceDataMissing(Exception):
    pass


@dataclass
class ImportReport:
    created: dict = field(default_factory=lambda: defaultdict(int))
    updated: dict = field(default_factory=lambda: defaultdict(int))
    unchanged: dict = field(default_factory=lambda: defaultdict(int))
    links_added: int = 0

    def lines(self):
        lines = []
        for kind in ReferenceKind:
            lines.append(
                f"{kind.label} : {self.created[kind]} créé(s), {self.updated[kind]} mis à jour, "
                f"{self.unchanged[kind]} inchangé(s)"
            )
        lines.append(f"Liens d'appartenance ajoutés : {self.links_added}")
        return lines


class ReferenceImporter:
    def __init__(self, directory: Path | None = None, progress=None):
        self.directory = Path(directory or DEFAULT_DATA_DIR)
        self.progress = progress or (lambda message: None)
        self.report = ImportReport()

    def read(self, name):
        path = self.directory / f"{name}.json"
        if not path.exists():
            raise ReferenceDataMissing(
                f"Fichier introuvable : {path}. Installez les données avec « make install » "
                "(npm ci) ou indiquez le dossier avec --directory."
            )
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)

    # -- entry point ----------------------------------------------------------------------
    @transaction.atomic
    def run(self) -> ImportReport:
        regions = self.read("regions")
        departements = self.read("departements")
        epcis = self.read("epci") + self.read("ept")
        communes = [c for c in self.read("communes") if c.get("type") == "commune-actuelle"]

        self.progress(f"Régions ({len(regions)}), départements ({len(departements)})…")
        self.upsert(ReferenceKind.REGION, [(r["code"], r["nom"], "", None) for r in regions])
        self.upsert(
            ReferenceKind.DEPARTEMENT, [(d["code"], d["nom"], "", None) for d in departements]
        )
        self.progress(f"EPCI et EPT ({len(epcis)})…")
        self.upsert(
            ReferenceKind.EPCI,
            [
                (
                    e["code"],
                    e["nom"],
                    EPCI_TYPES.get(e.get("type"), ""),
                    e.get("populationMunicipale"),
                )
                for e in epcis
            ],
        )
        self.progress(f"Communes ({len(communes)})…")
        self.upsert(
            ReferenceKind.COMMUNE,
            [(c["code"], c["nom"], "", c.get("population")) for c in communes],
        )
        self.progress("Liens d'appartenance…")
        self.link_containment(departements, epcis, communes)
        return self.report

    # -- areas ----------------------------------------------------------------------------
    def upsert(self, kind, rows):
        existing = {area.code: area for area in ReferenceArea.objects.filter(kind=kind).order_by()}
        to_create, to_update = [], []
        for code, name, epci_type, population in rows:
            area = existing.get(code)
            if area is None:
                to_create.append(
                    ReferenceArea(
                        kind=kind, code=code, name=name, epci_type=epci_type, population=population
                    )
                )
            elif (area.name, area.epci_type, area.population) != (name, epci_type, population):
                area.name, area.epci_type, area.population = name, epci_type, population
                to_update.append(area)
            else:
                self.report.unchanged[kind] += 1
        ReferenceArea.objects.bulk_create(to_create, batch_size=BATCH)
        ReferenceArea.objects.bulk_update(
            to_update, ["name", "epci_type", "population"], batch_size=BATCH
        )
        self.report.created[kind] += len(to_create)
        self.report.updated[kind] += len(to_update)

    # -- containment ------------------------------------------------------------------------
    def link_containment(self, departements, epcis, communes):
        ids = defaultdict(dict)
        for kind, code, pk in ReferenceArea.objects.values_list("kind", "code", "pk"):
            ids[kind][code] = pk
        region_of, departement_of, epci_of = ids["region"], ids["departement"], ids["epci"]
        wanted = set()
        for departement in departements:
            wanted.add((departement_of[departement["code"]], region_of[departement["region"]]))
        commune_epci = {}
        for epci in epcis:
            for member in epci.get("membres", []):
                commune_epci[member["code"]] = epci["code"]
        for commune in communes:
            commune_id = ids["commune"][commune["code"]]
            dep_id = departement_of.get(commune.get("departement"))
            reg_id = region_of.get(commune.get("region"))
            epci_id = epci_of.get(commune_epci.get(commune["code"]))
            for container in (dep_id, reg_id, epci_id):
                if container:
                    wanted.add((commune_id, container))
            if epci_id:
                for container in (dep_id, reg_id):
                    if container:
                        wanted.add((epci_id, container))
        through = ReferenceArea.contained_in.through
        existing = set(through.objects.values_list("from_referencearea_id", "to_referencearea_id"))
        missing = sorted(wanted - existing)
        through.objects.bulk_create(
            [through(from_referencearea_id=a, to_referencearea_id=b) for a, b in missing],
            batch_size=BATCH,
        )
        self.report.links_added = len(missing)


# -- catalogue territories --------------------------------------------------------------------

REFERENCE_BY_KIND = {
    TerritoryKind.REGION: (ReferenceKind.REGION, "insee_code"),
    TerritoryKind.DEPARTEMENT: (ReferenceKind.DEPARTEMENT, "insee_code"),
    TerritoryKind.COMMUNE: (ReferenceKind.COMMUNE, "insee_code"),
    TerritoryKind.METROPOLE: (ReferenceKind.EPCI, "siren"),
    TerritoryKind.COMMUNAUTE_URBAINE: (ReferenceKind.EPCI, "siren"),
    TerritoryKind.COMMUNAUTE_AGGLOMERATION: (ReferenceKind.EPCI, "siren"),
    TerritoryKind.COMMUNAUTE_COMMUNES: (ReferenceKind.EPCI, "siren"),
    TerritoryKind.EPT: (ReferenceKind.EPCI, "siren"),
}


def link_by_code() -> int:
    """Link unlinked territories whose official code is known; never by name. Returns a count."""
    linked = 0
    for territory in Territory.objects.filter(reference__isnull=True):
        rule = REFERENCE_BY_KIND.get(territory.kind)
        if rule is None:
            continue
        reference_kind, field_name = rule
        code = getattr(territory, field_name)
        if not code:
            continue
        area = ReferenceArea.objects.filter(kind=reference_kind, code=code).first()
        if area is not None:
            Territory.objects.filter(pk=territory.pk).update(reference=area)
            linked += 1
    return linked


def place_territories(territories=None) -> int:
    """Add the départements and régions that follow from official data and members."""
    catalogue_departements = dict(
        Territory.objects.departements().exclude(insee_code="").values_list("insee_code", "pk")
    )
    catalogue_regions = dict(
        Territory.objects.regions().exclude(insee_code="").values_list("insee_code", "pk")
    )
    queryset = Territory.objects.all() if territories is None else territories
    added = 0

    # 1. From the official record.
    for territory in queryset.filter(reference__isnull=False).select_related("reference"):
        area = territory.reference
        containers = list(area.contained_in.all())
        departement_codes = [a.code for a in containers if a.kind == ReferenceKind.DEPARTEMENT]
        region_codes = [a.code for a in containers if a.kind == ReferenceKind.REGION]
        added += add_placements(
            territory,
            [catalogue_departements[c] for c in departement_codes if c in catalogue_departements],
            [catalogue_regions[c] for c in region_codes if c in catalogue_regions],
        )
    # 2. Groupings take the placements of their members (members placed first, above).
    groupings = (
        queryset.filter(members__isnull=False)
        .distinct()
        .prefetch_related("members__departements", "members__regions")
    )
    for grouping in groupings:
        departement_ids = {d.pk for m in grouping.members.all() for d in m.departements.all()}
        region_ids = {r.pk for m in grouping.members.all() for r in m.regions.all()}
        added += add_placements(grouping, departement_ids, region_ids)
    return added + normalise_placements()


def normalise_placements(territory_ids=None) -> int:
    """Make placements closed under containment, so filters need one join, not three — the
    one place of this rule (the reference import calls it for everything, signals.py for the
    territories an edit touched):

    - a territory placed in a département is also placed in that département's région;
    - a région or département territory is placed in itself.
    Only adds links; returns how many. ``territory_ids`` limits it to those territories and,
    for a département among them, to the territories placed in it.
    """
    departements = Territory.departements.through
    regions = Territory.regions.through
    territories = Territory.objects.all()
    links = departements.objects.filter(to_territory__regions__isnull=False)
    if territory_ids is not None:
        scope = set(territory_ids)
        scope |= set(
            departements.objects.filter(to_territory_id__in=scope).values_list(
                "from_territory_id", flat=True
            )
        )
        territories = territories.filter(pk__in=scope)
        links = links.filter(from_territory_id__in=scope)
    kinds = dict(territories.filter(kind__in=["departement", "region"]).values_list("pk", "kind"))
    wanted_departements = {(pk, pk) for pk, kind in kinds.items() if kind == "departement"}
    wanted_regions = {(pk, pk) for pk, kind in kinds.items() if kind == "region"}
    wanted_regions |= set(links.values_list("from_territory_id", "to_territory__regions"))
    added, placed = 0, set()
    for through, wanted in ((departements, wanted_departements), (regions, wanted_regions)):
        existing = through.objects.all()
        if territory_ids is not None:
            existing = existing.filter(from_territory_id__in={a for a, _b in wanted})
        missing = wanted - set(existing.values_list("from_territory_id", "to_territory_id"))
        through.objects.bulk_create(
            [through(from_territory_id=a, to_territory_id=b) for a, b in sorted(missing)],
            batch_size=BATCH,
        )
        added += len(missing)
        placed.update(a for a, _b in missing)
    if placed:  # bulk inserts send no m2m signal
        cases = Participation.objects.filter(territory_id__in=placed).values_list("case_id")
        sheets_changed.send(sender=Territory, ids={pk for (pk,) in cases})
    return added


def add_placements(territory, departement_ids, region_ids) -> int:
    added = 0
    for relation, ids in (("departements", departement_ids), ("regions", region_ids)):
        manager = getattr(territory, relation)
        missing = set(ids) - set(manager.values_list("pk", flat=True))
        if missing:
            manager.add(*missing)
            added += len(missing)
    return added


# -- suggestions for staff ------------------------------------------------------------------

ABBREVIATIONS = [
    ("Communauté de communes", "CC"),
    ("Communauté d'agglomération", "CA"),
    ("Communauté urbaine", "CU"),
]


def name_variants(name: str) -> set[str]:
    variants = {name}
    for long, short in ABBREVIATIONS:
        for variant in list(variants):
            if variant.startswith(long):
                variants.add(short + variant[len(long) :])
            if variant.startswith(short + " "):
                variants.add(long + variant[len(short) :])
    return variants


def exact_name_candidates(territory: Territory):
    """Official records of the right level whose name is exactly the territory's (no fuzziness).

    Offered to staff as suggestions; a territory is only linked automatically by its code.
    """
    rule = REFERENCE_BY_KIND.get(territory.kind)
    if rule is None:
        return ReferenceArea.objects.none()
    names = Q()
    for variant in name_variants(territory.name):
        names |= Q(name__iexact=variant)
    return ReferenceArea.objects.filter(names, kind=rule[0])


# The kind of a catalogue territory made from an official record.
KIND_OF_EPCI = {
    EpciType.METROPOLE: TerritoryKind.METROPOLE,
    EpciType.URBAINE: TerritoryKind.COMMUNAUTE_URBAINE,
    EpciType.AGGLOMERATION: TerritoryKind.COMMUNAUTE_AGGLOMERATION,
    EpciType.COMMUNES: TerritoryKind.COMMUNAUTE_COMMUNES,
    EpciType.EPT: TerritoryKind.EPT,
}
KIND_OF_AREA = {
    ReferenceKind.REGION: TerritoryKind.REGION,
    ReferenceKind.DEPARTEMENT: TerritoryKind.DEPARTEMENT,
    ReferenceKind.COMMUNE: TerritoryKind.COMMUNE,
}


def territory_from_reference(area: ReferenceArea) -> tuple[Territory, bool]:
    """The catalogue territory of an official record, created from it in one step when the
    catalogue does not have it yet: name, kind, code, population, link to the record, and the
    départements and régions that follow from it. (territory, created)."""
    field_name = "siren" if area.kind == ReferenceKind.EPCI else "insee_code"
    existing = Territory.objects.filter(Q(reference=area) | Q(**{field_name: area.code})).first()
    if existing is not None:
        return existing, False
    kind = (
        KIND_OF_EPCI.get(area.epci_type, TerritoryKind.AUTRE)
        if area.kind == ReferenceKind.EPCI
        else KIND_OF_AREA[area.kind]
    )
    territory = Territory(
        name=area.name,
        slug=free_slug(Territory, area.name, "territoire", alternatives=[area.code]),
        kind=kind,
        population=area.population,
        reference=area,
        **{field_name: area.code},
    )
    territory.full_clean()
    territory.save()
    place_territories(Territory.objects.filter(pk=territory.pk))
    return territory, True
