"""govgraph on a real Virtuoso 7 (GOVGRAPH_STORE=remote): `serve` forwarding with every safety guarantee,
the REST API, linked-data pages and analytics exports answering as on the embedded store, and the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from SPARQLWrapper import JSON, RDFXML, SPARQLWrapper

from conftest import UPDATE_TOKEN, remote_environment, serve_govgraph, stop

ID = "https://w3id.org/govgraph/id/"
DORTMUND = ID + "organization/gemeinde-05913000"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def served(virtuoso_settings, tmp_path_factory):
    """`govgraph serve` forwarding to the test's Virtuoso: 5 s timeout, 300 kB results, updates with a token."""
    url, process = serve_govgraph(
        tmp_path_factory.mktemp("virtuoso-serve-data"),
        tmp_path_factory.mktemp("virtuoso-serve"),
        GOVGRAPH_QUERY_TIMEOUT="5",
        GOVGRAPH_MAX_RESULT_BYTES="300000",
        GOVGRAPH_UPDATE_TOKEN=UPDATE_TOKEN,
        **remote_environment(virtuoso_settings),
    )
    yield url
    stop(process)


def _wrapper(endpoint: str, query: str, return_format: str) -> SPARQLWrapper:
    wrapper = SPARQLWrapper(endpoint)
    wrapper.setQuery(query)
    wrapper.setReturnFormat(return_format)
    return wrapper


@pytest.mark.parametrize("query", [
    f"SELECT ?p ?o WHERE {{ <{DORTMUND}> ?p ?o }} ORDER BY ?p ?o",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    f"ASK {{ <{DORTMUND}> ?p ?o }}",
    "ASK { <urn:nothing> ?p ?o }",
])
def test_sparqlwrapper_gets_the_answers_of_the_embedded_endpoint(served, live_server, query):
    on_virtuoso = _wrapper(served + "/sparql", query, JSON).queryAndConvert()
    on_embedded = _wrapper(live_server + "/sparql", query, JSON).queryAndConvert()
    assert on_virtuoso.get("boolean") == on_embedded.get("boolean")
    assert on_virtuoso.get("results") == on_embedded.get("results")


def test_construct_through_rdflib_is_the_graph_of_the_embedded_endpoint(served, live_server):
    query = f"CONSTRUCT {{ <{DORTMUND}> ?p ?o }} WHERE {{ <{DORTMUND}> ?p ?o }}"
    on_virtuoso = _wrapper(served + "/sparql", query, RDFXML).queryAndConvert()
    on_embedded = _wrapper(live_server + "/sparql", query, RDFXML).queryAndConvert()
    assert len(on_virtuoso) > 10 and set(on_virtuoso) == set(on_embedded)


def test_a_query_over_the_timeout_gets_a_503_and_the_endpoint_answers_again(served):
    """Virtuoso goes on with a query govgraph gave up on until its own MaxQueryExecutionTime (10 s here) ends it."""
    started = time.monotonic()
    slow = requests.post(served + "/sparql", data={"query": SLOW}, headers={"Accept": "application/sparql-results+json"})
    assert slow.status_code == 503 and "5 s" in slow.text
    assert time.monotonic() - started < 20
    while True:
        quick = requests.get(served + "/sparql", params={"query": "ASK { ?s ?p ?o }"},
                             headers={"Accept": "application/sparql-results+json"})
        if quick.status_code == 200 or time.monotonic() - started > 60:
            break
    assert quick.json() == {"head": {}, "boolean": True}


def test_a_result_over_the_cap_asks_for_a_limit(served):
    response = requests.get(served + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"Accept": "text/csv"})
    assert response.status_code == 400 and "LIMIT" in response.text


@pytest.mark.parametrize(("text", "named"), [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
    ('DEFINE get:soft "replace" SELECT * FROM <http://127.0.0.1:9/data> WHERE { ?s ?p ?o }', "DEFINE"),
    ("SELECT (<bif:sleep>(5) AS ?x) WHERE {}", "bif:sleep"),
    ("SELECT (<sql:PROCEDURE>() AS ?x) WHERE {}", "sql:PROCEDURE"),
])
def test_what_reaches_out_or_runs_engine_code_is_refused(served, text, named):
    response = requests.post(served + "/sparql", data={"query": text})
    assert response.status_code == 400 and named in response.text


