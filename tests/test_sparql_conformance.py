"""The W3C SPARQL 1.1 test suites through HTTP against the real server (`govgraph serve` on 127.0.0.1).

Driven by the manifests in ../shared/conformance: the 34 Protocol tests, the result-format
suites (json-res, csv-tsv-res) and the query evaluation and syntax tests of
manifest-sparql11-query.ttl. The Protocol suite sends no Authorization header; this driver
adds the test server's bearer token to every request (the server has no anonymous updates).
Query tests run against data preloaded once: each data file is a named graph (named by its
file IRI), and each test names its dataset with default-graph-uri/named-graph-uri.
"""

from __future__ import annotations

import pyoxigraph
import pytest
import requests

from conftest import UPDATE_TOKEN
from w3c_manifests import (
    SUITE,
    as_ntriples,
    QueryTest,
    evaluate_in_process,
    expected_media_type,
    protocol_tests,
    query_tests,
    result_matches,
)

from graph.store.sparql_protocol import tokenize

AUTHORIZATION = {"Authorization": f"Bearer {UPDATE_TOKEN}"}
EMPTY_GRAPH = "urn:govgraph-test:empty"
SENTINEL_GRAPH = "urn:govgraph-test:query-suite-loaded"
RESULT_MEDIA_TYPES = {
    "application/sparql-results+json": pyoxigraph.QueryResultsFormat.JSON,
    "application/sparql-results+xml": pyoxigraph.QueryResultsFormat.XML,
}
FORMAT_FAMILIES = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {"application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"},
    "RDF": {"text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"},
}
# What pyoxigraph 0.5.13 itself does not support (test_skipped_query_tests_fail_in_pyoxigraph_itself checks it).
_CANONICAL = "Oxigraph stores literals in canonical form, so the suite's non-canonical input forms come back canonical"
_ZERO_LENGTH = ("pyoxigraph returns the fixed end of a zero-length path only when that term occurs in the graph; "
                "the suite (2024 erratum) expects it always")
UNSUPPORTED_BY_PYOXIGRAPH: dict[str, str] = {
    "aggregates/agg-groupconcat-04": "pyoxigraph's GROUP_CONCAT drops the common language tag the suite (erratum) expects",
    "aggregates/agg-groupconcat-06": "pyoxigraph's GROUP_CONCAT drops the language tag of a single element",
    "aggregates/agg-empty-group-count-graph": "pyoxigraph does not bind GRAPH ?g around an aggregate over an empty group",
    "bindings/graph": "pyoxigraph does not bind GRAPH ?g for VALUES rows that leave ?g UNDEF inside the GRAPH pattern",
    "cast/cast-bool": _CANONICAL + " (\"0\"^^xsd:boolean is returned as \"false\")",
    "cast/cast-int": _CANONICAL + " (\"1.0\"^^xsd:decimal, \"1E0\"^^xsd:double, \"0\"^^xsd:boolean)",
    "cast/cast-float": _CANONICAL + " (\"1.0\"^^xsd:decimal, \"1E0\"^^xsd:double, \"0\"^^xsd:boolean)",
    "cast/cast-double": _CANONICAL + " (\"1.0\"^^xsd:decimal, \"1E0\"^^xsd:double, \"0\"^^xsd:boolean)",
    "cast/cast-decimal": _CANONICAL + " (\"1.0\"^^xsd:decimal, \"1E0\"^^xsd:double, \"0\"^^xsd:boolean)",
    "cast/cast-string": _CANONICAL + " (\"1.0\"^^xsd:decimal, \"1E0\"^^xsd:double, \"0\"^^xsd:boolean)",
    "functions/bnode01": "pyoxigraph's BNODE(str) returns the same blank node for the same string in every solution",
    "negation/graph-minus": "pyoxigraph counts the outer GRAPH variable as shared when checking MINUS disjointness",
    "property-path/zero_or_more_set_start": _ZERO_LENGTH,
    "property-path/zero_or_more_set_end": _ZERO_LENGTH,
    "property-path/zero_or_one_set_start": _ZERO_LENGTH,
    "property-path/zero_or_one_set_end": _ZERO_LENGTH,
    "syntax-query/test_4": "pyoxigraph parses a call to an unknown extension function but refuses to evaluate it",
    "csv-tsv-res/csv03": _CANONICAL + " (\"1.0E6\"^^xsd:double, \"-3\"^^xsd:negativeInteger)",
    "csv-tsv-res/tsv03": _CANONICAL + " (\"1.0E6\"^^xsd:double, \"-3\"^^xsd:negativeInteger)",
}

PROTOCOL_TESTS = protocol_tests()
QUERY_TESTS = query_tests(
    SUITE / "manifest-sparql11-query.ttl",
    SUITE / "json-res" / "manifest.ttl",
    SUITE / "csv-tsv-res" / "manifest.ttl",
)


def _media_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip()


