"""Server capacity on cheap queries, measured with wrk (a C load client) instead of Python clients.

The main benchmark's clients are Python threads sharing the 2 cores with the server; on
cheap queries they are the bottleneck of every system. wrk costs the machine little per
request, so what it measures is the servers' own per-request cost. Three servers side by
side: govgraph, `oxigraph serve`, and the floor of any pyoxigraph app served the way govgraph
is — `bench/bare_wsgi.py` (no Flask, no checks) under the same gunicorn settings.

    wrk must be installed (Debian: apt-get install wrk); without it this part is skipped.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from bench.sparql_endpoints import QUERIES, BenchDataset, GovgraphServer, GunicornPyoxigraph, OxigraphServer

CAPACITY_QUERIES = ("ask", "point")


@dataclass(frozen=True)
class WrkResult:
    """One wrk run: requests per second and latency percentiles."""

    system: str
    query: str
    throughput: float
    p50_ms: float
    p99_ms: float
    non_2xx: int


def _milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(system: str, url: str, query_name: str, query: str, accept: str, seconds: int) -> WrkResult:
    """wrk with 2 threads and 8 connections (the main benchmark's 8 clients), GET per the SPARQL Protocol."""
    output = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", "-H", f"Accept: {accept}", f"{url}?query={quote(query)}"],
        check=True, capture_output=True, text=True,
    ).stdout
    return parse_wrk_output(system, query_name, output)


def parse_wrk_output(system: str, query_name: str, output: str) -> WrkResult:
    """Requests/sec, the 50% and 99% latencies and the non-2xx count from wrk's `--latency` report."""
    throughput = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return WrkResult(system, query_name, throughput, p50, p99, int(non_2xx.group(1)) if non_2xx else 0)


def measure_capacity(dataset: BenchDataset, log_dir: Path, progress: Callable[[str], None] = print) -> list[WrkResult]:
    """wrk against each server on the cheap queries; nothing without wrk."""
    results: list[WrkResult] = []
    if shutil.which("wrk") is None:
        return results
    for system in (GovgraphServer(), GunicornPyoxigraph(), OxigraphServer()):
        system.start(dataset, log_dir)
        try:
            for query in (q for q in QUERIES if q.name in CAPACITY_QUERIES):
                text = query.text(dataset.id_base)
                run_wrk(system.name, system.url, query.name, text, query.accept, seconds=1)  # warm up
                # This machine's throughput swings by up to 2x between runs: report the median of three.
                runs = sorted((run_wrk(system.name, system.url, query.name, text, query.accept, seconds=3) for _ in range(3)),
                              key=lambda run: run.throughput)
                result = runs[1]
                progress(f"  wrk {system.name:>18} {query.name:>6}: {result.throughput:9.1f} req/s  p50 {result.p50_ms:.2f} ms  "
                         f"p99 {result.p99_ms:.2f} ms{f'  ({result.non_2xx} non-2xx)' if result.non_2xx else ''}")
                results.append(result)
        finally:
            system.stop()
    return results


def capacity_markdown(results: list[WrkResult]) -> str:
    """A table per query with each server's capacity and its ratio to Oxigraph server's."""
    if not results:
        return "wrk is not installed (Debian: `apt-get install wrk`): server capacity not measured.\n"
    lines = ["| query | server | req/s | p50 ms | p99 ms | ÷ oxigraph (req/s) |", "|---|---|---|---|---|---|"]
    for query in CAPACITY_QUERIES:
        oxigraph = next((r for r in results if r.query == query and r.system == "oxigraph"), None)
        for result in (r for r in results if r.query == query):
            ratio = f"{result.throughput / oxigraph.throughput:.2f}×" if oxigraph else "–"
            errors = f" ({result.non_2xx} non-2xx)" if result.non_2xx else ""
            lines.append(f"| {query} | {result.system} | {result.throughput:,.0f}{errors} | {result.p50_ms:.2f} | {result.p99_ms:.2f} | {ratio} |")
    return "\n".join(lines) + "\n"

