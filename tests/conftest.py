"""Shared fixtures: the real graph built once per session, the embedded store on disk,
a real `oxigraph serve` on 127.0.0.1 for the remote backend, and the Flask app."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from graph.build import build
from graph.config import Settings
from graph.store import EmbeddedStore, RemoteStore, current_store_path

BASE = "https://w3id.org/govgraph"


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_http(url: str, process: subprocess.Popen, seconds: float = 30.0) -> None:
    """Poll until the server answers (any status) or fail with its output."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {process.stdout.read() if process.stdout else ''}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"server at {url} did not answer within {seconds} s")


def stop(process: subprocess.Popen) -> None:
    """Terminate a server process and reap it."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for a data directory of this test session (refdata from ../shared or GOVGRAPH_REFDATA)."""
    return Settings.from_env().with_(data_dir=tmp_path_factory.mktemp("data"), base_iri=BASE, backend="embedded")


@pytest.fixture(scope="session")
def built(settings: Settings) -> Settings:
    """The real graph, built once for the session; returns its settings."""
    build(settings)
    return settings


@pytest.fixture(scope="session")
def graph_store(built: Settings) -> EmbeddedStore:
    """The built embedded store, opened read-only (queries see the union of the named graphs)."""
    return EmbeddedStore.open(current_store_path(built.data_dir), read_only=True)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory):
    """A real `oxigraph serve` (PyPI package oxigraph) on 127.0.0.1, union default graph."""
    executable = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    process = subprocess.Popen(
        [executable, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for_http(url + "/query", process)
    yield url
    stop(process)


@pytest.fixture(scope="session")
def remote_settings(settings: Settings, oxigraph_server: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings selecting the remote backend on the test's Oxigraph server, with the graph built into it."""
    remote = settings.with_(
        backend="remote",
        data_dir=tmp_path_factory.mktemp("remote-data"),
        remote_query_url=oxigraph_server + "/query",
        remote_update_url=oxigraph_server + "/update",
        remote_store_url=oxigraph_server + "/store",
    )
    build(remote)
    return remote


@pytest.fixture(scope="session")
def remote_store(remote_settings: Settings) -> RemoteStore:
    """The remote backend talking to the real Oxigraph server."""
    return RemoteStore(
        remote_settings.remote_query_url,
        remote_settings.remote_update_url,
        remote_settings.remote_store_url,
    )


@pytest.fixture(scope="session", params=["embedded", "remote"])
def any_store(request: pytest.FixtureRequest):
    """Each backend in turn, holding the same built graph."""
    return request.getfixturevalue("graph_store" if request.param == "embedded" else "remote_store")


@pytest.fixture(scope="session")
def app(built: Settings):
    """The Flask app on the built embedded store."""
    from api import create_app

    application = create_app(built)
    application.testing = True
    return application


@pytest.fixture(scope="session")
def client(app):
    """A Flask test client (for fast checks; end-to-end tests use the live server)."""
    return app.test_client()
