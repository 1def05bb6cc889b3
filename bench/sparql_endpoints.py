"""Benchmark 1 (issues 3 and 13): govgraph's SPARQL endpoint against its peers, same data, same load.

Systems: raw pyoxigraph in this process (in memory: the limit), `govgraph serve` (granian), a
bare WSGI app on pyoxigraph under the same granian settings (`bench/bare_wsgi.py`: what granian itself costs), and `oxigraph serve` (in
memory, data POSTed to its Graph Store endpoint). Every system answers the same query mix from
the same N-Quads file, whose default graph is the union of its named graphs (as `govgraph build`
writes it); one load client (bench.load: 8 threads, keep-alive sessions,
bounded requests and a time cap per cell), all systems running at once and taking turns.
Each query runs in two modes: **cold**, every request a different query text (a different
municipality for the point lookup, a numbered comment for the others), so no cache can help,
and **repeated**, the same text every time (a portal polling). Before timing, each system's
answer size is checked against raw pyoxigraph's, so a fast wrong answer cannot win.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Protocol

import pyoxigraph
import requests

from bench import RESULTS_DIR
from bench.load import CLIENTS, CellResult, http_worker_factory, merge_cells, run_cell
from bench.processes import (
    child_pids,
    free_port,
    process_memory,
    start_server,
    stop,
    venv_executable,
    wait_until_answering,
    wait_until_serving,
)
from graph.config import REPO_ROOT

PREFIXES = """PREFIX gg: <https://w3id.org/govgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
SELECT_ACCEPT = "application/sparql-results+json"
DORTMUND = "gemeinde-05913000"
MODES = ("cold", "repeated")
CONSTRUCT_ACCEPT = "application/n-triples"


@dataclass(frozen=True)
class BenchQuery:
    """One query of the mix; `id_base` is filled in per dataset."""

    name: str
    description: str
    template: str
    construct: bool = False

    def text(self, id_base: str, municipality: str = DORTMUND) -> str:
        return PREFIXES + self.template.replace("{ID}", id_base).replace("{MUNICIPALITY}", municipality)

    @property
    def accept(self) -> str:
        return CONSTRUCT_ACCEPT if self.construct else SELECT_ACCEPT


QUERIES = (
    BenchQuery(
        "point",
        "point lookup: every statement about Dortmund",
        "SELECT ?p ?o WHERE { <{ID}organization/{MUNICIPALITY}> ?p ?o }",
    ),
    BenchQuery(
        "coordinates",
        "2-hop join: who coordinates what (office, its municipality, the unit, labels)",
        """SELECT ?office ?officeLabel ?municipality ?unit ?unitLabel WHERE {
  ?coordination a gg:Coordination ; org:member ?office ; org:organization ?unit .
  ?office org:subOrganizationOf ?municipality ; skos:prefLabel ?officeLabel .
  ?municipality a gg:Municipality .
  ?unit skos:prefLabel ?unitLabel .
  FILTER(lang(?officeLabel) = "de" && lang(?unitLabel) = "de")
}""",
    ),
    BenchQuery(
        "aggregate",
        "GROUP BY: member municipalities and their population per organisation",
        """SELECT ?organization (COUNT(DISTINCT ?member) AS ?members) (SUM(?population) AS ?inhabitants) WHERE {
  ?membership a org:Membership ; org:organization ?organization ; org:member ?member .
  ?member a gg:Municipality ; gg:population ?population .
} GROUP BY ?organization ORDER BY DESC(?members) LIMIT 50""",
    ),
    BenchQuery(
        "date_filter",
        "date filter: memberships running on 2025-06-30 (begin <= day, end open or >= day)",
        """SELECT ?membership ?member ?organization WHERE {
  ?membership org:member ?member ; org:organization ?organization ; org:memberDuring ?interval .
  ?interval time:hasBeginning/time:inXSDDate ?begin .
  FILTER(STR(?begin) <= "2025-06-30")
  OPTIONAL { ?interval time:hasEnd/time:inXSDDate ?end }
  FILTER(!BOUND(?end) || STR(?end) >= "2025-06-30")
}""",
    ),
    BenchQuery(
        "property_path",
        "property path: municipalities in each network, directly or through its units (subOrganizationOf*)",
        """SELECT DISTINCT ?network ?municipality WHERE {
  ?network a gg:Network .
  ?membership org:member ?municipality ; org:organization/org:subOrganizationOf* ?network .
  ?municipality a gg:Municipality .
}""",
    ),
    BenchQuery(
        "construct",
        "CONSTRUCT: every coordination with its interval dates and the coordinated unit's label",
        """CONSTRUCT {
  ?coordination a gg:Coordination ; org:member ?office ; org:organization ?unit ; org:memberDuring ?interval .
  ?interval time:hasBeginning ?begin . ?begin time:inXSDDate ?beginDate . ?unit rdfs:label ?label .
} WHERE {
  ?coordination a gg:Coordination ; org:member ?office ; org:organization ?unit .
  OPTIONAL { ?coordination org:memberDuring ?interval . ?interval time:hasBeginning ?begin . ?begin time:inXSDDate ?beginDate }
  OPTIONAL { ?unit rdfs:label ?label }
}""",
        construct=True,
    ),
    BenchQuery(
        "ask",
        "diagnostic, not in the mix: ASK {} measures per-request overhead alone",
        "ASK {}",
    ),
)
MIX = tuple(query.name for query in QUERIES if query.name != "ask")


