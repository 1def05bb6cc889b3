"""graph.describe.named_queries: typed binding, as-of defaults, pages, records — on a tiny store and on both backends."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyoxigraph
import pytest

from graph.describe.named_queries import (
    ParameterError,
    UnknownQuery,
    answer_records,
    bind_arguments,
    find_query,
    json_value,
    run_named_query,
)
from graph.store import EmbeddedStore
from queries import load_queries, parse_query_file

ID_BASE = "https://w3id.org/govgraph/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
ECHO = parse_query_file(Path(__file__).parent / "queries_fixture" / "typed-echo.rq")
WHO = load_queries()["who-coordinates"]


def test_values_become_typed_terms():
    bound = bind_arguments(
        ECHO,
        {"iri": "https://e.org/a", "day": "2024-02-29", "text": "x", "label": "AG Stadtumbau@de",
         "number": "-7", "flag": "true", "choice": "en"},
        id_base=ID_BASE,
    )
    terms = bound.terms
    assert terms["iri"] == pyoxigraph.NamedNode("https://e.org/a")
    assert terms["day"] == pyoxigraph.Literal("2024-02-29", datatype=pyoxigraph.NamedNode(XSD + "date"))
    assert terms["text"] == pyoxigraph.Literal("x")
    assert terms["label"] == pyoxigraph.Literal("AG Stadtumbau", language="de")
    assert terms["number"] == pyoxigraph.Literal("-7", datatype=pyoxigraph.NamedNode(XSD + "integer"))
    assert terms["flag"] == pyoxigraph.Literal("true", datatype=pyoxigraph.NamedNode(XSD + "boolean"))
    assert terms["choice"] == pyoxigraph.Literal("en")


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("iri", "not an iri", "absolute IRI"),
        ("iri", "https://e.org/a b", "absolute IRI"),
        ("iri", "https://e.org/<a>", "absolute IRI"),
        ("day", "2025-02-30", "a date YYYY-MM-DD"),
        ("day", "1.3.2025", "a date YYYY-MM-DD"),
        ("day", "2025-03-01T00:00:00", "a date YYYY-MM-DD"),
        ("text", "", "text of 1 to 200 characters"),
        ("text", "x" * 201, "text of 1 to 200 characters"),
        ("label", "no tag", "text with a language tag"),
        ("label", "x@not a tag", "text with a language tag"),
        ("number", "1.5", "an integer ≥ -1000 ≤ 1000"),
        ("number", "1001", "an integer ≥ -1000 ≤ 1000"),
        ("flag", "yes", "true or false"),
        ("choice", "fr", "one of de, en"),
    ],
)
def test_a_wrong_value_names_the_parameter_and_what_is_valid(name: str, value: str, expected: str):
    with pytest.raises(ParameterError) as error:
        bind_arguments(ECHO, {name: value}, id_base=ID_BASE)
    assert error.value.parameter == name and error.value.status == 400
    assert repr(name) in str(error.value) and expected in str(error.value)


def test_unknown_missing_and_repeated_parameters_are_refused():
    with pytest.raises(ParameterError, match="unknown parameter 'units'.*valid parameters: unit, asOf"):
        bind_arguments(WHO, {"units": "x"}, id_base=ID_BASE)
    with pytest.raises(ParameterError, match="missing required parameter 'unit'.*e.g. unit=https://w3id.org/govgraph/id/organization/ag-stadtumbau"):
        bind_arguments(WHO, {}, id_base=ID_BASE)
    with pytest.raises(ParameterError, match="given 2 times"):
        bind_arguments(WHO, {"unit": ["https://e.org/a", "https://e.org/b"]}, id_base=ID_BASE)
    with pytest.raises(ParameterError, match="unknown parameter 'page'"):
        bind_arguments(WHO, {"unit": "https://e.org/a", "page": "2"}, id_base=ID_BASE)


def test_the_default_as_of_date_is_asked_for_on_every_call():
    days = iter([date(2024, 12, 1), date(2025, 3, 1)])
    first = bind_arguments(WHO, {"unit": "https://e.org/a"}, id_base=ID_BASE, today=lambda: next(days))
    second = bind_arguments(WHO, {"unit": "https://e.org/a"}, id_base=ID_BASE, today=lambda: next(days))
    assert (first.as_of, second.as_of) == (date(2024, 12, 1), date(2025, 3, 1))
    assert first.terms["asOf"].value == "2024-12-01"


def test_iri_defaults_resolve_against_the_instance_base():
    bound = bind_arguments(load_queries()["board-composition"], {}, id_base="http://localhost:5000/id/", today=lambda: date(2025, 1, 1))
    assert bound.terms["board"] == pyoxigraph.NamedNode("http://localhost:5000/id/organization/vorstand-netzwerk-stadtentwicklung-nrw")


def test_optional_parameters_without_default_stay_unbound():
    bound = bind_arguments(load_queries()["members"], {"organization": "https://e.org/o"}, id_base=ID_BASE)
    assert "inRole" not in bound.terms


def test_pages_are_checked():
    query = load_queries()["label-search"]
    assert bind_arguments(query, {"text": "a"}, id_base=ID_BASE).page_size == 50
    bound = bind_arguments(query, {"text": "a", "page": "3", "pageSize": "10"}, id_base=ID_BASE)
    assert (bound.page, bound.page_size) == (3, 10)
    for name, value in (("page", "0"), ("pageSize", "501"), ("page", "x")):
        with pytest.raises(ParameterError) as error:
            bind_arguments(query, {"text": "a", name: value}, id_base=ID_BASE)
        assert error.value.parameter == name


def test_unknown_query_lists_the_valid_names():
    with pytest.raises(UnknownQuery, match="valid: .*who-coordinates"):
        find_query("who-coordinate")


def test_pages_of_a_tiny_store_add_up_to_the_whole():
    store = EmbeddedStore.in_memory()
    labels = [f'<http://e.org/n{index}> <http://www.w3.org/2000/01/rdf-schema#label> "Netz {index:02d}"@de .' for index in range(7)]
    store.load_graph("\n".join(labels).encode(), None)
    query = load_queries()["label-search"]
    seen, page = [], 1
    while True:
        answer = run_named_query(store, query, {"text": "netz", "pageSize": "3", "page": str(page)}, id_base=ID_BASE)
        rows = answer_records(answer.result)[1]
        seen += [row["entity"] for row in rows]
        if not answer.has_next_page:
            break
        page += 1
    assert page == 3 and sorted(seen) == sorted(f"http://e.org/n{index}" for index in range(7))


@pytest.mark.parametrize(
    ("term", "value"),
    [
        (pyoxigraph.NamedNode("http://e.org/a"), "http://e.org/a"),
        (pyoxigraph.Literal("12", datatype=pyoxigraph.NamedNode(XSD + "integer")), 12),
        (pyoxigraph.Literal("5000", datatype=pyoxigraph.NamedNode(XSD + "decimal")), 5000.0),
        (pyoxigraph.Literal("true", datatype=pyoxigraph.NamedNode(XSD + "boolean")), True),
        (pyoxigraph.Literal("2024-11", datatype=pyoxigraph.NamedNode(XSD + "gYearMonth")), "2024-11"),
        (pyoxigraph.Literal("Dortmund", language="de"), "Dortmund"),
        (None, None),
    ],
)
def test_json_values_are_plain(term, value):
    assert json_value(term) == value


def test_every_type_round_trips_unchanged_on_both_backends(any_store):
    arguments = {"iri": "https://e.org/a%20b#x", "day": "2024-02-29", "text": 'x" } UNION { ?s ?p ?o } #\n',
                 "label": "Straße \"q\"@de-DE", "number": "-7", "flag": "false", "choice": "de"}
    answer = run_named_query(any_store, ECHO, arguments, id_base=ID_BASE)
    [row] = list(answer.result)
    assert row["marker"].value == "echo"
    for name, term in bind_arguments(ECHO, arguments, id_base=ID_BASE).terms.items():
        assert row[name] == term, name
