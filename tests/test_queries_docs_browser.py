"""The API docs page in real headless Chromium (Debian's), against `govgraph serve`: read it, run a query from it."""

from __future__ import annotations

import json

import pytest

from graph.describe import today_in_nrw
from queries import load_queries



@pytest.fixture(scope="module")
def page(live_server, browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    opened = context.new_page()
    outside: list[str] = []
    opened.on("request", lambda request: None if request.url.startswith(live_server) else outside.append(request.url))
    yield opened
    context.close()
    assert outside == [], f"requests that left the server (a CDN?): {outside}"


def test_the_docs_page_lists_every_query_and_runs_one(page, live_server):
    page.goto(f"{live_server}/api/docs")
    for name in load_queries():
        assert page.locator(f"section#{name} h2").inner_text() == f"GET /api/queries/{name}"

    form = page.locator("section#who-coordinates form")
    form.locator("input[name=asOf]").fill("2024-12-01")
    form.locator("button").click()
    page.wait_for_load_state()
    before = json.loads(page.locator("body").inner_text())
    assert before["asOf"] == "2024-12-01" and before["rows"] == []

    page.go_back()
    form = page.locator("section#who-coordinates form")
    form.locator("input[name=asOf]").fill("2025-03-01")
    form.locator("button").click()
    page.wait_for_load_state()
    after = json.loads(page.locator("body").inner_text())
    assert {row["personLabel"] for row in after["rows"]} == {"Sebastian Kröger"}

    page.go_back()
    form = page.locator("section#who-coordinates form")
    form.locator("input[name=asOf]").fill("")  # cleared: the optional date is not sent, the API takes today
    form.locator("button").click()
    page.wait_for_load_state()
    assert "asOf=" not in page.url
    today = json.loads(page.locator("body").inner_text())
    assert today["asOf"] == today_in_nrw().isoformat()


def test_the_docs_page_has_the_site_layout_and_renders_markdown(page, live_server):
    page.goto(f"{live_server}/api/docs")
    assert page.locator("header.site").is_visible()
    stylesheets = page.locator("link[rel=stylesheet]").evaluate_all("links => links.map(link => link.getAttribute('href'))")
    assert stylesheets == ["/static/govgraph.css"]  # one stylesheet for the whole site
    text = page.locator("main").inner_text()
    assert "`" not in text, "Markdown is rendered, not shown with its backticks"
    assert page.locator("main .intro code", has_text="asOf").count() >= 1
    assert page.locator("section#who-coordinates td code", has_text="asOf").count() >= 1
