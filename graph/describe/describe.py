"""The self-contained description of one entity, as the linked-data server hands it out.

An entity's description holds its own triples, the nodes that only exist for it
(memberships, posts, intervals, instants, amounts, quotes and their selectors,
and any blank node), the links that point to it, and the labels of everything
it links to, so a client needs no second request to show it.

>>> from graph.store.store import EmbeddedStore
>>> store = EmbeddedStore.in_memory()
>>> store.load_graph(b'<http://e.org/a> <http://e.org/knows> <http://e.org/b> .\\n'
...                  b'<http://e.org/b> <http://www.w3.org/2000/01/rdf-schema#label> "B" .', None)
>>> sorted(str(t.object) for t in describe(store, "http://e.org/a").triples)
['"B"', '<http://e.org/b>']
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph

from graph.namespaces import PREFIXES
from graph.store.formats import Format, serialize_triples as write_triples
from graph.store.store import GraphStore

# Nodes of these classes reify a relation or a value; they exist only for the entities they connect.
DEPENDENT_CLASSES = (
    "org:Membership",
    "org:Post",
    "gg:Support",
    "gg:Funding",
    "gg:MembershipFee",
    "gg:FeeSchedule",
    "gg:FeeTier",
    "time:Interval",
    "time:Instant",
    "gg:CertainPeriod",
    "gg:Observation",
    "schema:MonetaryAmount",
    "oa:SpecificResource",
    "oa:TextQuoteSelector",
)

LABEL_PROPERTIES = ("rdfs:label", "skos:prefLabel", "dcterms:title", "schema:name", "foaf:name")

# Fee -> membership -> interval -> instant, or fee schedule -> tier -> amount: four steps reach every leaf.
DEPENDENT_DEPTH = 4

_PREFIX_LINES = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())


# Blank nodes cannot be named in a query sent to a remote store: they come along with the
# node that links them (and RDF lists with them). rdf:rest+ in a branch of its own, not rdf:rest*:
# Virtuoso takes seconds for the zero-length path.
_WITH_BLANK_NODES = (
    "{{ {node} ?predicate ?object }}\n"
    "  UNION {{ {node} ?to_blank ?blank FILTER(isBlank(?blank)) ?blank ?blank_predicate ?blank_object }}\n"
    "  UNION {{ {node} ?to_blank ?blank_start FILTER(isBlank(?blank_start)) ?blank_start rdf:rest+ ?blank . ?blank ?blank_predicate ?blank_object }}"
)

NEIGHBOURHOOD_QUERY = (
    _PREFIX_LINES
    + "CONSTRUCT { ?entity ?predicate ?object . ?subject ?incoming ?entity . ?blank ?blank_predicate ?blank_object }\n"
    + "WHERE {\n  "
    + _WITH_BLANK_NODES.format(node="?entity")
    + "\n  UNION { ?subject ?incoming ?entity }\n}"
)

NODES_QUERY = (
    _PREFIX_LINES
    + "CONSTRUCT { ?node ?predicate ?object . ?blank ?blank_predicate ?blank_object }\n"
    + "WHERE {\n  VALUES ?node { %s }\n  "
    + _WITH_BLANK_NODES.format(node="?node")
    + "\n}"
)

DEPENDENT_QUERY = (
    _PREFIX_LINES
    + "SELECT DISTINCT ?node WHERE {\n  VALUES ?node { %s }\n  VALUES ?class { "
    + " ".join(DEPENDENT_CLASSES)
    + " }\n  ?node a ?class .\n}"
)

LABELS_QUERY = (
    _PREFIX_LINES
    + "CONSTRUCT { ?node ?label_property ?label } WHERE {\n  VALUES ?node { %s }\n  VALUES ?label_property { "
    + " ".join((*LABEL_PROPERTIES, "gg:inverseLabel"))
    + " }\n  ?node ?label_property ?label .\n}"
)
INVERSES_QUERY = _PREFIX_LINES + """SELECT DISTINCT ?property ?inverse WHERE {
  VALUES ?property { %s }
  { ?property owl:inverseOf ?inverse } UNION { ?inverse owl:inverseOf ?property }
  FILTER(isIRI(?inverse))
}"""


@dataclass(frozen=True)
class Description:
    """The triples that describe one entity (empty when the graph does not know it)."""

    entity: str
    triples: tuple[pyoxigraph.Triple, ...]

    @property
    def is_empty(self) -> bool:
        """True when the graph says nothing about the entity."""
        return not self.triples

    def serialize(self, output_format: Format) -> bytes:
        """The description in an RDF format (Turtle with the usual prefixes), the entity's own statements first."""
        return serialize_triples(self.triples, output_format, first=self.entity)


