"""Hostile input to the real server (`govgraph serve`, the writable test server): every one a clear 4xx/5xx,
and no server process dies. The deep texts once overflowed the native parser's stack (SIGSEGV)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests

from bench.hostile_inputs import HOSTILE, Hostile, nested_groups
from conftest import UPDATE_TOKEN
from graph.config import Settings
from graph.store import EmbeddedStore

AUTHORIZATION = {"Authorization": f"Bearer {UPDATE_TOKEN}"}
ASK = "ASK { ?s ?p ?o }"


@pytest.fixture(scope="module")
def sparql(writable_server):
    return writable_server.url + "/sparql"


def unexpected_exits(log: Path) -> list[str]:
    """The supervisor's reports of workers that died (a crash such as SIGSEGV), as opposed to workers it replaced
    itself: after every update, and after a runaway, it forks fresh workers by design."""
    return [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if "exited unexpectedly" in line]


@pytest.fixture
def same_workers(writable_server):
    """Checks that no worker process of the server died during the test, and the supervisor still runs."""
    before = len(unexpected_exits(writable_server.log))
    yield
    assert unexpected_exits(writable_server.log)[before:] == [], "a server process died (see the server log)"
    os.kill(writable_server.process_id, 0)  # the supervisor still runs (ProcessLookupError if not)


def _send(sparql: str, hostile: Hostile, text: str, **headers: str) -> requests.Response:
    return requests.post(sparql, data={hostile.kind: text}, headers={**AUTHORIZATION, **headers}, timeout=60)


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda hostile: hostile.name)
def test_a_text_nested_beyond_the_limit_is_refused_before_it_is_parsed(hostile, sparql, same_workers):
    response = _send(sparql, hostile, hostile.refused())
    assert response.status_code == 400, response.text[:300]
    assert f"the {hostile.kind} is nested too deeply" in response.text
    assert "more than the limit of 4000 (GOVGRAPH_MAX_QUERY_DEPTH)" in response.text
    assert requests.get(sparql, params={"query": ASK}, timeout=10).status_code == 200


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda hostile: hostile.name)
def test_a_text_nested_a_thousand_levels_is_answered(hostile, sparql, same_workers):
    # Three times: a query once seen to be fast may be evaluated on the request thread after that.
    for _ in range(3):
        response = _send(sparql, hostile, hostile.answered())
        assert response.status_code in (200, 204), response.text[:300]


def test_the_depth_refusal_comes_in_the_clients_format(sparql, same_workers):
    response = requests.post(sparql, data={"query": nested_groups(5_000)}, headers={"Accept": "application/json"})
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False and body["status"] == 400 and "GOVGRAPH_MAX_QUERY_DEPTH" in body["error"]


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
@pytest.mark.parametrize("value", ["not an iri", "relative/path", "http://e/a>b"])
def test_a_query_dataset_that_is_no_iri_is_a_400_naming_the_parameter(sparql, parameter, value, same_workers):
    for response in (requests.get(sparql, params={"query": ASK, parameter: value}, timeout=10),
                     requests.post(sparql, data={"query": ASK, parameter: value}, timeout=10)):
        assert response.status_code == 400, response.text
        assert f"{parameter} must be an absolute IRI" in response.text and repr(value) in response.text


@pytest.mark.parametrize("parameter", ["using-graph-uri", "using-named-graph-uri"])
def test_an_update_dataset_that_is_no_iri_is_a_400_and_is_never_pasted_into_the_update(sparql, parameter, same_workers):
    # Pasted as `USING <…>`, this value would end the IRI and add an operation of its own.
    kept = "GRAPH <urn:hostile> { <urn:hostile:kept> <urn:hostile:p> 1 }"
    assert requests.post(sparql, data={"update": f"INSERT DATA {{ {kept} }}"}, headers=AUTHORIZATION).status_code == 204
    value = "urn:x> WHERE { } ; CLEAR ALL ; INSERT { <urn:a> <urn:b> <urn:c> } USING <urn:y"
    update = "INSERT { GRAPH <urn:hostile> { ?s ?p ?o } } WHERE { ?s <urn:hostile:none> ?o }"
    response = requests.post(sparql, params={parameter: value}, data=update,
                             headers={**AUTHORIZATION, "Content-Type": "application/sparql-update"}, timeout=10)
    assert response.status_code == 400
    assert f"{parameter} must be an absolute IRI" in response.text
    assert requests.get(sparql, params={"query": f"ASK {{ {kept} }}"}, timeout=10).json()["boolean"]  # nothing cleared


def test_an_allowlisted_service_whose_host_does_not_resolve_is_a_502(tmp_path):
    """The policy lets the call out; the lookup fails: a gateway error naming the cause, not a 500."""
    from api import create_app

    settings = Settings().with_(data_dir=tmp_path, service_allowlist=("http://does-not-resolve.invalid/*",))
    client = create_app(settings, store=EmbeddedStore.in_memory()).test_client()
    query = "SELECT * WHERE { SERVICE <http://does-not-resolve.invalid/sparql> { ?s ?p ?o } }"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 502
    assert "a SERVICE call of the query failed" in response.get_data(as_text=True)
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/json"})
    assert response.status_code == 502 and response.json["ok"] is False
