"""Output formats as one table each: a format's name, media type and writer in one row.

SELECT/ASK results use pyoxigraph's SPARQL results serializers; CONSTRUCT/DESCRIBE
and dumps use its RDF serializers.

>>> results_format("csv").media_type
'text/csv'
>>> rdf_format("ttl").media_type
'text/turtle'
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph

from graph.store.store import QueryResult


@dataclass(frozen=True)
class Format:
    """One serialization: short name, media type, file extension, pyoxigraph format."""

    name: str
    media_type: str
    extension: str
    engine_format: object
    aliases: tuple[str, ...] = ()


RESULTS_FORMATS = (
    Format("json", "application/sparql-results+json", "srj", pyoxigraph.QueryResultsFormat.JSON, ("application/json",)),
    Format("xml", "application/sparql-results+xml", "srx", pyoxigraph.QueryResultsFormat.XML, ("application/xml", "text/xml")),
    Format("csv", "text/csv", "csv", pyoxigraph.QueryResultsFormat.CSV),
    Format("tsv", "text/tab-separated-values", "tsv", pyoxigraph.QueryResultsFormat.TSV),
)

RDF_FORMATS = (
    Format("turtle", "text/turtle", "ttl", pyoxigraph.RdfFormat.TURTLE, ("ttl", "application/x-turtle")),
    Format("ntriples", "application/n-triples", "nt", pyoxigraph.RdfFormat.N_TRIPLES, ("nt", "text/plain")),
    Format("jsonld", "application/ld+json", "jsonld", pyoxigraph.RdfFormat.JSON_LD, ("json-ld",)),
    Format("rdfxml", "application/rdf+xml", "rdf", pyoxigraph.RdfFormat.RDF_XML, ("rdf", "xml")),
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
    """Write a query result in the given format (pyoxigraph's own serializers)."""
    if is_graph_result(result):
        if output_format.engine_format in (pyoxigraph.RdfFormat.N_QUADS, pyoxigraph.RdfFormat.TRIG):
            # Datasets formats: a CONSTRUCT result is the default graph of a dataset.
            quads = [pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in result]
            return pyoxigraph.serialize(quads, format=output_format.engine_format)
        return result.serialize(format=output_format.engine_format)
    return result.serialize(format=output_format.engine_format)
