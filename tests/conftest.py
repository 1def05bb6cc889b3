"""Shared fixtures: the real graph built once per session, the embedded store on disk,
a real `oxigraph serve` on 127.0.0.1 for the remote backend, and the Flask app."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

import pytest
import requests

from graph.build import build
from graph.config import Settings
from graph.store import EmbeddedStore, RemoteStore, current_store_path, remote_store as open_remote_store

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
    """A real `oxigraph serve` (PyPI package oxigraph) on 127.0.0.1."""
    executable = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    process = subprocess.Popen(
        [executable, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
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
    return open_remote_store(remote_settings)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory):
    """A real Virtuoso 7 (Debian's virtuoso-opensource) on 127.0.0.1 with a fresh database."""
    from bench import virtuoso as launcher

    if not launcher.available():
        pytest.fail("virtuoso-t is missing: `make test` installs it (Debian package virtuoso-opensource)")
    instance = launcher.start(tmp_path_factory.mktemp("virtuoso"), memory_mb=512, max_query_seconds=10)
    yield instance
    instance.stop()


@pytest.fixture(scope="session")
def virtuoso_settings(settings: Settings, virtuoso, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings selecting the remote backend on the test's Virtuoso, with the graph built into it."""
    from bench.virtuoso import PASSWORD, USER

    remote = settings.with_(
        backend="remote",
        data_dir=tmp_path_factory.mktemp("virtuoso-data"),
        remote_query_url=virtuoso.query_url,
        remote_update_url=virtuoso.update_url,
        remote_store_url=virtuoso.store_url,
        remote_default_graph=settings.graph_iri("union"),
        remote_user=USER,
        remote_password=PASSWORD,
    )
    build(remote)
    return remote


@pytest.fixture(scope="session")
def virtuoso_store(virtuoso_settings: Settings) -> RemoteStore:
    """The remote backend talking to the real Virtuoso."""
    return open_remote_store(virtuoso_settings)


def remote_environment(settings: Settings) -> dict[str, str]:
    """The GOVGRAPH_* variables that select the remote backend of these settings."""
    names = ("query_url", "update_url", "store_url", "default_graph", "user", "password")
    values = {f"GOVGRAPH_REMOTE_{name.upper()}": getattr(settings, "remote_" + name) for name in names}
    return {"GOVGRAPH_STORE": "remote", **{key: value for key, value in values.items() if value}}


BACKENDS = {"embedded": "graph_store", "oxigraph": "remote_store", "virtuoso": "virtuoso_store"}


@pytest.fixture(scope="session", params=list(BACKENDS))
def any_store(request: pytest.FixtureRequest):
    """Each backend in turn (embedded, Oxigraph server, Virtuoso), holding the same built graph."""
    return request.getfixturevalue(BACKENDS[request.param])


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


@contextmanager
def app_on_small_store(settings: Settings, turtle: bytes, graph_iri: str) -> Iterator[str]:
    """The app on a small in-memory store, served by werkzeug in a thread on 127.0.0.1; yields its URL.

    The data goes into one named graph and into the default graph, as the build writes them.
    """
    from werkzeug.serving import make_server

    from api import create_app

    store = EmbeddedStore.in_memory()
    for target in (graph_iri, None):
        store.load_graph(turtle, target, "text/turtle")
    server = make_server("127.0.0.1", free_port(), create_app(settings, store=store), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def serve_govgraph(data_dir: Path, log_dir: Path, **environment: str):
    """Start `govgraph serve` (granian) on a free port of 127.0.0.1; returns (base URL, process)."""
    import os

    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("GOVGRAPH_")}
    env.update({"GOVGRAPH_DATA_DIR": str(data_dir), "GOVGRAPH_BASE_IRI": BASE, **environment})
    log = open(log_dir / "serve.log", "w")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "govgraph"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(url + "/sparql", process, seconds=60)
    except RuntimeError as error:
        raise RuntimeError(f"{error}\n{(log_dir / 'serve.log').read_text()}") from None
    return url, process


@pytest.fixture(scope="session")
def live_server(built: Settings, tmp_path_factory: pytest.TempPathFactory):
    """`govgraph serve` (granian) on the built graph, read-only (no update token); yields its base URL."""
    url, process = serve_govgraph(built.data_dir, tmp_path_factory.mktemp("live-server"))
    yield url
    stop(process)


def start_nginx(site: str, port: int, directory: Path) -> subprocess.Popen:
    """Debian's nginx with one `server` block (`site`, listening on `port`), its files in `directory`."""
    import os

    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx is missing: `make test` installs it (Debian package nginx)")
    temporary = directory / "nginx-temp"
    temporary.mkdir()
    as_root = "user root;\n" if os.geteuid() == 0 else ""  # its workers must write to the test's private folders
    (directory / "nginx.conf").write_text(
        f"{as_root}daemon off;\nworker_processes 1;\npid {directory}/nginx.pid;\nerror_log {directory}/nginx-error.log;\n"
        f"events {{ worker_connections 64; }}\nhttp {{\n access_log {directory}/nginx-access.log;\n"
        f" client_body_temp_path {temporary}/body; proxy_temp_path {temporary}/proxy;\n"
        f" fastcgi_temp_path {temporary}/fastcgi; uwsgi_temp_path {temporary}/uwsgi; scgi_temp_path {temporary}/scgi;\n"
        f"{site}\n}}\n"
    )
    proxy = subprocess.Popen([nginx, "-c", str(directory / "nginx.conf"), "-p", str(directory)],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=1)
            return proxy
        except requests.ConnectionError:
            if proxy.poll() is not None:
                pytest.fail(f"nginx did not start: {proxy.stdout.read()}")
            time.sleep(0.1)
    stop(proxy)
    pytest.fail("nginx did not answer within 20 s")


UPDATE_TOKEN = "test-update-token"


class WritableServer(NamedTuple):
    """A running `govgraph serve` that accepts updates: its base URL, data directory, log file and process id."""

    url: str
    data_dir: Path
    log: Path
    process_id: int


@pytest.fixture(scope="session")
def writable_server(tmp_path_factory: pytest.TempPathFactory):
    """`govgraph serve` on a private, initially empty store that accepts updates with UPDATE_TOKEN.

    Short limits (2 s timeout, 1 MB results) so the safety tests are quick; yields a WritableServer.
    """
    import pyoxigraph

    data_dir = tmp_path_factory.mktemp("writable-data")
    (data_dir / "stores").mkdir()
    pyoxigraph.Store(str(data_dir / "stores" / "empty"))  # creates the RocksDB store; closed when dropped
    (data_dir / "current").symlink_to(Path("stores") / "empty")
    log_dir = tmp_path_factory.mktemp("writable-server")
    url, process = serve_govgraph(
        data_dir,
        log_dir,
        GOVGRAPH_UPDATE_TOKEN=UPDATE_TOKEN,
        GOVGRAPH_QUERY_TIMEOUT="2",
        GOVGRAPH_MAX_RESULT_BYTES="1000000",
    )
    yield WritableServer(url, data_dir, log_dir / "serve.log", process.pid)
    stop(process)


@pytest.fixture(scope="session")
def member_rows(settings) -> list[dict[str, str]]:
    """The rows of network-members.csv (GOVGRAPH_MEMBER_SOURCES, default ../shared/sources)."""
    from member_evidence import read_csv

    return read_csv(settings, "network-members.csv")


@pytest.fixture(scope="session")
def member_source_iris(settings) -> dict[str, str]:
    """Source id of network-member-sources.csv -> the IRI of the gg:Source the build makes of it."""
    from member_evidence import curated_graph, read_csv, source_iris

    return source_iris({row["id"]: row["url"] for row in read_csv(settings, "network-member-sources.csv")}, curated_graph())


@pytest.fixture(scope="session")
def javascript_links_server(writable_server: WritableServer) -> str:
    """The writable server after an authorised update put `javascript:` IRIs where pages link (tests/data); its URL."""
    update = (Path(__file__).parent / "data" / "javascript_links.ru").read_text(encoding="utf-8")
    response = requests.post(writable_server.url + "/sparql", data={"update": update},
                             headers={"Authorization": f"Bearer {UPDATE_TOKEN}"}, timeout=30)
    assert response.status_code == 204, response.text
    return writable_server.url


def jsonld_as_nquads(body: bytes, get: Callable[[str], bytes]) -> bytes:
    """A JSON-LD document as N-Quads (PyLD), its @context loaded by `get(url)` (a test client, or HTTP)."""
    import json

    from pyld import jsonld

    def load(url: str, options: dict) -> dict:
        return {"contextUrl": None, "documentUrl": url, "document": json.loads(get(url))}

    return jsonld.to_rdf(json.loads(body), {"format": "application/n-quads", "documentLoader": load}).encode()


CHROMIUM = "/usr/bin/chromium"  # Debian's package; playwright never downloads a browser here
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """One real headless Chromium for every browser test of the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
