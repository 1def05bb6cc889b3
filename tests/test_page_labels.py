"""What entity pages call properties: the ontology's labels in the reader's language, relations pointing
here read from here (graph.describe.entity_view on the built graph)."""

from __future__ import annotations

import re

import pytest

from conftest import BASE
from graph.describe import describe, entity_view

ID = BASE + "/id/"
CURIE = re.compile(r"^[a-z]+:[A-Za-z]")
# Every entity of the curated sources and of the reference data's kinds (one municipality stands for all 396).
ENTITIES_QUERY = f"""
PREFIX gg: <https://w3id.org/govgraph/ontology#>
SELECT DISTINCT ?entity WHERE {{
  ?entity ?p ?o .
  FILTER(isIRI(?entity) && STRSTARTS(STR(?entity), "{ID}"))
  FILTER(NOT EXISTS {{ ?entity a gg:Municipality }} || ?entity = <{ID}organization/gemeinde-05913000>)
}}"""


def rows(view, section: str) -> dict[str, list[str]]:
    return {row.predicate.label: [value.text for value in row.values] for row in getattr(view, section)}


@pytest.mark.parametrize("language", ["de", "en"])
def test_no_property_is_named_by_a_raw_curie(graph_store, language):
    raw = set()
    for solution in graph_store.query(ENTITIES_QUERY):
        view = entity_view(graph_store, describe(graph_store, solution["entity"].value), language)
        for row in (*view.properties, *view.incoming):
            if CURIE.match(row.predicate.label) or row.predicate.label.startswith("←"):
                raw.add(row.predicate.label)
        raw |= {link.label for link in view.types if CURIE.match(link.label)}
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
