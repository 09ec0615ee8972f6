"""The same published sheets served by Datasette, timed in the same run as the app (make bench).

The published sheets are written to a denormalised SQLite file: one row per sheet, its facets
as JSON arrays of slugs or codes, an FTS5 index on title and summary. ``datasette serve -i``
(immutable: no write check, row counts cached) serves it on a free port of 127.0.0.1, and three
requests are timed over HTTP: the table filtered on three facets with three array facets, a
search, and the full CSV export.

Cold, for Datasette: it caches no result, so a query is cold the first time a process runs it.
Each cold sample restarts the server, then asks for the same table page with a filter that
selects no row (facet and search included), so that starting Python and compiling templates
are not counted; the measured request is the first of its query in that process. The warm
figures are repeats on the last process.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

from benchmarks.timing import CsvLines, summary
from casestudies.models import CaseStudy, InstrumentUse, Participation

DATABASE = "bench"
TABLE = "sheets"
SEARCH_WORD = "coopération"
# The app's list_filters_facets: ?theme=mobilite&region=bretagne&status=active.
FILTERED = (
    f"/{DATABASE}/{TABLE}?themes__arraycontains=mobilite&regions__arraycontains=bretagne"
    "&status=active&_facet_array=themes&_facet_array=instruments&_facet_array=regions"
    "&_sort_desc=published_at&_size=20"
)
SCENARIOS = {
    "list_filters_facets": FILTERED,
    "search": f"/{DATABASE}/{TABLE}?_search={quote(SEARCH_WORD)}&_size=20",
}
CSV = f"/{DATABASE}/{TABLE}.csv?_stream=on&_size=max"
# Same pages and templates as the scenarios, on no row: what a process loads once.
WARM_UP = f"/{DATABASE}/{TABLE}?id=-1&_facet_array=themes&_search=xyzzy"
SETTINGS = {
    # Datasette's defaults stop a facet after 200 ms and a query after 1 s and show the page
    # without it: the comparison needs every facet computed, as the app does.
    "facet_time_limit_ms": 600000,
    "sql_time_limit_ms": 600000,
    "max_csv_mb": 0,
    # The app suggests no facet; Datasette would run a query per column to do so.
    "suggest_facets": "off",
}


def available() -> bool:
    return importlib.util.find_spec("datasette") is not None


def arrays() -> dict[str, object]:
    """Column → (sheet id, value) pairs of the published sheets, as the app's filters see them."""
    through = CaseStudy.themes.through.objects
    ids = CaseStudy.objects.published().values("pk")
    parties = Participation.objects.filter(case__in=ids)
    return {
        # A root theme also selects its sub-themes' sheets (filters.theme_matching).
        "themes": [
            through.filter(casestudy__in=ids).values_list("casestudy_id", "theme__slug"),
            through.filter(casestudy__in=ids).values_list("casestudy_id", "theme__parent__slug"),
        ],
        "instruments": [
            InstrumentUse.objects.filter(case__in=ids).values_list("case_id", "instrument__slug")
        ],
        "territory_kinds": [parties.values_list("case_id", "territory__kind")],
        "organisation_kinds": [parties.values_list("case_id", "organisation__kind")],
        "regions": [parties.values_list("case_id", "territory__regions__slug")],
        "departements": [parties.values_list("case_id", "territory__departements__insee_code")],
        "coop_types": [
            CaseStudy.cooperation_types.through.objects.filter(casestudy__in=ids).values_list(
                "casestudy_id", "cooperationtype__slug"
            )
        ],
    }


