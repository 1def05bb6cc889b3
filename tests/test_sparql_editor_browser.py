"""The SPARQL query page (YASGUI, served locally) in real headless Chromium against `govgraph serve`.

A screenshot goes to test-output/screenshots/sparql-editor.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from queries import QUERIES_DIR

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-output" / "screenshots"


@pytest.fixture(scope="module")
def editor(live_server, browser):
    """The editor page; yields the page and the lists of script errors and requests that left the server."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    outside: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: None if request.url.startswith(live_server) else outside.append(request.url))
    page.goto(live_server + "/sparql")
    yield page, errors, outside
    page.close()


def test_the_editor_shows_the_named_queries_as_tabs(editor):
    page, errors, outside = editor
    tabs = page.locator(".yasgui .tabsList .tab")
    expect(tabs).to_have_count(len(list(QUERIES_DIR.glob("*.rq"))))
    editor_text = page.locator(".yasqe .CodeMirror").first.inner_text()
    assert "SELECT" in editor_text and "#+" not in editor_text
    assert errors == []
    assert outside == [], "the editor must load nothing from other hosts (no CDN)"


def test_the_first_tab_runs_with_its_example_values_and_links_results_here(editor, live_server):
    page, errors, outside = editor
    expect(page.locator("header.site")).to_be_visible()  # the site's layout
    assert "board-composition" in page.locator(".yasqe .CodeMirror").first.inner_text()
    page.locator(".yasqe_queryButton").first.click()
    table = page.locator(".yasr .dataTable")
    expect(table).to_contain_text("Sebastian Kröger", timeout=15_000)
    boards = page.locator(".yasr .dataTable tbody tr td:nth-child(2) a.iri")
    expect(boards).to_have_count(2)  # the Vorstand's two members on 2025-03-01, nothing of other bodies
    assert set(boards.evaluate_all("links => links.map(link => link.getAttribute('href'))")) == {
        "/id/organization/vorstand-netzwerk-stadtentwicklung-nrw"}
    member = page.locator(".yasr .dataTable a.iri", has_text="sebastian-kroeger").first
    expect(member).to_have_attribute("href", "/id/person/sebastian-kroeger")
    response = page.request.get(live_server + member.get_attribute("href"), headers={"Accept": "text/html"})
    assert response.status == 200 and "<h1>Sebastian Kröger</h1>" in response.text()
    assert errors == [] and outside == []


def test_a_query_runs_against_the_endpoint(editor):
    page, errors, outside = editor
    page.evaluate(
        """() => {
            const tab = window.yasgui.getTab();
            tab.setQuery('SELECT ?id WHERE { <https://w3id.org/govgraph/id/organization/gemeinde-05913000> '
                       + '<http://www.w3.org/ns/org#identifier> ?id }');
            tab.query();
        }"""
    )
    expect(page.locator(".yasr .dataTable")).to_contain_text("05913000", timeout=15_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "sparql-editor.png"), full_page=True)
    assert errors == []
    assert outside == []
