"""Injection attempts through every parameter type: a 400, or the correct answer of the same query — never another query."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph
import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from graph.describe import ParameterError, bind_arguments, run_named_query
from graph.network.overview import fold
from queries import parse_query_file

ID = "https://w3id.org/govgraph/id/"
ECHO = parse_query_file(Path(__file__).parent / "queries_fixture" / "typed-echo.rq")
NASTY = ['"', "'", '"}', "} UNION { ?s ?p ?o }", '" . } SELECT * WHERE { ?s ?p ?o } #', "\n", "a\nb", "{", "}",
         ">", "<", "\\", "\\u0022", "x> } UNION { <y", "https://e.org/a b", "https://e.org/a>", "https://e.org/{x}",
         "2025-03-01\"^^<http://www.w3.org/2001/XMLSchema#date> } UNION {", "true } UNION {", "1 } UNION {", "de\"@en",
         "# comment", "\x00", "ä€𝄞"]
HOSTILE = st.one_of(st.sampled_from(NASTY), st.text(max_size=40), st.text(alphabet='"\'{}<>\\\n #@^.:/?=&%', max_size=20))
fast = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _echo_or_refuse(store, name: str, text: str) -> None:
    try:
        expected = bind_arguments(ECHO, {name: text}, id_base=ID).terms[name]
    except ParameterError as error:
        assert error.parameter == name
        return
    [row] = list(run_named_query(store, ECHO, {name: text}, id_base=ID).result)
    assert row[name] == expected and row["marker"].value == "echo"
    if name in ("text", "iri"):
        assert row[name].value == text  # the very characters sent, as one term


@pytest.mark.parametrize("name", ["iri", "day", "text", "label", "number", "flag", "choice"])
@fast
@given(text=HOSTILE)
@example(text="} UNION { ?s ?p ?o }")
@example(text='x" } UNION { ?s ?p ?o } #')
@example(text="https://e.org/a b")
@example(text="line\nbreak")
def test_every_type_binds_one_term_or_is_refused_on_both_backends(any_store, name: str, text: str):
    _echo_or_refuse(any_store, name, text)


@fast
@given(text=HOSTILE)
@example(text="} UNION { ?s ?p ?o }")
@example(text="https://e.org/a b")
@example(text=ID + "organization/ag-stadtumbau> } UNION { ?s ?p ?o")
def test_iri_parameter_over_http(client, text: str):
    response = client.get("/api/queries/who-coordinates?" + urlencode({"unit": text, "asOf": "2025-03-01"}),
                          headers={"Accept": "application/json"})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert all(row["unit"] == text for row in response.get_json()["rows"])
    else:
        assert response.get_json()["parameter"] == "unit"


@fast
@given(text=HOSTILE)
@example(text="2025-03-01")
@example(text='2025-03-01"^^<http://www.w3.org/2001/XMLSchema#date> } UNION {')
def test_date_parameter_over_http(client, text: str):
    response = client.get("/api/queries/who-coordinates?" + urlencode({"unit": ID + "organization/ag-stadtumbau", "asOf": text}),
                          headers={"Accept": "application/json"})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        body = response.get_json()
        assert body["asOf"] == text and all(row["asOf"] == text for row in body["rows"])


@fast
@given(text=HOSTILE)
@example(text='") } UNION { ?entity ?p ?label } #')
@example(text="stadt\"")
def test_string_parameter_over_http(client, text: str):
    response = client.get("/api/queries/label-search?" + urlencode({"text": text}), headers={"Accept": "application/json"})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        # label-search folds case, umlauts and ß (graph.network.overview.fold): what it finds contains the text so folded.
        assert all(fold(text) in fold(row["label"]) for row in response.get_json()["rows"])
    else:
        assert response.get_json()["parameter"] == "text" and (text == "" or len(text) > 100 or "\x00" in text)


@fast
@given(text=st.one_of(HOSTILE, st.integers(min_value=-10, max_value=10**9).map(str)))
@example(text="150000 } UNION {")
def test_integer_parameter_over_http(client, text: str):
    response = client.get("/api/queries/non-member-municipalities?" + urlencode({"minPopulation": text, "pageSize": "500"}),
                          headers={"Accept": "application/json"})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert all(row["population"] >= int(text) for row in response.get_json()["rows"])


@fast
@given(text=HOSTILE)
@example(text="true } UNION {")
def test_boolean_and_enum_parameters_over_http(client, text: str):
    supporters = client.get("/api/queries/supporters?" + urlencode({"includeInvolvement": text}))
    assert supporters.status_code == (200 if text in ("true", "false") else 400)
    search = client.get("/api/queries/label-search?" + urlencode({"text": "stadt", "lang": text}))
    assert search.status_code == (200 if text in ("de", "en") else 400)


def test_a_bound_term_is_never_spliced_into_the_query_text(remote_store, monkeypatch):
    """The remote backend's VALUES block is written from pyoxigraph terms: quotes and braces stay inside one literal."""
    sent: list[str] = []
    original = remote_store._send

    def recording(session, method, url, what, sparql, **kwargs):
        sent.append(dict(kwargs["data"])["query"])
        return original(session, method, url, what, sparql, **kwargs)

    monkeypatch.setattr(remote_store, "_send", recording)
    hostile = 'x" } UNION { ?s ?p ?o } #'
    run_named_query(remote_store, ECHO, {"text": hostile}, id_base=ID)
    assert str(pyoxigraph.Literal(hostile)) in sent[0]
    assert sent[0].count("UNION") == 1  # only inside the escaped literal
