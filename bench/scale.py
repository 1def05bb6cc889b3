"""Benchmark 3 (issue 17): the scale curve of embedded pyoxigraph, Oxigraph server and Virtuoso.

    python -m bench.scale                                  # 100 k, 1 M and 5 M triples, all engines
    python -m bench.scale --sizes 100000 --quick           # a smoke run

Per size, the synthetic graph (`bench.synthetic`, seed 42; NRW below 1 M triples, all Germany
from 1 M) is loaded into each engine by every load path measured: pyoxigraph's `bulk_load` into an
on-disk store; `oxigraph load` offline, and a Graph Store POST to a running `oxigraph serve`;
Virtuoso's Graph Store Protocol (one request per 100,000 triples of a graph) and its bulk loader
(`ld_add`, `rdf_loader_run()`), each followed by a checkpoint. The default graph (the union) goes
into Virtuoso as the named graph `…/graph/default`, named in every query (`default-graph-uri`),
since Virtuoso's own default graph is the union of all its graphs, system graphs included.

Then the engines, all running, take turns on the query mix of `bench.sparql_endpoints` (cold texts,
one client): pyoxigraph in a process of its own holding the on-disk store, timed there (no HTTP),
the servers over HTTP; medians of `--runs`, fewer (at least 5) once an engine spent `--cell-seconds`
on a query. Every engine's answer counts are compared. The analytics projection is
`read_network` + `project` (`organizations`) through a `GraphStore`: in that process for
pyoxigraph, a `RemoteStore` for the servers. Resident memory is each serving process's RSS after
the mix. Results: bench/results/scale.json, scale.md and the chart docs/benchmarks/scale-latency.png
(BENCHMARKS.md, benchmark 3).
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import shutil
import statistics
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator

import pyoxigraph
import requests
from requests.auth import HTTPDigestAuth

from bench import RESULTS_DIR, virtuoso
from bench.analytics_pipeline import PROJECTION
from bench.processes import free_port, process_memory, start_server, stop, venv_executable, wait_until_serving
from bench.sparql_endpoints import MIX, QUERIES, BenchDataset, InProcessPyoxigraph, TextSource, count_answers
from bench.synthetic import generate
from graph.config import REPO_ROOT, Settings
from graph.errors import GovgraphError
from graph.network import project, read_network
from graph.store import EmbeddedStore, GraphStore, RemoteStore

SIZES = (100_000, 1_000_000, 5_000_000)
ENGINES = ("pyoxigraph", "oxigraph", "virtuoso")
CHART = REPO_ROOT / "docs" / "benchmarks" / "scale-latency.png"
GSP_CHUNK = 100_000  # triples per Graph Store request to Virtuoso
VIRTUOSO_MEMORY_MB = 2048
TRIPLE_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
MUNICIPALITIES = "SELECT ?m WHERE { ?m a <https://w3id.org/govgraph/ontology#Municipality> }"
NO_ROWS = b'{"head": {"vars": []}, "results": {"bindings": []}}'
MIX_QUERIES = tuple(query for query in QUERIES if query.name in MIX)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def directory_mb(path: Path) -> float:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file()) / 1e6


@dataclass
class Load:
    """One load path of one engine: seconds until the data is on disk, and the store's size then."""

    path: str
    seconds: float
    disk_mb: float


@dataclass
class EngineResult:
    """One engine on one size."""

    engine: str
    size: int
    triples: int = 0  # in the default graph, counted by the engine
    loads: list[Load] = field(default_factory=list)
    rss_mb: float = 0.0
    latency_ms: dict[str, list[float]] = field(default_factory=dict)  # query -> every timed run
    answers: dict[str, int] = field(default_factory=dict)
    projection_s: list[float] = field(default_factory=list)
    projection: str = ""  # nodes and edges of the projection
    refused: list[str] = field(default_factory=list)  # the projection's queries the engine refused
    problems: list[str] = field(default_factory=list)

    def median_ms(self, query: str) -> float | None:
        runs = self.latency_ms.get(query)
        return statistics.median(runs) if runs else None

    def projection_median_s(self) -> float | None:
        return statistics.median(self.projection_s) if self.projection_s else None


# --- The engines ---------------------------------------------------------------------------------


