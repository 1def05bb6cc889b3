"""Benchmark 1 (issue 3): govgraph's SPARQL endpoint against its peers, same data, same load.

Systems: raw pyoxigraph in this process (in memory: the limit; on disk: what a store
file costs), `govgraph serve` (gunicorn), a bare WSGI app on pyoxigraph under the same
gunicorn settings (`bench/bare_wsgi.py`: what gunicorn itself costs), `oxigraph serve` (in
memory, data POSTed to its Graph Store endpoint), and rdflib-endpoint (uvicorn). Every
system answers the same query mix from the same N-Quads file, whose default graph is the
union of its named graphs (as `govgraph build` writes it; rdflib-endpoint's union of all
graphs is then the same set); one load client (bench.load: 8 threads, keep-alive sessions,
bounded requests and a time cap per cell), all systems running at once and taking turns.
Before timing, each system's answer size is checked against raw pyoxigraph's, so a fast
wrong answer cannot win.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Protocol

import pyoxigraph
import requests

from bench import RESULTS_DIR
from bench.load import CLIENTS, CellResult, http_worker_factory, merge_cells, run_cell
from bench.processes import free_port, start_server, stop, venv_executable, wait_until_answering
from graph.config import REPO_ROOT

PREFIXES = """PREFIX gg: <https://w3id.org/govgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
SELECT_ACCEPT = "application/sparql-results+json"
CONSTRUCT_ACCEPT = "application/n-triples"


@dataclass(frozen=True)
class BenchQuery:
    """One query of the mix; `id_base` is filled in per dataset."""

    name: str
    description: str
    template: str
    construct: bool = False

    def text(self, id_base: str) -> str:
        return PREFIXES + self.template.replace("{ID}", id_base)

    @property
    def accept(self) -> str:
        return CONSTRUCT_ACCEPT if self.construct else SELECT_ACCEPT


