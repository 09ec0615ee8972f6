"""The benchmark behind ``make bench``: page timings and query counts as the catalogue grows.

For each size N, the synthetic catalogue is grown to N generated sheets, then each page is
requested through Django's test client (the full middleware stack, no network):

- cold: ``runs`` requests, each right after an editor-like save of a published synthetic sheet
  (benchmarks/editing.py), for each kind of save: a text fix (« froid (texte) ») and a save that
  changes counts (« froid (comptes) »);
- warm: one warm-up, then ``runs`` requests.

Each gives a median and a p95 in ms, with its SQL query count. A minimal view through the same
stack gives the floor. The CSV and JSON exports of every published sheet are timed once, with
the growth of the process's resident memory. Datasette, serving the same published sheets, is
timed in the same run (benchmarks/datasette_comparison.py). The report states each target of
the issue as met or not.
"""

from __future__ import annotations

import json
import platform
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from benchmarks import datasette_comparison
from benchmarks.editing import COUNTS, KINDS, TEXT, Editor, candidate_sheets
from benchmarks.synthetic import PREFIX, SyntheticCatalogue
from benchmarks.timing import CsvLines, resident_mb, summary
from casestudies.models import CaseStudy, Instrument, Participation, Theme

PAGES = {
    "floor": "/sante/",
    "home": "/",
    "list": "/fiches/",
    "list_filters_facets": "/fiches/?theme=mobilite&region=bretagne&status=active",
    "search": "/fiches/?q=coop%C3%A9ration",
    "search_typo": "/fiches/?q=coopration",
    "sheet": None,  # the first published generated sheet
    "territory": None,  # the generated territory with the most sheets
    "instrument": None,  # the instrument with the most sheets
    "theme": None,  # the theme with the most sheets
    "lessons": "/enseignements/",
    "map": "/carte/",
    "network": "/reseau/",
    "statistics": "/statistiques/",
    "api_list": "/api/fiches/",
}
SEARCHES = ("search", "search_typo")
EXPORTS = {
    "csv": "/fiches/export.csv",
    "json": "/fiches/export.json",
    # The data package's largest table, and the workbook of all its tables (issue 18).
    "parties": "/donnees/parties.csv",
    "xlsx": "/fiches/export.xlsx",
}
# The targets.
COLD_P95_MS = {"postgresql": (100_000, 300), "sqlite": (10_000, 500)}
SEARCH_COLD_P95_MS = 150
WARM_TIMES_FLOOR = 30
EXPORT_ROWS_PER_S = 8000
EXPORT_MEMORY_MB = 50


@dataclass
class Measure:
    url: str
    cold: dict[str, dict] = field(default_factory=dict)  # kind of save → median, p95, queries
    median_ms: float = 0.0
    p95_ms: float = 0.0
    queries: int = 0
    ratio_to_floor: float = 0.0


@dataclass
class SizeReport:
    size: int  # generated sheets asked for
    sheets: int  # published sheets, the real content included
    measures: dict[str, Measure] = field(default_factory=dict)
    exports: dict[str, dict] = field(default_factory=dict)
    saves: dict = field(default_factory=dict)
    datasette: dict = field(default_factory=dict)


def cold_p95(measure: dict) -> float:
    return max(kind["p95_ms"] for kind in measure["cold"].values())