@dataclass(frozen=True)
class BenchDataset:
    """One dataset every system is loaded with."""

    name: str
    nquads: Path
    triples: int
    data_dir: Path  # a govgraph data dir whose `current` store holds the same quads
    id_base: str
    municipalities: tuple[str, ...] = (DORTMUND,)  # local names of its municipalities, for cold point lookups


class TextSource:
    """The query texts of one cell: the same text each time (repeated) or a new one each time (cold).

    Cold texts are numbered: the point lookup asks for the next municipality, every other query
    gets a comment with the number (the same work for the engine, a text no cache has seen).
    """

    def __init__(self, query: BenchQuery, dataset: BenchDataset, mode: str, start: int = 0):
        self.query, self.dataset, self.mode = query, dataset, mode
        self._numbers = itertools.count(start)
        self._lock = threading.Lock()
        self.first = self.text(start) if mode == "cold" else query.text(dataset.id_base)

    def text(self, number: int) -> str:
        municipalities = self.dataset.municipalities
        municipality = municipalities[number % len(municipalities)] if self.query.name == "point" else DORTMUND
        return self.query.text(self.dataset.id_base, municipality) + f"\n# request {number}"

    def __call__(self) -> str:
        if self.mode == "repeated":
            return self.first
        with self._lock:
            number = next(self._numbers)
        return self.text(number)


@dataclass(frozen=True)
class Budget:
    """How much load one cell gets, split over rounds taken in turns with the other systems."""

    max_requests: int
    max_seconds: float
    rounds: int = 3


def count_answers(body: bytes, construct: bool) -> int:
    """Rows of a SPARQL JSON result (1 for ASK), or triples of an N-Triples body."""
    if construct:
        return sum(1 for line in body.splitlines() if line.strip() and not line.startswith(b"#"))
    document = json.loads(body)
    return 1 if "boolean" in document else len(document["results"]["bindings"])


class System(Protocol):
    name: str

    def start(self, dataset: BenchDataset, log_dir: Path) -> None: ...
    def worker_factory(self, query: BenchQuery, texts: "TextSource") -> Callable[[], Callable[[], None]]: ...
    def answer_size(self, query: BenchQuery, id_base: str) -> int: ...
    def stop(self) -> None: ...


class InProcessPyoxigraph:
    """pyoxigraph called directly by the client threads, on an in-memory store: the limit any HTTP front end approaches."""

    name = "pyoxigraph"

    def __init__(self) -> None:
        self.store: pyoxigraph.Store | None = None

    def start(self, dataset: BenchDataset, log_dir: Path) -> None:
        self.store = pyoxigraph.Store()
        self.store.bulk_load(path=str(dataset.nquads), format=pyoxigraph.RdfFormat.N_QUADS)

    def _run(self, sparql: str, construct: bool) -> bytes:
        assert self.store is not None
        result = self.store.query(sparql)  # the default graph holds the union, as `govgraph build` writes it
        if construct:
            return result.serialize(format=pyoxigraph.RdfFormat.N_TRIPLES)
        return result.serialize(format=pyoxigraph.QueryResultsFormat.JSON)

    def worker_factory(self, query: BenchQuery, texts: TextSource):
        return lambda: (lambda: self._run(texts(), query.construct))

    def answer_size(self, query: BenchQuery, id_base: str) -> int:
        return count_answers(self._run(query.text(id_base), query.construct), query.construct)

    def stop(self) -> None:
        self.store = None


