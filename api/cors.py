"""CORS on every read-only resource, so that pages on other origins (portals) can read the graph.

Reads — GET and HEAD everywhere, and SPARQL queries by POST on /sparql — answer with
`Access-Control-Allow-Origin: *` and expose the headers a client needs (`Link` for pages,
`ETag` for revalidation, `Location`, `Content-Disposition`, …). A preflight (OPTIONS with
`Access-Control-Request-Method`) for such a read is answered 204 with the methods and the
request headers browsers send for reads (`Accept`, `If-None-Match`, …).

Never with credentials: `*` forbids cookies and HTTP auth in the browser, preflights never allow
`Authorization`, and a SPARQL update (the one write; the endpoint marks it in `g.sparql_update`)
gets no CORS header at all, so a page on another origin can neither send one with a token nor
read the answer. The headers are the same for every origin, so no response varies by `Origin`
and none carries `Vary: Origin` (Fetch standard, CORS protocol and HTTP caches).
"""

from __future__ import annotations

from flask import Flask, Response, g, request

READ_METHODS = ("GET", "HEAD")
ALLOWED_REQUEST_HEADERS = "Accept, Accept-Language, Content-Type, If-None-Match, If-Modified-Since, Cache-Control"
EXPOSED_HEADERS = "Link, ETag, Location, Content-Disposition, Retry-After, Vary"
PREFLIGHT_MAX_AGE = "86400"


def register_cors(app: Flask, read_by_post: tuple[str, ...] = ()) -> None:
    """CORS for reads on every route of `app`; `read_by_post` names the endpoints that also read by POST."""

    def cors_methods() -> tuple[str, ...]:
        return READ_METHODS + (("POST",) if request.endpoint in read_by_post else ())

    @app.before_request
    def preflight() -> Response | None:
        """Answer a CORS preflight for a read; anything else (an unknown route, a write) is left to the app."""
        requested = request.headers.get("Access-Control-Request-Method")
        if request.method != "OPTIONS" or request.url_rule is None or requested not in cors_methods():
            return None  # Flask's own OPTIONS answer, without CORS headers: the browser refuses the request
        response = Response(status=204)
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = ", ".join(cors_methods())
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_REQUEST_HEADERS
        response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
        return response

    @app.after_request
    def allow_cross_origin_reads(response: Response) -> Response:
        """Let any origin read what a read answers (also its errors, so a page can show the message)."""
        if request.method in cors_methods() and not g.get("sparql_update"):
            response.headers["Access-Control-Allow-Origin"] = "*"
            response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        return response
