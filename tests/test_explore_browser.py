"""The interactive network page in real headless Chromium (Debian's), against `govgraph serve`."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

KROEGER = "https://w3id.org/govgraph/id/person/sebastian-kroeger"
BOARD = "https://w3id.org/govgraph/id/organization/vorstand-netzwerk-stadtentwicklung-nrw"


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(live_server) else outside.append(request.url))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"
    assert outside == [], f"requests that left the server (a CDN?): {outside}"


def wait_until_drawn(page: Page, as_of: str) -> None:
    page.wait_for_function(f"document.body.dataset.state === 'ready' && document.body.dataset.asOf === {as_of!r}", timeout=20000)


def drawn_edges(page: Page) -> set[tuple[str, str]]:
    return {tuple(pair) for pair in page.evaluate("cy.edges().map((edge) => [edge.source().id(), edge.target().id()])")}


def click_node(page: Page, node: str) -> None:
    x, y = page.evaluate(
        """(id) => { const position = cy.getElementById(id).renderedPosition();
                     const box = cy.container().getBoundingClientRect();
                     return [box.left + position.x, box.top + position.y]; }""",
        node,
    )
    page.mouse.click(x, y)


def test_the_date_control_changes_the_drawn_graph(page, live_server):
    page.goto(f"{live_server}/explore?projection=people&asOf=2025-03-01")
    wait_until_drawn(page, "2025-03-01")
    later = drawn_edges(page)
    assert (KROEGER, BOARD) in later
    assert "Knoten" in page.text_content("#status")

    page.fill("#as-of", "2024-10-01")
    wait_until_drawn(page, "2024-10-01")
    earlier = drawn_edges(page)
    assert (KROEGER, BOARD) not in earlier  # his board seat begins in November 2024
    assert earlier < later
    assert int(page.get_attribute("body", "data-edges")) == len(page.evaluate("cy.edges().map((e) => e.id())"))


def test_a_click_shows_node_details_with_a_link_to_the_entity_page(page, live_server):
    page.goto(f"{live_server}/explore?projection=governance&asOf=2025-03-01")
    wait_until_drawn(page, "2025-03-01")
    click_node(page, KROEGER)
    details = page.locator("#node-details")
    details.wait_for(state="visible")
    assert details.locator("h2").text_content() == "Sebastian Kröger"
    assert page.get_attribute("#entity-link", "href") == "/id/person/sebastian-kroeger"
    text = details.text_content()
    assert "Vorstandsmitglied" in text and "ab 2024-11" in text
    assert "Dortmund übernimmt Schlüsselrolle" in text  # the source of the relations


def test_projection_control_and_search(page, live_server):
    page.goto(f"{live_server}/explore?projection=people")
    wait_until_drawn(page, "")
    page.select_option("#projection", "municipalities")
    page.wait_for_function("document.body.dataset.projection === 'municipalities' && document.body.dataset.state === 'ready'")
    types = set(page.evaluate("cy.nodes().map((node) => node.data('type'))"))
    assert types == {"Municipality"}
    page.fill("#search", "Brakel")
    page.press("#search", "Enter")
    page.locator("#node-details h2").wait_for(state="visible")
    assert page.locator("#node-details h2").text_content() == "Brakel"
    assert page.evaluate("cy.nodes('.match').map((node) => node.data('label'))") == ["Brakel"]
