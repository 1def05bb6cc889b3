"""`govgraph serve`: the app under granian (a Rust HTTP server), workers forked from one in-memory copy."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

import click

from graph.config import Settings

from cli.help import epilog

if TYPE_CHECKING:
    from cli.main import Context
    from cli.supervisor import SupervisorChannel
    from graph.store import MemoryCopy

LOG = logging.getLogger("govgraph.serve")


def worker_app(settings: Settings, copy: MemoryCopy | None, channel: SupervisorChannel, threads: int):
    """A worker's app, made in the new worker process before it starts any thread."""
    from api import create_app
    from api.store_access import install_query_runner
    from graph.describe import service_description
    from graph.store import QueryRunner, StoreProvider, isolate_outbound_network

    # First, while this is the process's only thread (threads made later inherit it): with no allow-list
    # and a local store, the worker needs no outbound network.
    if settings.backend == "embedded" and not settings.service_allowlist:
        if isolate_outbound_network():
            LOG.info("worker %d has no outbound network (SERVICE/LOAD cannot reach any host)", os.getpid())
        else:
            LOG.warning("worker %d could not leave the network namespace; the SERVICE/LOAD policy is "
                        "the only guard against outbound requests", os.getpid())
    if settings.backend == "embedded":
        provider = StoreProvider.pinned(settings, copy, after_update=lambda: channel.await_served(settings.query_timeout))
    else:
        provider = StoreProvider(settings)
    app = create_app(settings, provider=provider)
    # One evaluation thread per request thread, and one more for a runaway that has been answered already.
    runner = QueryRunner(settings, provider, threads=threads + 1, on_runaway=channel.retire, describe_service=service_description)
    install_query_runner(app, runner)
    channel.ready()
    return app


@click.command(epilog=epilog(
    ("GOVGRAPH_DATA_DIR", "GOVGRAPH_BASE_IRI", "GOVGRAPH_STORE", "GOVGRAPH_REMOTE_QUERY_URL", "GOVGRAPH_REMOTE_UPDATE_URL",
     "GOVGRAPH_HTTP_WORKERS", "GOVGRAPH_QUERY_TIMEOUT", "GOVGRAPH_UPDATE_TOKEN", "GOVGRAPH_SERVICE_ALLOWLIST", "GOVGRAPH_MAX_RESULT_BYTES"),
    "govgraph serve --host 0.0.0.0 --port 8080 --workers 4",
))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1), envvar="GOVGRAPH_HTTP_WORKERS",
              help="Worker processes, forked from one in-memory copy of the store ($GOVGRAPH_HTTP_WORKERS).")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1), help="Request threads per worker.")
@click.pass_obj
def serve(obj: Context, host: str, port: int, workers: int, threads: int) -> None:
    """Serve the SPARQL endpoint, REST API and linked data under granian."""
    from api import create_app
    from cli.supervisor import Supervisor

    settings = obj.settings
    create_app(settings)  # imports every blueprint now, before the fork: workers start without importing
    click.echo(f"govgraph serving {settings.backend} store on http://{host}:{port}/sparql", err=True)
    supervisor = Supervisor(
        settings,
        lambda settings, copy, channel: worker_app(settings, copy, channel, threads),
        host=host, port=port, workers=workers, threads=threads,
    )
    supervisor.run()
