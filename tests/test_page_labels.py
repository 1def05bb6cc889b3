"""What entity pages call properties: the ontology's labels in the reader's language, relations pointing
here read from here (graph.describe.entity_view on the built graph)."""

from __future__ import annotations

import re

import pytest

from conftest import BASE
from graph.describe import describe, entity_view

ID = BASE + "/id/"
CURIE = re.compile(r"^[a-z]+:[A-Za-z]")
# One entity per property it has or is the value of, and per class (every label a page can show), among the
# curated sources' entities and the reference data's kinds.
ENTITIES_QUERY = f"""
SELECT DISTINCT ?entity WHERE {{
  {{ SELECT (SAMPLE(?node) AS ?entity) WHERE {{ ?node ?p ?o FILTER(isIRI(?node) && STRSTARTS(STR(?node), "{ID}")) }} GROUP BY ?p }}
  UNION {{ SELECT (SAMPLE(?node) AS ?entity) WHERE {{ ?s ?p ?node FILTER(isIRI(?node) && STRSTARTS(STR(?node), "{ID}")) }} GROUP BY ?p }}
  UNION {{ SELECT (SAMPLE(?node) AS ?entity) WHERE {{ ?node a ?class FILTER(isIRI(?node) && STRSTARTS(STR(?node), "{ID}")) }} GROUP BY ?class }}
}}"""


def rows(view, section: str) -> dict[str, list[str]]:
    return {row.predicate.label: [value.text for value in row.values] for row in getattr(view, section)}


def test_no_property_is_named_by_a_raw_curie(graph_store):
    memory = graph_store.copy_to_memory()
    entities = [solution["entity"].value for solution in memory.query(ENTITIES_QUERY)]
    assert len(entities) > 100
    raw = set()
    for entity in entities:
        description = describe(memory, entity)
        for language in ("de", "en"):
            view = entity_view(memory, description, language)
            for row in (*view.properties, *view.incoming):
                if CURIE.match(row.predicate.label) or row.predicate.label.startswith("←"):
                    raw.add((language, row.predicate.label))
            raw |= {(language, link.label) for link in view.types if CURIE.match(link.label)}
    assert raw == set()


def test_labels_follow_the_page_language(graph_store):
    kroeger = describe(graph_store, ID + "person/sebastian-kroeger")
    assert {link.label for link in entity_view(graph_store, kroeger, "en").types} >= {"person", "agent"}
    assert {link.label for link in entity_view(graph_store, kroeger, "de").types} >= {"Person", "Akteur"}
    dortmund = describe(graph_store, ID + "organization/gemeinde-05913000")
    assert "Art" in rows(entity_view(graph_store, dortmund, "de"), "properties")  # org:classification
    assert "kind" in rows(entity_view(graph_store, dortmund, "en"), "properties")


def test_relations_pointing_here_read_from_here(graph_store):
    successor = entity_view(graph_store, describe(graph_store, ID + "organization/ag-stadtumbau"), "en")
    predecessor = entity_view(graph_store, describe(graph_store, ID + "organization/stadtumbaunetzwerk-nrw"), "en")
    assert "Stadtumbaunetzwerk NRW" in rows(successor, "properties")["replaces"]
    assert "Urban Restructuring Working Group" in rows(predecessor, "properties")["replaced by"]
    assert "Stadtumbaunetzwerk NRW" not in rows(successor, "incoming").get("replaced by", [])
    # Without a named inverse the ontology's inverse label reads the relation from this side.
    region = entity_view(graph_store, describe(graph_store, ID + "place/regierungsbezirk-059"), "de")
    assert "Dortmund" in rows(region, "incoming")["umfasst"]
    # What the entity's own properties already list (an inverse's values) is not repeated among the links here.
    for view in (successor, predecessor, region):
        for label, values in rows(view, "incoming").items():
            assert not set(values) & set(rows(view, "properties").get(label, [])), label
