"""The site's search (graph.network.search, /search): ranked by match quality, umlauts and ß folded both ways."""

from __future__ import annotations

import pytest

from conftest import BASE
from graph.network import search
from graph.store import EmbeddedStore

ID = BASE + "/id/"
SMALL_GRAPH = f"""
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{ID}person/a> rdfs:label "Sebastian Kroeger"@de .
<{ID}place/b> rdfs:label "Hauptstraße"@de .
<{ID}place/c> rdfs:label "Grosse Strasse"@de .
<{ID}place/d> rdfs:label "Strassenbau"@de , "Road building"@en .
<{ID}place/e> rdfs:label "Straße"@de .
<http://elsewhere.example/f> rdfs:label "Straße"@de .
""".encode()


@pytest.fixture(scope="module")
def small_store() -> EmbeddedStore:
    store = EmbeddedStore.in_memory()
    store.load_graph(SMALL_GRAPH, None, "text/turtle")
    return store


def labels(results) -> list[str]:
    return [result.label for result in results]


@pytest.mark.parametrize("text", ["Kröger", "KROEGER", "kroeger"])
def test_umlauts_fold_both_ways(small_store, text):
    assert labels(search(small_store, text, ID, "de")) == ["Sebastian Kroeger"]


def test_sharp_s_folds_both_ways_and_ranks_by_match_quality(small_store):
    # exact label, then a label beginning with the text, then a word beginning with it, then the rest
    expected = ["Straße", "Strassenbau", "Grosse Strasse", "Hauptstraße"]
    assert labels(search(small_store, "strasse", ID, "de")) == expected
    assert labels(search(small_store, "STRAßE", ID, "de")) == expected


def test_results_are_labelled_in_the_reader_language_and_only_local(small_store):
    results = search(small_store, "strassenbau", ID, "en")
    assert [(result.iri, result.label) for result in results] == [(ID + "place/d", "Road building")]


def test_the_best_match_comes_first_on_the_real_graph(graph_store):
    results = search(graph_store, "stadtumbau", ID, "en")
    ranked = [result.iri.removeprefix(ID) for result in results]
    assert ranked[0] == "topic/stadtumbau"  # the label is exactly "Stadtumbau"
    assert ranked.index("organization/ag-stadtumbau") < ranked.index("organization/lenkungskreis-ag-stadtumbau")
    # Only labels that begin with the word rank above the AG (a better match than a word inside the label).
    before = labels(results)[: ranked.index("organization/ag-stadtumbau")]
    assert before[0] == "urban restructuring" and all(label.lower().startswith("stadtumbau") for label in before[1:]), before
    assert "Sebastian Kröger" in labels(search(graph_store, "kroeger", ID, "de"))
    assert labels(search(graph_store, "duesseldorf", ID, "de"))[0] == "Düsseldorf"


def test_an_empty_search_is_a_400_in_the_client_format(client):
    page = client.get("/search?q=", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 400 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert '<header class="site">' in html and "400 · Ungültige Anfrage" in html and "/search?q=Dortmund" in html
    english = client.get("/search?q=&lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "400 · Bad request" in english and "the search needs a text" in english
    envelope = client.get("/search?q=%20", headers={"Accept": "application/json"})
    assert envelope.status_code == 400 and envelope.json["ok"] is False and envelope.json["status"] == 400
    plain = client.get("/search", headers={"Accept": "*/*"})
    assert plain.status_code == 400 and plain.mimetype == "text/plain"


def test_a_bad_language_on_an_error_page_still_gets_a_page(client):
    response = client.get("/search?q=x&lang=fr", headers={"Accept": "text/html"})
    assert response.status_code == 400 and response.mimetype == "text/html" and "unknown language" in response.get_data(as_text=True)
