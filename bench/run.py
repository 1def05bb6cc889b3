"""`make bench`: build the real graph, generate the synthetic ones, run both benchmarks.

    python -m bench.run                      # everything (about 20 min on 2 cores)
    python -m bench.run --only sparql        # benchmark 1 (issues 3 and 13)
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
from bench.processes import venv_executable
from bench.sparql_endpoints import (
    BenchDataset,
    Budget,
    EndpointResults,
    GovgraphServer,
    GranianPyoxigraph,
    InProcessPyoxigraph,
    OxigraphServer,
    benchmark_dataset,
    report_markdown,
)
from bench.synthetic import generate, install_store
from graph.config import Settings
from graph.store import current_store_path

SYSTEM_ORDER = ["pyoxigraph", "govgraph", "granian+pyoxigraph", "oxigraph"]


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
    return BenchDataset("real", nquads, triples, Path(settings.data_dir), settings.id_base, municipalities(store, settings.id_base))


def municipalities(store: pyoxigraph.Store, id_base: str) -> tuple[str, ...]:
    """The local names of a graph's municipalities (`gemeinde-…`), for cold point lookups."""
    rows = store.query("SELECT ?m WHERE { ?m a <https://w3id.org/govgraph/ontology#Municipality> }")
    return tuple(sorted(row["m"].value.removeprefix(id_base + "organization/") for row in rows))


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
    store = pyoxigraph.Store.read_only(str(current_store_path(data_dir).resolve()))
    return BenchDataset(name, generated.path, generated.triples, data_dir, settings.id_base, municipalities(store, settings.id_base))


def run_sparql(datasets: list[BenchDataset], quick: bool) -> str:
    """Benchmark 1: every system on every dataset, cold and repeated, with the Python client and wrk."""
    scale = 0.2 if quick else 1.0
    fast = Budget(max_requests=int(2000 * scale) or 50, max_seconds=4.0 * scale, rounds=2)
    sequential = Budget(max_requests=6, max_seconds=6.0 * scale)
    results = EndpointResults()
    for dataset in datasets:
        results.datasets[dataset.name] = dataset.triples
        systems: list = [InProcessPyoxigraph(), GovgraphServer(), GranianPyoxigraph(), OxigraphServer()]
        log(f"{', '.join(system.name for system in systems)} on {dataset.name} (load average {os.getloadavg()[0]:.1f})")
        budgets = {system.name: fast for system in systems}
        benchmark_dataset(systems, dataset, budgets, results, sequential=sequential, wrk_seconds=1 if quick else 2, progress=log)
        results.save(RESULTS_DIR / "sparql-endpoints.json")
    return report_markdown(results, datasets, SYSTEM_ORDER)


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
        sections += ["## Benchmark 1: SPARQL endpoints", "", run_sparql([real_dataset(settings), big], args.quick)]
    if args.only in (None, "analytics"):
        sections += ["## Benchmark 2: analytics pipeline", "", run_analytics(big)]
    report = "\n".join(sections) + f"\nTotal time of the run: {time.monotonic() - started:.0f} s\n"
    (RESULTS_DIR / "report.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
