"""The interactive network page in real headless Chromium (Debian's), against `govgraph serve`."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

KROEGER = "https://w3id.org/govgraph/id/person/sebastian-kroeger"
BOARD = "https://w3id.org/govgraph/id/organization/vorstand-netzwerk-stadtentwicklung-nrw"


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="de-DE")
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
    zoom_before = page.evaluate("cy.zoom()")
    page.fill("#search", "Brakel")
    page.press("#search", "Enter")
    page.locator("#node-details h2").wait_for(state="visible")
    assert page.locator("#node-details h2").text_content() == "Brakel"
    assert page.evaluate("cy.nodes('.match').map((node) => node.data('label'))") == ["Brakel"]
    page.wait_for_function("!cy.animated()")
    view = page.evaluate(
        """() => { const node = cy.nodes('.match')[0]; const box = node.renderedBoundingBox({ includeLabels: true });
                   return { x: (box.x1 + box.x2) / 2, y: (box.y1 + box.y2) / 2, w: box.w, h: box.h,
                            width: cy.width(), height: cy.height(), zoom: cy.zoom() }; }""")
    # Centred on the match, zoomed no further than labels need: the node stays small in the view.
    assert abs(view["x"] - view["width"] / 2) < 5 and abs(view["y"] - view["height"] / 2) < 5
    assert view["zoom"] <= max(zoom_before, 1.3) + 1e-9
    assert view["w"] < view["width"] / 4 and view["h"] < view["height"] / 4


OVERLAPPING_LABELS = """() => {
  const nodes = cy.nodes().toArray(), pairs = [];
  for (let i = 0; i < nodes.length; i++) for (let j = i + 1; j < nodes.length; j++) {
    const a = nodes[i].renderedBoundingBox({ includeLabels: true }), b = nodes[j].renderedBoundingBox({ includeLabels: true });
    if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) pairs.push([nodes[i].data("label"), nodes[j].data("label")]);
  }
  return pairs;
}"""


@pytest.mark.parametrize("projection", ["governance", "organizations", "people"])
def test_no_two_labels_overlap_in_the_default_layout(page, live_server, projection):
    page.goto(f"{live_server}/explore?projection={projection}")
    wait_until_drawn(page, "")
    assert page.evaluate("cy.nodes().length") > 5
    assert page.evaluate(OVERLAPPING_LABELS) == []
    # The same picture on every load: the layout is deterministic.
    first = page.evaluate("cy.nodes().map((node) => [node.id(), Math.round(node.position('x')), Math.round(node.position('y'))])")
    page.reload()
    wait_until_drawn(page, "")
    assert page.evaluate("cy.nodes().map((node) => [node.id(), Math.round(node.position('x')), Math.round(node.position('y'))])") == first


def test_the_explorer_has_the_site_layout_and_the_reader_language(browser, live_server):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server}/explore?projection=municipalities")
    wait_until_drawn(page, "")
    assert page.locator("header.site").is_visible()
    assert page.locator("link[rel=stylesheet]").evaluate_all("links => links.map(link => link.getAttribute('href'))") == ["/static/govgraph.css"]
    assert "<style" not in page.request.get(page.url).text()  # one stylesheet for the whole site, no page styles
    assert "nodes" in page.text_content("#status") and page.locator("h1").text_content() == "Explore the network"
    context.close()




def test_a_javascript_iri_from_an_update_is_shown_not_linked(browser, javascript_links_server):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
    page.goto(f"{javascript_links_server}/explore?projection=organizations")
    wait_until_drawn(page, "")
    click_node(page, "javascript:window.linkRan='node'")
    details = page.locator("#node-details")
    details.wait_for(state="visible")
    assert details.locator("h2").text_content() == "Skript-Knoten"
    assert page.get_attribute("#entity-link", "href") is None  # shown, but no link
    source = details.get_by_text("javascript:window.linkRan='source'")
    assert source.get_attribute("href") is None
    page.click("#entity-link")
    source.click()
    protocols = page.eval_on_selector_all("#node-details a[href]", "links => links.map((link) => link.protocol)")
    assert set(protocols) <= {"http:", "https:"}
    assert page.evaluate("window.linkRan") is None
    context.close()
    assert errors == []