def time_projection(store: GraphStore) -> tuple[float, str]:
    """Seconds to read the network and build the analytics projection, and its size."""
    started = time.perf_counter()
    graph = project(read_network(store), PROJECTION)
    return time.perf_counter() - started, f"{graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges"


def _embedded_worker(connection, store_dir: str, nquads: str) -> None:
    """The embedded engine's process: bulk-load the on-disk store, then answer timed commands."""
    started = time.perf_counter()
    store = pyoxigraph.Store(store_dir)
    store.bulk_load(path=nquads, format=pyoxigraph.RdfFormat.N_QUADS)
    store.flush()
    connection.send(time.perf_counter() - started)
    system = InProcessPyoxigraph()
    system.store = store
    while (command := connection.recv()) is not None:
        kind, *arguments = command
        if kind == "run":
            text, construct = arguments
            started = time.perf_counter()
            body = system._run(text, construct)
            connection.send((time.perf_counter() - started, count_answers(body, construct)))
        elif kind == "column":
            connection.send([row[0].value for row in store.query(arguments[0])])
        elif kind == "projection":
            connection.send((*time_projection(EmbeddedStore(store)), []))
        elif kind == "rss":
            connection.send(process_memory(os.getpid())["rss"])


class Embedded:
    """pyoxigraph on an on-disk store, in a process of its own (so its RSS is the store's)."""

    name = "pyoxigraph"
    process = None

    def load(self, nquads: Path, graph_files: dict[str, Path], directory: Path, union_graph: str) -> list[Load]:
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        store_dir = directory / "store"
        directory.mkdir(parents=True)
        self.process = context.Process(target=_embedded_worker, args=(child, str(store_dir), str(nquads)))
        self.process.start()
        seconds = self._answer()
        return [Load("bulk_load (on disk)", seconds, directory_mb(store_dir))]

    def _ask(self, *command):
        self.connection.send(command)
        return self._answer()

    def _answer(self):
        while not self.connection.poll(1):
            if not self.process.is_alive():
                raise RuntimeError(f"the pyoxigraph process exited with {self.process.exitcode}")
        return self.connection.recv()

    def run(self, text: str, construct: bool) -> tuple[float, int]:
        return self._ask("run", text, construct)

    def column(self, text: str) -> list[str]:
        return self._ask("column", text)

    def projection(self) -> tuple[float, str, list[str]]:
        return self._ask("projection")

    def rss_mb(self) -> float:
        return self._ask("rss")

    def stop(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.connection.send(None)
            self.process.join(60)


class DatasetStore(RemoteStore):
    """A RemoteStore naming the dataset of every query (for Virtuoso: the union graph and the named graphs).

    A query the server refuses is recorded in `refused` and answers no rows, so the projection's
    other queries are still timed (the report names the refused ones).
    """

    def __init__(self, query_url: str, default_graphs: list[str], named_graphs: list[str], headers: dict[str, str]):
        super().__init__(query_url, timeout=3600)
        self._reads.headers.update(headers)
        self.default_graphs, self.named_graphs = default_graphs, named_graphs
        self.refused: list[str] = []

    def query(self, sparql, *, substitutions=None, default_graph_uris=(), named_graph_uris=()):
        try:
            return super().query(sparql, substitutions=substitutions, default_graph_uris=self.default_graphs,
                                 named_graph_uris=self.named_graphs)
        except GovgraphError as error:
            if " answered " not in str(error):
                raise
            where = next(line for line in sparql.splitlines() if line.startswith("SELECT"))
            self.refused.append(f"`{where}`: {str(error).splitlines()[0].split(' answered ')[-1]}")
            return pyoxigraph.parse_query_results(NO_ROWS, pyoxigraph.QueryResultsFormat.JSON)


class HttpEngine:
    """A SPARQL server in its own process, asked over HTTP by one client (a `requests` session)."""

    name = "http"
    headers: dict[str, str] = {}  # sent with every query
    query_url = ""
    default_graphs: list[str] = []
    named_graphs: list[str] = []
    pid = 0

    def _post(self, text: str, accept: str) -> requests.Response:
        form = [("query", text)] + [("default-graph-uri", uri) for uri in self.default_graphs]
        response = self.session.post(self.query_url, data=form, headers={"Accept": accept, **self.headers}, timeout=3600)
        if response.status_code != 200:
            raise RuntimeError(f"{self.name} answered {response.status_code}: {response.text[:300]}")
        return response

    def run(self, text: str, construct: bool) -> tuple[float, int]:
        started = time.perf_counter()
        body = self._post(text, "application/n-triples" if construct else "application/sparql-results+json").content
        return time.perf_counter() - started, count_answers(body, construct)

    def column(self, text: str) -> list[str]:
        rows = self._post(text, "application/sparql-results+json").json()["results"]["bindings"]
        return [next(iter(row.values()))["value"] for row in rows]

    def projection(self) -> tuple[float, str, list[str]]:
        store = DatasetStore(self.query_url, self.default_graphs, self.named_graphs, self.headers)
        return *time_projection(store), store.refused

    def rss_mb(self) -> float:
        return process_memory(self.pid)["rss"]


class OxigraphServer(HttpEngine):
    """`oxigraph serve` on the store `oxigraph load` wrote; a Graph Store POST to a second, empty one is timed too."""

    name = "oxigraph"
    process = None

    def load(self, nquads: Path, graph_files: dict[str, Path], directory: Path, union_graph: str) -> list[Load]:
        posted = directory / "posted"
        process, url = self._serve(posted, directory / "oxigraph-posted.log")
        try:
            started = time.perf_counter()
            with open(nquads, "rb") as data:
                requests.post(url + "/store", data=data, headers={"Content-Type": "application/n-quads"}, timeout=7200).raise_for_status()
            loads = [Load("Graph Store POST (on disk)", time.perf_counter() - started, directory_mb(posted))]
        finally:
            stop(process)
            shutil.rmtree(posted)
        store = directory / "store"
        started = time.perf_counter()
        subprocess.run([venv_executable("oxigraph"), "load", "--location", str(store), "--file", str(nquads)],
                       check=True, capture_output=True)
        loads.insert(0, Load("oxigraph load (offline)", time.perf_counter() - started, directory_mb(store)))
        self.process, url = self._serve(store, directory / "oxigraph.log")
        self.query_url, self.pid, self.session = url + "/query", self.process.pid, requests.Session()
        return loads

    @staticmethod
    def _serve(location: Path, log: Path):
        port = free_port()
        process = start_server([venv_executable("oxigraph"), "serve", "--location", str(location),
                                "--bind", f"127.0.0.1:{port}"], log)
        url = f"http://127.0.0.1:{port}"
        wait_until_serving(url + "/query", process, log)
        return process, url

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)