class Benchmark:
    def __init__(
        self,
        sizes,
        runs=15,
        seed=1,
        export=True,
        datasette=True,
        progress=print,
        pool_scale=1.0,
        reuse=False,
        pages=None,
    ):
        """``reuse``: keep the synthetic catalogue already generated (same seed) instead of
        generating it again; ``pages``: measure only these page types (and the floor)."""
        self.reuse = reuse
        self.pages = set(pages) if pages is not None else None
        self.sizes = sorted(sizes)
        self.pool_scale = pool_scale
        self.runs = runs
        self.seed = seed
        self.export = export
        self.datasette = datasette
        self.progress = progress
        self.client = Client(HTTP_HOST="localhost")

    def request(self, url):
        connection.queries_log.clear()  # the log keeps 9,000 queries at most: count from zero
        with CaptureQueriesContext(connection) as context:
            started = time.perf_counter()
            response = self.client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{url} a répondu {response.status_code}")
        return elapsed, len(context.captured_queries)

    def measure(self, url, editor: Editor) -> Measure:
        measure = Measure(url=url)
        cold = {kind: ([], []) for kind in KINDS}
        for _ in range(self.runs):
            for kind in KINDS:  # alternated: a text fix, then a count change
                editor.save(kind)
                elapsed, queries = self.request(url)
                cold[kind][0].append(elapsed)
                cold[kind][1].append(queries)
        for kind, (timings, queries) in cold.items():
            measure.cold[kind] = {**summary(timings), "queries": max(queries)}
        self.request(url)  # warm-up
        timings = []
        for _ in range(self.runs):
            elapsed, measure.queries = self.request(url)
            timings.append(elapsed)
        warm = summary(timings)
        measure.median_ms, measure.p95_ms = warm["median_ms"], warm["p95_ms"]
        return measure

    def urls_for_size(self):
        urls = dict(PAGES)
        sheet = CaseStudy.objects.published().filter(slug__startswith=PREFIX).order_by("pk").first()
        urls["sheet"] = sheet.get_absolute_url()
        busiest = (
            Participation.objects.filter(territory__slug__startswith=PREFIX)
            .values("territory__slug")
            .annotate(sheets=Count("case"))
            .order_by("-sheets", "territory__slug")
            .first()
        )
        urls["territory"] = f"/territoires/{busiest['territory__slug']}/"
        for name, model in (("instrument", Instrument), ("theme", Theme)):
            busiest = model.objects.annotate(sheets=Count("cases")).order_by("-sheets", "pk")
            urls[name] = busiest.first().get_absolute_url()
        return urls

    def measure_export(self, url) -> dict:
        """Rows per second of a full export and growth of the process's resident memory.

        Memory is sampled from /proc (tracemalloc would slow the export several times over).
        CSV rows are counted by their line end; a JSON export yields one chunk per sheet
        between its opening and its closing.
        """
        baseline = peak = resident_mb()
        lines, chunks = CsvLines(), 0
        started = time.perf_counter()
        response = self.client.get(url)
        for chunk in response.streaming_content:
            lines.feed(chunk)
            chunks += 1
            if chunks % 500 == 0:
                peak = max(peak, resident_mb())
        seconds = time.perf_counter() - started
        if url.endswith(".csv"):
            rows = lines.count - 1
        elif url.endswith(".xlsx"):  # a zip: its rows are the sheets of every table
            rows = CaseStudy.objects.published().count()
        else:
            rows = chunks - 2
        return {
            "rows": rows,
            "seconds": round(seconds, 2),
            "rows_per_s": round(rows / seconds) if seconds else 0,
            "memory_mb": round(max(peak, resident_mb()) - baseline, 1),
        }

    def compare_with_datasette(self, report: SizeReport) -> None:
        if not datasette_comparison.available():
            report.datasette = {"error": "datasette n'est pas installé (extra dev : make install)"}
            return
        try:
            with tempfile.TemporaryDirectory(prefix="bench-datasette-") as directory:
                report.datasette = datasette_comparison.measure(
                    self.runs, Path(directory), progress=self.progress
                )
        except Exception as error:  # the comparison must not cost the app's figures
            report.datasette = {"error": f"{type(error).__name__} : {error}"}

    def run(self) -> dict:
        if self.reuse:
            self.progress("Catalogue synthétique existant gardé (--reuse).")
        else:
            self.progress("Effacement du catalogue synthétique précédent…")
            SyntheticCatalogue.clear()
        reports = []
        for size in self.sizes:
            SyntheticCatalogue.grow_to(
                size, seed=self.seed, progress=self.progress, pool_scale=self.pool_scale
            )
            report = SizeReport(size=size, sheets=CaseStudy.objects.published().count())
            editor = Editor(candidate_sheets(seed=self.seed + size))
            try:
                for name, url in self.urls_for_size().items():
                    if self.pages is not None and name not in self.pages and name != "floor":
                        continue
                    self.progress(f"N={size} : {name}…")
                    report.measures[name] = self.measure(url, editor)
            finally:
                editor.restore()
            report.saves = {
                **editor.saves,
                "mean_ms": round(1000 * editor.seconds / max(1, sum(editor.saves.values())), 1),
            }
            floor = report.measures["floor"].p95_ms or 1
            for measure in report.measures.values():
                measure.ratio_to_floor = round(measure.p95_ms / floor, 1)
            if self.export:
                for kind, url in EXPORTS.items():
                    self.progress(f"N={size} : export {kind.upper()}…")
                    report.exports[kind] = self.measure_export(url)
            if self.datasette:
                self.compare_with_datasette(report)
            reports.append(report)
        sizes = [asdict(report) for report in reports]
        return {
            "machine": {
                "python": platform.python_version(),
                "platform": platform.platform(),
                "processor": platform.processor() or platform.machine(),
                "database": connection.vendor,
            },
            "runs": self.runs,
            "sizes": sizes,
            "targets": targets(sizes, connection.vendor),
        }


