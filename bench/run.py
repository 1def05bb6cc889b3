"""`make bench`: build the real graph, generate the synthetic ones, run both benchmarks.

    python -m bench.run                      # everything (about 20 min on 2 cores)
    python -m bench.run --only sparql        # benchmark 1 (issue 3)
    python -m bench.run --only analytics     # benchmark 2 (issue 6)

Results: bench/results/*.json and bench/results/report.md (not in git); BENCHMARKS.md
quotes them with this command.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph

from bench import RESULTS_DIR
from bench.capacity import capacity_markdown, measure_capacity
from bench.processes import venv_executable
from bench.sparql_endpoints import (
    BenchDataset,
    Budget,
    EndpointResults,
    GovgraphServer,
    GunicornPyoxigraph,
    InProcessPyoxigraph,
    OxigraphServer,
    RdflibEndpoint,
    benchmark_dataset,
    report_markdown,
)
from bench.synthetic import generate, install_store
from graph.config import Settings
from graph.store import current_store_path

SYSTEM_ORDER = ["pyoxigraph", "pyoxigraph-disk", "govgraph", "gunicorn+pyoxigraph", "oxigraph", "rdflib-endpoint"]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def build_real_graph(data_dir: Path) -> Settings:
    """`govgraph build` into the bench's own data dir, exactly as a user runs it."""
    env = {**os.environ, "GOVGRAPH_DATA_DIR": str(data_dir)}
    started = time.monotonic()
    subprocess.run([venv_executable("govgraph"), "build"], env=env, check=True)
    log(f"govgraph build: {time.monotonic() - started:.1f} s")
    return Settings.from_env(env)


def real_dataset(settings: Settings) -> BenchDataset:
    """The built graph, dumped to N-Quads for the systems that load files."""
    nquads = RESULTS_DIR / "real.nq"
    store = pyoxigraph.Store.read_only(str(current_store_path(settings.data_dir).resolve()))
    store.dump(output=str(nquads), format=pyoxigraph.RdfFormat.N_QUADS)
    triples = sum(1 for _ in store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()))  # the union the build writes
    return BenchDataset("real", nquads, triples, Path(settings.data_dir), settings.id_base)


def synthetic_dataset(settings: Settings, name: str, triples: int, land: str | None, seed: int) -> BenchDataset:
    """Generate a synthetic graph and install it as a govgraph data dir of its own."""
    generated = generate(settings, triples, seed=seed, land=land, progress=log)
    log(
        f"{name}: {generated.triples:,} triples ({generated.networks} networks, {generated.memberships:,} memberships, "
        f"{generated.member_municipalities:,} of {generated.municipalities:,} municipalities as members) in {generated.seconds:.1f} s"
    )
    data_dir = RESULTS_DIR / f"data-{name}"
    shutil.rmtree(data_dir, ignore_errors=True)
    install_store(generated.path, data_dir)
    return BenchDataset(name, generated.path, generated.triples, data_dir, settings.id_base)


def run_sparql(datasets: list[BenchDataset], small: BenchDataset, quick: bool) -> str:
    """Benchmark 1: every system on every dataset (rdflib-endpoint only on the small ones)."""
    scale = 0.2 if quick else 1.0
    fast = Budget(max_requests=int(3000 * scale) or 50, max_seconds=4.0 * scale)
    # rdflib-endpoint answers one query at a time: two rounds of the 8 clients at most, in one turn.
    slow = Budget(max_requests=16, max_seconds=6.0 * scale, rounds=1)
    sequential = Budget(max_requests=6, max_seconds=6.0 * scale)
    results = EndpointResults()
    for dataset in datasets:
        results.datasets[dataset.name] = dataset.triples
        small_enough = dataset.name in ("real", small.name)
        systems: list = [InProcessPyoxigraph()]
        if small_enough:  # the on-disk store is a diagnostic: what serving from disk would cost
            systems.append(InProcessPyoxigraph(on_disk=True))
        systems += [GovgraphServer(), GunicornPyoxigraph(), OxigraphServer()]
        if small_enough:  # rdflib-endpoint on the 1M graph would take hours (see BENCHMARKS.md)
            systems.append(RdflibEndpoint())
        log(f"{', '.join(system.name for system in systems)} on {dataset.name} (load average {os.getloadavg()[0]:.1f})")
        budgets = {system.name: slow if system.name == "rdflib-endpoint" else fast for system in systems}
        benchmark_dataset(systems, dataset, budgets, results, sequential=sequential, progress=log)
        results.save(RESULTS_DIR / "sparql-endpoints.json")
    report = report_markdown(results, datasets, SYSTEM_ORDER)
    log("server capacity on cheap queries, with wrk")
    capacity = measure_capacity(datasets[0], RESULTS_DIR / "logs", progress=log)
    return report + f"\n### Server capacity with wrk ({datasets[0].name})\n\n" + capacity_markdown(capacity)


def run_analytics(dataset: BenchDataset) -> str:
    """Benchmark 2: the analytics pipeline on the Germany-wide synthetic graph."""
    from bench.analytics_pipeline import report_markdown as analytics_markdown
    from bench.analytics_pipeline import run_pipeline

    result = run_pipeline(dataset.data_dir, dataset.triples, RESULTS_DIR / "exports", progress=log)
    (RESULTS_DIR / "analytics-pipeline.json").write_text(result.to_json())
    return analytics_markdown(result, dataset)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run govgraph's benchmarks (results in bench/results/).")
    parser.add_argument("--only", choices=["sparql", "analytics"], help="run one benchmark")
    parser.add_argument("--triples", type=int, default=1_000_000, help="synthetic graph size (all German municipalities)")
    parser.add_argument("--small-triples", type=int, default=25_000, help="the smaller synthetic graph (NRW) rdflib-endpoint also runs on")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--quick", action="store_true", help="a fifth of the request budgets (a smoke run)")
    args = parser.parse_args(argv)

    started = time.monotonic()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    settings = build_real_graph(RESULTS_DIR / "data-real")
    big = synthetic_dataset(settings, f"synthetic-{args.triples // 1000}k", args.triples, None, args.seed)
    sections = [
        f"Machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
        f"pyoxigraph {pyoxigraph.__version__}; command: python -m bench.run {' '.join(sys.argv[1:] if argv is None else argv)}".rstrip(),
        "",
    ]
    if args.only in (None, "sparql"):
        real = real_dataset(settings)
        small = synthetic_dataset(settings, f"synthetic-nrw-{args.small_triples // 1000}k", args.small_triples, "05", args.seed)
        sections += ["## Benchmark 1: SPARQL endpoints", "", run_sparql([real, small, big], small, args.quick)]
    if args.only in (None, "analytics"):
        sections += ["## Benchmark 2: analytics pipeline", "", run_analytics(big)]
    report = "\n".join(sections) + f"\nTotal time of the run: {time.monotonic() - started:.0f} s\n"
    (RESULTS_DIR / "report.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
