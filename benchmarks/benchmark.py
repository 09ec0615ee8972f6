"""The benchmark behind ``make bench``: page timings and query counts as the catalogue grows.

For each size N, the synthetic catalogue is grown to N generated sheets, then each scenario is
requested through Django's test client (the full middleware stack, no network): one cold
request, one warm-up, then ``runs`` timed requests (median, p95) with their SQL query count.
A minimal view through the same stack gives the floor. The CSV export of every sheet is timed
once, with the growth of the process's resident memory. The report states each target as met or not.
"""

from __future__ import annotations

import json
import platform
import statistics
import time
from dataclasses import asdict, dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from benchmarks.synthetic import PREFIX, SyntheticCatalogue
from casestudies.models import CaseStudy, Participation

SCENARIOS = {
    "floor": "/sante/",
    "list": "/fiches/",
    "list_filters_facets": "/fiches/?theme=mobilite&region=bretagne&status=active",
    "search": "/fiches/?q=alimentation+circuits",
    "sheet": None,  # a generated sheet, chosen per size
    "territory": None,  # the generated territory with the most sheets
    "map": "/carte/",
    "statistics": "/statistiques/",
    "api_list": "/api/fiches/",
}


@dataclass
class Measure:
    url: str
    cold_ms: float
    median_ms: float
    p95_ms: float
    queries: int
    ratio_to_floor: float = 0.0


@dataclass
class SizeReport:
    sheets: int
    measures: dict[str, Measure] = field(default_factory=dict)
    export_seconds: float = 0.0
    export_peak_mb: float = 0.0
    export_rows: int = 0


