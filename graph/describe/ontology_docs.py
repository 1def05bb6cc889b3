"""The ontology for people (pyLODE HTML) and for machines (RDF), served at its namespace.

pyLODE names each term's anchor after its label; the namespace's terms are hash
IRIs (`…/ontology#Network`), so the anchors are renamed to the IRIs' local names
and `https://w3id.org/govgraph/ontology#Network` lands on the term in a browser.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pyoxigraph

from graph.describe.describe import serialize_triples
from graph.store.formats import Format
from graph.store.store import GraphStore
from ontology import NAMESPACE, ONTOLOGY_FILE

_cache: dict[tuple[str, float], str] = {}
_lock = threading.Lock()


def ontology_html(ontology_file: Path = ONTOLOGY_FILE) -> str:
    """pyLODE's documentation of the ontology, generated once per version of the file."""
    key = (str(ontology_file), ontology_file.stat().st_mtime)
    with _lock:
        if key not in _cache:
            _cache.clear()
            _cache[key] = _generate(ontology_file)
        return _cache[key]


def _generate(ontology_file: Path) -> str:
    from pylode import OntPub  # pyLODE loads its background ontologies on import: only when needed

    documentation = OntPub(ontology=str(ontology_file))
    html = documentation.make_html()
    for iri, fragment in documentation.fids.items():
        if iri.startswith(NAMESPACE) and fragment:
            local_name = iri[len(NAMESPACE):]
            html = re.sub(rf'(id|href)="(#?){re.escape(fragment)}"', rf'\1="\2{local_name}"', html)
    return html


def named_graph_rdf(store: GraphStore, graph_iri: str, output_format: Format) -> bytes | None:
    """One named graph as the build loaded it (the ontology, a source), in an RDF format; None when absent."""
    if graph_iri not in store.named_graphs():
        return None
    data = store.graph_data(graph_iri, "application/n-triples")
    return serialize_triples(list(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES)), output_format)
