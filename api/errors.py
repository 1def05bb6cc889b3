"""One error envelope for the whole app: JSON or plain text, as the client asked.

`{"ok": false, "status": 400, "error": "…"}` for JSON clients, the message as
text/plain for everyone else (SPARQL clients, curl).
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from graph.errors import GovgraphError


def wants_json() -> bool:
    """Whether the client prefers JSON over plain text for an error (the REST API defaults to JSON)."""
    offered = ["application/json", "text/plain"] if request.path.startswith("/api/") else ["text/plain", "application/json"]
    return request.accept_mimetypes.best_match(offered, default=offered[0]) == "application/json"


def error_response(status: int, message: str, **extra: object) -> Response:
    """The envelope, in the client's format."""
    if wants_json():
        response = jsonify({"ok": False, "status": status, "error": message, **extra})
    else:
        response = Response(message.rstrip("\n") + "\n", mimetype="text/plain")
    response.status_code = status
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
