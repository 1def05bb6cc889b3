"""One error envelope for the whole app: JSON, plain text or a page, as the client asked.

`{"ok": false, "status": 400, "error": "…"}` for JSON clients, a page in the site's layout
for browsers (outside the REST API, whose errors are JSON or text as its OpenAPI document
says), the message as text/plain for everyone else (SPARQL clients, curl).
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from api.rendering import render_error_page
from graph.errors import GovgraphError


def error_media_type() -> str:
    """The client's choice of JSON, plain text or HTML for an error (the REST API defaults to JSON, the rest to text)."""
    if request.path.startswith("/api/"):
        offered = ["application/json", "text/plain"]
    else:
        offered = ["text/plain", "application/json", "text/html"]
    return request.accept_mimetypes.best_match(offered, default=offered[0]) or offered[0]


def error_response(status: int, message: str, **extra: object) -> Response:
    """The envelope, in the client's format."""
    media_type = error_media_type()
    if media_type == "application/json":
        response = jsonify({"ok": False, "status": status, "error": message, **extra})
    elif media_type == "text/html":
        response = render_error_page(status, message)
    else:
        response = Response(message.rstrip("\n") + "\n", mimetype="text/plain")
    response.status_code = status
    response.vary.add("Accept")
    return response


def register_error_handlers(app: Flask) -> None:
    """Turn domain errors and HTTP errors into the envelope."""

    @app.errorhandler(GovgraphError)
    def domain_error(error: GovgraphError) -> Response:
        extra = {}
        if getattr(error, "line", None) is not None:
            extra = {"line": error.line, "column": error.column}
        return error_response(error.status, str(error), **extra)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        response = error_response(error.code or 500, error.description or error.name)
        for header in ("Allow", "WWW-Authenticate", "Retry-After"):
            if error.get_response().headers.get(header):
                response.headers[header] = error.get_response().headers[header]
        return response