def _update(url: str, update: str) -> None:
    response = requests.post(
        url + "/sparql",
        data=update.encode(),
        headers={"Content-Type": "application/sparql-update", **AUTHORIZATION},
        timeout=30,
    )
    assert response.status_code == 204, response.text


def test_the_protocol_manifest_has_its_34_tests():
    assert len(PROTOCOL_TESTS) == 34


@pytest.mark.parametrize("test", PROTOCOL_TESTS, ids=lambda test: test.name)
def test_protocol(writable_server, test):
    url = writable_server.url
    for graph_iri, data_file in test.graph_data.items():
        _update(url, f"INSERT DATA {{ GRAPH <{graph_iri}> {{ {data_file.read_text()} }} }}")
    for request in test.requests:
        path = "/sparql" + request.path.removeprefix("/sparql/")
        response = requests.request(
            request.method, url + path, data=request.body, headers={**request.headers, **AUTHORIZATION}, timeout=30
        )
        status_class = f"{response.status_code // 100}xx"
        assert status_class in request.statuses, f"{test.title}: {response.status_code} {response.text}"
        if request.expected_format is not None:
            assert _media_type(response) in FORMAT_FAMILIES[request.expected_format], test.title
        if request.expected_boolean is not None:
            answer = pyoxigraph.parse_query_results(response.content, RESULT_MEDIA_TYPES[_media_type(response)])
            assert bool(answer) is request.expected_boolean, test.title
        if response.status_code >= 400:
            assert response.text.strip(), "an error must say what was wrong"


def test_the_query_suites_are_all_collected():
    kinds = {test.kind for test in QUERY_TESTS}
    assert {"QueryEvaluationTest", "CSVResultFormatTest", "PositiveSyntaxTest11", "NegativeSyntaxTest11"} <= kinds
    assert sum(test.kind == "QueryEvaluationTest" for test in QUERY_TESTS) > 200


@pytest.fixture
def query_suite_server(writable_server):
    """The writable server with every data file of the query suites loaded (again, if a protocol test cleared it)."""
    url = writable_server.url
    loaded = requests.get(url + "/sparql", params={"query": f"ASK {{ GRAPH <{SENTINEL_GRAPH}> {{ ?s ?p ?o }} }}"},
                          headers={"Accept": "application/sparql-results+json"}, timeout=30)
    if not loaded.json()["boolean"]:
        files = sorted({path for test in QUERY_TESTS for path in (*test.data, *test.graph_data)})
        blocks = [f"GRAPH <{path.as_uri()}> {{\n{as_ntriples(path, f'f{index}x')}\n}}" for index, path in enumerate(files)]
        blocks.append(f"GRAPH <{SENTINEL_GRAPH}> {{ <urn:s> <urn:p> <urn:o> }}")
        _update(url, "INSERT DATA {\n" + "\n".join(blocks) + "\n}")
    return url


def _dataset(test: QueryTest, query: str) -> tuple[list[str], list[str]]:
    """default-graph-uri and named-graph-uri values for a test (none when the query's FROM names its dataset)."""
    if any(token.keyword == "FROM" for token in tokenize(query)):
        return [], []
    return [path.as_uri() for path in test.data] or [EMPTY_GRAPH], [path.as_uri() for path in test.graph_data]


def _query_text(test: QueryTest) -> str:
    # Relative IRIs (FROM <data.ttl>, GRAPH <data01.ttl>) resolve against the query file, as in the suite.
    return f"BASE <{test.query.as_uri()}>\n" + test.query.read_text(encoding="utf-8")


@pytest.mark.parametrize("test", QUERY_TESTS, ids=lambda test: test.name)
def test_query_suite(query_suite_server, test):
    if test.name in UNSUPPORTED_BY_PYOXIGRAPH:
        pytest.skip(UNSUPPORTED_BY_PYOXIGRAPH[test.name])
    query = _query_text(test)
    default_graphs, named_graphs = _dataset(test, query)
    params = [("default-graph-uri", iri) for iri in default_graphs] + [("named-graph-uri", iri) for iri in named_graphs]
    accept = expected_media_type(test) if test.result is not None else "*/*"
    response = requests.post(
        query_suite_server + "/sparql",
        params=params,
        data=query.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query", "Accept": accept},
        timeout=30,
    )
    if test.kind == "NegativeSyntaxTest11":
        assert response.status_code == 400, response.text
        assert "syntax error at line" in response.text
        return
    assert response.status_code == 200, response.text
    if test.result is not None:
        assert _media_type(response) == accept
        assert result_matches(test, response.content, accept), response.text


@pytest.mark.parametrize("name", sorted(UNSUPPORTED_BY_PYOXIGRAPH))
def test_skipped_query_tests_fail_in_pyoxigraph_itself(name):
    """Each skip is pyoxigraph's, not the server's: the same test fails in process too (remove it when fixed)."""
    test = next(test for test in QUERY_TESTS if test.name == name)
    query = _query_text(test)
    assert not evaluate_in_process(test, query, *_dataset(test, query))
