"""« Who we are »: a territory of the official reference (région, département, EPCI, commune),
found by its code or its name, and what the finder reads from it (kind, région)."""

import re
from dataclasses import dataclass, field

from casestudies.models import EpciType, ReferenceArea, ReferenceKind, Territory, TerritoryKind

KEY = re.compile(r"^(region|departement|epci|commune):([0-9A-Za-z]{2,9})$")
CODE = re.compile(r"^[0-9][0-9AB][0-9]{0,7}$")
MAX_CANDIDATES = 12
# Kinds of the reference, largest first (the order of a list of homonyms).
SCALE = {ReferenceKind.REGION: 0, ReferenceKind.DEPARTEMENT: 1, ReferenceKind.EPCI: 2}
EPCI_GROUP = {EpciType.METROPOLE: "metropole"}


@dataclass
class Place:
    """What « territoire » designates: one area, or the homonyms to choose from, or nothing."""

    text: str = ""
    area: ReferenceArea | None = None
    candidates: list = field(default_factory=list)
    more: bool = False  # more homonyms than the candidates shown

    @property
    def group(self) -> str:
        """The finder's « nous » answer for this area."""
        if self.area is None:
            return ""
        if self.area.kind == ReferenceKind.EPCI:
            return EPCI_GROUP.get(self.area.epci_type, "communaute")
        return str(self.area.kind)

    @property
    def key(self) -> str:
        return f"{self.area.kind}:{self.area.code}" if self.area else ""

    def region_slug(self) -> str:
        """The slug of the catalogue's région of this area (the région facet's value)."""
        if self.area is None:
            return ""
        regions = (
            [self.area]
            if self.area.kind == ReferenceKind.REGION
            else [a for a in self.area.contained_in.all() if a.kind == ReferenceKind.REGION]
        )
        codes = [region.code for region in regions]
        found = Territory.objects.filter(kind=TerritoryKind.REGION, insee_code__in=codes)
        return found.values_list("slug", flat=True).first() or ""


def find(text: str) -> Place:
    text = " ".join(text.split())[:120]
    place = Place(text=text)
    if not text or "\x00" in text:
        return place
    areas = ReferenceArea.objects.prefetch_related("contained_in")
    match = KEY.match(text)
    if match:
        place.area = areas.filter(kind=match[1], code=match[2]).first()
        return place
    if CODE.match(text):
        found = list(areas.filter(code=text)[:MAX_CANDIDATES])
    else:
        found = list(areas.filter(name__iexact=text)[:MAX_CANDIDATES])
        if not found:
            found = list(areas.filter(name__icontains=text)[: MAX_CANDIDATES * 4])
    found.sort(key=lambda a: (SCALE.get(a.kind, 3), -(a.population or 0), a.name))
    if len(found) == 1:
        place.area = found[0]
    else:
        place.candidates, place.more = found[:MAX_CANDIDATES], len(found) > MAX_CANDIDATES
    return place