class VirtuosoServer(HttpEngine):
    """A private Virtuoso: loaded through the Graph Store Protocol in one instance, the bulk loader in the one that serves.

    Asked on a new connection each time: on a kept-alive one its answers above ~50 kB stall ~40 ms
    (delayed ACK; curl and fresh connections do not see it).
    """

    name = "virtuoso"
    headers = {"Connection": "close"}
    instance: virtuoso.Virtuoso | None = None

    def load(self, nquads: Path, graph_files: dict[str, Path], directory: Path, union_graph: str) -> list[Load]:
        gsp = virtuoso.start(directory / "gsp", memory_mb=VIRTUOSO_MEMORY_MB)
        try:
            started = time.perf_counter()
            gsp_load(gsp.store_url, graph_files)
            gsp.isql("checkpoint;\n")
            loads = [Load(f"Graph Store PUT/POST ({GSP_CHUNK:,} triples per request)", time.perf_counter() - started,
                          gsp.disk_bytes() / 1e6)]
        finally:
            gsp.stop()
            shutil.rmtree(gsp.directory)
        self.instance = virtuoso.start(directory / "bulk", memory_mb=VIRTUOSO_MEMORY_MB)
        started = time.perf_counter()
        bulk_load(self.instance, graph_files)
        loads.append(Load("bulk loader (ld_add, rdf_loader_run)", time.perf_counter() - started, self.instance.disk_bytes() / 1e6))
        self.query_url, self.pid, self.session = self.instance.query_url, self.instance.process.pid, requests.Session()
        self.default_graphs, self.named_graphs = [union_graph], [graph for graph in graph_files if graph != union_graph]
        return loads

    def stop(self) -> None:
        if self.instance is not None:
            self.instance.stop()


ENGINE_TYPES = {engine.name: engine for engine in (Embedded, OxigraphServer, VirtuosoServer)}


