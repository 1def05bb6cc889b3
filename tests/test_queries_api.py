"""The REST API of named queries through the Flask test client: formats, errors, pages, OpenAPI, docs page."""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import urlencode

import pyoxigraph
import pytest
from openapi_spec_validator import validate

from conftest import jsonld_as_nquads
from graph.describe import example_arguments, today_in_nrw
from queries import load_queries

ID = "https://w3id.org/govgraph/id/"
WHO = "/api/queries/who-coordinates?" + urlencode({"unit": ID + "organization/ag-stadtumbau", "asOf": "2025-03-01"})


def test_the_list_names_every_query_with_parameters_and_links(client):
    response = client.get("/api/queries")
    assert response.status_code == 200
    listed = {query["name"]: query for query in response.get_json()["queries"]}
    assert set(listed) == set(load_queries())
    who = listed["who-coordinates"]
    assert [parameter["name"] for parameter in who["parameters"]] == ["unit", "asOf"]
    assert who["asOf"] == "asOf" and who["formats"][0] == "json"
    example = client.get(who["links"]["example"])
    assert example.status_code == 200 and example.get_json()["rows"]


def test_json_rows_have_readable_keys_iris_and_labels(client):
    body = client.get(WHO).get_json()
    assert body["ok"] is True and body["asOf"] == "2025-03-01"
    assert body["parameters"] == {"unit": ID + "organization/ag-stadtumbau", "asOf": "2025-03-01"}
    row = body["rows"][0]
    assert row["office"] == ID + "organization/amt-fuer-stadterneuerung-dortmund"
    assert row["officeLabel"] == "Amt für Stadterneuerung der Stadt Dortmund"
    assert row["personLabel"] == "Sebastian Kröger" and row["certainty"] == "possible"
    assert set(row) == set(body["columns"])


def test_the_default_as_of_date_is_today(client):
    body = client.get("/api/queries/who-coordinates?" + urlencode({"unit": ID + "organization/ag-stadtumbau"})).get_json()
    assert body["asOf"] == today_in_nrw().isoformat()


