"""JSON-LD documents: compacted with govgraph's published @context, or in expanded form.

rdflib writes the triples as JSON-LD (types as `@type`); PyLD, the JSON-LD 1.1 reference
implementation for Python, compacts that with the context (or expands it). The context is read
from `ontology/` and never fetched: a document names it by URL, and PyLD's document loader
answers exactly that URL from the file (any other URL is an error, so nothing goes out).

>>> import pyoxigraph
>>> label = pyoxigraph.Triple(pyoxigraph.NamedNode("https://e.org/a"),
...     pyoxigraph.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"), pyoxigraph.Literal("A", language="de"))
>>> json.loads(jsonld_document([label], "https://example.org/context/1.0.0.jsonld"))
{'@context': 'https://example.org/context/1.0.0.jsonld', 'id': 'https://e.org/a', 'prefLabel': {'de': 'A'}}
"""

from __future__ import annotations

import copy
import functools
import json
import threading
from typing import Iterable

import pyoxigraph
from pyld import jsonld
from rdflib import Graph

from ontology import CONTEXT_FILE, CONTEXT_VERSION

EXPANDED = "http://www.w3.org/ns/json-ld#expanded"
COMPACTED = "http://www.w3.org/ns/json-ld#compacted"
# Where a server publishes the context, relative to its root (and to the base IRI).
CONTEXT_PATH = f"context/{CONTEXT_VERSION}.jsonld"
# PyLD keeps resolved contexts in a process-wide cache that is not safe for concurrent writers; it is pure
# Python (holds the GIL), so one document at a time costs no parallelism.
_pyld = threading.Lock()


@functools.cache
def context_document() -> dict:
    """The context document as published: `{"@context": {…}}`."""
    return json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))


def jsonld_document(
    triples: Iterable[pyoxigraph.Triple], context: str | None = None, expanded: bool = False, first: str | None = None
) -> bytes:
    """The triples as a JSON-LD document, compacted with the context named by the URL `context` (embedded when
    None), or expanded; `first` puts that node's object first."""
    graph = Graph().parse(data=pyoxigraph.serialize(list(triples), format=pyoxigraph.RdfFormat.N_TRIPLES), format="nt")
    document = json.loads(graph.serialize(format="json-ld"))
    with _pyld:
        if expanded:
            document = jsonld.expand(document, {"documentLoader": _loader(None)})
        else:
            context_reference = context if context is not None else copy.deepcopy(context_document()["@context"])
            document = jsonld.compact(document, context_reference, {"documentLoader": _loader(context)})
    _put_first(document, first)
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


def _loader(context_url: str | None):
    def load(url: str, options: dict) -> dict:
        if url != context_url:
            raise jsonld.JsonLdError(f"govgraph loads no remote documents: {url}", "jsonld.LoadDocumentError")
        return {"contextUrl": None, "documentUrl": url, "document": copy.deepcopy(context_document())}

    return load


def _put_first(document: dict | list, first: str | None) -> None:
    """Move the object of node `first` to the front of the document's node list (the entity before what it links)."""
    nodes = document if isinstance(document, list) else document.get("@graph")
    if first is None or not isinstance(nodes, list):
        return
    for index, node in enumerate(nodes):
        if node.get("@id", node.get("id")) == first:
            nodes.insert(0, nodes.pop(index))
            return
