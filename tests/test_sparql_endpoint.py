"""The /sparql endpoint of the real server (`govgraph serve` on the built graph): formats, the
service description, the query page, CORS, errors, and real clients (SPARQLWrapper, rdflib, curl)."""

from __future__ import annotations

import json
import subprocess

import pyoxigraph
import pytest
import rdflib
import requests
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

from graph.describe import bind_arguments, example_arguments, query_shape
from graph.describe.named_queries import list_columns
from queries import PAGE_SIZE_PARAMETER, QUERIES_DIR, load_queries

DORTMUND = "https://w3id.org/govgraph/id/organization/gemeinde-05913000"
IDENTIFIER_QUERY = f"PREFIX org: <http://www.w3.org/ns/org#> SELECT ?id WHERE {{ <{DORTMUND}> org:identifier ?id }}"
CONSTRUCT_QUERY = f"CONSTRUCT {{ <{DORTMUND}> ?p ?o }} WHERE {{ <{DORTMUND}> ?p ?o }}"
RESULTS_FORMATS = {
    "application/sparql-results+json": pyoxigraph.QueryResultsFormat.JSON,
    "application/sparql-results+xml": pyoxigraph.QueryResultsFormat.XML,
    "text/tab-separated-values": pyoxigraph.QueryResultsFormat.TSV,
    "text/csv": pyoxigraph.QueryResultsFormat.CSV,
}
RDF_FORMATS = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml",
               "application/n-quads", "application/trig"]


@pytest.fixture(scope="module")
def sparql(live_server):
    return live_server + "/sparql"


def _media_type(response: requests.Response) -> str:
    return response.headers["Content-Type"].split(";")[0]


def _identifiers(body: bytes, media_type: str) -> list[str]:
    if media_type == "text/csv":
        return body.decode().split("\r\n")[1:-1]
    return [row["id"].value for row in pyoxigraph.parse_query_results(body, RESULTS_FORMATS[media_type])]


@pytest.mark.parametrize("media_type", RESULTS_FORMATS)
def test_select_in_every_results_format(sparql, media_type):
    response = requests.get(sparql, params={"query": IDENTIFIER_QUERY}, headers={"Accept": media_type})
    assert response.status_code == 200
    assert _media_type(response) == media_type
    assert _identifiers(response.content, media_type) == ["05913000"]
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize("method", ["get", "form", "direct"])
def test_the_three_ways_to_send_a_query(sparql, method):
    if method == "get":
        response = requests.get(sparql, params={"query": IDENTIFIER_QUERY})
    elif method == "form":
        response = requests.post(sparql, data={"query": IDENTIFIER_QUERY})
    else:
        response = requests.post(sparql, data=IDENTIFIER_QUERY.encode(), headers={"Content-Type": "application/sparql-query"})
    assert _media_type(response) == "application/sparql-results+json"
    assert response.json()["results"]["bindings"][0]["id"]["value"] == "05913000"


def test_accept_q_values_choose_the_format(sparql):
    accept = "text/csv;q=0.5, application/sparql-results+xml;q=0.9, application/sparql-results+json;q=0.1"
    response = requests.get(sparql, params={"query": IDENTIFIER_QUERY}, headers={"Accept": accept})
    assert _media_type(response) == "application/sparql-results+xml"


def test_the_format_parameter_overrides_accept(sparql):
    response = requests.get(sparql, params={"query": IDENTIFIER_QUERY, "format": "tsv"},
                            headers={"Accept": "application/sparql-results+json"})
    assert _media_type(response) == "text/tab-separated-values"
    assert response.text.splitlines() == ["?id", '"05913000"']


def test_ask(sparql):
    response = requests.get(sparql, params={"query": f"ASK {{ <{DORTMUND}> ?p ?o }}"})
    assert response.json()["boolean"] is True