QUERIES = (
    BenchQuery(
        "point",
        "point lookup: every statement about Dortmund",
        "SELECT ?p ?o WHERE { <{ID}organization/gemeinde-05913000> ?p ?o }",
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
    def worker_factory(self, query: BenchQuery, id_base: str) -> Callable[[], Callable[[], None]]: ...
    def answer_size(self, query: BenchQuery, id_base: str) -> int: ...
    def stop(self) -> None: ...


class InProcessPyoxigraph:
    """pyoxigraph called directly by the client threads: the limit any HTTP front end approaches."""

    def __init__(self, on_disk: bool = False):
        self.on_disk = on_disk
        self.name = "pyoxigraph-disk" if on_disk else "pyoxigraph"
        self.store: pyoxigraph.Store | None = None

    def start(self, dataset: BenchDataset, log_dir: Path) -> None:
        if self.on_disk:
            self.store = pyoxigraph.Store.read_only(str((dataset.data_dir / "current").resolve()))
        else:
            self.store = pyoxigraph.Store()
            self.store.bulk_load(path=str(dataset.nquads), format=pyoxigraph.RdfFormat.N_QUADS)

    def _run(self, sparql: str, construct: bool) -> bytes:
        assert self.store is not None
        result = self.store.query(sparql)  # the default graph holds the union, as `govgraph build` writes it
        if construct:
            return result.serialize(format=pyoxigraph.RdfFormat.N_TRIPLES)
        return result.serialize(format=pyoxigraph.QueryResultsFormat.JSON)

    def worker_factory(self, query: BenchQuery, id_base: str):
        sparql = query.text(id_base)
        return lambda: (lambda: self._run(sparql, query.construct))

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

    def worker_factory(self, query: BenchQuery, id_base: str):
        return http_worker_factory(self.url, query.text(id_base), query.accept)

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
    """`govgraph serve` (gunicorn) on the dataset's govgraph data dir, as a user runs it."""

    name = "govgraph"
    SPARQL_PATH = "/sparql"

    def start(self, dataset: BenchDataset, log_dir: Path) -> None:
        port = free_port()
        log = log_dir / f"govgraph-{dataset.name}.log"
        env = {**os.environ, "GOVGRAPH_DATA_DIR": str(dataset.data_dir), "GOVGRAPH_BASE_IRI": dataset.id_base.removesuffix("/id/")}
        self.process = start_server([venv_executable("govgraph"), "serve", "--host", "127.0.0.1", "--port", str(port)], log, env)
        self.url = f"http://127.0.0.1:{port}{self.SPARQL_PATH}"
        wait_until_answering(self.url, self.process, log, seconds=300)


class GunicornPyoxigraph(HttpSystem):
    """`bench/bare_wsgi.py` under gunicorn with `govgraph serve`'s settings: gunicorn + pyoxigraph without govgraph's app."""

    name = "gunicorn+pyoxigraph"

    def start(self, dataset: BenchDataset, log_dir: Path) -> None:
        port = free_port()
        log = log_dir / f"gunicorn-pyoxigraph-{dataset.name}.log"
        command = [
            venv_executable("gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "8",
            "--worker-class", "gthread", "--keep-alive", "5", "--chdir", str(REPO_ROOT), "bench.bare_wsgi:app",
        ]
        self.process = start_server(command, log, {**os.environ, "BENCH_NQUADS": str(dataset.nquads.resolve())})
        self.url = f"http://127.0.0.1:{port}/sparql"
        wait_until_answering(self.url, self.process, log, seconds=300)


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


class RdflibEndpoint(HttpSystem):
    """rdflib-endpoint's own CLI (`rdflib-endpoint serve FILE`, uvicorn), default rdflib store."""

    name = "rdflib-endpoint"

    def start(self, dataset: BenchDataset, log_dir: Path) -> None:
        port = free_port()
        log = log_dir / f"rdflib-endpoint-{dataset.name}.log"
        command = [venv_executable("rdflib-endpoint"), "serve", str(dataset.nquads), "--host", "127.0.0.1", "--port", str(port)]
        self.process = start_server(command, log)
        self.url = f"http://127.0.0.1:{port}/"
        wait_until_answering(self.url, self.process, log, seconds=600)


@dataclass
class Cell:
    """One measured (dataset, system, query) cell, as stored in the JSON results."""

    dataset: str
    system: str
    query: str
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
    """Every cell of a run, plus what went wrong before timing."""

    clients: int = CLIENTS
    cells: list[Cell] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    datasets: dict[str, int] = field(default_factory=dict)
    load_averages: list[str] = field(default_factory=list)  # 1-minute load when each system started

    def cell(self, dataset: str, system: str, query: str, clients: int = CLIENTS) -> Cell | None:
        for cell in self.cells:
            if (cell.dataset, cell.system, cell.query, cell.clients) == (dataset, system, query, clients):
                return cell
        return None

    def heavy_queries(self, dataset: str) -> list[str]:
        """The mix's queries whose median on raw in-memory pyoxigraph (8 clients) is at least HEAVY_P50_MS."""
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
    queries: tuple[BenchQuery, ...] = QUERIES,
    log_dir: Path = RESULTS_DIR / "logs",
    progress: Callable[[str], None] = print,
) -> None:
    """Start every system on one dataset, check their answers, time each query on all of them in turns, stop them.

    Each query's cells are measured in rounds (system A, B, C, A, B, C, ...) and merged, so that
    a change in the machine's load during the run hits every system alike.
    """
    running: list[System] = []
    for system in systems:
        results.load_averages.append(f"{dataset.name}/{system.name}: {os.getloadavg()[0]:.1f}")
        try:
            system.start(dataset, log_dir)
            running.append(system)
        except Exception as error:
            results.problems.append(f"{system.name} on {dataset.name}: did not start: {error}")
            progress(results.problems[-1])
    try:
        expected: dict[str, int] = {}
        for query in queries:
            answers = {}
            for system in running:
                count = _answer_count(system, query, dataset, expected, results, progress)
                if count is not None:
                    answers[system.name] = count
            answering = [system for system in running if system.name in answers]
            for cell in _interleaved_cells(answering, query, dataset, budgets, answers, clients=CLIENTS):
                results.cells.append(cell)
                _report(cell, progress)
        if sequential is not None:
            # Latency without queueing: one client, heavy queries only (the 1.2× target is about these).
            one_client = [system for system in running if system.name in ONE_CLIENT_SYSTEMS]
            for query in (q for q in queries if q.name in results.heavy_queries(dataset.name)):
                budgets_one = {system.name: sequential for system in one_client}
                answers = {system.name: expected.get(query.name, 0) for system in one_client}
                for cell in _interleaved_cells(one_client, query, dataset, budgets_one, answers, clients=1):
                    results.cells.append(cell)
                    _report(cell, progress)
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
    clients: int,
) -> list[Cell]:
    """One cell per system, each measured in its budget's rounds, the systems taking turns."""
    measured: dict[str, list[CellResult]] = {system.name: [] for system in systems}
    for round_number in range(max((budgets[system.name].rounds for system in systems), default=0)):
        for system in systems:
            budget = budgets[system.name]
            if round_number < budget.rounds:
                measured[system.name].append(run_cell(
                    system.worker_factory(query, dataset.id_base), -(-budget.max_requests // budget.rounds),
                    budget.max_seconds / budget.rounds, clients=clients,
                ))
    cells = []
    for system in systems:
        merged = merge_cells(measured[system.name])
        cells.append(Cell(
            dataset.name, system.name, query.name, answers[system.name], merged.requests, merged.errors,
            round(merged.seconds, 3), round(merged.throughput, 2), round(merged.p50_ms, 2), round(merged.p99_ms, 2),
            merged.capped_by_time, merged.first_error, clients=clients,
        ))
    return cells


def _report(cell: Cell, progress: Callable[[str], None]) -> None:
    progress(
        f"  {cell.dataset:>14} {cell.system:>16} {cell.query:>14} ({cell.clients} cl.): {cell.throughput:9.1f} req/s  "
        f"p50 {cell.p50_ms:9.1f} ms  p99 {cell.p99_ms:9.1f} ms  ({cell.requests} req, {cell.answers} answers"
        f"{', ' + str(cell.errors) + ' errors' if cell.errors else ''})"
    )


HEAVY_P50_MS = 10.0  # a query is "heavy" on a dataset when raw pyoxigraph's median exceeds this
ONE_CLIENT_SYSTEMS = ("pyoxigraph", "govgraph", "gunicorn+pyoxigraph", "oxigraph")  # measured with one client too


def _ratio(numerator: float | None, denominator: float | None) -> str:
    if not numerator or not denominator:
        return "–"
    return f"{numerator / denominator:.2f}×"


def report_markdown(results: EndpointResults, datasets: list[BenchDataset], systems: list[str]) -> str:
    """Tables per dataset: throughput and p50/p99 per system, and govgraph's ratios to the targets."""
    lines: list[str] = []
    for dataset in datasets:
        present = [name for name in systems if any(c.dataset == dataset.name and c.system == name for c in results.cells)]
        if not present:
            continue
        lines += [f"### {dataset.name} ({dataset.triples:,} triples)", ""]
        lines.append(
            "| query | " + " | ".join(f"{name} req/s (p50 / p99 ms)" for name in present)
            + " | govgraph ÷ oxigraph (req/s) | gunicorn+pyoxigraph ÷ oxigraph (req/s) | govgraph ÷ rdflib-endpoint (req/s)"
            " | govgraph p50 ÷ pyoxigraph p50 |"
        )
        lines.append("|---" * (len(present) + 5) + "|")
        for query in QUERIES:
            cells = {name: results.cell(dataset.name, name, query.name) for name in present}  # 8 clients
            if not any(cells.values()):
                continue
            shown = []
            for name in present:
                cell = cells[name]
                if cell is None:
                    shown.append("–")
                else:
                    errors = f", {cell.errors} errors" if cell.errors else ""
                    shown.append(f"{cell.throughput:,.1f} ({cell.p50_ms:,.1f} / {cell.p99_ms:,.1f}; n={cell.requests}{errors})")
            govgraph, oxigraph, bare = cells.get("govgraph"), cells.get("oxigraph"), cells.get("gunicorn+pyoxigraph")
            rdflib, raw = cells.get("rdflib-endpoint"), cells.get("pyoxigraph")
            heavy = raw is not None and raw.p50_ms >= HEAVY_P50_MS
            name = f"{query.name}{' (heavy)' if heavy else ''}"
            lines.append(
                f"| {name} | " + " | ".join(shown)
                + f" | {_ratio(govgraph and govgraph.throughput, oxigraph and oxigraph.throughput)}"
                + f" | {_ratio(bare and bare.throughput, oxigraph and oxigraph.throughput)}"
                + f" | {_ratio(govgraph and govgraph.throughput, rdflib and rdflib.throughput)}"
                + f" | {_ratio(govgraph and govgraph.p50_ms, raw and raw.p50_ms)} |"
            )
        lines.append("")
    single = [cell for cell in results.cells if cell.clients == 1]
    if single:
        lines += [
            "### Heavy queries, one client (latency without queueing)",
            "",
            "| dataset | query | pyoxigraph p50 ms | govgraph p50 ms | gunicorn+pyoxigraph p50 ms | oxigraph p50 ms"
            " | govgraph p50 ÷ pyoxigraph p50 |",
            "|---|---|---|---|---|---|---|",
        ]
        for dataset in datasets:
            for query in results.heavy_queries(dataset.name):
                raw, govgraph, bare, oxigraph = (
                    results.cell(dataset.name, name, query, clients=1) for name in ONE_CLIENT_SYSTEMS
                )
                shown = [f"{cell.p50_ms:,.1f} (n={cell.requests})" if cell else "–" for cell in (raw, govgraph, bare, oxigraph)]
                lines.append(f"| {dataset.name} | {query} | " + " | ".join(shown) + f" | {_ratio(govgraph and govgraph.p50_ms, raw and raw.p50_ms)} |")
        lines.append("")
    if results.load_averages:
        lines += ["1-minute load average of the machine when each system started (2 cores): "
                  + ", ".join(results.load_averages), ""]
    if results.problems:
        lines += ["Problems seen during the run:", ""] + [f"- {problem}" for problem in results.problems] + [""]
    return "\n".join(lines)
