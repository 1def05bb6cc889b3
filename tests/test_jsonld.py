"""Compact JSON-LD: the published @context, entity descriptions, named queries' answers and the dump.

Every document is read back by a JSON-LD processor (PyLD, rdflib) and must state exactly the triples
of the same description in Turtle: compaction makes it readable, never loses anything.
"""

from __future__ import annotations

import json

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.compare import isomorphic

from conftest import jsonld_as_nquads
from graph.build.dumps import dump_path
from graph.build.validate import declared_terms
from ontology import CONTEXT_FILE, ONTOLOGY_FILE

ID = "https://w3id.org/govgraph/id/"
AG_STADTUMBAU = ID + "organization/ag-stadtumbau"
CONTEXT_URL = "http://localhost/context/1.0.0.jsonld"  # where the test client's server publishes it
EXPANDED = "http://www.w3.org/ns/json-ld#expanded"


@pytest.fixture(scope="module")
def context() -> dict:
    return json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]


def test_every_term_of_the_context_is_a_term_of_the_ontology(context):
    """schema.org, ORG and the others as the ontology declares them: no term names something the graph cannot hold."""
    prefixes = {name: value for name, value in context.items() if isinstance(value, str) and value.endswith(("#", "/"))}
    declared = {str(term) for term in declared_terms(Graph().parse(ONTOLOGY_FILE))} | {"http://www.w3.org/1999/02/22-rdf-syntax-ns#type"}
    undeclared = []
    for name, definition in context.items():
        if name.startswith("@") or name in prefixes or definition in ("@id", "@type"):
            continue
        compact_iri = definition["@id"] if isinstance(definition, dict) else definition
        prefix, _, local = compact_iri.partition(":")
        if prefixes[prefix] + local not in declared:
            undeclared.append(name)
    assert undeclared == []
    assert context["prefLabel"] == {"@id": "skos:prefLabel", "@container": "@language"}
    assert context["@vocab"] == "https://w3id.org/govgraph/ontology#"


def test_the_context_is_published_at_its_versioned_url(client):
    response = client.get("/context/1.0.0.jsonld")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    assert json.loads(response.data) == json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))
    assert "max-age=86400" in response.headers["Cache-Control"]
    missing = client.get("/context/0.9.jsonld", headers={"Accept": "application/json"})
    assert missing.status_code == 404 and "/context/1.0.0.jsonld" in missing.get_json()["error"]


def as_graph(client, body: bytes) -> Graph:
    return Graph().parse(data=jsonld_as_nquads(body, lambda url: client.get(url).data), format="nquads")


def test_entity_json_ld_is_compact_with_language_maps_and_the_entity_first(client):
    response = client.get("/id/organization/ag-stadtumbau", headers={"Accept": "application/ld+json"})
    assert response.content_type == 'application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"'
    document = json.loads(response.data)
    assert document["@context"] == CONTEXT_URL
    entity = document["@graph"][0]
    assert entity["id"] == AG_STADTUMBAU and "WorkingGroup" in entity["type"]
    assert entity["prefLabel"] == {"de": "AG Stadtumbau", "en": "Urban Restructuring Working Group"}
    assert entity["unitOf"] == ID + "organization/netzwerk-stadtentwicklung-nrw"
    turtle = Graph().parse(data=client.get("/id/organization/ag-stadtumbau", headers={"Accept": "text/turtle"}).data, format="turtle")
    assert isomorphic(as_graph(client, response.data), turtle)


@pytest.mark.parametrize("ask", [
    pytest.param({"headers": {"Accept": f'application/ld+json;profile="{EXPANDED}"'}}, id="accept-profile"),
    pytest.param({"query_string": {"format": "jsonld", "profile": "expanded"}}, id="profile-parameter"),
])
def test_the_expanded_form_stays_available(client, ask):
    response = client.get("/id/organization/ag-stadtumbau", **ask)
    assert response.status_code == 200 and response.content_type == f'application/ld+json; profile="{EXPANDED}"'
    document = json.loads(response.data)
    assert isinstance(document, list) and document[0]["@id"] == AG_STADTUMBAU
    assert "https://w3id.org/govgraph/ontology#WorkingGroup" in document[0]["@type"]
    compacted = client.get("/id/organization/ag-stadtumbau", headers={"Accept": "application/ld+json"}).data
    assert isomorphic(as_graph(client, response.data), as_graph(client, compacted))


def test_an_unknown_profile_is_a_400(client):
    response = client.get("/id/organization/ag-stadtumbau?format=jsonld&profile=framed", headers={"Accept": "application/json"})
    assert response.status_code == 400 and "valid: expanded, compacted" in response.get_json()["error"]


def test_turtle_starts_with_the_entitys_own_block(client):
    turtle = client.get("/id/organization/ag-stadtumbau", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    statements = [line for line in turtle.splitlines() if line and not line.startswith("@prefix")]
    assert statements[0].startswith(f"<{AG_STADTUMBAU}> ")
    own = Graph().parse(data=turtle, format="turtle")
    first_block = turtle[turtle.index(statements[0]):].split(" .\n", 1)[0] + " ."
    prefixes = "\n".join(line for line in turtle.splitlines() if line.startswith("@prefix"))
    assert len(Graph().parse(data=prefixes + "\n" + first_block, format="turtle")) == len(list(own.triples((URIRef(AG_STADTUMBAU), None, None))))


def test_the_json_ld_dump_is_compact_self_contained_and_complete(built, context):
    document = json.loads(dump_path(built.data_dir, "govgraph.jsonld").read_bytes())
    assert document["@context"] == context  # embedded: the file stands alone
    labels = [node for node in document["@graph"] if node.get("id") == AG_STADTUMBAU][0]["prefLabel"]
    assert labels["de"] == "AG Stadtumbau"
    from_jsonld = Graph().parse(data=json.dumps(document), format="json-ld")
    from_turtle = Graph().parse(dump_path(built.data_dir, "govgraph.ttl"), format="turtle")
    assert len(from_jsonld) == len(from_turtle)
    assert without_blank_nodes(from_jsonld) == without_blank_nodes(from_turtle)


def without_blank_nodes(graph: Graph) -> set:
    """The triples that name no blank node (those are compared by count: their labels differ between parses)."""
    return {triple for triple in graph if not any(isinstance(term, BNode) for term in triple)}