class HttpSystem:
    """A SPARQL 1.1 Protocol server in its own process."""

    name = "http"
    url = ""

    def __init__(self) -> None:
        self.process = None

    def worker_factory(self, query: BenchQuery, texts: TextSource):
        return http_worker_factory(self.url, texts, query.accept)

    def answer_size(self, query: BenchQuery, id_base: str) -> int:
        response = requests.post(self.url, data={"query": query.text(id_base)}, headers={"Accept": query.accept}, timeout=600)
        if response.status_code != 200:
            raise RuntimeError(f"{self.name} answered {response.status_code} to {query.name}: {response.text[:300]}")
        return count_answers(response.content, query.construct)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None


class GovgraphServer(HttpSystem):
    """`govgraph serve` (granian, its defaults) on the dataset's govgraph data dir, as a user runs it."""

    name = "govgraph"
    SPARQL_PATH = "/sparql"
    startup_seconds = 0.0

    def start(self, dataset: BenchDataset, log_dir: Path) -> None:
        port = free_port()
        log = log_dir / f"govgraph-{dataset.name}.log"
        env = {**os.environ, "GOVGRAPH_DATA_DIR": str(dataset.data_dir), "GOVGRAPH_BASE_IRI": dataset.id_base.removesuffix("/id/")}
        started = time.monotonic()
        self.process = start_server([venv_executable("govgraph"), "serve", "--host", "127.0.0.1", "--port", str(port)], log, env)
        self.url = f"http://127.0.0.1:{port}{self.SPARQL_PATH}"
        wait_until_serving(self.url, self.process, log, seconds=300)
        self.startup_seconds = time.monotonic() - started

    def memory(self) -> dict[str, dict[str, float]]:
        """MB of resident, proportional and private memory of the supervisor and each worker."""
        assert self.process is not None
        return {"supervisor": process_memory(self.process.pid),
                **{f"worker {pid}": process_memory(pid) for pid in child_pids(self.process.pid)}}


class GranianPyoxigraph(HttpSystem):
    """`bench/bare_wsgi.py` under granian with `govgraph serve`'s settings: granian + pyoxigraph without govgraph's app."""

    name = "granian+pyoxigraph"

    def start(self, dataset: BenchDataset, log_dir: Path) -> None:
        port = free_port()
        log = log_dir / f"granian-pyoxigraph-{dataset.name}.log"
        command = [
            venv_executable("granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
            "--workers", "2", "--blocking-threads", "8", "--working-dir", str(REPO_ROOT), "bench.bare_wsgi:app",
        ]
        self.process = start_server(command, log, {**os.environ, "BENCH_NQUADS": str(dataset.nquads.resolve())})
        self.url = f"http://127.0.0.1:{port}/sparql"
        wait_until_serving(self.url, self.process, log, seconds=300)


class OxigraphServer(HttpSystem):
    """`oxigraph serve` with an in-memory store, loaded over its Graph Store endpoint (the default graph holds the union)."""

    name = "oxigraph"

    def start(self, dataset: BenchDataset, log_dir: Path) -> None:
        port = free_port()
        log = log_dir / f"oxigraph-{dataset.name}.log"
        self.process = start_server(
            [venv_executable("oxigraph"), "serve", "--bind", f"127.0.0.1:{port}"], log
        )
        base = f"http://127.0.0.1:{port}"
        self.url = base + "/query"
        wait_until_answering(self.url, self.process, log)
        with open(dataset.nquads, "rb") as data:
            response = requests.post(base + "/store", data=data, headers={"Content-Type": "application/n-quads"}, timeout=600)
        response.raise_for_status()


@dataclass
class Cell:
    """One measured (dataset, system, query, mode, load client) cell, as stored in the JSON results."""

    dataset: str
    system: str
    query: str
    mode: str  # cold | repeated
    client: str  # python | wrk
    answers: int
    requests: int
    errors: int
    seconds: float
    throughput: float
    p50_ms: float
    p99_ms: float
    capped_by_time: bool
    first_error: str = ""
    clients: int = CLIENTS


@dataclass
class EndpointResults:
    """Every cell of a run, govgraph's start-up and memory, and what went wrong before timing."""

    clients: int = CLIENTS
    cells: list[Cell] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    datasets: dict[str, int] = field(default_factory=dict)
    load_averages: list[str] = field(default_factory=list)  # 1-minute load when each system started
    startup_seconds: dict[str, float] = field(default_factory=dict)  # dataset -> govgraph serve's time to its first answer
    memory: dict[str, dict] = field(default_factory=dict)  # "dataset, when" -> process -> MB

    def cell(self, dataset: str, system: str, query: str, mode: str = "cold", client: str = "python",
             clients: int = CLIENTS) -> Cell | None:
        for cell in self.cells:
            if (cell.dataset, cell.system, cell.query, cell.mode, cell.client, cell.clients) == (dataset, system, query, mode, client, clients):
                return cell
        return None

    def heavy_queries(self, dataset: str) -> list[str]:
        """The mix's queries whose median on raw in-memory pyoxigraph (8 clients, cold) is at least HEAVY_P50_MS."""
        return [
            query for query in MIX
            if (cell := self.cell(dataset, "pyoxigraph", query)) is not None and cell.p50_ms >= HEAVY_P50_MS
        ]

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1))


