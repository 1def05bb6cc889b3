"""The remote backend's connection handling against real servers: credentials (basic and bearer through Debian's
nginx in front of Oxigraph server, digest on Virtuoso), reads retried when the connection fails and updates
never, and errors that name the engine and the request."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import free_port, start_nginx, stop, wait_for_http
from graph.errors import QuerySyntaxError, QueryTimeout, RemoteStoreFailed, StoreUnavailable
from graph.store import RemoteStore

TOKEN = "remote-test-token"
SCRATCH = "urn:govgraph:test:connections"


@pytest.fixture(scope="module")
def guarded(oxigraph_server, tmp_path_factory) -> str:
    """nginx in front of the test's Oxigraph server: /basic/ asks for basic credentials, /bearer/ for a token."""
    directory = tmp_path_factory.mktemp("guard")
    (directory / "users").write_text("govgraph:{PLAIN}secret\n")
    port, upstream = free_port(), oxigraph_server.removeprefix("http://")
    site = f"""server {{
  listen 127.0.0.1:{port};
  location /basic/ {{ auth_basic "govgraph"; auth_basic_user_file {directory}/users; proxy_pass http://{upstream}/; }}
  location /bearer/ {{
    if ($http_authorization != "Bearer {TOKEN}") {{ return 401; }}
    proxy_pass http://{upstream}/;
  }}
  location / {{ return 204; }}
}}"""
    proxy = start_nginx(site, port, directory)
    yield f"http://127.0.0.1:{port}"
    stop(proxy)


def _behind(base: str, **credentials: str) -> RemoteStore:
    return RemoteStore(base + "query", base + "update", base + "store", **credentials)


@pytest.mark.parametrize(("path", "credentials"), [("/basic/", {"user": "govgraph", "password": "secret"}),
                                                   ("/bearer/", {"token": TOKEN})])
def test_credentials_reach_a_guarded_server_for_reads_updates_and_graphs(guarded, path, credentials):
    store = _behind(guarded + path, **credentials)
    store.update(f'INSERT DATA {{ GRAPH <{SCRATCH}> {{ <urn:a> <urn:b> "c" }} }}')
    assert bool(store.query(f"ASK {{ GRAPH <{SCRATCH}> {{ <urn:a> <urn:b> \"c\" }} }}"))
    assert b"<urn:a>" in store.graph_data(SCRATCH)
    store.drop_graph(SCRATCH)
    assert SCRATCH not in store.named_graphs()


@pytest.mark.parametrize(("path", "credentials"), [("/basic/", {"user": "govgraph", "password": "wrong"}),
                                                   ("/basic/", {}), ("/bearer/", {"token": "wrong"})])
def test_refused_credentials_are_named_in_the_error(guarded, path, credentials):
    with pytest.raises(RemoteStoreFailed, match="nginx.* refused a query .*401.*GOVGRAPH_REMOTE_USER"):
        _behind(guarded + path, **credentials).query("ASK {}")


def test_digest_credentials_reach_virtuoso_and_wrong_ones_are_refused(virtuoso_settings, virtuoso):
    right = RemoteStore(virtuoso.query_url, virtuoso.update_url, user=virtuoso_settings.remote_user,
                        password=virtuoso_settings.remote_password)
    right.update(f"CLEAR SILENT GRAPH <{SCRATCH}>")
    wrong = RemoteStore(virtuoso.query_url, virtuoso.update_url, user="dba", password="wrong")
    with pytest.raises(RemoteStoreFailed, match=r"Virtuoso/07\S* .*refused an update \(POST .*/sparql-auth, 401\)"):
        wrong.update(f"CLEAR SILENT GRAPH <{SCRATCH}>")


def _oxigraph_starting_in(seconds: float, port: int, directory: Path) -> threading.Thread:
    """A real Oxigraph server that starts on `port` after `seconds` (a server coming back); stopped at exit."""
    executable = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")

    def serve() -> None:
        time.sleep(seconds)
        process = subprocess.Popen([executable, "serve", "--location", str(directory), "--bind", f"127.0.0.1:{port}"],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        wait_for_http(f"http://127.0.0.1:{port}/query", process)
        started.append(process)

    started: list[subprocess.Popen] = []
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    thread.started = started  # type: ignore[attr-defined]
    return thread


def test_a_read_is_retried_until_the_server_is_back_and_an_update_is_not(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    coming_back = _oxigraph_starting_in(0.3, port, tmp_path / "store")
    try:
        with pytest.raises(StoreUnavailable, match=rf"did not answer an update \(POST {base}update\): connection refused"):
            _behind(base).update(f'INSERT DATA {{ GRAPH <{SCRATCH}> {{ <urn:a> <urn:b> "c" }} }}')
        assert bool(_behind(base).query("ASK {}"))  # the first attempts fail; a retry finds the server
    finally:
        coming_back.join()
        for process in coming_back.started:
            stop(process)


def test_without_retries_a_read_fails_at_once_naming_the_request():
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(StoreUnavailable, match=rf"the remote SPARQL server did not answer a query \(POST {url}\): connection refused"):
        RemoteStore(url, retries=0).query("ASK {}")


def test_an_error_of_the_engine_names_it_and_the_request(virtuoso_store):
    # Virtuoso 7.2 wants GROUP_CONCAT's separator spelt out (error SR183): the error says who failed and where.
    with pytest.raises(RemoteStoreFailed, match=r"Virtuoso/07\S* .*answered a query \(POST .*/sparql\) with 500: .*SR183"):
        list(virtuoso_store.query("SELECT (GROUP_CONCAT(?o) AS ?all) WHERE { ?s ?p ?o }"))


def test_a_syntax_error_is_found_before_the_request(virtuoso_store):
    with pytest.raises(QuerySyntaxError, match="line 1"):
        virtuoso_store.query("SELECT ?s WHERE { ?s ?p }")


def test_a_partial_anytime_answer_is_refused(virtuoso, virtuoso_settings):
    # Asked with a `timeout` parameter, Virtuoso answers 200 with the rows it found by then: a wrong answer that looks right.
    store = RemoteStore(virtuoso.query_url + "?timeout=1000", default_graph=virtuoso_settings.remote_default_graph)
    slow = "SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(STR(?c) = STR(?i) && ?a != ?g) } ORDER BY ?a LIMIT 5"
    with pytest.raises(QueryTimeout, match=r"Virtuoso/07\S* .*answered a query .* with a partial result"):
        list(store.query(slow))
