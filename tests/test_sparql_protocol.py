"""graph/store/sparql_protocol.py: query forms, the SERVICE/LOAD policy, USING clauses."""

from __future__ import annotations

import pyoxigraph
import pytest

from graph.errors import QueryRefused, QueryTooDeep
from bench.hostile_inputs import ANSWERED_LEVELS, HOSTILE
from graph.config import Settings
from graph.store.sparql_protocol import (
    DatasetConflict,
    OutboundPolicy,
    check_depth,
    checked_query,
    query_form,
    syntax_depth,
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


DEFAULT_LIMIT = Settings().max_query_depth


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda hostile: hostile.name)
def test_the_probes_that_overflowed_the_parser_are_over_the_default_depth_limit(hostile):
    assert syntax_depth(tokenize(hostile.refused())) > DEFAULT_LIMIT
    assert syntax_depth(tokenize(hostile.answered())) < DEFAULT_LIMIT  # a thousand levels
    assert syntax_depth(tokenize(hostile.build(ANSWERED_LEVELS * 2))) > syntax_depth(tokenize(hostile.answered()))


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { " + " ".join(f'<urn:s{i}> <urn:p> "{i}"^^<urn:t>, -{i} .' for i in range(20_000)) + " }",
        "SELECT * { VALUES (?a ?b) { " + " ".join(f"({i} -{i})" for i in range(20_000)) + " } }",
        "SELECT * { ?s ?p ?o FILTER(?o IN (" + ", ".join(str(i) for i in range(20_000)) + ")) }",
        "CONSTRUCT { " + " ".join(f"?s <urn:p{i}> ?o ." for i in range(20_000)) + " } WHERE { ?s ?p ?o }",
        " ; ".join(["INSERT DATA { <urn:a> <urn:b> <urn:c> }"] * 5_000),
        "SELECT (CONCAT(" + ", ".join('"a"' for _ in range(20_000)) + ") AS ?x) {}",
    ],
    ids=["insert-data", "values", "in", "construct-template", "operations", "arguments"],
)
def test_long_flat_lists_are_shallow(text):
    """Triples, VALUES rows, IN lists, templates, an update's operations and arguments do not nest in the engine."""
    assert syntax_depth(tokenize(text)) < 10


def test_two_character_operators_and_datatypes_count_once():
    assert syntax_depth(tokenize('ASK { FILTER(?a || ?b) }')) == syntax_depth(tokenize('ASK { FILTER(?a + ?b) }'))
    assert syntax_depth(tokenize('ASK { ?s ?p "1"^^<urn:t> }')) == syntax_depth(tokenize('ASK { ?s ?p "1" }'))
    assert syntax_depth(tokenize("ASK { FILTER(!!!true) }")) == syntax_depth(tokenize("ASK { FILTER(true) }")) + 3


def test_the_depth_refusal_names_the_limit():
    with pytest.raises(QueryTooDeep, match=r"the update is nested too deeply: .* about 5 levels deep, more than the "
                                           r"limit of 4 \(GOVGRAPH_MAX_QUERY_DEPTH\)"):
        check_depth(tokenize("INSERT { ?s ?p ?o } WHERE { { { { { ?s ?p ?o } } } } }"), 4, "update")


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
