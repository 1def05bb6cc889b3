"""The floor of any granian-served pyoxigraph endpoint: no Flask, no negotiation, no safety.

A WSGI app that loads `$BENCH_NQUADS` into an in-memory pyoxigraph store and answers the
`query` parameter (GET, or a form POST) with pyoxigraph's serializers: N-Triples when the
client accepts them, else SPARQL JSON. Run under the same granian settings as `govgraph
serve`, it tells what granian and pyoxigraph cost per request apart from what govgraph's app
adds. A benchmark baseline only: it checks nothing and must never face a network.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs

import pyoxigraph

STORE = pyoxigraph.Store()
STORE.bulk_load(path=os.environ["BENCH_NQUADS"], format=pyoxigraph.RdfFormat.N_QUADS)


def app(environ, start_response):
    if environ["REQUEST_METHOD"] == "POST":
        parameters = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)).decode()
    else:
        parameters = environ.get("QUERY_STRING", "")
    query = parse_qs(parameters).get("query")
    if not query:
        start_response("400 Bad Request", [("Content-Type", "text/plain")])
        return [b"no query"]
    result = STORE.query(query[0])
    if "n-triples" in environ.get("HTTP_ACCEPT", ""):
        body, media_type = result.serialize(format=pyoxigraph.RdfFormat.N_TRIPLES), "application/n-triples"
    else:
        body, media_type = result.serialize(format=pyoxigraph.QueryResultsFormat.JSON), "application/sparql-results+json"
    start_response("200 OK", [("Content-Type", media_type), ("Content-Length", str(len(body)))])
    return [body]