@pytest.mark.parametrize(
    ("accept", "extension", "media_type"),
    [
        ("text/csv", None, "text/csv"),
        (None, "csv", "text/csv"),
        ("application/sparql-results+json", None, "application/sparql-results+json"),
        (None, "srj", "application/sparql-results+json"),
        ("text/tab-separated-values", None, "text/tab-separated-values"),
        ("application/sparql-results+xml", None, "application/sparql-results+xml"),
        ("*/*", None, "application/json"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", None, "application/json"),
    ],
)
def test_table_formats_by_accept_or_extension(client, accept, extension, media_type):
    url = WHO.replace("who-coordinates?", f"who-coordinates.{extension}?") if extension else WHO
    response = client.get(url, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200 and response.mimetype == media_type
    text = response.get_data(as_text=True)
    if media_type == "text/csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert rows[0]["personLabel"] == "Sebastian Kröger"
    elif media_type == "application/sparql-results+json":
        bindings = json.loads(text)["results"]["bindings"]
        assert bindings[0]["office"]["value"] == ID + "organization/amt-fuer-stadterneuerung-dortmund"


@pytest.mark.parametrize(
    ("accept", "extension", "rdf_format"),
    [("text/turtle", None, pyoxigraph.RdfFormat.TURTLE), (None, "ttl", pyoxigraph.RdfFormat.TURTLE),
     ("application/ld+json", None, pyoxigraph.RdfFormat.JSON_LD), ("application/json", None, pyoxigraph.RdfFormat.JSON_LD),
     (None, "jsonld", pyoxigraph.RdfFormat.JSON_LD), (None, "nt", pyoxigraph.RdfFormat.N_TRIPLES)],
)
def test_construct_queries_answer_in_rdf(client, accept, extension, rdf_format):
    name = f"entity-provenance.{extension}" if extension else "entity-provenance"
    response = client.get(f"/api/queries/{name}?" + urlencode({"entity": ID + "person/sebastian-kroeger"}),
                          headers={"Accept": accept} if accept else {})
    assert response.status_code == 200 and response.mimetype == rdf_format.media_type
    data = response.get_data()
    if rdf_format == pyoxigraph.RdfFormat.JSON_LD:  # compacted with the context this server publishes
        assert json.loads(data)["@context"] == "http://localhost/context/1.0.0.jsonld"
        data, rdf_format = jsonld_as_nquads(data, lambda url: client.get(url).data), pyoxigraph.RdfFormat.N_QUADS
    triples = list(pyoxigraph.parse(data, format=rdf_format))
    assert any(triple.predicate.value == "http://www.w3.org/ns/prov#wasDerivedFrom" for triple in triples)


def test_construct_queries_give_expanded_json_ld_for_that_profile(client):
    expanded = 'application/ld+json; profile="http://www.w3.org/ns/json-ld#expanded"'
    response = client.get("/api/queries/entity-provenance?" + urlencode({"entity": ID + "person/sebastian-kroeger"}),
                          headers={"Accept": expanded})
    assert response.status_code == 200 and response.content_type == expanded
    compacted = client.get("/api/queries/entity-provenance?" + urlencode({"entity": ID + "person/sebastian-kroeger"}),
                           headers={"Accept": "application/ld+json"})
    as_rdf = [set(pyoxigraph.parse(jsonld_as_nquads(r.data, lambda url: client.get(url).data), format=pyoxigraph.RdfFormat.N_QUADS))
              for r in (response, compacted)]
    assert as_rdf[0] == as_rdf[1] and as_rdf[0]


def test_an_unacceptable_format_is_406_listing_the_offered_ones(client):
    response = client.get(WHO, headers={"Accept": "image/png"})
    assert response.status_code == 406 and "text/csv" in response.get_data(as_text=True)
    response = client.get(WHO.replace("who-coordinates?", "who-coordinates.ttl?"), headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.get_json()["parameter"] == "format"


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"unit": "not an iri"}, "unit"),
        ({"unit": ID + "organization/ag-stadtumbau", "asOf": "2025-13-01"}, "asOf"),
        ({"unit": ID + "organization/ag-stadtumbau", "colour": "red"}, "colour"),
        ({}, "unit"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter_in_the_clients_format(client, query, parameter):
    url = "/api/queries/who-coordinates?" + urlencode(query)
    response = client.get(url, headers={"Accept": "application/json"})
    body = response.get_json()
    assert response.status_code == 400 and body["ok"] is False and body["parameter"] == parameter
    assert repr(parameter) in body["error"]
    plain = client.get(url, headers={"Accept": "text/plain"})
    assert plain.status_code == 400 and plain.mimetype == "text/plain" and repr(parameter) in plain.get_data(as_text=True)


def test_an_unknown_query_is_404(client):
    response = client.get("/api/queries/who-coordinate", headers={"Accept": "application/json"})
    assert response.status_code == 404 and "who-coordinates" in response.get_json()["error"]


def test_pages_follow_link_headers_to_the_whole_answer(client):
    url = "/api/queries/non-member-municipalities?" + urlencode({"administrativeDistrict": ID + "place/regierungsbezirk-057", "asOf": "2025-03-01"})
    whole = client.get(url + "&pageSize=500").get_json()["rows"]
    seen, next_url, pages = [], url + "&pageSize=25", 0
    while next_url:
        response = client.get(next_url)
        pages += 1
        seen += response.get_json()["rows"]
        links = dict((relation, target) for target, relation in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["Link"]))
        assert "first" in links and ("prev" in links) == (pages > 1)
        next_url = links.get("next")
    assert pages == -(-len(whole) // 25) and seen == whole


def test_the_openapi_document_is_valid_and_every_route_resolves(client):
    document = client.get("/api/openapi.json").get_json()
    validate(document)  # OpenAPI 3.1 schema
    assert document["openapi"].startswith("3.1")
    for path, item in document["paths"].items():
        operation = item["get"]
        arguments = {parameter["name"]: parameter["example"] for parameter in operation.get("parameters", []) if "example" in parameter}
        arguments = {name: str(value).lower() if isinstance(value, bool) else value for name, value in arguments.items()}
        response = client.get(path + ("?" + urlencode(arguments) if arguments else ""))
        assert response.status_code == 200, (path, response.get_data(as_text=True))


def test_the_openapi_parameters_come_from_the_headers(client):
    document = client.get("/api/openapi.json").get_json()
    parameters = {parameter["name"]: parameter for parameter in document["paths"]["/api/queries/who-coordinates"]["get"]["parameters"]}
    assert parameters["unit"]["required"] is True and parameters["unit"]["schema"]["format"] == "iri"
    assert parameters["asOf"]["schema"]["format"] == "date" and "today" in parameters["asOf"]["description"]
    paged = {parameter["name"] for parameter in document["paths"]["/api/queries/label-search"]["get"]["parameters"]}
    assert {"page", "pageSize"} <= paged


def test_the_docs_page_shows_every_query(client):
    response = client.get("/api/docs")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    for name, query in load_queries().items():
        assert f'id="{name}"' in page and query.summary.replace("'", "&#39;") in page
    assert "<script" not in page and "cdn" not in page.lower()


def test_example_links_of_the_headers_work(client):
    for name, query in load_queries().items():
        response = client.get(f"/api/queries/{name}?" + urlencode(example_arguments(query, ID)))
        assert response.status_code == 200, name


@pytest.mark.parametrize("accept", ["application/json", "text/csv"])
def test_a_named_query_that_outlives_the_timeout_is_a_503(built, accept):
    import threading

    from api import create_app
    from api.store_access import install_query_runner
    from graph.store import QueryRunner

    settings = built.with_(query_timeout=1e-9)
    app = create_app(settings)
    runner = QueryRunner(settings, app.extensions["govgraph_store"], threads=1)
    install_query_runner(app, runner)
    release = threading.Event()
    runner._executor.submit(release.wait)  # the pool's only thread is busy: the query cannot finish in time
    try:
        response = app.test_client().get(f"/api/queries/who-coordinates?unit={ID}organization/ag-stadtumbau", headers={"Accept": accept})
    finally:
        release.set()
    assert response.status_code == 503
    assert "GOVGRAPH_QUERY_TIMEOUT" in response.get_data(as_text=True)
