"""Output formats as one table each: a format's name, media type and writer in one row.

SELECT/ASK results use pyoxigraph's SPARQL results serializers; CONSTRUCT/DESCRIBE
and dumps use its RDF serializers, except JSON-LD, which is compacted with govgraph's
@context (`graph.store.jsonld`) unless the expanded form is asked for.

>>> results_format("csv").media_type
'text/csv'
>>> rdf_format("ttl").media_type
'text/turtle'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

import pyoxigraph

from graph.store.jsonld import jsonld_document
from graph.store.store import QueryResult


@dataclass(frozen=True)
class Format:
    """One serialization: short name, media type, file extension, pyoxigraph format; for JSON-LD, the URL
    documents name their @context by (None: the context is embedded) or the expanded form instead."""

    name: str
    media_type: str
    extension: str
    engine_format: object
    aliases: tuple[str, ...] = ()
    context: str | None = None
    expanded: bool = False


RESULTS_FORMATS = (
    Format("json", "application/sparql-results+json", "srj", pyoxigraph.QueryResultsFormat.JSON, ("application/json",)),
    Format("xml", "application/sparql-results+xml", "srx", pyoxigraph.QueryResultsFormat.XML, ("application/xml", "text/xml")),
    Format("csv", "text/csv", "csv", pyoxigraph.QueryResultsFormat.CSV),
    Format("tsv", "text/tab-separated-values", "tsv", pyoxigraph.QueryResultsFormat.TSV),
)

RDF_FORMATS = (
    # "n3" and "rdf+xml" are what SPARQLWrapper sends as ?format= (Turtle is valid N3).
    Format("turtle", "text/turtle", "ttl", pyoxigraph.RdfFormat.TURTLE, ("ttl", "application/x-turtle", "n3")),
    Format("ntriples", "application/n-triples", "nt", pyoxigraph.RdfFormat.N_TRIPLES, ("nt", "text/plain")),
    Format("jsonld", "application/ld+json", "jsonld", pyoxigraph.RdfFormat.JSON_LD, ("json-ld",)),
    Format("rdfxml", "application/rdf+xml", "rdf", pyoxigraph.RdfFormat.RDF_XML, ("rdf", "xml", "rdf+xml")),
    Format("nquads", "application/n-quads", "nq", pyoxigraph.RdfFormat.N_QUADS, ("nq",)),
    Format("trig", "application/trig", "trig", pyoxigraph.RdfFormat.TRIG),
)


def _lookup(table: tuple[Format, ...], key: str) -> Format:
    key = key.strip().lower()
    for candidate in table:
        if key in (candidate.name, candidate.media_type, candidate.extension, *candidate.aliases):
            return candidate
    valid = ", ".join(candidate.name for candidate in table)
    raise ValueError(f"unknown format {key!r}; valid: {valid}")


def results_format(key: str) -> Format:
    """A SPARQL results format by name, extension or media type."""
    return _lookup(RESULTS_FORMATS, key)


def rdf_format(key: str) -> Format:
    """An RDF format by name, extension or media type."""
    return _lookup(RDF_FORMATS, key)


def is_graph_result(result: QueryResult) -> bool:
    """True for CONSTRUCT/DESCRIBE results (triples), False for SELECT/ASK."""
    return isinstance(result, pyoxigraph.QueryTriples)


def serialize(result: QueryResult, output_format: Format) -> bytes:
    """Write a query result in the given format (pyoxigraph's own serializers; JSON-LD compacted)."""
    if is_graph_result(result) and output_format.engine_format in (pyoxigraph.RdfFormat.N_QUADS, pyoxigraph.RdfFormat.TRIG, pyoxigraph.RdfFormat.JSON_LD):
        return serialize_triples(result, output_format)
    return result.serialize(format=output_format.engine_format)


def serialize_triples(
    triples: Iterable[pyoxigraph.Triple], output_format: Format, prefixes: Mapping[str, str] | None = None, first: str | None = None
) -> bytes:
    """Write triples in an RDF format: Turtle and RDF/XML with `prefixes`, datasets formats as the default graph,
    JSON-LD compacted with the context (or expanded) with node `first` in front."""
    engine_format = output_format.engine_format
    if engine_format == pyoxigraph.RdfFormat.JSON_LD:
        return jsonld_document(triples, output_format.context, output_format.expanded, first)
    if engine_format in (pyoxigraph.RdfFormat.N_QUADS, pyoxigraph.RdfFormat.TRIG):
        # Datasets formats: the triples are the default graph of a dataset.
        return pyoxigraph.serialize([pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in triples], format=engine_format)
    if prefixes and engine_format in (pyoxigraph.RdfFormat.TURTLE, pyoxigraph.RdfFormat.RDF_XML):
        return pyoxigraph.serialize(triples, format=engine_format, prefixes=dict(prefixes))
    return pyoxigraph.serialize(triples, format=engine_format)