def ratios(size: dict) -> dict[str, float]:
    """App / Datasette, per compared scenario: cold p95 of both, and the CSV export's duration."""
    datasette = size["datasette"]
    if not datasette or "error" in datasette:
        return {}
    result = {}
    for name, scenario in datasette["scenarios"].items():
        if name in size["measures"]:
            app = cold_p95(size["measures"][name])
            result[name] = round(app / max(scenario["cold"]["p95_ms"], 0.1), 2)
    if "csv" in size["exports"]:
        app = size["exports"]["csv"]["seconds"]
        result["export_csv"] = round(app / max(datasette["csv"]["seconds"], 0.01), 2)
    return result


def targets(sizes: list[dict], vendor: str) -> list[dict]:
    """The issue's targets (and those of the previous one), met (True), not met (False) or out of
    reach of this run (None: other database or size; the detail gives the figure measured)."""
    smallest, largest = sizes[0], sizes[-1]
    results = []

    def add(name, met, detail):
        results.append({"target": name, "met": met, "detail": detail})

    def worst(size, names, value):
        name = max(names, key=lambda n: value(size["measures"][n]))
        return name, value(size["measures"][name])

    public = [name for name in largest["measures"] if name != "floor"]
    for database, (at, limit) in COLD_P95_MS.items() if public else ():  # (--pages none)
        label = "PostgreSQL" if database == "postgresql" else "SQLite"
        reached = [s for s in sizes if s["size"] >= at * 0.9] if vendor == database else []
        size = reached[0] if reached else largest
        name, value = worst(size, public, cold_p95)
        detail = f"pire : {name} {value} ms à N={size['size']}"
        add(
            f"Froid p95 ≤ {limit} ms sur chaque page ({label}, {thousands(at)} fiches)",
            value <= limit if reached else None,
            detail if reached else f"autre base ou taille ; {detail}",
        )
    reached = [s for s in sizes if s["size"] >= 90_000] if vendor == "postgresql" else []
    size = reached[0] if reached else largest
    measured = all(n in size["measures"] for n in SEARCHES)
    values = ", ".join(f"{n} {cold_p95(size['measures'][n])} ms" for n in SEARCHES if measured)
    add(
        f"Recherche à froid p95 ≤ {SEARCH_COLD_P95_MS} ms, mot simple et mot mal orthographié "
        "(PostgreSQL, 100 000 fiches)",
        all(cold_p95(size["measures"][n]) <= SEARCH_COLD_P95_MS for n in SEARCHES)
        if reached and measured
        else None,
        (f"N={size['size']} : " if reached else f"autre base ou taille ; N={size['size']} : ")
        + values,
    )
    above = [
        f"{name} ×{size['measures'][name]['ratio_to_floor']} (N={size['size']})"
        for size in sizes
        for name in public
        if size["measures"][name]["ratio_to_floor"] > WARM_TIMES_FLOOR
    ]
    add(
        f"Chaud p95 ≤ {WARM_TIMES_FLOOR} × le plancher sur chaque page",
        not above,
        "toutes" if not above else "au-dessus : " + ", ".join(above),
    )

    varying = [
        n for n in smallest["measures"] if len({s["measures"][n]["queries"] for s in sizes}) > 1
    ]
    add(
        "Nombre de requêtes SQL (à chaud) identique à toutes les tailles",
        not varying,
        "tous identiques" if not varying else f"varient : {', '.join(varying)}",
    )
    if len(sizes) > 1 and "list_filters_facets" in smallest["measures"]:
        ratio = largest["measures"]["list_filters_facets"]["p95_ms"] / max(
            smallest["measures"]["list_filters_facets"]["p95_ms"], 0.1
        )
        add(
            f"Liste + 3 filtres + facettes : p95 à chaud à N={largest['size']} ≤ 2 × "
            f"p95 à N={smallest['size']}",
            ratio <= 2,
            f"rapport {ratio:.2f}",
        )

    for kind, export in largest["exports"].items():
        reached = vendor == "postgresql" and largest["size"] >= 90_000
        detail = f"{export['rows_per_s']} lignes/s à N={largest['size']}"
        add(
            f"Export {kind.upper()} ≥ {EXPORT_ROWS_PER_S} lignes/s (PostgreSQL, 100 000 fiches)",
            export["rows_per_s"] >= EXPORT_ROWS_PER_S if reached else None,
            detail if reached else f"autre base ou taille ; {detail}",
        )
        add(
            f"Export {kind.upper()} : croissance de la mémoire < {EXPORT_MEMORY_MB} Mo",
            export["memory_mb"] < EXPORT_MEMORY_MB,
            f"{export['memory_mb']} Mo pour {export['rows']} lignes en {export['seconds']} s",
        )

    if largest["datasette"]:
        error = largest["datasette"].get("error")
        for name, ratio in ratios(largest).items():
            add(
                f"Application / Datasette ≤ 1 : {name} (N={largest['size']})",
                ratio <= 1,
                f"rapport {ratio}",
            )
        if error:
            add("Comparaison avec Datasette", None, f"non mesurée : {error}")
    return results


