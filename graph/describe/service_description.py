"""The SPARQL 1.1 Service Description of the endpoint, with VoID statistics of its dataset.

>>> from graph.store.store import EmbeddedStore
>>> store = EmbeddedStore.in_memory()
>>> store.load_graph(b'<http://e.org/s> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e.org/C> .', "http://e.org/g")
>>> text = service_description(store, "http://127.0.0.1:8000/sparql", updates=False, federation=False).decode()
>>> "sd:endpoint <http://127.0.0.1:8000/sparql>" in text and "void:triples 1" in text
True
"""

from __future__ import annotations

import pyoxigraph
from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from graph.store.formats import RDF_FORMATS, RESULTS_FORMATS, Format, rdf_format
from graph.describe.statistics import graph_statistics
from graph.store.store import GraphStore

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")
FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle",
    "ntriples": "N-Triples",
    "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML",
    "nquads": "N-Quads",
    "trig": "TriG",
}
PREFIXES = {"sd": SD, "void": VOID, "formats": "http://www.w3.org/ns/formats/"}


def _sd(name: str) -> NamedNode:
    return NamedNode(SD + name)


def _void(name: str) -> NamedNode:
    return NamedNode(VOID + name)


def _count(value: int) -> Literal:
    return Literal(str(value), datatype=XSD_INTEGER)


def service_description_quads(store: GraphStore, endpoint: str, *, updates: bool, federation: bool) -> list[Quad]:
    """The description as quads: languages, formats, features, default dataset with VoID counts."""
    service = NamedNode(endpoint + "#service")
    quads = [
        Quad(service, RDF_TYPE, _sd("Service")),
        Quad(service, _sd("endpoint"), NamedNode(endpoint)),
        Quad(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        Quad(service, _sd("feature"), _sd("EmptyGraphs")),  # pyoxigraph keeps named graphs that CREATE GRAPH made
        Quad(service, _sd("defaultEntailmentRegime"), NamedNode("http://www.w3.org/ns/entailment/Simple")),
    ]
    if updates:
        quads.append(Quad(service, _sd("supportedLanguage"), _sd("SPARQL11Update")))
    if federation:
        quads.append(Quad(service, _sd("feature"), _sd("BasicFederatedQuery")))
    for output in (*RESULTS_FORMATS, *RDF_FORMATS):
        quads.append(Quad(service, _sd("resultFormat"), NamedNode("http://www.w3.org/ns/formats/" + FORMAT_IRIS[output.name])))

    statistics = graph_statistics(store)
    dataset, default_graph = BlankNode(), BlankNode()
    quads += [
        Quad(service, _sd("defaultDataset"), dataset),
        Quad(dataset, RDF_TYPE, _sd("Dataset")),
        Quad(dataset, RDF_TYPE, _void("Dataset")),
        Quad(dataset, _void("sparqlEndpoint"), NamedNode(endpoint)),
        Quad(dataset, _sd("defaultGraph"), default_graph),
        Quad(default_graph, RDF_TYPE, _sd("Graph")),
        Quad(default_graph, _void("triples"), _count(statistics.triples)),
        Quad(default_graph, _void("entities"), _count(statistics.entities)),
        Quad(default_graph, _void("classes"), _count(len(statistics.instances_by_class))),
    ]
    for class_iri, instances in statistics.instances_by_class.items():
        partition = BlankNode()
        quads += [
            Quad(default_graph, _void("classPartition"), partition),
            Quad(partition, _void("class"), NamedNode(class_iri)),
            Quad(partition, _void("entities"), _count(instances)),
        ]
    for graph_iri, triples in statistics.triples_by_graph.items():
        named, graph = BlankNode(), BlankNode()
        quads += [
            Quad(dataset, _sd("namedGraph"), named),
            Quad(named, RDF_TYPE, _sd("NamedGraph")),
            Quad(named, _sd("name"), NamedNode(graph_iri)),
            Quad(named, _sd("graph"), graph),
            Quad(graph, RDF_TYPE, _sd("Graph")),
            Quad(graph, _void("triples"), _count(triples)),
        ]
    return quads


def service_description(
    store: GraphStore, endpoint: str, *, updates: bool, federation: bool, output: Format | None = None
) -> bytes:
    """The description serialized (Turtle unless another RDF format is given)."""
    output = output or rdf_format("turtle")
    quads = service_description_quads(store, endpoint, updates=updates, federation=federation)
    if output.engine_format in (pyoxigraph.RdfFormat.N_QUADS, pyoxigraph.RdfFormat.TRIG):
        return pyoxigraph.serialize(quads, format=output.engine_format, prefixes=PREFIXES)
    triples = [pyoxigraph.Triple(quad.subject, quad.predicate, quad.object) for quad in quads]
    if output.engine_format == pyoxigraph.RdfFormat.TURTLE:
        return pyoxigraph.serialize(triples, format=output.engine_format, prefixes=PREFIXES)
    return pyoxigraph.serialize(triples, format=output.engine_format)
