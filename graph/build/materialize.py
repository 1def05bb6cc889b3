"""Materialize the entailments a plain SPARQL client (no reasoner) relies on.

The OWL-RL closure (owlrl) of ontology + data is computed once at build time; of
the entailed triples we keep those about the graph's own entities, minus the
trivial ones (owl:Thing, reflexive sameAs), so the served data stays readable.
owl:sameAs links to external items are left out of the reasoning: OWL-RL would
copy every statement onto the Wikidata IRIs. So are literal-valued triples whose
predicate no axiom mentions (population, coordinates …): they entail nothing we
keep, and leaving them out makes the closure about three times faster.
"""

from __future__ import annotations

from typing import Callable, Iterable

import owlrl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDFS

from ontology import ONTOLOGY_IRI

TRIVIAL_OBJECTS = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, OWL.Class}
SKIPPED_PREDICATES = {OWL.sameAs, OWL.differentFrom}


def materialize(ontology: Graph, data_graphs: Iterable[Graph], id_base: str, progress: Callable[[str], None] = lambda message: None) -> Graph:
    """The entailed triples about the graph's entities that the inputs do not already state.

    The entities are those under `id_base` and the concepts the ontology ships (under its own IRI + "/").
    `progress` hears of each cycle of the closure (it takes seconds).
    """
    axiom_predicates = _predicates_with_axioms(ontology)
    asserted = Graph()
    closure = Graph()
    for triple in ontology:
        closure.add(triple)
    for graph in data_graphs:
        for triple in graph:
            if triple[1] in SKIPPED_PREDICATES:
                continue
            asserted.add(triple)
            if not isinstance(triple[2], Literal) or triple[1] in axiom_predicates:
                closure.add(triple)
    owlrl.DeductiveClosure(_reporting(progress), axiomatic_triples=False, datatype_axioms=False).expand(closure)

    inferred = Graph()
    for subject, predicate, obj in closure:
        if not _is_own_entity(subject, (id_base, ONTOLOGY_IRI + "/")) or predicate in SKIPPED_PREDICATES:
            continue
        if obj in TRIVIAL_OBJECTS or (subject, predicate, obj) in asserted or (subject, predicate, obj) in ontology:
            continue
        if isinstance(obj, BNode):
            continue
        inferred.add((subject, predicate, obj))
    return inferred


def _reporting(progress: Callable[[str], None]) -> type:
    """owlrl's OWL-RL rules, telling `progress` when each cycle over the graph begins."""

    class ReportingOWLRL(owlrl.OWLRL_Semantics):
        cycle = 0

        def rules(self, triple, cycle_num):  # called for every triple of every cycle
            if cycle_num != self.cycle:
                self.cycle = cycle_num
                progress(f"OWL-RL closure: cycle {cycle_num} over {len(self.graph):,} triples")
            super().rules(triple, cycle_num)

    return ReportingOWLRL


def _predicates_with_axioms(ontology: Graph) -> set:
    """Properties that entail something about their subject or a super-property."""
    axioms = (RDFS.subPropertyOf, OWL.equivalentProperty, RDFS.domain, OWL.inverseOf, OWL.propertyChainAxiom)
    return {subject for axiom in axioms for subject in ontology.subjects(axiom, None)}


def _is_own_entity(node: object, prefixes: tuple[str, ...]) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(prefixes)