def benchmark_dataset(
    systems: list[System],
    dataset: BenchDataset,
    budgets: dict[str, Budget],
    results: EndpointResults,
    sequential: Budget | None = None,
    wrk_seconds: int = 0,
    queries: tuple[BenchQuery, ...] = QUERIES,
    log_dir: Path = RESULTS_DIR / "logs",
    progress: Callable[[str], None] = print,
) -> None:
    """Start every system on one dataset, check their answers, time each query in each mode on all of them in turns.

    Each cell is measured in rounds (system A, B, C, A, B, C, ...) and merged, so that a change
    in the machine's load during the run hits every system alike. With `wrk_seconds`, the cheap
    queries are also measured with wrk, a C load client (see bench.capacity).
    """
    from bench.capacity import wrk_cell

    running: list[System] = []
    for system in systems:
        results.load_averages.append(f"{dataset.name}/{system.name}: {os.getloadavg()[0]:.1f}")
        try:
            system.start(dataset, log_dir)
            running.append(system)
        except Exception as error:
            results.problems.append(f"{system.name} on {dataset.name}: did not start: {error}")
            progress(results.problems[-1])
    govgraph = next((system for system in running if isinstance(system, GovgraphServer)), None)
    if govgraph is not None:
        results.startup_seconds[dataset.name] = round(govgraph.startup_seconds, 2)
        results.memory[f"{dataset.name}, after start"] = govgraph.memory()
        progress(f"  govgraph served {dataset.name} {govgraph.startup_seconds:.1f} s after its start; memory {govgraph.memory()}")
    try:
        expected: dict[str, int] = {}
        for query in queries:
            answers = {}
            for system in running:
                count = _answer_count(system, query, dataset, expected, results, progress)
                if count is not None:
                    answers[system.name] = count
            answering = [system for system in running if system.name in answers]
            for mode in MODES:
                for cell in _interleaved_cells(answering, query, dataset, budgets, answers, CLIENTS, mode):
                    results.cells.append(cell)
                    _report(cell, progress)
                raw = results.cell(dataset.name, "pyoxigraph", query.name)
                if wrk_seconds and raw is not None and raw.p50_ms < HEAVY_P50_MS:
                    for system in (system for system in answering if isinstance(system, HttpSystem)):
                        cell = wrk_cell(system, query, dataset, mode, answers[system.name], wrk_seconds)
                        if cell is not None:
                            results.cells.append(cell)
                            _report(cell, progress)
        if sequential is not None:
            # Latency without queueing: one client, heavy queries, cold (the 1.2× target is about these).
            one_client = [system for system in running if system.name in ONE_CLIENT_SYSTEMS]
            for query in (q for q in queries if q.name in results.heavy_queries(dataset.name)):
                budgets_one = {system.name: sequential for system in one_client}
                answers = {system.name: expected.get(query.name, 0) for system in one_client}
                for cell in _interleaved_cells(one_client, query, dataset, budgets_one, answers, 1, "cold"):
                    results.cells.append(cell)
                    _report(cell, progress)
        if govgraph is not None:
            results.memory[f"{dataset.name}, after the benchmark"] = govgraph.memory()
    finally:
        for system in running:
            system.stop()