def thousands(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def cell(timing: dict) -> str:
    return f"{timing['median_ms']:>8} {timing['p95_ms']:>8}"


def table(result: dict) -> str:
    lines = []
    for size in result["sizes"]:
        lines.append(
            f"\nN = {size['size']} fiches générées, {size['sheets']} fiches publiées "
            f"({result['runs']} mesures par cas)"
        )
        lines.append(
            f"{'':22} {'froid (texte)':>17} {'froid (comptes)':>17} {'chaud':>17} "
            f"{'':>9} {'SQL':>11}"
        )
        lines.append(
            f"{'scénario':22} {'médiane':>8} {'p95':>8} {'médiane':>8} {'p95':>8} "
            f"{'médiane':>8} {'p95':>8} {'×plancher':>9} {'froid/chaud':>11}"
        )
        for name, m in size["measures"].items():
            queries = f"{max(kind['queries'] for kind in m['cold'].values())}/{m['queries']}"
            lines.append(
                f"{name:22} {cell(m['cold'][TEXT])} {cell(m['cold'][COUNTS])} "
                f"{cell(m)} {m['ratio_to_floor']:>9} {queries:>11}"
            )
        saves = size["saves"]
        lines.append(
            f"Enregistrements : {saves[TEXT]} corrections de texte, {saves[COUNTS]} changements "
            f"de comptes, {saves['mean_ms']} ms chacun en moyenne (non comptés dans les mesures)"
        )
        for kind, export in size["exports"].items():
            lines.append(
                f"Export {kind.upper()} : {export['rows']} lignes en {export['seconds']} s, "
                f"{export['rows_per_s']} lignes/s, mémoire +{export['memory_mb']} Mo"
            )
        lines.extend(datasette_lines(size))
    lines.append("\nCibles :")
    for target in result["targets"]:
        state = {True: "atteinte", False: "NON atteinte", None: "sans objet"}[target["met"]]
        lines.append(f"- {target['target']} : {state} ({target['detail']})")
    return "\n".join(lines)


def datasette_lines(size: dict) -> list[str]:
    datasette = size["datasette"]
    if not datasette:
        return []
    if "error" in datasette:
        return [f"Datasette : non mesuré ({datasette['error']})"]
    lines = [
        f"Datasette ({datasette['rows']} fiches, base écrite en {datasette['write_seconds']} s) :"
    ]
    app_ratios = ratios(size)
    for name, scenario in datasette["scenarios"].items():
        app = size["measures"][name]
        lines.append(
            f"  {name:20} froid {cell(scenario['cold'])}  chaud {cell(scenario['warm'])}  "
            f"application froid p95 {cold_p95(app)} → rapport {app_ratios.get(name)}"
        )
    csv = datasette["csv"]
    lines.append(
        f"  export CSV : {csv['rows']} lignes en {csv['seconds']} s ({csv['rows_per_s']} "
        f"lignes/s) → rapport {app_ratios.get('export_csv')}"
    )
    return lines


def save(result: dict, path):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(result, handle, ensure_ascii=False, indent=2)
