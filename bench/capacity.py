"""Server capacity measured with wrk (a C load client) instead of Python clients.

The main benchmark's clients are Python threads sharing the 2 cores with the server; on
cheap queries they are the bottleneck of every system. wrk costs the machine little per
request, so what it measures is the servers' own per-request cost. It sends GET requests
per the SPARQL Protocol with the same Accept header as the Python client; in cold mode a Lua
script numbers each request's text (and walks through the municipalities for the point
lookup), exactly as `bench.sparql_endpoints.TextSource` does.

    wrk must be installed (Debian: apt-get install wrk); without it this part is skipped.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from urllib.parse import quote, urlparse

from bench.sparql_endpoints import DORTMUND, BenchDataset, BenchQuery, Cell, HttpSystem, TextSource


@dataclass(frozen=True)
class WrkResult:
    """One wrk run: requests per second and latency percentiles."""

    system: str
    query: str
    throughput: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    requests: int = 0


def _milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk_output(system: str, query_name: str, output: str) -> WrkResult:
    """Requests/sec, the 50% and 99% latencies and the non-2xx count from wrk's `--latency` report."""
    throughput = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    requests = re.search(r"(\d+) requests in", output)
    return WrkResult(system, query_name, throughput, p50, p99, int(non_2xx.group(1)) if non_2xx else 0,
                     int(requests.group(1)) if requests else 0)


def cold_script(path: str, query: BenchQuery, dataset: BenchDataset, first: int) -> str:
    """A wrk Lua script whose every request is a text no server has seen: TextSource's, numbered from `first`."""
    source = TextSource(query, dataset, "cold")
    municipalities = dataset.municipalities if query.name == "point" else (DORTMUND,)
    # The text of number n is the query for municipality n mod len, then "\n# request n": split around the number.
    prefixes = [quote(source.query.text(dataset.id_base, name) + "\n# request ", safe="") for name in municipalities]
    table = ",\n".join(f'"{path}?query={prefix}"' for prefix in prefixes)
    return (f"local paths = {{\n{table}\n}}\nlocal n = {first}\n"
            "request = function()\n  n = n + 1\n  return wrk.format(\"GET\", paths[(n % #paths) + 1] .. n)\nend\n")


def run_wrk(system: HttpSystem, query: BenchQuery, dataset: BenchDataset, mode: str, seconds: int, first: int = 0) -> WrkResult:
    """wrk with 2 threads and 8 connections (the main benchmark's 8 clients)."""
    url = system.url
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", "-H", f"Accept: {query.accept}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        if mode == "cold":
            script.write(cold_script(urlparse(url).path, query, dataset, first))
            script.flush()
            command += ["-s", script.name, url]
        else:
            command.append(f"{url}?query={quote(query.text(dataset.id_base), safe='')}")
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return parse_wrk_output(system.name, query.name, output)


_runs = iter(range(10**9, 10**12, 10**8))  # cold numbers of wrk runs, apart from the Python client's


def wrk_cell(system: HttpSystem, query: BenchQuery, dataset: BenchDataset, mode: str, answers: int, seconds: int) -> Cell | None:
    """A wrk cell: a 1 s warm-up, then the median of three runs (this machine's throughput swings between runs)."""
    if shutil.which("wrk") is None:
        return None
    run_wrk(system, query, dataset, mode, 1, next(_runs))
    runs = sorted((run_wrk(system, query, dataset, mode, seconds, next(_runs)) for _ in range(3)), key=lambda run: run.throughput)
    result = runs[1]
    return Cell(dataset.name, system.name, query.name, mode, "wrk", answers, result.requests, result.non_2xx, float(seconds),
                result.throughput, result.p50_ms, result.p99_ms, False)
