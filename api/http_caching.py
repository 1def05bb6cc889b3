"""HTTP caching for every read-only resource: strong ETags, 304 Not Modified, Cache-Control.

A read (GET or HEAD, answered 200) depends only on the copy of the store that answers it, the
request (URL, and the `Accept`, `Accept-Language` and `Origin` headers a response may vary on)
and the date (named queries default `asOf` to today). Its ETag is a hash of exactly these, so it
is known before the response is made: a request whose `If-None-Match` names it gets 304 without
any evaluation. The ETag is strong: one copy of the store always serializes a result the same
way (another copy of the same data may order an unordered result differently, and has another
identity). `Cache-Control: public` with the operator's `GOVGRAPH_CACHE_MAX_AGE` (0: `no-cache`,
caches revalidate every time) lets a reverse proxy or a browser keep responses.

Routes that serve files (the dumps, front-end assets) keep werkzeug's own file validators; a
view that makes an answer no cache may keep (a query with NOW() or RAND(), the editor page that
reads the query files) sets `uncacheable()`.
"""

from __future__ import annotations

import hashlib

from flask import Flask, Response, current_app, g, request

from api.store_access import current_settings
from graph.describe import today_in_nrw
from graph.errors import GovgraphError

# Requests a response may vary on; every one is part of the ETag.
VARYING_HEADERS = ("Accept", "Accept-Language", "Origin")
VARYING_ENVIRON = tuple("HTTP_" + name.upper().replace("-", "_") for name in VARYING_HEADERS)
# These serve files with validators of their own.
FILE_ENDPOINTS = frozenset({"static", "sparql.assets", "analytics.explore_assets", "dataset.dump"})


def uncacheable() -> None:
    """Mark this request's answer as one no cache may keep (no ETag, `Cache-Control: no-store`)."""
    g.uncacheable = True


def _copy() -> str | None:
    try:
        return current_app.extensions["govgraph_store"].current()[1]
    except GovgraphError:
        return None


def strong_etag(copy: str) -> str:
    """The ETag of this request's answer from `copy` of the store."""
    environ = request.environ
    parts = [copy, today_in_nrw().isoformat()]
    parts += [environ.get(name, "") for name in ("wsgi.url_scheme", "HTTP_HOST", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING")]
    parts += [environ.get(name, "") for name in VARYING_ENVIRON]
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def _is_read() -> bool:
    return request.method in ("GET", "HEAD") and request.endpoint is not None and request.endpoint not in FILE_ENDPOINTS


def _cache_control(response: Response) -> None:
    response.cache_control.public = True
    max_age = current_settings().cache_max_age
    if max_age > 0:
        response.cache_control.max_age = max_age
    else:
        response.cache_control.no_cache = True


def register_http_caching(app: Flask) -> None:
    """Answer revalidations before the view runs, and give every read its validators."""

    @app.before_request
    def not_modified() -> Response | None:
        if not request.if_none_match or not _is_read():
            return None
        copy = _copy()
        if copy is None:
            return None
        etag = strong_etag(copy)
        if not request.if_none_match.contains(etag):
            return None
        response = Response(status=304)
        response.set_etag(etag)
        _cache_control(response)
        for name in VARYING_HEADERS[:2]:
            response.vary.add(name)
        g.etag_done = True
        return response

    @app.after_request
    def validators(response: Response) -> Response:
        if response.status_code != 200 or not _is_read() or g.get("etag_done"):
            return response
        if g.get("uncacheable"):
            response.cache_control.no_store = True
            return response
        copy = _copy()
        if copy is None:  # a store handed in, or a remote one: no identity, so an ETag of the body itself
            response.add_etag()
        else:
            response.set_etag(strong_etag(copy))
        _cache_control(response)
        response.vary.add("Accept")
        if request.if_none_match or request.if_modified_since:
            return response.make_conditional(request)
        return response
