"""A page on another origin reads govgraph in real headless Chromium (Debian's), as a portal would.

The portal is a second HTTP server on 127.0.0.1 (another port: another origin); its page fetches
from `govgraph serve`. Reads succeed, with their `Link` and `ETag` headers readable and revalidation
by `If-None-Match` (a preflighted header); a SPARQL update with a bearer token is refused by the
browser before it is sent, and the graph stays unchanged.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from conftest import UPDATE_TOKEN, free_port

NETWORK = "https://w3id.org/govgraph/id/organization/netzwerk-stadtentwicklung-nrw"

READ_SCRIPT = """async ([base, network]) => {
  const read = async (path, init = {}) => {
    const response = await fetch(base + path, init);
    return { status: response.status, type: response.headers.get("Content-Type"), link: response.headers.get("Link"),
             etag: response.headers.get("ETag"), body: await response.text() };
  };
  const entity = await read("/id/organization/ag-stadtumbau", { headers: { Accept: "application/ld+json" } });
  const context = await read(new URL(JSON.parse(entity.body)["@context"]).pathname);
  return {
    entity, context,
    revalidated: await read("/id/organization/ag-stadtumbau", { headers: { Accept: "application/ld+json", "If-None-Match": entity.etag } }),
    members: await read("/api/queries/members?pageSize=2&organization=" + encodeURIComponent(network)),
    graph: await read("/api/graph/people.cyjs"),
    analytics: await read("/api/analytics/degree?projection=people", { headers: { Accept: "text/csv" } }),
    void: await read("/.well-known/void"),
    dataset: await read("/dataset", { headers: { Accept: "application/ld+json" } }),
    dump: await read("/dumps/govgraph.jsonld"),
    select: await read("/sparql?query=" + encodeURIComponent("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"),
                       { headers: { Accept: "application/sparql-results+json" } }),
    posted: await read("/sparql", { method: "POST", headers: { "Content-Type": "application/sparql-query",
                                    Accept: "application/sparql-results+json" }, body: "ASK { ?s ?p ?o }" }),
  };
}"""

UPDATE_SCRIPT = """async ([sparql, token]) => {
  const attempt = async (init) => {
    try { const response = await fetch(sparql, init); return "read " + response.status; }
    catch (error) { return error.name + ": " + error.message; }
  };
  return {
    withToken: await attempt({ method: "POST", headers: { Authorization: "Bearer " + token,
                               "Content-Type": "application/sparql-update" }, body: "INSERT DATA { <urn:x> <urn:y> <urn:z> }" }),
    asForm: await attempt({ method: "POST", body: new URLSearchParams({ update: "INSERT DATA { <urn:x> <urn:y> <urn:z> }" }) }),
  };
}"""


@pytest.fixture(scope="module")
def portal():
    """Another origin: an HTTP server on another port of 127.0.0.1 with one empty page; yields its URL."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<!doctype html><title>portal</title><p>another origin</p>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/portal.html"
    server.shutdown()
    thread.join()


@pytest.fixture
def portal_page(browser, portal):
    page = browser.new_page()
    page.goto(portal)
    yield page
    page.close()


def test_a_page_on_another_origin_reads_every_resource(portal_page, live_server):
    results = portal_page.evaluate(READ_SCRIPT, [live_server, NETWORK])
    for name in ("entity", "context", "members", "graph", "analytics", "void", "dataset", "dump", "select", "posted"):
        assert results[name]["status"] == 200, (name, results[name]["body"][:300])
    assert results["entity"]["type"].startswith("application/ld+json") and results["entity"]["etag"]
    assert '"prefLabel"' in results["context"]["body"]
    assert results["revalidated"]["status"] == 304
    assert 'rel="next"' in results["members"]["link"]
    assert '"elements"' in results["graph"]["body"] and results["analytics"]["body"].startswith("node,")
    assert "void:triples" in results["void"]["body"] and '"boolean":true' in results["posted"]["body"].replace(" ", "")


def test_a_page_on_another_origin_cannot_update(portal_page, writable_server):
    sparql = writable_server.url + "/sparql"
    count = "SELECT (COUNT(*) AS ?n) { <urn:x> ?p ?o }"
    before = requests.get(sparql, params={"query": count}, headers={"Accept": "text/csv"}).text
    outcome = portal_page.evaluate(UPDATE_SCRIPT, [sparql, UPDATE_TOKEN])
    assert outcome["withToken"].startswith("TypeError")  # the preflight does not allow Authorization: never sent
    assert outcome["asForm"].startswith("TypeError")  # sent without a token, refused (401), unreadable: no CORS
    assert requests.get(sparql, params={"query": count}, headers={"Accept": "text/csv"}).text == before
