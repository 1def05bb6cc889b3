"""The real network in real headless Chromium (Debian's), against `govgraph serve`: the members on a
network's page with their evidence and the map, a municipality's networks over time, and the
co-membership projection on /explore. Screenshots go to test-output/screenshots/."""

from __future__ import annotations

from playwright.sync_api import expect

from test_explore_browser import wait_until_drawn
from test_pages_browser import open_page, screenshot

ID = "https://w3id.org/govgraph/id/"
I01_URL = "http://www.vm.nrw.de/stadtentwicklung/foerderung_und_instrumente/Netzwerk_Innenstadt/index.php"


def test_a_networks_page_lists_its_members_with_evidence_and_shows_the_map(browser, live_server, member_rows, capsys, record_property):
    context, page = open_page(browser, live_server)
    try:
        page.goto(f"{live_server}/id/organization/netzwerk-innenstadt-nrw")
        expected = {row["ags"] for row in member_rows if row["network"] == "netzwerk-innenstadt-nrw" and row["ags"]
                    and row["evidence"] not in ("council-decision-to-apply", "intends-to-join", "council-proposal")}
        rows = page.locator("#members tr.member")
        assert rows.count() >= len(expected)
        ahaus = page.locator("#members tr.member", has=page.get_by_role("link", name="Ahaus", exact=True))
        expect(ahaus).to_contain_text("2013-04")
        expect(ahaus).to_contain_text("Mitgliederliste")
        expect(ahaus.locator("a.external")).to_have_attribute("href", I01_URL)
        image = page.locator("#members .member-map img")
        image.scroll_into_view_if_needed()
        page.wait_for_function("document.querySelector('#members .member-map img').complete", timeout=30000)
        assert page.evaluate("document.querySelector('#members .member-map img').naturalWidth") > 500
        screenshot(page, "network-members", capsys, record_property)
        assert page.errors == [] and page.outside == []
    finally:
        context.close()


def test_the_map_is_a_picture_of_every_member_without_tiles(browser, live_server, member_rows):
    context, page = open_page(browser, live_server)
    try:
        page.goto(f"{live_server}/api/map.svg")
        members = {element.get_attribute("id").split("-")[1] for element in page.locator("[id^='member-']").all()}
        municipalities = {row["ags"] for row in member_rows if row["member_kind"] == "municipality"
                          and row["evidence"] not in ("council-decision-to-apply", "intends-to-join", "council-proposal")}
        assert municipalities <= members
        expect(page.locator("svg")).to_contain_text("Bürstadt (Hessen)")  # the member outside NRW, named below the map
        assert page.outside == []
    finally:
        context.close()


def test_a_municipalitys_page_shows_its_networks_over_time(browser, live_server):
    context, page = open_page(browser, live_server)
    try:
        page.goto(f"{live_server}/id/organization/gemeinde-05515000")
        rows = page.locator("#memberships tr.membership")
        expect(rows.first).to_contain_text("Forum Baulandmanagement NRW")
        expect(rows.first).to_contain_text("2009-12")
        expect(page.locator("#memberships")).to_contain_text("Vorsitz")
        expect(page.locator("#memberships")).to_contain_text("2020-01")
        page.goto(f"{live_server}/id/organization/gemeinde-05162022")
        expect(page.locator("#memberships tr.membership")).to_have_count(1)
        expect(page.locator("#memberships tr.membership")).to_contain_text("Beschluss")
        assert page.errors == [] and page.outside == []
    finally:
        context.close()


def test_explore_shows_the_co_membership_projection(browser, live_server, capsys, record_property):
    context, page = open_page(browser, live_server)
    try:
        page.goto(f"{live_server}/explore?projection=co-membership")
        wait_until_drawn(page, "")
        assert page.evaluate("document.body.dataset.projection") == "co-membership"
        assert int(page.evaluate("document.body.dataset.nodes")) > 100
        weights = page.evaluate("cy.edges().map((edge) => edge.data('weight'))")
        assert max(weights) >= 2
        screenshot(page, "explore-co-membership", capsys, record_property)
        assert page.errors == [] and page.outside == []
    finally:
        context.close()
