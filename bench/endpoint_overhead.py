"""Where govgraph's time per request goes, without HTTP: the Flask app in process, profiled.

    python -m bench.endpoint_overhead bench/results/data-real

Sends the same query through the app's test client (no sockets, one thread) and straight to
an in-memory pyoxigraph store holding the same data; the difference is the app's own cost per
request (routing, negotiation, protocol checks, the query runner). cProfile shows its parts.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

from graph.config import Settings
from graph.store import current_store_path

QUERY = "ASK {}"


@dataclass(frozen=True)
class Overhead:
    """Milliseconds per request in process: through the app and straight to the engine."""

    app_ms: float
    engine_ms: float
    profile: str


def measure(data_dir: Path, query: str = QUERY, requests: int = 500) -> Overhead:
    """Time `requests` identical queries through the app and through pyoxigraph; profile the app."""
    from api import create_app

    app = create_app(Settings.from_env().with_(data_dir=data_dir, backend="embedded"))
    client = app.test_client()
    headers = {"Accept": "application/sparql-results+json"}

    def through_app() -> None:
        response = client.post("/sparql", data={"query": query}, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"the app answered {response.status_code}: {response.get_data(as_text=True)[:300]}")

    through_app()  # loads the in-memory copy
    started = time.perf_counter()
    for _ in range(requests):
        through_app()
    app_ms = (time.perf_counter() - started) * 1000 / requests

    engine = pyoxigraph.Store()
    engine.bulk_extend(pyoxigraph.Store.read_only(str(current_store_path(data_dir).resolve())))
    started = time.perf_counter()
    for _ in range(requests):
        engine.query(query).serialize(format=pyoxigraph.QueryResultsFormat.JSON)
    engine_ms = (time.perf_counter() - started) * 1000 / requests

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        through_app()
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(25)
    return Overhead(app_ms, engine_ms, text.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description="Profile govgraph's per-request cost in process.")
    parser.add_argument("data_dir", type=Path, help="a govgraph data dir (e.g. bench/results/data-real)")
    parser.add_argument("--query", default=QUERY)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    result = measure(args.data_dir, args.query, args.requests)
    print(f"through the app: {result.app_ms:.3f} ms/request; pyoxigraph alone: {result.engine_ms:.3f} ms/request")
    print(result.profile)


if __name__ == "__main__":
    main()
