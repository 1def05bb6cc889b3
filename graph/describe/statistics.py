"""Counts that describe the graph: triples per named graph, instances per class (also for VoID)."""

from __future__ import annotations

from dataclasses import dataclass

from graph.store.store import GraphStore


@dataclass(frozen=True)
class GraphStatistics:
    """Size of the dataset."""

    triples: int
    entities: int
    triples_by_graph: dict[str, int]
    instances_by_class: dict[str, int]


def graph_statistics(store: GraphStore) -> GraphStatistics:
    """Count with SPARQL, so both backends answer the same."""
    by_graph = {
        row["g"].value: int(row["n"].value)
        for row in store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    }
    by_class = {
        row["c"].value: int(row["n"].value)
        for row in store.query(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n) ?c"
        )
    }
    entities = list(store.query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?s)) }"))
    return GraphStatistics(store.triple_count(), int(entities[0]["n"].value), by_graph, by_class)