def resident_mb() -> float:
    """Resident memory of this process in MB (Linux), 0 elsewhere."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))
    return ordered[index]


class Benchmark:
    def __init__(self, sizes, runs=15, seed=1, export=True, progress=print, pool_scale=1.0):
        self.sizes = sorted(sizes)
        self.pool_scale = pool_scale
        self.runs = runs
        self.seed = seed
        self.export = export
        self.progress = progress
        self.client = Client(HTTP_HOST="localhost")

    def grow_to(self, size):
        present = CaseStudy.objects.filter(slug__startswith=PREFIX).count()
        if present < size:
            self.progress(f"Génération de {size - present} fiches (vers {size})…")
            SyntheticCatalogue(
                size - present, seed=self.seed + present, progress=self.progress
            ).run()

    def request(self, url):
        connection.queries_log.clear()  # the log keeps 9,000 queries at most: count from zero
        with CaptureQueriesContext(connection) as context:
            started = time.perf_counter()
            response = self.client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{url} a répondu {response.status_code}")
        if getattr(response, "streaming", False):
            for _chunk in response.streaming_content:
                pass
        return elapsed, len(context.captured_queries)

    def measure(self, url) -> Measure:
        cold, _queries = self.request(url)
        self.request(url)  # warm-up
        timings, queries = [], 0
        for _ in range(self.runs):
            elapsed, queries = self.request(url)
            timings.append(elapsed)
        return Measure(
            url=url,
            cold_ms=round(cold, 1),
            median_ms=round(statistics.median(timings), 1),
            p95_ms=round(percentile(timings, 0.95), 1),
            queries=queries,
        )

    def urls_for_size(self):
        urls = dict(SCENARIOS)
        sheet = CaseStudy.objects.published().filter(slug__startswith=PREFIX).order_by("pk").first()
        urls["sheet"] = sheet.get_absolute_url()
        busiest = (
            Participation.objects.filter(territory__slug__startswith=PREFIX)
            .values("territory__slug")
            .order_by("territory__slug")
            .first()
        )
        urls["territory"] = f"/territoires/{busiest['territory__slug']}/"
        return urls

    def measure_export(self, report: SizeReport):
        """Time of the full CSV export and growth of the process's resident memory during it.

        Memory is sampled from /proc (tracemalloc would slow the export several times over).
        """
        baseline = resident_mb()
        peak = baseline
        rows = -1
        started = time.perf_counter()
        response = self.client.get("/fiches/export.csv")
        for chunk in response.streaming_content:
            rows += chunk.count(b"\n")
            if rows % 1000 == 0:
                peak = max(peak, resident_mb())
        report.export_seconds = round(time.perf_counter() - started, 1)
        report.export_peak_mb = round(max(peak, resident_mb()) - baseline, 1)
        report.export_rows = rows

    def run(self) -> dict:
        self.progress("Effacement du catalogue synthétique précédent…")
        SyntheticCatalogue.clear()
        reports = []
        for size in self.sizes:
            self.grow_to(size)
            report = SizeReport(sheets=CaseStudy.objects.published().count())
            for name, url in self.urls_for_size().items():
                self.progress(f"N={size} : {name}…")
                report.measures[name] = self.measure(url)
            floor = report.measures["floor"].p95_ms or 1
            for measure in report.measures.values():
                measure.ratio_to_floor = round(measure.p95_ms / floor, 1)
            if self.export:
                self.progress(f"N={size} : export CSV…")
                self.measure_export(report)
            reports.append(report)
        return {
            "machine": {
                "python": platform.python_version(),
                "platform": platform.platform(),
                "processor": platform.processor() or platform.machine(),
                "database": connection.vendor,
            },
            "runs": self.runs,
            "sizes": [asdict(report) for report in reports],
            "targets": targets(reports, connection.vendor),
        }


def targets(reports: list[SizeReport], vendor: str) -> list[dict]:
    smallest, largest = reports[0], reports[-1]
    results = []

    def add(name, met, detail):
        results.append({"target": name, "met": met, "detail": detail})

    names = smallest.measures.keys()
    varying = [n for n in names if len({r.measures[n].queries for r in reports}) > 1]
    add(
        "Nombre de requêtes SQL identique à toutes les tailles",
        not varying,
        "tous identiques" if not varying else f"varient : {', '.join(varying)}",
    )
    if len(reports) > 1:
        ratio = largest.measures["list_filters_facets"].p95_ms / max(
            smallest.measures["list_filters_facets"].p95_ms, 0.1
        )
        add(
            f"Liste + 3 filtres + facettes : p95 à {largest.sheets} ≤ 2 × p95 à {smallest.sheets}",
            ratio <= 2,
            f"rapport {ratio:.2f}",
        )
        ratio = largest.measures["search"].p95_ms / max(smallest.measures["search"].p95_ms, 0.1)
        add(
            f"Recherche ({vendor}) : p95 à {largest.sheets} ≤ 3 × p95 à {smallest.sheets}",
            ratio <= 3 if vendor == "postgresql" else None,
            f"rapport {ratio:.2f}"
            + ("" if vendor == "postgresql" else " (cible fixée pour PostgreSQL)"),
        )
    ten_thousand = next((r for r in reports if 9000 <= r.sheets <= 11000), None)
    if ten_thousand:
        ratio = ten_thousand.measures["list"].ratio_to_floor
        add("Liste : p95 ≤ 10 × le plancher à 10 000 fiches", ratio <= 10, f"rapport {ratio}")
    if largest.export_rows:
        add(
            f"Export CSV de {largest.export_rows} fiches : croissance de la mémoire < 50 Mo",
            largest.export_peak_mb < 50,
            f"{largest.export_peak_mb} Mo en {largest.export_seconds} s",
        )
    return results


def table(result: dict) -> str:
    lines = []
    for size in result["sizes"]:
        lines.append(f"\nN = {size['sheets']} fiches publiées")
        lines.append(
            f"{'scénario':24} {'froid':>9} {'médiane':>9} {'p95':>9} {'×plancher':>9} {'SQL':>4}"
        )
        for name, m in size["measures"].items():
            lines.append(
                f"{name:24} {m['cold_ms']:>9} {m['median_ms']:>9} {m['p95_ms']:>9} "
                f"{m['ratio_to_floor']:>9} {m['queries']:>4}"
            )
        if size["export_rows"]:
            lines.append(
                f"export CSV : {size['export_rows']} lignes en {size['export_seconds']} s, "
                f"mémoire +{size['export_peak_mb']} Mo"
            )
    lines.append("\nCibles :")
    for target in result["targets"]:
        state = {True: "atteinte", False: "NON atteinte", None: "sans objet"}[target["met"]]
        lines.append(f"- {target['target']} : {state} ({target['detail']})")
    return "\n".join(lines)


def save(result: dict, path):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(result, handle, ensure_ascii=False, indent=2)
