"""The linked-data pages in real headless Chromium (Debian's), against `govgraph serve`.

Screenshots of the home page and the AG Stadtumbau's page go to test-output/screenshots/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from conftest import app_on_small_store

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-output" / "screenshots"
PAYLOAD_DATA = Path(__file__).parent / "data" / "script_payload.ttl"
WORKING_GROUPS = {"AG Stadtumbau", "AG Baulandmanagement", "AG Soziale Stadt", "AG Innenstadt", "AG Historische Stadt- und Ortskerne"}
SOURCE_URL = "https://mengede-intakt.de/2024/12/18/dortmund-uebernimmt-schluesselrolle-im-netzwerk-stadtentwicklung-nrw"
COORDINATION_QUOTE = "Das Amt für Stadterneuerung koordiniert ab 1. Januar 2025 die Arbeit der AG Stadtumbau."


def open_page(browser, server: str, locale: str = "de-DE"):
    """A fresh page that records script errors and any request leaving the server (a CDN, say)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale, java_script_enabled=True)
    page = context.new_page()
    page.errors, page.outside = [], []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("request", lambda request: None if request.url.startswith(server) else page.outside.append(request.url))
    return context, page


@pytest.fixture
def page(browser, live_server):
    context, page = open_page(browser, live_server)
    yield page
    context.close()
    assert page.errors == [], f"script errors: {page.errors}"
    assert page.outside == [], f"requests that left the server: {page.outside}"


