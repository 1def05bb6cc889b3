"""Materialize the entailments a plain SPARQL client (no reasoner) relies on.

The OWL-RL closure (owlrl) of ontology + data is computed once at build time; of
the entailed triples we keep those about the graph's own entities, minus the
trivial ones (owl:Thing, reflexive sameAs), so the served data stays readable.
owl:sameAs links to external items are left out of the reasoning: OWL-RL would
copy every statement onto the Wikidata IRIs.
"""

from __future__ import annotations

from typing import Iterable

import owlrl
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDFS

TRIVIAL_OBJECTS = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, OWL.Class}
SKIPPED_PREDICATES = {OWL.sameAs, OWL.differentFrom}


def materialize(ontology: Graph, data_graphs: Iterable[Graph], id_base: str) -> Graph:
    """The entailed triples about entities under `id_base` that the inputs do not already state."""
    asserted = Graph()
    for graph in data_graphs:
        for triple in graph:
            if triple[1] not in SKIPPED_PREDICATES:
                asserted.add(triple)
    closure = Graph()
    for triple in ontology:
        closure.add(triple)
    for triple in asserted:
        closure.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closure)

    inferred = Graph()
    for subject, predicate, obj in closure:
        if not _is_own_entity(subject, id_base) or predicate in SKIPPED_PREDICATES:
            continue
        if obj in TRIVIAL_OBJECTS or (subject, predicate, obj) in asserted or (subject, predicate, obj) in ontology:
            continue
        if isinstance(obj, BNode):
            continue
        inferred.add((subject, predicate, obj))
    return inferred


def _is_own_entity(node: object, id_base: str) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(id_base)
