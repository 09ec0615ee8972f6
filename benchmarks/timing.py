"""Small measuring helpers shared by the benchmark and the Datasette comparison."""

from __future__ import annotations

import statistics


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(timings) -> dict:
    """Median and p95 of timings in milliseconds."""
    return {
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
    }


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


class CsvLines:
    """Counts CSV records in a stream of bytes by their « \\r\\n » end (Python's csv and
    Datasette's), even across chunks; a line break inside a field is a plain « \\n »."""

    def __init__(self):
        self.count = 0
        self.last = b""

    def feed(self, chunk: bytes) -> None:
        self.count += chunk.count(b"\r\n") + (self.last == b"\r" and chunk[:1] == b"\n")
        self.last = chunk[-1:]