def screenshot(page: Page, name: str, capsys: pytest.CaptureFixture, record_property) -> None:
    """Save a full-page PNG and name it in the test output (also without -s) and in the JUnit XML."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    record_property(f"screenshot-{name}", str(path))
    with capsys.disabled():
        print(f"\nscreenshot: {path}")


def test_home_page_shows_the_structure_and_leads_to_the_coordinator(page, live_server, capsys, record_property):
    page.goto(f"{live_server}/")
    expect(page.locator("h1")).to_have_text("Netzwerk Stadtentwicklung NRW")
    cards = page.locator("#working-groups .card h4")
    expect(cards).to_have_count(5)
    assert set(cards.all_inner_texts()) == WORKING_GROUPS
    expect(page.locator("#bodies")).to_contain_text("Vorstand des Netzwerks Stadtentwicklung NRW")
    expect(page.locator("#bodies")).to_contain_text("Koordinierungsrunde")
    expect(page.locator("#supporters")).to_contain_text("Kommunale Spitzenverbände")
    expect(page.get_by_role("link", name="SPARQL", exact=True).first).to_have_attribute("href", "/sparql")
    expect(page.get_by_role("link", name="REST-API", exact=True).first).to_have_attribute("href", "/api/docs")  # the page for people
    screenshot(page, "home", capsys, record_property)

    page.locator("#working-groups").get_by_role("link", name="AG Stadtumbau", exact=True).click()
    page.wait_for_url(f"{live_server}/id/organization/ag-stadtumbau")
    expect(page.locator("h1")).to_have_text("AG Stadtumbau")
    coordination = page.locator(".timeline-entry").filter(has_text="Amt für Stadterneuerung der Stadt Dortmund")
    expect(coordination).to_have_count(1)
    expect(coordination.locator(".when")).to_have_text("seit 2025-01-01")
    expect(coordination.locator(".kind")).to_have_text("Koordinierung")
    expect(coordination.locator("blockquote").filter(has_text=COORDINATION_QUOTE)).to_have_count(1)
    expect(coordination.locator("figcaption a").first).to_have_text("Dortmund übernimmt Schlüsselrolle im Netzwerk Stadtentwicklung NRW")
    expect(coordination.locator("figcaption a.external")).to_have_attribute("href", SOURCE_URL)
    screenshot(page, "ag-stadtumbau", capsys, record_property)

    coordination.locator("a.other").click()
    page.wait_for_url(f"{live_server}/id/organization/amt-fuer-stadterneuerung-dortmund")
    expect(page.locator("h1")).to_have_text("Amt für Stadterneuerung der Stadt Dortmund")


def test_language_switch_changes_the_page_and_the_links(page, live_server):
    page.goto(f"{live_server}/id/organization/ag-stadtumbau")
    expect(page.locator("h1")).to_have_text("AG Stadtumbau")
    page.locator("a[data-language=en]").click()
    expect(page.locator("h1")).to_have_text("Urban Restructuring Working Group")
    expect(page.locator(".timeline-entry .when").filter(has_text="2025-01-01")).to_have_text("since 2025-01-01")
    # The chosen language sticks while following links.
    page.locator(".timeline-entry a.other").filter(has_text="Urban Renewal Office").click()
    expect(page.locator("h1")).to_have_text("Urban Renewal Office of the City of Dortmund")
    page.locator("a[data-language=de]").click()
    expect(page.locator("h1")).to_have_text("Amt für Stadterneuerung der Stadt Dortmund")


def test_search_box_finds_a_person(page, live_server):
    page.goto(f"{live_server}/")
    page.get_by_role("searchbox").press("Enter")  # nothing typed: a page saying what to do, with the site's header
    expect(page.locator("h1")).to_have_text("400 · Ungültige Anfrage")
    page.get_by_role("searchbox").fill("kroeger")  # as typed without umlauts
    page.get_by_role("searchbox").press("Enter")
    expect(page.locator(".results li").first).to_contain_text("Sebastian Kröger")
    page.get_by_role("link", name="Sebastian Kröger", exact=True).click()
    page.wait_for_url(f"{live_server}/id/person/sebastian-kroeger")
    expect(page.locator(".timeline-entry").filter(has_text="Vorstand des Netzwerks Stadtentwicklung NRW").locator(".when")).to_have_text("seit 2024-11")


def test_pages_work_without_javascript(browser, live_server):
    context = browser.new_context(locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/")
    page.locator("#working-groups").get_by_role("link", name="AG Stadtumbau", exact=True).click()
    page.wait_for_url(f"{live_server}/id/organization/ag-stadtumbau")
    expect(page.locator(".timeline-entry").filter(has_text="Amt für Stadterneuerung der Stadt Dortmund").locator(".when")).to_have_text("seit 2025-01-01")
    page.locator("a[data-language=en]").click()
    expect(page.locator("h1")).to_have_text("Urban Restructuring Working Group")
    context.close()


@pytest.fixture(scope="module")
def payload_server(built, tmp_path_factory):
    """The app on a small separate store whose labels carry script payloads (werkzeug, in a thread)."""
    settings = built.with_(data_dir=tmp_path_factory.mktemp("payload-data"))
    with app_on_small_store(settings, PAYLOAD_DATA.read_bytes(), built.graph_iri("script-payload")) as url:
        yield url


def test_a_script_payload_in_a_literal_is_shown_not_run(browser, payload_server):
    context, page = open_page(browser, payload_server)
    page.goto(f"{payload_server}/id/organization/payload")
    expect(page.locator("h1")).to_have_text("<script>window.payloadRan = 'label'</script>Payload")
    expect(page.locator(".properties")).to_contain_text("\"></a><script>window.payloadRan = 'link'</script>")
    expect(page.locator(".properties")).to_contain_text("<img src=x onerror=")
    assert page.evaluate("window.payloadRan") is None
    assert page.errors == [] and page.outside == []
    context.close()


def script_free_links(page: Page) -> list[str]:
    """The protocols of every link on the page (the test fails if a link could run a script)."""
    return page.eval_on_selector_all("a[href]", "links => links.map((link) => link.protocol)")


def test_a_javascript_iri_from_an_update_is_shown_not_linked(browser, javascript_links_server):
    context, page = open_page(browser, javascript_links_server)
    page.on("dialog", lambda dialog: page.errors.append(f"dialog: {dialog.message}"))
    page.goto(f"{javascript_links_server}/id/organization/javascript-links")
    expect(page.locator("h1")).to_have_text("Verlinkte Skripte")
    assert set(script_free_links(page)) <= {"http:", "https:"}
    for shown in ("javascript:window.linkRan='homepage'", "JavaScript:window.linkRan='sameAs'", "data:text/html;base64,",
                  "javascript:window.linkRan='url'", "javascript:window.linkRan='source'", "Skript-Knoten"):
        values = page.get_by_text(shown)
        expect(values.first).to_be_visible()
        for index in range(values.count()):
            values.nth(index).click()
    assert page.evaluate("window.linkRan") is None
    page.goto(f"{javascript_links_server}/dataset")  # lists every source with its URL
    expect(page.get_by_text("javascript:window.linkRan='url'")).to_be_visible()
    assert set(script_free_links(page)) <= {"http:", "https:"}
    assert page.errors == [] and page.outside == []
    context.close()