def _answer_count(
    system: System, query: BenchQuery, dataset: BenchDataset, expected: dict[str, int], results: EndpointResults,
    progress: Callable[[str], None],
) -> int | None:
    """The system's answer count (None when it fails); one that differs from raw pyoxigraph's is recorded as a problem."""
    try:
        answers = system.answer_size(query, dataset.id_base)
    except Exception as error:
        results.problems.append(f"{system.name} on {dataset.name}, {query.name}: {error}")
        progress(results.problems[-1])
        return None
    expected.setdefault(query.name, answers)
    if answers != expected[query.name]:
        results.problems.append(
            f"{system.name} on {dataset.name}, {query.name}: {answers} answers, raw pyoxigraph gave {expected[query.name]}"
        )
        progress(results.problems[-1])
    return answers


def _interleaved_cells(
    systems: list[System], query: BenchQuery, dataset: BenchDataset, budgets: dict[str, Budget], answers: dict[str, int],
    clients: int, mode: str,
) -> list[Cell]:
    """One cell per system, each measured in its budget's rounds, the systems taking turns.

    In cold mode every system gets the same fresh texts (numbers from the same start), never one seen before.
    """
    measured: dict[str, list[CellResult]] = {system.name: [] for system in systems}
    first = _fresh_numbers()
    sources = {system.name: TextSource(query, dataset, mode, first) for system in systems}
    for round_number in range(max((budgets[system.name].rounds for system in systems), default=0)):
        for system in systems:
            budget = budgets[system.name]
            if round_number < budget.rounds:
                measured[system.name].append(run_cell(
                    system.worker_factory(query, sources[system.name]), -(-budget.max_requests // budget.rounds),
                    budget.max_seconds / budget.rounds, clients=clients,
                ))
    cells = []
    for system in systems:
        merged = merge_cells(measured[system.name])
        cells.append(Cell(
            dataset.name, system.name, query.name, mode, "python", answers[system.name], merged.requests, merged.errors,
            round(merged.seconds, 3), round(merged.throughput, 2), round(merged.p50_ms, 2), round(merged.p99_ms, 2),
            merged.capped_by_time, merged.first_error, clients=clients,
        ))
    return cells


_cold_numbers = itertools.count(0, 1_000_000)


def _fresh_numbers() -> int:
    """The first number of a cell's cold texts: far from every other cell's, so no text repeats within a run."""
    return next(_cold_numbers)


def _report(cell: Cell, progress: Callable[[str], None]) -> None:
    progress(
        f"  {cell.dataset:>14} {cell.system:>18} {cell.query:>14} {cell.mode:>8} {cell.client:>6} ({cell.clients} cl.): "
        f"{cell.throughput:9.1f} req/s  p50 {cell.p50_ms:9.1f} ms  p99 {cell.p99_ms:9.1f} ms  ({cell.requests} req"
        f"{', ' + str(cell.errors) + ' errors' if cell.errors else ''})"
    )


HEAVY_P50_MS = 10.0  # a query is "heavy" on a dataset when raw pyoxigraph's median exceeds this
ONE_CLIENT_SYSTEMS = ("pyoxigraph", "govgraph", "granian+pyoxigraph", "oxigraph")  # measured with one client too
TARGETS = {"point": 0.8}  # cold throughput ÷ Oxigraph server's that govgraph must reach; 1.0 for every other query
REPEATED_TARGET = 2.0


def _ratio(numerator: float | None, denominator: float | None) -> str:
    if not numerator or not denominator:
        return "–"
    return f"{numerator / denominator:.2f}×"


def report_markdown(results: EndpointResults, datasets: list[BenchDataset], systems: list[str]) -> str:
    """Per dataset, load client and mode: throughput and p50/p99 per system, govgraph ÷ Oxigraph and the target."""
    lines: list[str] = []
    for dataset in datasets:
        for client in ("python", "wrk"):
            for mode in MODES:
                present = [name for name in systems if any(
                    (c.dataset, c.system, c.mode, c.client) == (dataset.name, name, mode, client) for c in results.cells)]
                if not present:
                    continue
                lines += [f"### {dataset.name} ({dataset.triples:,} triples), {mode}, {'Python client' if client == 'python' else 'wrk'}", ""]
                lines.append("| query | " + " | ".join(f"{name} req/s (p50 / p99 ms)" for name in present)
                             + " | govgraph ÷ oxigraph | target | granian+pyoxigraph ÷ oxigraph |")
                lines.append("|---" * (len(present) + 4) + "|")
                for query in QUERIES:
                    cells = {name: results.cell(dataset.name, name, query.name, mode, client) for name in present}
                    if not any(cells.values()):
                        continue
                    shown = [
                        f"{cell.throughput:,.1f} ({cell.p50_ms:,.1f} / {cell.p99_ms:,.1f}{f'; {cell.errors} errors' if cell.errors else ''})"
                        if cell else "–" for cell in cells.values()
                    ]
                    govgraph, oxigraph, bare = cells.get("govgraph"), cells.get("oxigraph"), cells.get("granian+pyoxigraph")
                    raw = results.cell(dataset.name, "pyoxigraph", query.name)
                    heavy = raw is not None and raw.p50_ms >= HEAVY_P50_MS
                    target = "–" if query.name == "ask" else (
                        f"≥ {REPEATED_TARGET:g}×" if mode == "repeated" else f"≥ {TARGETS.get(query.name, 1.0):g}×")
                    lines.append(
                        f"| {query.name}{' (heavy)' if heavy else ''} | " + " | ".join(shown)
                        + f" | {_ratio(govgraph and govgraph.throughput, oxigraph and oxigraph.throughput)} | {target}"
                        + f" | {_ratio(bare and bare.throughput, oxigraph and oxigraph.throughput)} |"
                    )
                lines.append("")
    single = [cell for cell in results.cells if cell.clients == 1]
    if single:
        lines += [
            "### Heavy queries, one client, cold (latency without queueing)",
            "",
            "| dataset | query | " + " | ".join(f"{name} p50 ms" for name in ONE_CLIENT_SYSTEMS) + " | govgraph ÷ pyoxigraph |",
            "|---" * (len(ONE_CLIENT_SYSTEMS) + 3) + "|",
        ]
        for dataset in datasets:
            for query in results.heavy_queries(dataset.name):
                cells = [results.cell(dataset.name, name, query, "cold", "python", clients=1) for name in ONE_CLIENT_SYSTEMS]
                shown = [f"{cell.p50_ms:,.1f} (n={cell.requests})" if cell else "–" for cell in cells]
                lines.append(f"| {dataset.name} | {query} | " + " | ".join(shown)
                             + f" | {_ratio(cells[1] and cells[1].p50_ms, cells[0] and cells[0].p50_ms)} |")
        lines.append("")
    if results.startup_seconds:
        lines += ["### govgraph serve: start-up and memory", "",
                  "Time from `govgraph serve` to its first answer: "
                  + ", ".join(f"{name}: {seconds:.1f} s" for name, seconds in results.startup_seconds.items()), "",
                  "| dataset, when | process | RSS MB | PSS MB | private MB |", "|---|---|---|---|---|"]
        for when, processes in results.memory.items():
            for process, memory in processes.items():
                lines.append(f"| {when} | {process} | {memory['rss']:,.0f} | {memory['pss']:,.0f} | {memory['private']:,.0f} |")
        lines.append("")
    if results.load_averages:
        lines += ["1-minute load average of the machine when each system started (2 cores): "
                  + ", ".join(results.load_averages), ""]
    if results.problems:
        lines += ["Problems seen during the run:", ""] + [f"- {problem}" for problem in results.problems] + [""]
    return "\n".join(lines)