def split_by_graph(nquads: Path, directory: Path, union_graph: str) -> dict[str, Path]:
    """One N-Triples file per graph (the default graph's under `union_graph`), the input of both Virtuoso load paths."""
    directory.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    handles = {}
    try:
        for quad in pyoxigraph.parse(path=str(nquads), format=pyoxigraph.RdfFormat.N_QUADS):
            graph = union_graph if isinstance(quad.graph_name, pyoxigraph.DefaultGraph) else quad.graph_name.value
            if graph not in handles:
                files[graph] = directory / f"graph-{len(files):03d}.nt"
                handles[graph] = open(files[graph], "w", encoding="utf-8")
            handles[graph].write(f"{quad.subject} {quad.predicate} {quad.object} .\n")
    finally:
        for handle in handles.values():
            handle.close()
    return files


def _chunks(path: Path, lines: int) -> Iterator[bytes]:
    with open(path, "rb") as data:
        while chunk := b"".join(line for _, line in zip(range(lines), data)):
            yield chunk


def gsp_load(store_url: str, graph_files: dict[str, Path]) -> None:
    """Each graph through the Graph Store Protocol: PUT its first chunk, POST the others (digest auth)."""
    with requests.Session() as session:
        session.auth = HTTPDigestAuth(virtuoso.USER, virtuoso.PASSWORD)
        session.delete(store_url, params={"graph": "urn:govgraph:probe"}, timeout=60)  # digest handshake before a large body
        for graph, path in graph_files.items():
            for number, chunk in enumerate(_chunks(path, GSP_CHUNK)):
                response = session.request("PUT" if number == 0 else "POST", store_url, params={"graph": graph}, data=chunk,
                                           headers={"Content-Type": "application/n-triples"}, timeout=7200)
                if response.status_code not in (200, 201, 204):
                    raise RuntimeError(f"Graph Store {response.status_code} on {graph}: {response.text[:300]}")


def bulk_load(instance: virtuoso.Virtuoso, graph_files: dict[str, Path]) -> None:
    """Virtuoso's bulk loader (one loader thread: the machine has 2 cores), then a checkpoint."""
    registered = "".join(f"ld_add('{path}', '{graph}');\n" for graph, path in graph_files.items())
    instance.isql(registered + "rdf_loader_run();\ncheckpoint;\n")
    failed = instance.isql("SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;\n")
    if ".nt" in failed:  # the files that failed, with their errors
        raise RuntimeError(f"Virtuoso's bulk loader failed: {failed[-2000:]}")


# --- The run -------------------------------------------------------------------------------------


def synthetic_file(settings: Settings, size: int, seed: int) -> Path:
    """The generated graph of `size` triples (NRW below 1 M, all Germany from 1 M); an earlier file is reused."""
    land = "05" if size < 1_000_000 else None
    path = RESULTS_DIR / f"synthetic-{size}-{land or 'all'}-seed{seed}.nq"
    if not path.exists():
        generate(settings, size, seed=seed, land=land, output=path, progress=log)
    return path


def measure_size(settings: Settings, size: int, engines: list[str], runs: int, cell_seconds: float,
                 projection_runs: int, seed: int) -> list[EngineResult]:
    """Load one size into every engine, then time the mix and the projection on all of them in turns."""
    nquads = synthetic_file(settings, size, seed)
    work = RESULTS_DIR / f"scale-{size}"
    shutil.rmtree(work, ignore_errors=True)
    union_graph = settings.graph_iri("default")
    graph_files = split_by_graph(nquads, work / "virtuoso" / "bulk" / "graphs", union_graph) if "virtuoso" in engines else {}
    running, results = [], []
    try:
        for name in engines:
            engine, result = ENGINE_TYPES[name](), EngineResult(name, size)
            log(f"{size:,}: loading {name}")
            running.append(engine)  # stopped below, whatever its load started
            result.loads = engine.load(nquads, graph_files, work / name, union_graph)
            result.triples = int(engine.column(TRIPLE_COUNT)[0])
            for load in result.loads:
                log(f"  {name} {load.path}: {load.seconds:.1f} s, {load.disk_mb:,.0f} MB; {result.triples:,} triples")
            results.append(result)
        organizations = settings.id_base + "organization/"
        members = sorted(iri.removeprefix(organizations) for iri in running[0].column(MUNICIPALITIES))
        dataset = BenchDataset(f"scale-{size}", nquads, results[0].triples, work, settings.id_base, tuple(members))
        time_mix(running, results, dataset, runs, cell_seconds)
        for engine, result in zip(running, results):
            result.rss_mb = engine.rss_mb()
        time_projections(running, results, projection_runs, cell_seconds)
    finally:
        for engine in running:
            engine.stop()
        shutil.rmtree(work, ignore_errors=True)
    return results