def test_load_is_refused_and_an_authorised_update_is_applied_on_virtuoso(served):
    headers = {"Authorization": f"Bearer {UPDATE_TOKEN}"}
    load = requests.post(served + "/sparql", data={"update": "LOAD <http://127.0.0.1:9/data.ttl>"}, headers=headers)
    assert load.status_code == 400 and "LOAD" in load.text
    scratch = "urn:govgraph:test:scratch"
    insert = f'INSERT DATA {{ GRAPH <{scratch}> {{ <urn:a> <urn:b> "c" }} }}'
    assert requests.post(served + "/sparql", data={"update": insert}, headers=headers).status_code == 204
    asked = requests.get(served + "/sparql", params={"query": f'ASK {{ GRAPH <{scratch}> {{ <urn:a> <urn:b> "c" }} }}',
                                                      "named-graph-uri": scratch}, headers={"Accept": "application/sparql-results+json"})
    assert asked.json()["boolean"] is True
    # Not DROP GRAPH: Virtuoso knows only graphs that CREATE GRAPH made, and the engine's refusal is a 502.
    dropped = requests.post(served + "/sparql", data={"update": f"DROP GRAPH <{scratch}>"}, headers=headers)
    assert dropped.status_code == 502 and "Virtuoso" in dropped.text
    cleared = requests.post(served + "/sparql", data={"update": f"CLEAR GRAPH <{scratch}>"}, headers=headers)
    assert cleared.status_code == 204
    asked = requests.get(served + "/sparql", params={"query": f"ASK {{ GRAPH <{scratch}> {{ ?s ?p ?o }} }}",
                                                      "named-graph-uri": scratch}, headers={"Accept": "application/sparql-results+json"})
    assert asked.json()["boolean"] is False


@pytest.mark.parametrize("path", [
    "/api/queries/who-coordinates?unit=https://w3id.org/govgraph/id/organization/ag-stadtumbau&asOf=2025-03-01",
    "/api/queries/network-members?network=https://w3id.org/govgraph/id/organization/netzwerk-innenstadt-nrw&asOf=2013-04-15",
    "/api/queries/entity-provenance?entity=https://w3id.org/govgraph/id/person/sebastian-kroeger",
    "/api/analytics/degree?asOf=2025-03-01&format=csv",
    "/api/analytics/changes?from=2023-06-01&to=2025-03-01",
    "/api/graph/organizations.gexf?asOf=2025-03-01",
    "/api/graph/co-membership.graphml?asOf=2015-06-01",
    "/id/organization/ag-stadtumbau",
])
def test_the_rest_api_pages_and_exports_answer_as_on_the_embedded_store(served, live_server, path):
    accept = {"Accept": "text/turtle"} if path.startswith("/id/") else {"Accept": "application/json"}
    on_virtuoso, on_embedded = requests.get(served + path, headers=accept), requests.get(live_server + path, headers=accept)
    assert on_virtuoso.status_code == on_embedded.status_code == 200
    if "entity-provenance" in path or path.startswith("/id/"):
        from rdflib import Graph
        from rdflib.compare import isomorphic

        media = "json-ld" if "entity-provenance" in path else "turtle"
        assert isomorphic(Graph().parse(data=on_virtuoso.text, format=media), Graph().parse(data=on_embedded.text, format=media))
    else:
        assert on_virtuoso.content == on_embedded.content


@pytest.mark.parametrize("path", ["/", "/?lang=en", "/id/organization/ag-stadtumbau", "/id/organization/netzwerk-innenstadt-nrw",
                                  "/id/person/sebastian-kroeger?lang=en", "/search?q=stadt"])
def test_pages_are_the_pages_of_the_embedded_store(served, live_server, path):
    on_virtuoso, on_embedded = (requests.get(base + path, headers={"Accept": "text/html"}) for base in (served, live_server))
    assert on_virtuoso.status_code == on_embedded.status_code == 200
    assert on_virtuoso.text.replace(served, live_server) == on_embedded.text
    if path == "/id/organization/ag-stadtumbau":
        assert "Das Amt für Stadterneuerung koordiniert ab 1. Januar 2025 die Arbeit der AG Stadtumbau." in on_virtuoso.text


def test_the_cli_reads_virtuoso(virtuoso_settings, tmp_path):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("GOVGRAPH_")}
    environment.update(remote_environment(virtuoso_settings), GOVGRAPH_DATA_DIR=str(tmp_path))
    govgraph = str(Path(sys.executable).parent / "govgraph")

    def run(*arguments: str) -> str:
        done = subprocess.run([govgraph, *arguments], capture_output=True, text=True, env=environment, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert run("query", "--format", "csv", f"SELECT ?id WHERE {{ <{DORTMUND}> <http://www.w3.org/ns/org#identifier> ?id }}").split() == ["id", "05913000"]
    assert "Sebastian Kröger" in run("ask", "who-coordinates", "-p", f"unit={ID}organization/ag-stadtumbau", "-p", "asOf=2025-03-01")
    assert "https://w3id.org/govgraph/graph/pressemitteilung-dortmund-2024-12" in run("stats")
    assert "valid" in run("validate").lower()
