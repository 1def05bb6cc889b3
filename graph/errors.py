"""Errors of the domain core; the API turns them into HTTP statuses."""

from __future__ import annotations

import re


class GovgraphError(Exception):
    """Base class: a message meant for the user."""

    status = 500


class QuerySyntaxError(GovgraphError):
    """A SPARQL query or update that does not parse; names line and column where known."""

    status = 400

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line = line
        self.column = column

    @classmethod
    def from_engine(cls, error: Exception, kind: str = "query") -> "QuerySyntaxError":
        """Shorten the engine's message (an undefined prefix lists whole character classes)."""
        text = str(error)
        position = re.match(r"error at (\d+):(\d+): (.*)", text, re.S)
        if not position:
            return cls(f"SPARQL {kind} syntax error: {_shorten(text)}")
        line, column, detail = int(position[1]), int(position[2]), position[3]
        return cls(f"SPARQL {kind} syntax error at line {line}, column {column}: {_shorten(detail)}", line, column)


def _shorten(detail: str, limit: int = 200) -> str:
    detail = " ".join(detail.split())
    return detail if len(detail) <= limit else detail[: limit - 1] + "…"


class QueryRefused(GovgraphError):
    """A request the operator's policy does not allow (e.g. SERVICE to a URL not allow-listed)."""

    status = 400


class QueryTooDeep(QueryRefused):
    """A query or update nested more deeply than the limit (the engine's parser would overflow its stack)."""


class QueryTimeout(GovgraphError):
    """A query that ran longer than the configured timeout."""

    status = 503


class RemoteStoreFailed(GovgraphError):
    """The remote SPARQL server answered a request with an error of its own (or refused govgraph's credentials)."""

    status = 502


class StoreUnavailable(GovgraphError):
    """The store is missing (not built yet) or the remote store does not answer."""

    status = 503


class StorageFull(GovgraphError):
    """The disk of the store is full: nothing was written."""

    status = 507


class BuildError(GovgraphError):
    """A build that failed; the previously built store keeps serving."""
