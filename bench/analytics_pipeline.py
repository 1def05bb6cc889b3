"""Benchmark 2 (issue 6): the analytics pipeline on the Germany-wide synthetic graph.

One projection, timed step by step through the public functions of `graph.network.relations`,
`graph.network.analytics` and `graph.network.export`: read the network from the store, project it,
PageRank, sampled betweenness, then every export format. Run on the store as
`govgraph build` leaves it (on disk) and on an in-memory copy of it.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from graph.network import DEFAULT_BETWEENNESS_SAMPLES, GRAPH_FORMATS, betweenness, pagerank, project, read_network
from graph.store import EmbeddedStore, GraphStore, current_store_path

PROJECTION = "organizations"
TARGET_SECONDS = 30.0
DRAWINGS = ("png", "svg")
DRAWING_CAP_SECONDS = 20.0


@dataclass
class Step:
    """One timed step: what it did, how long it took, what came out (or what went wrong)."""

    name: str
    seconds: float
    detail: str = ""
    error: str = ""


@dataclass
class PipelineRun:
    """The steps of the pipeline on one kind of store."""

    store: str
    steps: list[Step] = field(default_factory=list)

    @property
    def total_seconds(self) -> float:
        return sum(step.seconds for step in self.steps if not step.name.startswith("open") and step.name.split()[-1] not in DRAWINGS)

    def timed(self, name: str, action: Callable[[], str], progress: Callable[[str], None]) -> None:
        started = time.perf_counter()
        try:
            detail, error = action(), ""
        except Exception as failure:  # a failing step is reported, the others still run
            detail, error = "", f"{type(failure).__name__}: {failure}"[:300]
        step = Step(name, round(time.perf_counter() - started, 3), detail, error)
        self.steps.append(step)
        progress(f"  {self.store:>7} {name:>24}: {step.seconds:8.2f} s  {detail}{'  ERROR ' + error if error else ''}")


@dataclass
class PipelineResult:
    """Both runs, with the graph they ran on."""

    triples: int
    projection: str
    runs: list[PipelineRun] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(
            {"triples": self.triples, "projection": self.projection, "runs": [{**asdict(run), "total_seconds": run.total_seconds} for run in self.runs]},
            indent=1,
        )


def run_once(store_kind: str, data_dir: Path, export_dir: Path, progress: Callable[[str], None]) -> PipelineRun:
    """The whole pipeline once; `store_kind` is "disk" (the built store) or "memory" (a copy of it)."""
    run = PipelineRun(store_kind)
    state: dict[str, object] = {}

    def open_store() -> str:
        store: GraphStore = EmbeddedStore.open(current_store_path(data_dir), read_only=True)
        if store_kind == "memory":
            store = store.copy_to_memory()
        state["store"] = store
        return "copied into memory" if store_kind == "memory" else "opened read-only"

    def read() -> str:
        network = read_network(state["store"])  # type: ignore[arg-type]
        state["network"] = network
        return f"{len(network.entities):,} entities, {len(network.relations):,} relations"

    def projection() -> str:
        graph = project(state["network"], PROJECTION)  # type: ignore[arg-type]
        state["graph"] = graph
        return f"{graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges"

    def ranked(metric: Callable) -> Callable[[], str]:
        def compute() -> str:
            table = metric(state["graph"])
            top = table.rows[0] if table.rows else {}
            return f"{len(table.rows):,} rows, top: {top.get('label')} ({json.dumps({k: v for k, v in table.notes.items() if k != 'projection'})})"

        return compute

    run.timed("open store" if store_kind == "disk" else "open store + copy", open_store, progress)
    run.timed("read network", read, progress)
    run.timed(f"projection {PROJECTION}", projection, progress)
    if "graph" not in state:
        return run
    run.timed("pagerank", ranked(pagerank), progress)
    run.timed(f"betweenness (k={DEFAULT_BETWEENNESS_SAMPLES})", ranked(betweenness), progress)
    export_dir.mkdir(parents=True, exist_ok=True)
    for graph_format in GRAPH_FORMATS:
        target = export_dir / f"{PROJECTION}-{store_kind}.{graph_format.name}"
        if graph_format.name in DRAWINGS:
            if store_kind == "disk":  # a picture does not depend on the store: drawn once, with a time cap
                run.timed(f"export {graph_format.name}", _capped(graph_format.writer, state["graph"], target), progress)
            continue

        def write(graph_format=graph_format, target=target) -> str:
            data = graph_format.writer(state["graph"])  # type: ignore[arg-type]
            target.write_bytes(data)
            return f"{len(data) / 1e6:,.1f} MB"

        run.timed(f"export {graph_format.name}", write, progress)
    return run


def _capped(writer: Callable, graph: object, target: Path) -> Callable[[], str]:
    """Run a writer in a forked child with a time cap (pyplot-free drawing has no cancel)."""

    def write() -> str:
        context = multiprocessing.get_context("fork")
        receiving, sending = context.Pipe(duplex=False)

        def child() -> None:
            try:
                target.write_bytes(writer(graph))
                sending.send("")
            except Exception as failure:  # reported to the parent, which records the step as failed
                sending.send(f"{type(failure).__name__}: {failure}")

        process = context.Process(target=child, daemon=True)
        process.start()
        process.join(DRAWING_CAP_SECONDS)
        if process.is_alive():
            process.terminate()
            process.join()
            raise TimeoutError(f"not finished after {DRAWING_CAP_SECONDS:.0f} s; stopped")
        failure = receiving.recv() if receiving.poll() else f"exit code {process.exitcode}"
        if failure:
            raise RuntimeError(failure)
        return f"{target.stat().st_size / 1e6:,.1f} MB"

    return write


def run_pipeline(data_dir: Path, triples: int, export_dir: Path, progress: Callable[[str], None] = print) -> PipelineResult:
    """The pipeline on the built store on disk, then on an in-memory copy."""
    result = PipelineResult(triples, PROJECTION)
    for store_kind in ("disk", "memory"):
        result.runs.append(run_once(store_kind, data_dir, export_dir, progress))
    return result


def report_markdown(result: PipelineResult, dataset) -> str:
    """One table: seconds per step per store kind, and the total against the 30 s target."""
    names: list[str] = []
    for run in result.runs:
        names += [step.name.replace(" + copy", "") for step in run.steps if step.name.replace(" + copy", "") not in names]
    lines = [
        f"Graph: {dataset.name}, {result.triples:,} triples; projection `{result.projection}`.",
        "",
        "| step | " + " | ".join(f"{run.store} store (s)" for run in result.runs) + " | result |",
        "|---" * (len(result.runs) + 2) + "|",
    ]
    for name in names:
        cells, detail = [], ""
        for run in result.runs:
            step = next((s for s in run.steps if s.name.replace(" + copy", "") == name), None)
            cells.append("–" if step is None else (f"failed ({step.seconds:.0f})" if step.error else f"{step.seconds:.2f}"))
            if step is not None:
                detail = detail or (step.error or step.detail)
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {detail} |")
    totals = " | ".join(f"**{run.total_seconds:.1f}**" for run in result.runs)
    lines.append(f"| **pipeline total** (all but opening and drawings) | {totals} | target < {TARGET_SECONDS:.0f} s |")
    lines.append("")
    return "\n".join(lines)
