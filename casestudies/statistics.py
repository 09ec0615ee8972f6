"""The charts of /statistiques/ and their CSV downloads, built from one set of counts.

The counts (``count_selection``) are taken on the sheets the list's FilterSet selects, from the
facet index; the page and every CSV file are built from the same counts, so
a download never disagrees with the page. Each chart knows its rows for the page and for the
CSV file (``csv_header``, ``csv_rows``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from casestudies.maps import shade_classes
from casestudies.models import Instrument, TerritoryKind, Theme

ROW_HEIGHT = 36  # a label line and a bar, in the horizontal bar charts
COLUMN_WIDTH = 30  # one year, in the histogram
BAR_WIDTH = 22
COLUMN_HEIGHT = 100  # the tallest column
COLUMN_TOP = 18  # room for the count written above the tallest column
AXIS_HEIGHT = 20  # the axis and its year labels
MATRIX_SHADES = 4
CSV_DELIMITER = ";"  # what a spreadsheet set to French expects (the comma is the decimal mark)


def list_url(query, **extra) -> str:
    """/fiches/ with the current selection plus ``extra`` parameters."""
    params = query.copy()
    params.pop("page", None)
    for key, value in extra.items():
        params.setlist(key, [*params.getlist(key), value])
    return reverse("casestudies:case-list") + "?" + params.urlencode()


# -- counts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SelectionCounts:
    """Every number of the page, for one selection (cached as it is)."""

    themes: dict[str, int]
    instruments: dict[str, int]
    territory_kinds: dict[str, int]
    years: dict[int, int]
    pairs: dict[tuple[str, str], int]


def count_selection(filterset, total: int | None = None) -> SelectionCounts:
    """Every count in one GROUP BY over the facet index (themes and kinds count as their
    filters select; pairs pair a root theme with an instrument); unfiltered, the counters."""
    names = ["theme", "instrument", "territory_kind", "year", "theme_instrument"]
    counts = filterset.counts(names, total)
    return SelectionCounts(
        themes=counts["theme"],
        instruments=counts["instrument"],
        territory_kinds=counts["territory_kind"],
        years={int(year): n for year, n in sorted(counts["year"].items(), key=lambda i: int(i[0]))},
        pairs={tuple(pair.split("|", 1)): n for pair, n in counts["theme_instrument"].items()},
    )


# -- charts ---------------------------------------------------------------------------------


@dataclass
class Chart:
    slug: str
    title: str
    csv_url: str = ""

    @property
    def filename(self) -> str:
        return f"statistiques-{self.slug}.csv"


@dataclass
class Bar:
    label: str
    count: int
    share: float  # of the longest bar, in %
    url: str
    y: int


@dataclass
class BarChart(Chart):
    key_label: str = ""
    rows: list[Bar] = field(default_factory=list)
    template = "partials/_bar_chart.html"

    def csv_header(self) -> list[str]:
        return [self.key_label, _("Fiches")]

    def csv_rows(self) -> list[list]:
        return [[row.label, row.count] for row in self.rows]


def bar_rows(counts: dict, labels: dict, url_for) -> list[Bar]:
    """Bars, biggest first, for the values that hold at least one sheet."""
    rows = [(key, count) for key, count in counts.items() if count and key in labels]
    highest = max((count for _key, count in rows), default=0)
    rows.sort(key=lambda item: (-item[1], str(labels[item[0]])))
    return [
        Bar(
            label=str(labels[key]),
            count=count,
            share=round(100 * count / highest, 1) if highest else 0,
            url=url_for(key),
            y=index * ROW_HEIGHT,
        )
        for index, (key, count) in enumerate(rows)
    ]


@dataclass
class YearColumn:
    year: int
    count: int
    x: int
    y: float
    height: float
    url: str  # empty for a year without sheets
    labelled: bool  # its year is written under the axis

    @property
    def bar_x(self) -> int:
        return self.x + (COLUMN_WIDTH - BAR_WIDTH) // 2

    @property
    def centre(self) -> int:
        return self.x + COLUMN_WIDTH // 2

    @property
    def count_y(self) -> float:
        return round(self.y - 4, 1)


@dataclass
class YearChart(Chart):
    columns: list[YearColumn] = field(default_factory=list)
    template = "partials/_year_chart.html"

    @property
    def width(self) -> int:
        return max(len(self.columns), 1) * COLUMN_WIDTH

    @property
    def height(self) -> int:
        return COLUMN_TOP + COLUMN_HEIGHT + AXIS_HEIGHT

    @property
    def baseline(self) -> int:
        return COLUMN_TOP + COLUMN_HEIGHT

    @property
    def empty_years(self) -> int:
        return sum(1 for column in self.columns if not column.count)

    def csv_header(self) -> list[str]:
        return [_("Année de début"), _("Fiches")]

    def csv_rows(self) -> list[list]:
        return [[column.year, column.count] for column in self.columns]


def labelled_years(years: list[int]) -> set[int]:
    """Years written under the axis: every fifth, and the ends when no label is close."""
    labelled = {year for year in years if year % 5 == 0}
    for end in (years[:1] + years[-1:]) if years else []:
        if all(abs(end - year) >= 3 for year in labelled):
            labelled.add(end)
    return labelled


def year_columns(by_year: dict[int, int], url_for) -> list[YearColumn]:
    """One column per year from the first start year to the last, empty years included:
    the axis is continuous, so that a gap in the catalogue shows as a gap."""
    if not by_year:
        return []
    years = list(range(min(by_year), max(by_year) + 1))
    highest = max(by_year.values())
    labelled = labelled_years(years)
    columns = []
    for index, year in enumerate(years):
        count = by_year.get(year, 0)
        height = round(COLUMN_HEIGHT * count / highest, 1)
        columns.append(
            YearColumn(
                year=year,
                count=count,
                x=index * COLUMN_WIDTH,
                y=COLUMN_TOP + COLUMN_HEIGHT - height,
                height=height,
                url=url_for(year) if count else "",
                labelled=year in labelled,
            )
        )
    return columns


@dataclass
class MatrixCell:
    count: int
    shade: int  # 0 (no sheet) to MATRIX_SHADES
    url: str
    instrument: str


@dataclass
class MatrixRow:
    label: str
    cells: list[MatrixCell]


@dataclass
class Matrix(Chart):
    columns: list[str] = field(default_factory=list)
    rows: list[MatrixRow] = field(default_factory=list)
    legend: list[tuple[int, int, int]] = field(default_factory=list)  # (shade, low, high)
    template = "partials/_theme_instrument_matrix.html"

    def csv_header(self) -> list[str]:
        return [_("Thématique"), *self.columns]

    def csv_rows(self) -> list[list]:
        return [[row.label, *(cell.count for cell in row.cells)] for row in self.rows]


def matrix(counts: SelectionCounts, themes: dict, instruments: dict, url_for) -> tuple:
    """Themes × the instruments that occur in the selection, most frequent first, each cell
    shaded by its count (the count is always written too)."""

    def most_frequent_first(names: dict, totals: dict) -> list[str]:
        present = [key for key in names if totals.get(key)]
        return sorted(present, key=lambda key: (-totals[key], str(names[key])))

    row_keys = most_frequent_first(themes, counts.themes)
    column_keys = most_frequent_first(instruments, counts.instruments)
    values = {(t, i): counts.pairs.get((t, i), 0) for t in row_keys for i in column_keys}
    shades, legend = shade_classes(values, steps=MATRIX_SHADES)
    rows = [
        MatrixRow(
            label=str(themes[theme]),
            cells=[
                MatrixCell(
                    count=values[(theme, instrument)],
                    shade=shades[(theme, instrument)],
                    url=url_for(theme, instrument),
                    instrument=str(instruments[instrument]),
                )
                for instrument in column_keys
            ],
        )
        for theme in row_keys
    ]
    return [str(instruments[key]) for key in column_keys], rows, legend


CHART_SLUGS = (
    "par-thematique",
    "par-outil",
    "par-type-de-territoire",
    "par-annee",
    "thematiques-et-outils",
)


def statistics_charts(counts: SelectionCounts, query) -> list[Chart]:
    """The charts of the page, in order, each with the address of its CSV file."""
    themes = dict(Theme.objects.filter(parent__isnull=True).values_list("slug", "name"))
    instruments = dict(Instrument.objects.values_list("slug", "name"))
    kinds = dict(TerritoryKind.choices)
    columns, rows, legend = matrix(
        counts,
        themes,
        instruments,
        lambda theme, instrument: list_url(query, theme=theme, instrument=instrument),
    )
    charts = [
        BarChart(
            "par-thematique",
            _("Fiches par thématique"),
            key_label=_("Thématique"),
            rows=bar_rows(counts.themes, themes, lambda key: list_url(query, theme=key)),
        ),
        BarChart(
            "par-outil",
            _("Fiches par outil de coopération"),
            key_label=_("Outil de coopération"),
            rows=bar_rows(
                counts.instruments, instruments, lambda key: list_url(query, instrument=key)
            ),
        ),
        BarChart(
            "par-type-de-territoire",
            _("Fiches par type de territoire partie prenante"),
            key_label=_("Type de territoire"),
            rows=bar_rows(
                counts.territory_kinds, kinds, lambda key: list_url(query, territory_kind=key)
            ),
        ),
        YearChart(
            "par-annee",
            _("Fiches par année de début"),
            columns=year_columns(
                counts.years,
                lambda year: list_url(query, year_min=str(year), year_max=str(year)),
            ),
        ),
        Matrix(
            "thematiques-et-outils",
            _("Thématiques × outils de coopération"),
            columns=columns,
            rows=rows,
            legend=legend,
        ),
    ]
    suffix = "?" + query.urlencode() if query else ""
    for chart in charts:
        chart.csv_url = reverse("casestudies:statistics-csv", args=[chart.slug]) + suffix
    return charts


def csv_response(chart: Chart) -> HttpResponse:
    """The chart's table as a CSV file for a spreadsheet set to French: UTF-8 with a
    byte-order mark (accents intact), « ; » between values, a header row in French."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER)
    writer.writerow(chart.csv_header())
    writer.writerows(chart.csv_rows())
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{chart.filename}"'
    return response
