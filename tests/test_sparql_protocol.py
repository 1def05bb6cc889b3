"""graph/store/sparql_protocol.py: query forms, the SERVICE/LOAD policy, USING clauses."""

from __future__ import annotations

import pyoxigraph
import pytest

from graph.errors import QueryRefused, QueryTooDeep
from graph.store.sparql_protocol import (
    DatasetConflict,
    OutboundPolicy,
    checked_query,
    query_form,
    tokenize,
    with_using_clauses,
)


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT * { ?s ?p ?o }", "SELECT"),
        ("prefix ex: <http://e/> base <http://b/> ask { ex:a ?p ?o }", "ASK"),
        ("# CONSTRUCT in a comment\nDESCRIBE <http://e/a>", "DESCRIBE"),
        ("PREFIX : <http://e/> CONSTRUCT WHERE { :a ?p ?o }", "CONSTRUCT"),
        ("INSERT DATA { <http://e/a> <http://e/b> 1 }", None),
        ("", None),
    ],
)
def test_query_form(text, form):
    assert query_form(text) == form


def test_strings_iris_and_comments_are_single_tokens():
    tokens = tokenize('SELECT ?x { ?x <http://e/SERVICE> "SERVICE { }" } # SERVICE <http://evil/>\n')
    assert [token.keyword for token in tokens if token.keyword] == ["SELECT"]


REFUSED_QUERIES = [
    "SELECT * { SERVICE <http://127.0.0.1:1234/sparql> { ?s ?p ?o } }",
    "select * { service silent <http://127.0.0.1:1234/sparql> { ?s ?p ?o } }",
    "PREFIX ep: <http://127.0.0.1:1234/> SELECT * { SERVICE ep:sparql { ?s ?p ?o } }",
    "BASE <http://127.0.0.1:1234/> SELECT * { SERVICE <sparql> { ?s ?p ?o } }",
    "SELECT * { VALUES ?e { <http://127.0.0.1:1234/sparql> } SERVICE ?e { ?s ?p ?o } }",
    # A local name ending in an escaped `#` must not hide the rest of the line as a comment.
    "PREFIX e: <http://e/> SELECT * { ?s ?p e:o\\# . SERVICE <http://127.0.0.1:1234/sparql> { ?s ?p ?o } }",
    'SELECT * { ?s ?p "a\\"" SERVICE <http://127.0.0.1:1234/sparql> { ?s ?p ?o } }',
]


@pytest.mark.parametrize("query", REFUSED_QUERIES)
def test_service_is_refused_without_an_allowlist(query):
    with pytest.raises(QueryRefused, match="SERVICE .* is refused"):
        OutboundPolicy().check(query)


@pytest.mark.parametrize("query", REFUSED_QUERIES[:-1])
def test_the_policy_sees_what_the_engine_parses(query):
    """Every refused text is a query pyoxigraph accepts, so the refusal is not just a parse failure."""
    pyoxigraph.Store().query(query.replace("127.0.0.1:1234", "example.invalid"))  # parsing only: iteration is lazy


def test_load_is_refused_without_an_allowlist():
    with pytest.raises(QueryRefused, match="LOAD <http://127.0.0.1:1234/data.ttl> is refused"):
        OutboundPolicy().check("LOAD <http://127.0.0.1:1234/data.ttl> INTO GRAPH <http://e/g>")


def test_the_allowlist_admits_exact_urls_and_prefixes():
    policy = OutboundPolicy(("https://query.wikidata.org/sparql", "https://data.example.org/*"))
    policy.check("SELECT * { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }")
    policy.check("LOAD <https://data.example.org/dumps/a.ttl>")
    with pytest.raises(QueryRefused):
        policy.check("SELECT * { SERVICE <https://query.wikidata.org/sparql2> { ?s ?p ?o } }")
    with pytest.raises(QueryRefused, match="SERVICE \\?e is refused"):
        policy.check("SELECT * { SERVICE ?e { ?s ?p ?o } }")


def test_text_that_only_mentions_service_is_not_refused():
    OutboundPolicy().check('PREFIX service: <http://e/> SELECT ?service { ?service service:x "SERVICE <http://a/>" }')


def test_a_remembered_query_form_never_remembers_a_refusal_away():
    text = "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    for _ in range(2):  # the second time comes from the memo, if anything does
        with pytest.raises(QueryRefused):
            checked_query(text, OutboundPolicy(), 100)
    assert checked_query(text, OutboundPolicy(("http://127.0.0.1:9/*",)), 100).form == "SELECT"  # the policy is part of the key
    with pytest.raises(QueryRefused):
        checked_query(text, OutboundPolicy(), 100)
    with pytest.raises(QueryTooDeep):
        checked_query(text, OutboundPolicy(("http://127.0.0.1:9/*",)), 2)  # and so is the depth limit
    long_text = "ASK {}" + " " * 30_000  # too long to remember, analysed afresh
    assert checked_query(long_text, OutboundPolicy(), 100).form == "ASK"


def test_using_clauses_go_before_where():
    update = "PREFIX e: <http://e/> DELETE { ?s e:p ?o } INSERT { ?s e:q ?o } WHERE { ?s e:p ?o }"
    rewritten = with_using_clauses(update, ["http://e/g1", "http://e/g2"], ["http://e/n"])
    assert rewritten.endswith(
        "INSERT { ?s e:q ?o } USING <http://e/g1> USING <http://e/g2> USING NAMED <http://e/n> WHERE { ?s e:p ?o }"
    )


def test_using_clauses_reach_every_operation_and_spare_data_operations():
    update = "CLEAR ALL ; INSERT DATA { <http://e/a> <http://e/b> 1 } ; INSERT { ?s a ?t } WHERE { { ?s a ?t } }"
    rewritten = with_using_clauses(update, ["http://e/g"], [])
    assert rewritten == "CLEAR ALL ; INSERT DATA { <http://e/a> <http://e/b> 1 } ; INSERT { ?s a ?t } USING <http://e/g> WHERE { { ?s a ?t } }"


def test_delete_where_becomes_its_long_form():
    rewritten = with_using_clauses("DELETE WHERE { ?s <http://e/p> ?o }", ["http://e/g"], [])
    assert rewritten == "DELETE { ?s <http://e/p> ?o } USING <http://e/g> WHERE { ?s <http://e/p> ?o }"
    store = pyoxigraph.Store()
    store.update("INSERT DATA { GRAPH <http://e/g> { <http://e/s> <http://e/p> 1 } }")
    store.update(rewritten)
    assert len(store) == 1, "USING <g> makes g the default graph of the WHERE clause; deletion targets the default graph"


@pytest.mark.parametrize("clause", ["WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
                                    "DELETE { ?s ?p ?o } USING <http://e/g> WHERE { ?s ?p ?o }"])
def test_protocol_dataset_and_update_dataset_conflict(clause):
    with pytest.raises(DatasetConflict, match="give the dataset one way only"):
        with_using_clauses(clause, ["http://e/other"], [])


@pytest.mark.parametrize("module", ["graph.store.sparql_protocol", "graph.describe.service_description", "graph.store.query_runner"])
def test_docstring_examples(module):
    import doctest
    import importlib

    failures, tried = doctest.testmod(importlib.import_module(module))
    assert tried > 0 and failures == 0