def describe(store: GraphStore, entity_iri: str) -> Description:
    """Describe an entity: own triples, dependent nodes, incoming links, labels of linked nodes."""
    try:
        entity = pyoxigraph.NamedNode(entity_iri)
    except ValueError:  # not even an IRI: certainly not in the graph
        return Description(entity_iri, ())
    triples = set(store.query(NEIGHBOURHOOD_QUERY, substitutions={"entity": entity}))
    if not triples:
        return Description(entity_iri, ())
    seen = {entity}
    frontier = _linked_iris(triples)
    for _ in range(DEPENDENT_DEPTH):
        dependents = _dependent_nodes(store, frontier - seen)
        if not dependents:
            break
        seen |= dependents
        found = set(store.query(NODES_QUERY % _values(dependents)))
        triples |= found
        frontier = {t.object for t in found if isinstance(t.object, pyoxigraph.NamedNode)}
    triples |= set(labels_of(store, _linked_iris(triples) - {entity}))
    return Description(entity_iri, tuple(sorted(triples, key=lambda triple: (triple.subject != entity, _triple_order(triple)))))


def labels_of(store: GraphStore, iris: set[pyoxigraph.NamedNode]) -> list[pyoxigraph.Triple]:
    """The label triples of the given IRIs (rdfs:label, skos:prefLabel, dcterms:title, …, and the ontology's inverse labels)."""
    return list(store.query(LABELS_QUERY % _values(iris))) if iris else []


def inverses_of(store: GraphStore, properties: set[pyoxigraph.NamedNode]) -> dict[str, str]:
    """The inverse property (owl:inverseOf, either way round) of each given property that the ontology names one for."""
    if not properties:
        return {}
    return {row["property"].value: row["inverse"].value for row in store.query(INVERSES_QUERY % _values(properties))}


def _dependent_nodes(store: GraphStore, candidates: set[pyoxigraph.NamedNode]) -> set[pyoxigraph.NamedNode]:
    if not candidates:
        return set()
    return {row["node"] for row in store.query(DEPENDENT_QUERY % _values(candidates))}


def _values(iris: set[pyoxigraph.NamedNode]) -> str:
    """IRIs for a VALUES block: they come from the store and pyoxigraph writes them escaped."""
    return " ".join(str(iri) for iri in sorted(iris, key=lambda iri: iri.value))


def serialize_triples(
    triples: tuple[pyoxigraph.Triple, ...] | list[pyoxigraph.Triple], output_format: Format, first: str | None = None
) -> bytes:
    """Write triples in an RDF format; Turtle and RDF/XML get readable prefixes, JSON-LD the context."""
    return write_triples(triples, output_format, PREFIXES, first)


def _linked_iris(triples: set[pyoxigraph.Triple]) -> set[pyoxigraph.NamedNode]:
    linked = set()
    for triple in triples:
        for term in (triple.subject, triple.object):
            if isinstance(term, pyoxigraph.NamedNode):
                linked.add(term)
    return linked


def _triple_order(triple: pyoxigraph.Triple) -> tuple[str, str, str]:
    return (str(triple.subject), str(triple.predicate), str(triple.object))


HYDRA = PREFIXES["hydra"]


def error_document(status: int, title: str, message: str, output_format: Format) -> bytes:
    """An error as RDF (a hydra:Error), so an RDF client gets its 404 in the format it asked for."""
    error = pyoxigraph.BlankNode("error")
    triples = [
        pyoxigraph.Triple(error, pyoxigraph.NamedNode(PREFIXES["rdf"] + "type"), pyoxigraph.NamedNode(HYDRA + "Error")),
        pyoxigraph.Triple(error, pyoxigraph.NamedNode(HYDRA + "statusCode"), pyoxigraph.Literal(str(status), datatype=pyoxigraph.NamedNode(PREFIXES["xsd"] + "integer"))),
        pyoxigraph.Triple(error, pyoxigraph.NamedNode(HYDRA + "title"), pyoxigraph.Literal(title)),
        pyoxigraph.Triple(error, pyoxigraph.NamedNode(HYDRA + "description"), pyoxigraph.Literal(message)),
    ]
    return serialize_triples(triples, output_format)
