"""The result cache (`X-Cache`) and HTTP caching (ETag, 304, Cache-Control, Vary) of the real server on
127.0.0.1, and the README's reverse-proxy example: Debian's nginx in front of govgraph, proving that a
second request never reaches govgraph."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from conftest import UPDATE_TOKEN, free_port, serve_govgraph, start_nginx, stop

README = Path(__file__).resolve().parent.parent / "README.md"
DORTMUND = "https://w3id.org/govgraph/id/organization/gemeinde-05913000"
POINT = f"SELECT ?p ?o WHERE {{ <{DORTMUND}> ?p ?o }}"
JSON = "application/sparql-results+json"


@pytest.fixture()
def client() -> requests.Session:
    """One keep-alive connection, so one worker: each worker keeps a cache of its own."""
    with requests.Session() as session:
        yield session


def test_a_repeated_query_is_answered_from_the_cache(live_server, client):
    sparql = live_server + "/sparql"
    query = POINT + " LIMIT 7"
    first = client.get(sparql, params={"query": query}, headers={"Accept": JSON})
    second = client.get(sparql, params={"query": query}, headers={"Accept": JSON})
    assert (first.status_code, second.status_code) == (200, 200)
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("miss", "hit")
    assert second.content == first.content and len(second.json()["results"]["bindings"]) == 7
    drop = {"x-cache", "date"}
    assert {k: v for k, v in second.headers.lower_items() if k not in drop} == {k: v for k, v in first.headers.lower_items() if k not in drop}


def test_the_format_text_and_dataset_are_part_of_the_key(live_server, client):
    sparql = live_server + "/sparql"
    query = POINT + " LIMIT 5"
    client.get(sparql, params={"query": query}, headers={"Accept": JSON})
    csv = client.get(sparql, params={"query": query}, headers={"Accept": "text/csv"})
    assert csv.headers["X-Cache"] == "miss" and csv.headers["Content-Type"].startswith("text/csv")
    other_text = client.get(sparql, params={"query": query + " "}, headers={"Accept": JSON})
    assert other_text.headers["X-Cache"] == "miss"
    dataset = {"query": query, "default-graph-uri": "https://w3id.org/govgraph/graph/destatis-gv-isys"}
    assert client.get(sparql, params=dataset, headers={"Accept": JSON}).headers["X-Cache"] == "miss"
    assert client.get(sparql, params=dataset, headers={"Accept": JSON}).headers["X-Cache"] == "hit"


def test_post_queries_are_cached_too(live_server, client):
    sparql = live_server + "/sparql"
    for send in (
        lambda: client.post(sparql, data={"query": POINT + " LIMIT 3"}, headers={"Accept": JSON}),
        lambda: client.post(sparql, data=(POINT + " LIMIT 4").encode(), headers={"Accept": JSON, "Content-Type": "application/sparql-query"}),
    ):
        assert [send().headers["X-Cache"] for _ in range(2)] == ["miss", "hit"]


def test_errors_and_volatile_answers_are_never_cached(live_server, client):
    sparql = live_server + "/sparql"
    for _ in range(2):
        broken = client.get(sparql, params={"query": "SELECT * WHERE { ?s ?p }"})
        assert broken.status_code == 400 and broken.headers["X-Cache"] == "miss"
    answers = []
    for _ in range(2):
        now = client.get(sparql, params={"query": "SELECT (NOW() AS ?t) (STRUUID() AS ?u) {}"}, headers={"Accept": JSON})
        assert now.status_code == 200 and now.headers["X-Cache"] == "miss"
        assert "ETag" not in now.headers and "no-store" in now.headers["Cache-Control"]
        answers.append(now.json()["results"]["bindings"][0]["u"]["value"])
    assert answers[0] != answers[1]


def test_the_cache_is_bounded_in_bytes_and_drops_the_least_recently_used(built):
    from api import create_app

    client = create_app(built.with_(cache_bytes=40_000)).test_client()
    queries = [f"SELECT ?p ?o WHERE {{ <{DORTMUND}> ?p ?o }} LIMIT {limit}" for limit in range(1, 31)]
    for query in queries:
        assert client.get("/sparql", query_string={"query": query}).headers["X-Cache"] == "miss"
    cache = client.application.wsgi_app
    assert 0 < cache.size <= 40_000
    assert client.get("/sparql", query_string={"query": queries[-1]}).headers["X-Cache"] == "hit"
    assert client.get("/sparql", query_string={"query": queries[0]}).headers["X-Cache"] == "miss"


def test_no_cache_when_its_size_is_zero(built):
    from api import create_app

    client = create_app(built.with_(cache_bytes=0)).test_client()
    for _ in range(2):
        assert "X-Cache" not in client.get("/sparql", query_string={"query": POINT}).headers


def test_an_update_invalidates_cached_answers_and_etags(writable_server, client):
    sparql = writable_server.url + "/sparql"
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:cache> { ?s ?p ?o } }"
    before = [client.get(sparql, params={"query": count}, headers={"Accept": JSON}) for _ in range(2)]
    assert [response.headers["X-Cache"] for response in before] == ["miss", "hit"]
    update = {"update": "INSERT DATA { GRAPH <urn:cache> { <urn:a> <urn:b> <urn:c> } }"}
    assert client.post(sparql, data=update, headers={"Authorization": f"Bearer {UPDATE_TOKEN}"}).status_code == 204
    after = client.get(sparql, params={"query": count}, headers={"Accept": JSON, "If-None-Match": before[0].headers["ETag"]})
    assert after.status_code == 200 and after.headers["X-Cache"] == "miss"
    assert after.json()["results"]["bindings"][0]["n"]["value"] == "1"
    assert after.headers["ETag"] != before[0].headers["ETag"]


@pytest.mark.parametrize("path", [
    "/sparql?query=ASK%20%7B%7D",
    "/api/queries/who-coordinates?unit=https://w3id.org/govgraph/id/organization/ag-stadtumbau",
    "/id/organization/ag-stadtumbau",
    "/api/graph/organizations.graphml",
    "/api/analytics/degree?projection=organizations",
    "/.well-known/void",
])
def test_reads_have_a_strong_etag_and_revalidate_with_304(live_server, path):
    first = requests.get(live_server + path)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag), etag  # strong: no W/
    assert first.headers["Cache-Control"] == "public, no-cache"
    assert "Accept" in first.headers["Vary"]
    again = requests.get(live_server + path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag and not again.content
    other_format = requests.get(live_server + path, headers={"If-None-Match": etag, "Accept": "text/plain;q=0.5, */*;q=0.1"})
    assert other_format.status_code == 200 and other_format.headers["ETag"] != etag


def test_files_keep_their_own_validators(live_server):
    dump = requests.get(live_server + "/dumps/govgraph.ttl")
    assert dump.status_code == 200
    assert requests.get(live_server + "/dumps/govgraph.ttl", headers={"If-None-Match": dump.headers["ETag"]}).status_code == 304


# --- The README's reverse proxy ------------------------------------------------------------------

def readme_nginx_config() -> str:
    """The nginx configuration the README gives operators (its `nginx` code block)."""
    return re.search(r"```nginx\n(.*?)```", README.read_text(), re.S).group(1)


@pytest.fixture()
def proxied(built, tmp_path):
    """govgraph (max-age 60) behind Debian's nginx, configured as the README says, both on free ports of 127.0.0.1."""
    url, govgraph = serve_govgraph(built.data_dir, tmp_path, GOVGRAPH_CACHE_MAX_AGE="60")
    proxy_port = free_port()
    site = (readme_nginx_config()
            .replace("127.0.0.1:8000", url.removeprefix("http://"))
            .replace("listen 80;", f"listen 127.0.0.1:{proxy_port};")
            .replace("/var/cache/nginx/govgraph", str(tmp_path / "cache")))
    proxy = start_nginx(site, proxy_port, tmp_path)
    yield f"http://127.0.0.1:{proxy_port}", govgraph
    stop(proxy)
    if govgraph.poll() is None:
        stop(govgraph)


def test_behind_nginx_a_second_request_never_reaches_govgraph(proxied):
    proxy, govgraph = proxied
    paths = ["/sparql?query=" + requests.utils.quote(POINT), "/id/organization/ag-stadtumbau",
             "/api/queries/members?organization=https://w3id.org/govgraph/id/organization/netzwerk-stadtentwicklung-nrw"]
    accept = {path: "text/turtle" if path.startswith("/id/") else "*/*" for path in paths}
    first = {path: requests.get(proxy + path, headers={"Accept": accept[path]}) for path in paths}
    for path, response in first.items():
        assert response.status_code == 200 and response.headers["X-Proxy-Cache"] == "MISS", path
        assert response.headers["Cache-Control"] == "public, max-age=60"
    stop(govgraph)  # from now on, nothing can reach govgraph
    for path, response in first.items():
        again = requests.get(proxy + path, headers={"Accept": accept[path]})
        assert again.status_code == 200 and again.headers["X-Proxy-Cache"] == "HIT", path
        assert again.content == response.content
    # A request nginx has not seen must reach govgraph, which is gone: so the hits above did not.
    assert requests.get(proxy + "/id/organization/vorstand-netzwerk-stadtentwicklung-nrw").status_code == 502
