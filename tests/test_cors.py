"""CORS headers on every read-only resource (the app in process); the browser's view is tests/test_cors_browser.py."""

from __future__ import annotations

import pytest

ORIGIN = {"Origin": "https://portal.example"}
NETWORK = "https://w3id.org/govgraph/id/organization/netzwerk-stadtentwicklung-nrw"
READS = [
    "/id/organization/ag-stadtumbau",
    "/context/1.0.0.jsonld",
    f"/api/queries/members?organization={NETWORK}",
    "/api/queries",
    "/api/openapi.json",
    "/api/graph/people.cyjs",
    "/api/analytics/degree?projection=people",
    "/.well-known/void",
    "/dataset",
    "/dumps/govgraph.jsonld",
    "/graph/pressemitteilung-dortmund-2024-12",
    "/ontology",
    "/sitemap.xml",
    "/sparql?query=ASK%20%7B%7D",
    "/id/organization/nobody",  # errors too: a page can show the message
]


@pytest.mark.parametrize("path", READS)
def test_every_read_lets_any_origin_read_it_and_its_link_and_etag(client, path):
    response = client.get(path, headers={**ORIGIN, "Accept": "application/ld+json, application/json;q=0.9, */*;q=0.1"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    exposed = {name.strip() for name in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"Link", "ETag", "Location"} <= exposed
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "Origin" not in response.vary  # the same headers for every origin: nothing varies by Origin


@pytest.mark.parametrize("path", ["/id/organization/ag-stadtumbau", "/api/queries/who-coordinates", "/sparql"])
def test_a_preflight_for_a_read_allows_the_headers_clients_send(client, path):
    response = client.options(path, headers={**ORIGIN, "Access-Control-Request-Method": "GET",
                                             "Access-Control-Request-Headers": "accept, if-none-match"})
    assert response.status_code == 204 and response.headers["Access-Control-Allow-Origin"] == "*"
    allowed = {name.strip().lower() for name in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"accept", "accept-language", "content-type", "if-none-match", "if-modified-since"} <= allowed
    assert "authorization" not in allowed and "cookie" not in allowed


def test_only_the_sparql_endpoint_reads_by_post(client):
    sparql = client.options("/sparql", headers={**ORIGIN, "Access-Control-Request-Method": "POST"})
    assert "POST" in sparql.headers["Access-Control-Allow-Methods"]
    entity = client.options("/id/organization/ag-stadtumbau", headers={**ORIGIN, "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in entity.headers
    query = client.post("/sparql", data={"query": "ASK {}"}, headers=ORIGIN)
    assert query.status_code == 200 and query.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer guessed"}])
def test_updates_never_get_cors(client, headers):
    response = client.post("/sparql", data={"update": "CLEAR ALL"}, headers={**ORIGIN, **headers})
    assert response.status_code in (401, 403)
    assert not any(name.startswith("Access-Control-") for name in response.headers.keys())
