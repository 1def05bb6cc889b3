"""Where govgraph's time per request goes, without HTTP: the WSGI app in process, profiled.

    python -m bench.endpoint_overhead bench/results/data-real [--query 'ASK {}'] [--post] [--cold]

Calls the app the way granian does (a fresh WSGI environ per request, the body read whole) and
sends the same query straight to the in-memory copy the app serves from; the difference is the
app's own cost per request (routing, negotiation, protocol checks, the query runner, the caches).
cProfile shows its parts. By default every request repeats the text (the result cache answers
it); `--cold` numbers each request's text with a comment, so every one is new.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import pstats
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph
from werkzeug.test import EnvironBuilder

from graph.config import Settings

QUERY = "ASK {}"
ACCEPT = "application/sparql-results+json"


@dataclass(frozen=True)
class Overhead:
    """Microseconds per request in process: through the app and straight to the engine."""

    app_us: float
    engine_us: float
    profile: str


def request_environ(query: str, post: bool) -> dict:
    """The WSGI environ of one query, as a server would hand it to the app."""
    if post:
        builder = EnvironBuilder("/sparql", method="POST", data=urlencode({"query": query}),
                                 content_type="application/x-www-form-urlencoded", headers={"Accept": ACCEPT})
    else:
        builder = EnvironBuilder("/sparql", query_string={"query": query}, headers={"Accept": ACCEPT})
    return builder.get_environ()


def measure(data_dir: Path, query: str = QUERY, requests: int = 2000, post: bool = False, cold: bool = False) -> Overhead:
    """Time `requests` queries through the app and through pyoxigraph; profile the app."""
    from api import create_app

    app = create_app(Settings.from_env().with_(data_dir=data_dir, backend="embedded"))
    numbers = itertools.count()
    texts = [f"{query}\n# request {number}" for number in range(3 * requests + 1)] if cold else [query]
    environs = [request_environ(text, post) for text in texts]
    bodies = [environ["wsgi.input"].read() for environ in environs]

    def start_response(status, headers, exc_info=None):
        if not status.startswith("200"):
            raise RuntimeError(f"the app answered {status}")

    def through_app() -> None:
        number = next(numbers) % len(environs)
        fresh = dict(environs[number], **{"wsgi.input": io.BytesIO(bodies[number])})
        b"".join(app(fresh, start_response))

    through_app()  # loads the in-memory copy
    started = time.perf_counter()
    for _ in range(requests):
        through_app()
    app_us = (time.perf_counter() - started) * 1e6 / requests

    engine = app.extensions["govgraph_store"].get().engine
    started = time.perf_counter()
    for _ in range(requests):
        engine.query(query).serialize(format=pyoxigraph.QueryResultsFormat.JSON)
    engine_us = (time.perf_counter() - started) * 1e6 / requests

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        through_app()
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(30)
    return Overhead(app_us, engine_us, text.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description="Profile govgraph's per-request cost in process.")
    parser.add_argument("data_dir", type=Path, help="a govgraph data dir (e.g. bench/results/data-real)")
    parser.add_argument("--query", default=QUERY)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--post", action="store_true", help="POST the query as a form (as the Python client does)")
    parser.add_argument("--cold", action="store_true", help="a new text for every request (a numbered comment)")
    args = parser.parse_args()
    result = measure(args.data_dir, args.query, args.requests, args.post, args.cold)
    print(f"through the app: {result.app_us:.0f} µs/request; pyoxigraph alone: {result.engine_us:.0f} µs/request")
    print(result.profile)


if __name__ == "__main__":
    main()
