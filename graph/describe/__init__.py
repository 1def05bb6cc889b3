"""The describe room: what one entity, named query, dataset or service is, for pages and RDF clients
(descriptions, page views with citations and labels, named queries, VoID/DCAT, the service description)."""

from graph.describe.dataset_description import (
    DatasetSummary,
    dataset_description,
    dataset_iri,
    dataset_summary,
    entity_iris,
    serialize_description,
    store_modified,
)
from graph.describe.describe import describe, error_document
from graph.describe.entity_view import entity_view
from graph.describe.membership_view import MembershipView, membership_view
from graph.describe.named_queries import (
    BoundArguments,
    ParameterError,
    UnknownQuery,
    answer_records,
    bind_arguments,
    default_text,
    describe_type,
    example_arguments,
    example_sparql,
    example_text,
    find_query,
    query_shape,
    run_bound_query,
    run_named_query,
)
from graph.describe.ontology_docs import named_graph_rdf, ontology_html
from graph.describe.service_description import service_description
from graph.describe.statistics import graph_statistics
from graph.time import today_in_nrw  # the default as-of date of named queries and pages

__all__ = [
    "BoundArguments", "DatasetSummary", "MembershipView", "ParameterError", "UnknownQuery", "answer_records", "bind_arguments",
    "dataset_description", "dataset_iri", "dataset_summary", "default_text", "describe", "describe_type",
    "entity_iris", "entity_view", "error_document", "example_arguments", "example_sparql", "example_text", "find_query",
    "graph_statistics", "membership_view", "named_graph_rdf", "ontology_html", "query_shape", "run_bound_query", "run_named_query",
    "serialize_description", "service_description", "store_modified", "today_in_nrw",
]
