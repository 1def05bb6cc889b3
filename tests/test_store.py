"""The store interface: both backends (embedded pyoxigraph on disk, remote Oxigraph server) answer alike."""

from __future__ import annotations

import pyoxigraph
import pytest

from graph.errors import QuerySyntaxError
from graph.store.store import EmbeddedStore, bind_values

DORTMUND = "https://w3id.org/govgraph/id/organization/gemeinde-05913000"
AG_STADTUMBAU = "https://w3id.org/govgraph/id/organization/ag-stadtumbau"


def test_default_graph_is_the_union_of_the_source_graphs(any_store):
    rows = list(any_store.query(f"SELECT ?ags WHERE {{ <{DORTMUND}> <http://www.w3.org/ns/org#identifier> ?ags }}"))
    assert [row["ags"].value for row in rows] == ["05913000"]


def test_each_source_has_its_own_named_graph(any_store):
    graphs = any_store.named_graphs()
    for name in ("pressemitteilung-dortmund-2024-12", "destatis-gv-isys", "nwbib-wikidata", "ontology", "inferred"):
        assert f"https://w3id.org/govgraph/graph/{name}" in graphs


def test_both_backends_hold_the_same_graph(graph_store, remote_store):
    assert graph_store.triple_count() == remote_store.triple_count() > 10_000
    assert graph_store.named_graphs() == remote_store.named_graphs()


def test_substitutions_bind_typed_terms(any_store):
    query = "SELECT ?unit ?label WHERE { ?unit <http://www.w3.org/2004/02/skos/core#prefLabel> ?label FILTER(lang(?label) = 'de') }"
    rows = list(any_store.query(query, substitutions={"unit": pyoxigraph.NamedNode(AG_STADTUMBAU)}))
    assert [row["label"].value for row in rows] == ["AG Stadtumbau"]


def test_a_substituted_literal_is_a_value_not_query_text(any_store):
    hostile = pyoxigraph.Literal('x" } UNION { ?s ?p ?o } #')
    rows = list(any_store.query("SELECT ?s ?ags WHERE { ?s <http://www.w3.org/ns/org#identifier> ?ags }", substitutions={"ags": hostile}))
    assert rows == []


def test_default_graph_uri_restricts_the_dataset(any_store):
    destatis = "https://w3id.org/govgraph/graph/destatis-gv-isys"
    press = "https://w3id.org/govgraph/graph/pressemitteilung-dortmund-2024-12"
    query = f"ASK {{ <{AG_STADTUMBAU}> ?p ?o }}"
    assert bool(any_store.query(query, default_graph_uris=[press]))
    assert not bool(any_store.query(query, default_graph_uris=[destatis]))


def test_construct_returns_triples(any_store):
    triples = list(any_store.query(f"CONSTRUCT {{ <{DORTMUND}> ?p ?o }} WHERE {{ <{DORTMUND}> ?p ?o }}"))
    assert any(triple.predicate.value == "http://www.w3.org/2002/07/owl#sameAs" for triple in triples)


def test_syntax_error_names_line_and_column(any_store):
    with pytest.raises(QuerySyntaxError) as error:
        any_store.query("SELECT ?s\nWHERE { ?s ?p }")
    assert "syntax error at line 2, column 9: incomplete triple pattern" in str(error.value)
    assert (error.value.line, error.value.column) == (2, 9)


def test_undefined_prefix_message_is_short(graph_store):
    with pytest.raises(QuerySyntaxError) as error:
        graph_store.query("SELECT * WHERE { ?s nope:p ?o }")
    assert len(str(error.value)) < 300


def test_embedded_store_writes_and_drops_graphs(tmp_path):
    store = EmbeddedStore.open(_new_store_dir(tmp_path))
    store.load_graph(b"<http://e.org/s> <http://e.org/p> <http://e.org/o> .", "http://e.org/g")
    assert store.named_graphs() == ["http://e.org/g"]
    store.update("INSERT DATA { GRAPH <http://e.org/g> { <http://e.org/s> <http://e.org/p> <http://e.org/o2> } }")
    assert store.graph_data("http://e.org/g").count(b"\n") == 2
    store.drop_graph("http://e.org/g")
    assert store.named_graphs() == []


def test_remote_store_writes_and_drops_a_scratch_graph(remote_store):
    scratch = "http://example.org/scratch"
    remote_store.load_graph(b"<http://e.org/s> <http://e.org/p> <http://e.org/o> .", scratch)
    assert scratch in remote_store.named_graphs()
    assert b"<http://e.org/o>" in remote_store.graph_data(scratch)
    remote_store.drop_graph(scratch)
    assert scratch not in remote_store.named_graphs()


def _new_store_dir(tmp_path):
    path = tmp_path / "store"
    path.mkdir()
    return path


@pytest.mark.parametrize(
    "query, expected_prefix",
    [
        pytest.param("SELECT ?s WHERE { ?s ?p ?o }", "SELECT ?s WHERE { VALUES", id="select"),
        pytest.param("SELECT * { ?s ?p ?o }", "SELECT * { VALUES", id="select-without-where"),
        pytest.param("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT { ?s ?p ?o } WHERE { VALUES", id="construct"),
        pytest.param("CONSTRUCT { ?s ?p ?o } { ?s ?p ?o }", "CONSTRUCT { ?s ?p ?o } { VALUES", id="construct-short"),
        pytest.param("PREFIX x: <http://e.org/a#b> # { comment\nASK { ?s ?p '{' }", "PREFIX x: <http://e.org/a#b> # { comment\nASK { VALUES", id="braces-in-comment-and-string"),
        pytest.param('SELECT ("}" AS ?x) WHERE { ?s ?p """{ x }""" }', 'SELECT ("}" AS ?x) WHERE { VALUES', id="braces-in-projection-string"),
    ],
)
def test_bind_values_goes_into_the_where_group(query, expected_prefix):
    bound = bind_values(query, {"o": pyoxigraph.Literal("v")})
    assert bound.startswith(expected_prefix)
    pyoxigraph.Store().query(bound)  # still parses
