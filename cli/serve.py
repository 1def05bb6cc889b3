"""`govgraph serve`: build the app and hand it to gunicorn (threaded workers sharing the store)."""

from __future__ import annotations

import logging
import os
import threading
from typing import TYPE_CHECKING, Callable

import click
from flask import Flask
from gunicorn.app.base import BaseApplication

from cli.help import epilog

if TYPE_CHECKING:
    from cli.main import Context


class GunicornServer(BaseApplication):
    """gunicorn with options from the command line, not from sys.argv or a config file."""

    def __init__(self, app_factory: Callable[[], Flask], options: dict[str, object]):
        self.app_factory = app_factory
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        # Each gunicorn worker builds its own app (and its in-memory copy of the store) after the fork.
        return self.app_factory()


def _prepare_worker(worker) -> None:  # a gunicorn ThreadWorker
    """Load the worker's in-memory copy before it takes requests, and let a runaway query retire it."""
    from api.store_access import install_query_runner
    from graph.store import isolate_outbound_network
    from graph.describe import service_description
    from graph.store import QueryRunner

    def retire() -> None:
        # Stop accepting and finish the other requests; then exit, which ends the runaway evaluation
        # that pyoxigraph cannot cancel. gunicorn starts a fresh worker; the others serve meanwhile.
        worker.alive = False
        deadline = threading.Timer(worker.cfg.graceful_timeout + 1, os._exit, args=(0,))
        deadline.daemon = True
        deadline.start()

    app = worker.wsgi
    settings = app.config["GOVGRAPH_SETTINGS"]
    # Before any thread starts: with no allow-list and a local store, the worker needs no outbound network.
    if settings.backend == "embedded" and not settings.service_allowlist:
        if isolate_outbound_network():
            worker.log.info("worker %d has no outbound network (SERVICE/LOAD cannot reach any host)", worker.pid)
        else:
            worker.log.warning("worker %d could not leave the network namespace; the SERVICE/LOAD policy is "
                               "the only guard against outbound requests", worker.pid)
    # One evaluation thread per request thread, and one more for a runaway that has been answered already.
    runner = QueryRunner(settings, app.extensions["govgraph_store"], threads=worker.cfg.threads + 1, on_runaway=retire,
                         describe_service=service_description)
    install_query_runner(app, runner)
    runner.warm_up()


@click.command(epilog=epilog(
    ("GOVGRAPH_DATA_DIR", "GOVGRAPH_BASE_IRI", "GOVGRAPH_STORE", "GOVGRAPH_REMOTE_QUERY_URL", "GOVGRAPH_REMOTE_UPDATE_URL",
     "GOVGRAPH_HTTP_WORKERS", "GOVGRAPH_QUERY_TIMEOUT", "GOVGRAPH_UPDATE_TOKEN", "GOVGRAPH_SERVICE_ALLOWLIST", "GOVGRAPH_MAX_RESULT_BYTES"),
    "govgraph serve --host 0.0.0.0 --port 8080 --workers 4",
))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1), envvar="GOVGRAPH_HTTP_WORKERS",
              help="gunicorn worker processes, each with an in-memory copy of the store ($GOVGRAPH_HTTP_WORKERS).")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1), help="Request threads per worker.")
@click.pass_obj
def serve(obj: Context, host: str, port: int, workers: int, threads: int) -> None:
    """Serve the SPARQL endpoint, REST API and linked data under gunicorn."""
    from api import create_app

    logging.basicConfig(level=logging.INFO, format="[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s")
    settings = obj.settings
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        # Queries time out in the query runner; gunicorn's own timeout only catches a hung worker.
        "timeout": int(settings.query_timeout) + 30,
        "graceful_timeout": 5,
        "keepalive": 5,
        "accesslog": None,
        # Several servers may run side by side (tests, benchmarks): no shared control socket.
        "control_socket_disable": True,
        "post_worker_init": _prepare_worker,
    }
    click.echo(f"govgraph serving {settings.backend} store on http://{host}:{port}/sparql", err=True)
    GunicornServer(lambda: create_app(settings), options).run()
