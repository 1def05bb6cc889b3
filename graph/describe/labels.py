"""Labels for people: each node's label and description in the reader's language.

Terms of the standard vocabularies are labelled in the ontology like govgraph's own
(`ontology/govgraph.ttl`, "Reused terms"), and so are the readings of properties from
their object's side (`gg:inverseLabel`, where no inverse property is named).

>>> book = LabelBook([pyoxigraph.Triple(pyoxigraph.NamedNode(ORG + "memberOf"), pyoxigraph.NamedNode(RDFS + "label"),
...                                     pyoxigraph.Literal("member of", language="en"))], "en")
>>> book.label("http://www.w3.org/ns/org#memberOf")
'member of'
>>> book.label("https://w3id.org/govgraph/ontology#unlabelled")
'gg:unlabelled'
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph

from graph.namespaces import PREFIXES
from graph.store.store import Term

RDF_TYPE = PREFIXES["rdf"] + "type"
GG, ORG, TIME, PROV, OA = PREFIXES["gg"], PREFIXES["org"], PREFIXES["time"], PREFIXES["prov"], PREFIXES["oa"]
SCHEMA, SKOS, RDFS, DCTERMS, OWL = PREFIXES["schema"], PREFIXES["skos"], PREFIXES["rdfs"], PREFIXES["dcterms"], PREFIXES["owl"]
FOAF = PREFIXES["foaf"]
LABELS = (SKOS + "prefLabel", RDFS + "label", DCTERMS + "title", SCHEMA + "name", FOAF + "name")


@dataclass(frozen=True)
class Link:
    """A node to link to, with its label in the reader's language (iri None for blank nodes)."""

    iri: str | None
    label: str


class LabelBook:
    """Labels by node and language, picked for the reader with sensible fallbacks."""

    def __init__(self, triples: list[pyoxigraph.Triple] | tuple[pyoxigraph.Triple, ...], language: str):
        self.language = language
        self._labels: dict[str, dict[str, str]] = defaultdict(dict)
        self._descriptions: dict[str, dict[str, str]] = defaultdict(dict)
        self._inverse_labels: dict[str, dict[str, str]] = defaultdict(dict)
        # Most preferred label property last, so it wins.
        for triple in sorted(triples, key=lambda t: LABELS.index(t.predicate.value) if t.predicate.value in LABELS else 99, reverse=True):
            if not isinstance(triple.object, pyoxigraph.Literal):
                continue
            if triple.predicate.value in LABELS:
                self._labels[term_key(triple.subject)][triple.object.language or ""] = triple.object.value
            elif triple.predicate.value == DCTERMS + "description":
                self._descriptions[term_key(triple.subject)][triple.object.language or ""] = triple.object.value
            elif triple.predicate.value == GG + "inverseLabel":
                self._inverse_labels[term_key(triple.subject)][triple.object.language or ""] = triple.object.value

    def label(self, node: Term | str) -> str:
        """The node's label in the reader's language, else German, English, untagged, any, its local name."""
        key = node if isinstance(node, str) else term_key(node)
        by_language = self._labels.get(key, {})
        for language in (self.language, "de", "en", ""):
            if language in by_language:
                return by_language[language]
        if by_language:
            return next(iter(by_language.values()))
        return compact_iri(key)

    def inverse_label(self, node: Term | str) -> str | None:
        """How a property reads from its object's side (gg:inverseLabel) in the reader's language, if the ontology says."""
        by_language = self._inverse_labels.get(node if isinstance(node, str) else term_key(node), {})
        return next((by_language[language] for language in (self.language, "de", "en", "") if language in by_language), None)

    def description(self, node: Term | str) -> str | None:
        """The node's dcterms:description in the reader's language (or German, English, untagged)."""
        by_language = self._descriptions.get(node if isinstance(node, str) else term_key(node), {})
        return next((by_language[language] for language in (self.language, "de", "en", "") if language in by_language), None)


def compact_iri(iri: str) -> str:
    """A prefixed name for a well-known namespace, the IRI itself otherwise."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def term_key(term: Term) -> str:
    """The IRI of a named node, the N-Triples form of any other term."""
    return term.value if isinstance(term, pyoxigraph.NamedNode) else str(term)
