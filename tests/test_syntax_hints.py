"""Plain-language hints for SPARQL syntax errors, from pyoxigraph's real errors (graph.store.syntax_hints)."""

from __future__ import annotations

import pyoxigraph
import pytest

from graph.errors import QuerySyntaxError
from graph.store.syntax_hints import syntax_error


def engine_error(text: str, kind: str = "query") -> QuerySyntaxError:
    store = pyoxigraph.Store()
    with pytest.raises(SyntaxError) as raised:
        store.query(text) if kind == "query" else store.update(text)
    return syntax_error(raised.value, text, kind)


@pytest.mark.parametrize(
    ("text", "line", "column", "hint"),
    [
        pytest.param("SELECT * WHERE {\n  ?s a foaf:Person }", 2, 8,
                     "the prefix foaf: (in foaf:Person) is not declared; add PREFIX foaf: <http://xmlns.com/foaf/0.1/>", id="known-prefix"),
        pytest.param("SELECT * WHERE { ?s nope:p ?o }", 1, 21, "the prefix nope: (in nope:p) is not declared", id="unknown-prefix"),
        pytest.param("SELEC * WHERE { ?s ?p ?o }", 1, 1, "SELEC is not a SPARQL keyword; did you mean SELECT?", id="select"),
        pytest.param("SELECT * WHERE { ?s ?p ?o\n  FILTR(?o > 1) }", 2, 3, "FILTR is not a SPARQL keyword; did you mean FILTER?", id="filter"),
        pytest.param("SELECT * WHERE { ?s ?p ?o } GROUPBY ?s", 1, 29, "did you mean GROUP BY?", id="group-by"),
        pytest.param("SELECT * WHERE { ?x ?y }", 1, 18, "incomplete triple pattern `?x ?y`", id="two-terms"),
        pytest.param("SELECT * WHERE { ?s ?p ?o . ?s }", 1, 29, "incomplete triple pattern `?s`", id="one-term"),
        pytest.param('SELECT * WHERE { ?s ?p "x"@de ; ?q }', 1, 33, "incomplete triple pattern `?q`", id="after-semicolon"),
        pytest.param('SELECT * WHERE { ?s ?p "open }', 1, 24, 'the string that starts here is not closed', id="unclosed-string"),
        pytest.param("INSERT DATA { <urn:a> <urn:b> <urn:c> }", 1, 1, "starts an update, not a query", id="update-as-query"),
    ],
)
def test_recognisable_causes_get_a_hint_at_their_line_and_column(text, line, column, hint):
    error = engine_error(text)
    assert (error.line, error.column) == (line, column)
    assert f"SPARQL query syntax error at line {line}, column {column}: " in str(error)
    assert hint in str(error)


def test_an_update_gets_hints_too():
    error = engine_error("INSERT DATA {\n  <urn:a> <urn:b> }", "update")
    assert str(error).startswith("SPARQL update syntax error at line 2, column 3: incomplete triple pattern `<urn:a> <urn:b>`")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("SELECT * WHERE { ?s ?p ?o } LIMIT 5 5", id="no-recognisable-cause"),
        pytest.param("SELECT * WHERE { ?s ?p ?o FILTER(?o > 1e3) } LIMIT 1 1", id="exponent-is-no-word"),
        pytest.param('SELECT * WHERE { VALUES ?x { <urn:a> <urn:b> } ?x ?p ?o } LIMIT 1 1', id="values-block-is-no-triple"),
    ],
)
def test_without_a_recognisable_cause_the_engine_position_stays(text):
    error = engine_error(text)
    assert (error.line, error.column) == (1, len(text) + 1)  # where the engine stopped: the end
    assert "not a SPARQL keyword" not in str(error) and "incomplete" not in str(error)


def test_a_cause_after_the_engine_position_is_not_blamed():
    # The parser stops at the misspelt keyword; the incomplete pattern after it is no cause yet.
    error = engine_error("SELECT * WHERE { ?s ?p ?o } LIMT 5")
    assert "LIMT is not a SPARQL keyword; did you mean LIMIT?" in str(error)
    error = engine_error("SELECT * WHERE { ?s ?p ?o } LIMIT 5 5 }")
    assert "incomplete" not in str(error)