def time_mix(engines: list, results: list[EngineResult], dataset: BenchDataset, runs: int, cell_seconds: float) -> None:
    """Per query: answer counts on the fixed text (also the warm-up), then cold runs with the engines in turns.

    An engine stops early on a query once it has 5 runs and spent `cell_seconds` on it.
    """
    for number, query in enumerate(MIX_QUERIES):
        for engine, result in zip(engines, results):
            result.answers[query.name] = engine.run(query.text(dataset.id_base), query.construct)[1]
            result.latency_ms[query.name] = []
        sources = [TextSource(query, dataset, "cold", number * 1_000_000) for _ in engines]
        for _ in range(runs):
            for engine, result, texts in zip(engines, results, sources):
                timed = result.latency_ms[query.name]
                if len(timed) < 5 or sum(timed) < cell_seconds * 1000:
                    timed.append(round(engine.run(texts(), query.construct)[0] * 1000, 2))
        log(f"  {query.name}: " + ", ".join(
            f"{result.engine} {result.median_ms(query.name):,.1f} ms (n={len(result.latency_ms[query.name])}, "
            f"{result.answers[query.name]:,} answers)" for result in results))


def time_projections(engines: list, results: list[EngineResult], runs: int, cell_seconds: float) -> None:
    """The analytics projection, the engines in turns; an engine stops after one run once it has spent `cell_seconds`."""
    for _ in range(runs):
        for engine, result in zip(engines, results):
            if result.projection_s and sum(result.projection_s) >= cell_seconds:
                continue
            try:
                seconds, result.projection, result.refused = engine.projection()
                result.projection_s.append(round(seconds, 2))
            except Exception as error:  # reported, the other engines go on
                result.problems.append(f"projection: {type(error).__name__}: {error}"[:400])
                result.projection_s.append(math.nan)
    log("  projection: " + ", ".join(f"{r.engine} {r.projection_median_s():.1f} s ({r.projection})" for r in results))


# --- The report ----------------------------------------------------------------------------------


def disagreements(results: list[EngineResult]) -> list[str]:
    """Sizes and queries on which the engines' answer counts (or triple counts, or projections) differ."""
    problems = []
    for size in sorted({result.size for result in results}):
        same_size = [result for result in results if result.size == size]
        checks = {"triples": lambda r: r.triples, "projection": lambda r: r.projection}
        checks |= {query: (lambda r, q=query: r.answers.get(q)) for query in MIX}
        for what, value in checks.items():
            if len({value(result) for result in same_size}) > 1:
                problems.append(f"{size:,} triples, {what}: " + ", ".join(f"{r.engine} {value(r)}" for r in same_size))
    return problems


def _ms(value: float | None) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def geometric_mean_ms(result: EngineResult) -> float:
    return statistics.geometric_mean([result.median_ms(query) for query in MIX])