def write_database(path: Path) -> int:
    """Write the published sheets to ``path`` (replaced); returns the number of rows."""
    values: dict[str, dict[int, set]] = {}
    for column, querysets in arrays().items():
        values[column] = defaultdict(set)
        for queryset in querysets:
            for case, value in queryset.distinct().iterator(chunk_size=10000):
                if value is not None:
                    values[column][case].add(sys.intern(value))
    path.unlink(missing_ok=True)
    database = sqlite3.connect(path)
    columns = list(values)
    database.execute(
        f"CREATE TABLE {TABLE} (id INTEGER PRIMARY KEY, slug TEXT, title TEXT, summary TEXT, "
        f"start_year INTEGER, status TEXT, published_at TEXT, {', '.join(columns)})"
    )
    rows = (
        (
            pk, slug, title, summary, year, status, published.isoformat() if published else None,
            *(json.dumps(sorted(values[column][pk]), ensure_ascii=False) for column in columns),
        )
        for pk, slug, title, summary, year, status, published in CaseStudy.objects.published()
        .values_list("pk", "slug", "title", "summary", "start_year", "cooperation_status",
                     "published_at")
        .iterator(chunk_size=2000)
    )  # fmt: skip
    placeholders = ", ".join("?" * (7 + len(columns)))
    with database:
        database.executemany(f"INSERT INTO {TABLE} VALUES ({placeholders})", rows)
        # What sqlite-utils' enable_fts() writes: an external-content FTS5 table.
        database.execute(
            f'CREATE VIRTUAL TABLE {TABLE}_fts USING fts5(title, summary, content="{TABLE}", '
            'content_rowid="id")'
        )
        database.execute(
            f"INSERT INTO {TABLE}_fts (rowid, title, summary) SELECT id, title, summary "
            f"FROM {TABLE}"
        )
        database.execute(f"CREATE INDEX {TABLE}_status ON {TABLE} (status)")
        database.execute(f"CREATE INDEX {TABLE}_published_at ON {TABLE} (published_at)")
    database.execute("ANALYZE")
    count = database.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]
    database.close()
    return count


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, timeout: float = 600) -> tuple[float, bytes]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=timeout) as response:
        body = response.read()
    return (time.perf_counter() - started) * 1000, body


class Server:
    """``datasette serve -i`` on a free port of 127.0.0.1, as a subprocess."""

    def __init__(self, path: Path):
        self.path = path
        self.process: subprocess.Popen | None = None
        self.log = path.with_suffix(".log")
        self.base = ""

    def start(self) -> None:
        port = free_port()
        command = [sys.executable, "-m", "datasette", "serve", "-i", str(self.path)]
        command += ["-h", "127.0.0.1", "-p", str(port)]
        for name, value in SETTINGS.items():
            command += ["--setting", name, str(value)]
        with open(self.log, "wb") as log:  # the child keeps its own handle
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"Datasette s'est arrêté au démarrage :\n{output}")
            try:
                fetch(self.base + "/-/versions.json", timeout=2)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("Datasette n'a pas répondu en 60 s.")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()
        # The process warm (Python, templates, the database opened and counted) on a request
        # that selects no row: the measured query is the first of its kind in the process.
        fetch(self.base + WARM_UP)

    def get(self, path: str) -> tuple[float, bytes]:
        return fetch(self.base + path)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def measure(runs: int, directory: Path, progress=print) -> dict:
    """Cold and warm timings of the scenarios and the full CSV export, on the published sheets
    of the configured database."""
    path = directory / f"{DATABASE}.db"
    progress("Datasette : écriture de la base dénormalisée…")
    started = time.perf_counter()
    rows = write_database(path)
    result = {
        "rows": rows,
        "write_seconds": round(time.perf_counter() - started, 1),
        "scenarios": {},
    }
    with Server(path) as server:
        for name, url in SCENARIOS.items():
            progress(f"Datasette : {name}…")
            cold = []
            for _ in range(runs):
                server.restart()
                cold.append(server.get(url)[0])
            server.get(url)  # warm-up
            warm = [server.get(url)[0] for _ in range(runs)]
            result["scenarios"][name] = {"url": url, "cold": summary(cold), "warm": summary(warm)}
        progress("Datasette : export CSV…")
        started = time.perf_counter()
        lines = CsvLines()
        with urllib.request.urlopen(server.base + CSV, timeout=3600) as response:
            while chunk := response.read(1 << 16):
                lines.feed(chunk)
        seconds = time.perf_counter() - started
        exported = lines.count - 1  # the header
        result["csv"] = {
            "rows": exported,
            "seconds": round(seconds, 2),
            "rows_per_s": round(exported / seconds) if seconds else 0,
        }
    return result
