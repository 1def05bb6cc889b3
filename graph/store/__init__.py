"""The store room: the store interface with its embedded (pyoxigraph) and remote (SPARQL 1.1) backends,
the served in-memory copy, the SPARQL protocol's checks and formats, and evaluation under timeouts."""

from graph.store.formats import RDF_FORMATS, RESULTS_FORMATS, Format, is_graph_result, rdf_format, results_format, serialize
from graph.store.jsonld import COMPACTED, CONTEXT_PATH, EXPANDED, jsonld_document
from graph.store.network_isolation import isolate_outbound_network
from graph.store.large_stacks import run_on_large_stack, stack_size_for
from graph.store.provider import MemoryCopy, StoreProvider, load_memory_copy, save_snapshot_of, store_generation, write_snapshot
from graph.store.query_runner import Job, QueryRunner
from graph.store.sparql_protocol import (
    GRAPH_FORMS, NotAcceptable, OutboundPolicy, check_depth, check_update, checked_graph_iris, checked_query, repeatable,
    tokenize, with_using_clauses,
)
from graph.store.opening import open_store, remote_store
from graph.store.remote import RemoteStore
from graph.store.store import EmbeddedStore, GraphStore, QueryResult, Term, current_store_path
from graph.store.table import term_text, text_table

__all__ = [
    "COMPACTED", "CONTEXT_PATH", "EXPANDED", "EmbeddedStore", "Format", "GRAPH_FORMS", "GraphStore", "Job", "MemoryCopy",
    "NotAcceptable", "OutboundPolicy", "QueryResult", "QueryRunner", "RDF_FORMATS", "RESULTS_FORMATS", "RemoteStore",
    "StoreProvider", "Term", "check_depth", "check_update", "checked_graph_iris", "checked_query", "current_store_path",
    "is_graph_result", "isolate_outbound_network", "jsonld_document", "load_memory_copy", "open_store", "rdf_format",
    "remote_store", "repeatable", "results_format", "run_on_large_stack", "save_snapshot_of", "serialize", "stack_size_for",
    "store_generation", "term_text", "text_table", "tokenize", "with_using_clauses", "write_snapshot",
]