def report_markdown(results: list[EngineResult], chart: Path) -> str:
    """Load, disk and memory per size and engine; median latencies; who is fastest; any disagreement."""
    lines = ["### Load, disk and memory", "",
             "| size | engine | load path | load s | triples/s | disk MB | RSS serving MB |", "|---|---|---|---|---|---|---|"]
    for result in results:
        for load in result.loads:
            lines.append(f"| {result.size:,} | {result.engine} | {load.path} | {load.seconds:,.1f} | "
                         f"{result.triples / load.seconds:,.0f} | {load.disk_mb:,.0f} | {result.rss_mb:,.0f} |")
    lines += ["", "### Median latency, one client, cold (ms; projection in s)", "",
              "| size | engine | " + " | ".join(MIX) + " | geo. mean | projection s |", "|---" * (len(MIX) + 4) + "|"]
    for result in results:
        cells = [f"{_ms(result.median_ms(query))} (n={len(result.latency_ms[query])})" for query in MIX]
        lines.append(f"| {result.size:,} | {result.engine} | " + " | ".join(cells)
                     + f" | {_ms(geometric_mean_ms(result))} | {_ms(result.projection_median_s())} (n={len(result.projection_s)}) |")
    lines += ["", "### Fastest engine per query", "", "| size | " + " | ".join(MIX) + " | geo. mean | projection |",
              "|---" * (len(MIX) + 3) + "|"]
    for size in sorted({result.size for result in results}):
        same_size = [result for result in results if result.size == size]
        best = [min(same_size, key=lambda r, q=query: r.median_ms(q) or math.inf).engine for query in MIX]
        best.append(min(same_size, key=geometric_mean_ms).engine)
        best.append(min(same_size, key=lambda r: r.projection_median_s() or math.inf).engine)
        lines.append(f"| {size:,} | " + " | ".join(best) + " |")
    lines += ["", "### Answers", "", "| size | engine | triples | " + " | ".join(MIX) + " | projection |",
              "|---" * (len(MIX) + 4) + "|"]
    for result in results:
        lines.append(f"| {result.size:,} | {result.engine} | {result.triples:,} | "
                     + " | ".join(f"{result.answers.get(query, 0):,}" for query in MIX) + f" | {result.projection} |")
    problems = disagreements(results) + [f"{r.engine} at {r.size:,}: {p}" for r in results for p in r.problems]
    problems += [f"{r.engine} at {r.size:,} refused a query of the projection (timed without it): {q}" for r in results for q in r.refused]
    lines += ["", "Disagreements and problems: " + ("none." if not problems else ""), ""] + [f"- {p}" for p in problems]
    lines += ["", f"![Median latency against size, per engine]({os.path.relpath(chart, REPO_ROOT)})", ""]
    return "\n".join(lines)


def draw_chart(results: list[EngineResult], path: Path) -> None:
    """Log-log latency against size: one panel per query of the mix and one for the projection, a line per engine."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    panels = [*MIX, "projection"]
    figure, axes = pyplot.subplots(2, math.ceil(len(panels) / 2), figsize=(14, 7), constrained_layout=True)
    for axis, panel in zip(axes.flat, panels):
        for engine in ENGINES:
            points = sorted(
                (r.size, r.projection_median_s() * 1000 if panel == "projection" else r.median_ms(panel))
                for r in results if r.engine == engine and (r.projection_s if panel == "projection" else r.latency_ms.get(panel))
            )
            if points:
                axis.plot(*zip(*points), marker="o", label=engine)
        axis.set(xscale="log", yscale="log", title=panel, xlabel="triples", ylabel="median ms")
        axis.grid(True, which="both", alpha=0.3)
    axes.flat[0].legend()
    for axis in list(axes.flat)[len(panels):]:
        axis.set_visible(False)
    figure.suptitle("govgraph scale curve: median latency, one client, cold (bench/scale.py)")
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    pyplot.close(figure)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The scale curve: load, disk, memory and latency per engine and size.")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated triple counts")
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated, of {', '.join(ENGINES)}")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per query and engine (default 20)")
    parser.add_argument("--cell-seconds", type=float, default=60.0,
                        help="after 5 runs, an engine stops on a query once it spent this long on it (default 60)")
    parser.add_argument("--projection-runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--quick", action="store_true", help="3 runs, 1 projection run (a smoke run)")
    parser.add_argument("--chart", type=Path, help=f"the PNG (default {CHART.relative_to(REPO_ROOT)}; with --quick, bench/results/)")
    args = parser.parse_args(argv)
    runs, projection_runs = (3, 1) if args.quick else (args.runs, args.projection_runs)
    chart = args.chart or (RESULTS_DIR / CHART.name if args.quick else CHART)
    engines = args.engines.split(",")
    if "virtuoso" in engines and not virtuoso.available():
        raise SystemExit("virtuoso-t is not installed (apt-get install virtuoso-opensource)")
    settings = Settings.from_env()
    started = time.monotonic()
    results: list[EngineResult] = []
    for size in map(int, args.sizes.split(",")):
        log(f"size {size:,} (1-minute load {os.getloadavg()[0]:.1f})")
        results += measure_size(settings, size, engines, runs, args.cell_seconds, projection_runs, args.seed)
        (RESULTS_DIR / "scale.json").write_text(json.dumps([asdict(result) for result in results], indent=1))
    draw_chart(results, chart)
    report = report_markdown(results, chart) + f"\nTotal time of the run: {time.monotonic() - started:.0f} s\n"
    (RESULTS_DIR / "scale.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