@pytest.mark.parametrize("media_type", RDF_FORMATS)
def test_construct_in_every_rdf_format(sparql, media_type):
    reference = requests.get(sparql, params={"query": CONSTRUCT_QUERY}, headers={"Accept": "application/n-triples"})
    expected = set(pyoxigraph.parse(reference.content, format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert len(expected) > 10
    response = requests.get(sparql, params={"query": CONSTRUCT_QUERY}, headers={"Accept": media_type})
    assert response.status_code == 200
    assert _media_type(response) == media_type
    parsed = pyoxigraph.parse(response.content, format=pyoxigraph.RdfFormat.from_media_type(media_type))
    assert {(quad.subject, quad.predicate, quad.object) if isinstance(quad, pyoxigraph.Quad) else
            (quad.subject, quad.predicate, quad.object) for quad in parsed} == \
        {(triple.subject, triple.predicate, triple.object) for triple in expected}


def test_describe_gives_rdf(sparql):
    response = requests.get(sparql, params={"query": f"DESCRIBE <{DORTMUND}>"}, headers={"Accept": "text/turtle"})
    assert _media_type(response) == "text/turtle"
    assert "05913000" in response.text


def test_dataset_parameters_restrict_the_default_graph(sparql, built):
    graph = built.graph_iri("destatis-gv-isys")
    query = f"ASK {{ <{DORTMUND}> <http://www.w3.org/ns/org#identifier> ?id }}"
    in_refdata = requests.get(sparql, params={"query": query, "default-graph-uri": graph})
    in_ontology = requests.get(sparql, params={"query": query, "default-graph-uri": built.graph_iri("ontology")})
    assert (in_refdata.json()["boolean"], in_ontology.json()["boolean"]) == (True, False)


@pytest.mark.parametrize(
    ("query", "accept"),
    [(CONSTRUCT_QUERY, "text/csv"), (IDENTIFIER_QUERY, "text/turtle"), (IDENTIFIER_QUERY, "image/png")],
)
def test_406_when_no_format_fits(sparql, query, accept):
    response = requests.get(sparql, params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 406
    assert "available:" in response.text


def test_unknown_format_parameter_is_a_400_naming_the_valid_ones(sparql):
    response = requests.get(sparql, params={"query": IDENTIFIER_QUERY, "format": "yaml"})
    assert response.status_code == 400
    assert "unknown format 'yaml'" in response.text and "turtle" in response.text


def test_syntax_error_names_line_and_column_in_text_and_json(sparql):
    query = "SELECT ?s\nWHERE { ?s ?p }"
    text = requests.get(sparql, params={"query": query})
    assert text.status_code == 400
    assert text.headers["Content-Type"].startswith("text/plain")
    assert "syntax error at line 2, column 9: incomplete triple pattern `?s ?p`" in text.text
    envelope = requests.get(sparql, params={"query": query}, headers={"Accept": "application/json"}).json()
    assert (envelope["ok"], envelope["status"], envelope["line"], envelope["column"]) == (False, 400, 2, 9)


@pytest.mark.parametrize(
    ("query", "hint"),
    [
        ("SELECT * WHERE { ?s a foaf:Person }", "the prefix foaf: (in foaf:Person) is not declared"),
        ("SELEC * WHERE { ?s ?p ?o }", "SELEC is not a SPARQL keyword; did you mean SELECT?"),
    ],
)
def test_syntax_error_hints_in_text_and_json(sparql, query, hint):
    text = requests.post(sparql, data={"query": query})
    assert text.status_code == 400 and hint in text.text
    envelope = requests.post(sparql, data=query.encode(), headers={"Content-Type": "application/sparql-query", "Accept": "application/json"}).json()
    assert hint in envelope["error"] and envelope["line"] == 1


def test_undefined_prefix_message_is_short(sparql):
    response = requests.get(sparql, params={"query": "SELECT * { ?s nope:p ?o }"})
    assert response.status_code == 400
    assert len(response.text) < 300


@pytest.mark.parametrize(
    ("request_kwargs", "status", "message"),
    [
        ({"method": "GET", "params": {"update": "CLEAR ALL"}}, 400, "must be sent by POST"),
        ({"method": "GET", "params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400, "exactly one"),
        ({"method": "POST", "data": b"ASK {}", "headers": {"Content-Type": "text/plain"}}, 415, "Content-Type"),
        ({"method": "PUT", "data": b"ASK {}"}, 405, ""),
        ({"method": "POST", "data": {"nothing": "here"}}, 400, "no `query` or `update` field"),
    ],
)
def test_protocol_errors(sparql, request_kwargs, status, message):
    kwargs = dict(request_kwargs)
    response = requests.request(kwargs.pop("method"), sparql, **kwargs)
    assert response.status_code == status
    assert message in response.text


def test_request_body_cap_is_a_413(sparql):
    response = requests.post(sparql, data=b"ASK {}" + b" " * (2 * 1024 * 1024), headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413
    assert response.text.strip()


def test_updates_are_off_without_an_operator_token(sparql):
    response = requests.post(sparql, data={"update": "CLEAR ALL"}, headers={"Authorization": "Bearer guess"})
    assert response.status_code == 403
    assert "GOVGRAPH_UPDATE_TOKEN" in response.text
    still_there = requests.get(sparql, params={"query": f"ASK {{ <{DORTMUND}> ?p ?o }}"})
    assert still_there.json()["boolean"] is True


def test_service_description(sparql):
    response = requests.get(sparql, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    service = graph.value(predicate=rdflib.RDF.type, object=sd.Service)
    assert graph.value(service, sd.endpoint) == rdflib.URIRef(sparql)
    assert set(graph.objects(service, sd.supportedLanguage)) == {sd.SPARQL11Query}
    assert set(graph.objects(service, sd.feature)) == {sd.EmptyGraphs}, "no SERVICE without an allow-list"
    assert rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_CSV") in set(graph.objects(service, sd.resultFormat))
    default_graph = graph.value(graph.value(service, sd.defaultDataset), sd.defaultGraph)
    count = requests.get(sparql, params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}).json()
    assert graph.value(default_graph, void.triples).toPython() == int(count["results"]["bindings"][0]["n"]["value"])
    assert len(list(graph.objects(graph.value(service, sd.defaultDataset), sd.namedGraph))) >= 3


def test_service_description_by_default_for_curl_like_clients(sparql):
    response = requests.get(sparql, headers={"Accept": "*/*"})
    assert _media_type(response) == "text/turtle"
    assert "sd:Service" in response.text


def _editor_examples(sparql: str) -> list[dict[str, str]]:
    """The tabs of the query editor, as the page hands them to YASGUI."""
    page = requests.get(sparql, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert _media_type(page) == "text/html"
    return json.loads(page.text.split('<script id="examples" type="application/json">')[1].split("</script>")[0])


def test_browsers_get_the_query_editor_with_the_named_queries(sparql):
    page = requests.get(sparql, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert "/sparql/assets/yasgui.min.js" in page.text
    assert "cdn" not in page.text.lower()
    assert '<header class="site">' in page.text and "govgraph.css" in page.text  # the site's layout and stylesheet
    examples = _editor_examples(sparql)
    assert sorted(example["name"] for example in examples) == sorted(path.stem for path in QUERIES_DIR.glob("*.rq"))
    assert examples and all("#+" not in example["query"] for example in examples)
    script = requests.get(sparql + "/assets/yasgui.min.js")
    assert script.status_code == 200 and len(script.content) > 100_000


def _sorted_list(term, separator: str | None) -> str:
    if term is None or not separator:
        return str(term)
    return separator.join(sorted(term.value.split(separator)))


@pytest.mark.parametrize("name", sorted(path.stem for path in QUERIES_DIR.glob("*.rq")))
def test_each_editor_tab_runs_as_it_is_with_its_example_values(live_server, sparql, built, name):
    """A tab's text runs unchanged and answers what the REST API answers for the same example values."""
    query = load_queries()[name]
    text = next(example["query"] for example in _editor_examples(sparql) if example["name"] == name)
    arguments = example_arguments(query, built.id_base)
    if query.pagination:
        arguments[PAGE_SIZE_PARAMETER] = str(query.pagination.max_size)
    if query_shape(query).is_graph:
        answer = requests.post(sparql, data={"query": text}, headers={"Accept": "application/n-triples"})
        expected = requests.get(f"{live_server}/api/queries/{name}.nt", params=arguments)
        triples = [{str(triple) for triple in pyoxigraph.parse(response.content, pyoxigraph.RdfFormat.N_TRIPLES)} for response in (answer, expected)]
        assert triples[0] and triples[0] == triples[1]
        return
    answer = requests.post(sparql, data={"query": text}, headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.text
    expected = requests.get(f"{live_server}/api/queries/{name}.srj", params=arguments)
    tables = []
    lists = list_columns(query)  # the REST API sorts what a GROUP_CONCAT lists; the engine's order is its own
    for response in (answer, expected):
        results = pyoxigraph.parse_query_results(response.content, pyoxigraph.QueryResultsFormat.JSON)
        columns = [variable.value for variable in results.variables]
        tables.append((columns, {tuple(_sorted_list(solution[column], lists.get(column)) for column in columns)
                                 for solution in results}))
    (columns, rows), expected_table = tables
    assert rows, f"{name} finds nothing with its example values"
    assert (columns, rows) == expected_table
    # Every row is about the values asked for: each parameter's column holds its value.
    bound = bind_arguments(query, example_arguments(query, built.id_base), id_base=built.id_base).terms
    for parameter, term in bound.items():
        assert {row[columns.index(parameter)] for row in rows} == {str(term)}, parameter
    if name == "label-search":
        assert all("stadtumbau" in row[columns.index("label")].lower() for row in rows)


def test_cors_for_reads(sparql):
    origin = {"Origin": "https://another-portal.example"}
    response = requests.get(sparql, params={"query": "ASK {}"}, headers=origin)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    error = requests.get(sparql, params={"query": "ASK {"}, headers=origin)
    assert error.headers["Access-Control-Allow-Origin"] == "*", "browsers must be able to read the error message"
    preflight = requests.options(sparql, headers={**origin, "Access-Control-Request-Method": "POST",
                                                  "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "authorization" not in preflight.headers["Access-Control-Allow-Headers"].lower()


def test_no_cors_for_updates(sparql):
    response = requests.post(sparql, data={"update": "CLEAR ALL"}, headers={"Origin": "https://another-portal.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


# --- Real clients --------------------------------------------------------------------------------


@pytest.mark.parametrize("return_format", [JSON, XML, CSV])
def test_sparqlwrapper_select(sparql, return_format):
    client = SPARQLWrapper(sparql)
    client.setQuery(IDENTIFIER_QUERY)
    client.setReturnFormat(return_format)
    result = client.query().convert()
    if return_format == JSON:
        assert result["results"]["bindings"][0]["id"]["value"] == "05913000"
    elif return_format == XML:
        assert result.getElementsByTagName("literal")[0].firstChild.data == "05913000"
    else:
        assert result.decode().split() == ["id", "05913000"]


def test_sparqlwrapper_construct(sparql):
    client = SPARQLWrapper(sparql)
    client.setQuery(CONSTRUCT_QUERY)
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.query().convert(), format="turtle")
    assert (rdflib.URIRef(DORTMUND), rdflib.URIRef("http://www.w3.org/ns/org#identifier"), rdflib.Literal("05913000")) in graph


def test_sparqlwrapper_post(sparql):
    client = SPARQLWrapper(sparql)
    client.setMethod("POST")
    client.setQuery(IDENTIFIER_QUERY)
    client.setReturnFormat(JSON)
    assert client.query().convert()["results"]["bindings"][0]["id"]["value"] == "05913000"


def test_rdflib_sparqlstore(sparql):
    graph = rdflib.Graph(store=SPARQLStore(sparql))
    rows = list(graph.query(IDENTIFIER_QUERY))
    assert [str(row.id) for row in rows] == ["05913000"]
    assert (rdflib.URIRef(DORTMUND), rdflib.URIRef("http://www.w3.org/ns/org#identifier"), None) in graph


def test_curl(sparql):
    output = subprocess.run(
        ["curl", "-sS", "--fail", "-H", "Accept: text/csv", "--data-urlencode", f"query={IDENTIFIER_QUERY}", sparql],
        capture_output=True, text=True, check=True, timeout=30,
    ).stdout
    assert output.split() == ["id", "05913000"]
    failed = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--data-urlencode", "query=ASK {", sparql],
                            capture_output=True, text=True, timeout=30)
    assert failed.stdout == "400"


@pytest.fixture(scope="module")
def remote_backed_server(remote_settings, tmp_path_factory):
    """`govgraph serve` with GOVGRAPH_STORE=remote, forwarding to the test session's real Oxigraph server."""
    from conftest import remote_environment, serve_govgraph, stop

    url, process = serve_govgraph(
        tmp_path_factory.mktemp("remote-serve-data"), tmp_path_factory.mktemp("remote-serve"), **remote_environment(remote_settings)
    )
    yield url + "/sparql"
    stop(process)


def test_the_endpoint_on_the_remote_backend(remote_backed_server):
    select = requests.get(remote_backed_server, params={"query": IDENTIFIER_QUERY}, headers={"Accept": "text/csv"})
    assert select.text.split() == ["id", "05913000"]
    construct = requests.get(remote_backed_server, params={"query": CONSTRUCT_QUERY}, headers={"Accept": "text/turtle"})
    assert _media_type(construct) == "text/turtle" and "05913000" in construct.text
    error = requests.get(remote_backed_server, params={"query": "ASK {"})
    assert error.status_code == 400 and "syntax error" in error.text
    assert "sd:Service" in requests.get(remote_backed_server).text
