"""The result cache: serialized SPARQL answers kept for reuse, in front of the Flask app (WSGI middleware).

Portals and dashboards send the same queries again and again; evaluating and serializing
them is most of what a cheap query costs. A query read of `/sparql` (GET with `query=`, a
form POST with `query`, a `application/sparql-query` POST) is answered from here when the
same request was answered before from the same copy of the store: same query text and dataset
(the request's URL or body), same format (its `Accept`), same endpoint URL (the base of
relative IRIs) and `Origin`. The answer is replayed as it was sent, headers included, with
`X-Cache: hit`; every other query answer says `X-Cache: miss`.

Only answers the app marks as repeatable are kept (`WSGI_COPY_KEY`: a 200 from a copy of the
store, for a query without NOW(), RAND(), UUID(), STRUUID(), BNODE() or SERVICE); errors and
503s never are. A new copy of the store (a build, an update) empties the cache. Its size is
bounded in bytes (`GOVGRAPH_CACHE_BYTES` per server process; 0 turns it off); the least
recently used answers go first.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Iterable
from urllib.parse import parse_qsl

from werkzeug.http import parse_etags, unquote_etag

from graph.errors import GovgraphError

WSGI_COPY_KEY = "govgraph.cacheable_copy"  # set by the SPARQL view: the copy that gave a repeatable answer
FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
MAX_BODY = 1024 * 1024  # larger bodies are the app's to refuse (413)
ENTRY_OVERHEAD = 256  # bytes counted per entry beyond its key, headers and body
# The response may vary on these request headers; an answer varying on any other is not kept.
KEYED_HEADERS = ("HTTP_ACCEPT", "HTTP_ORIGIN")
KEYED_VARY = frozenset({"accept", "origin"})


@dataclass(frozen=True)
class Answer:
    """One kept answer: status line, headers and body as the app sent them."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str | None

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(name) + len(value) for name, value in self.headers) + ENTRY_OVERHEAD


class ResultCache:
    """WSGI middleware: answers repeated SPARQL query reads from memory."""

    def __init__(self, app: Callable, copy_of_store: Callable[[], str | None], capacity: int):
        self.app = app
        self.copy_of_store = copy_of_store
        self.capacity = capacity
        self._answers: OrderedDict[tuple, Answer] = OrderedDict()
        self._size = 0
        self._copy: str | None = None
        self._lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if self.capacity <= 0 or environ.get("PATH_INFO") != "/sparql":
            return self.app(environ, start_response)
        request = self._request(environ)
        if request is None:
            return self.app(environ, start_response)
        try:
            copy = self.copy_of_store()
        except GovgraphError:  # no store yet: the app says so
            copy = None
        key = (copy, *request, *(environ.get(name, "") for name in KEYED_HEADERS))
        answer = self._get(key) if copy is not None else None
        if answer is not None:
            return self._replay(answer, environ, start_response)
        return self._answer_and_keep(key, environ, start_response)

    def _request(self, environ: dict) -> tuple | None:
        """What identifies a query read (URL or body, endpoint URL); None for anything else (updates, the description)."""
        method = environ.get("REQUEST_METHOD")
        endpoint = (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"), environ.get("SCRIPT_NAME", ""))
        if method == "GET":
            query_string = environ.get("QUERY_STRING", "")
            return (*endpoint, method, query_string) if "query=" in query_string else None
        if method != "POST":
            return None
        content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        if content_type not in (FORM, QUERY_BODY) or not 0 < length <= MAX_BODY:
            return None
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)  # the app reads it again
        if content_type == FORM:
            names = {name for name, _ in parse_qsl(body.decode("latin-1"), keep_blank_values=True)}
            if "query" not in names or "update" in names:
                return None
        return (*endpoint, method, environ.get("QUERY_STRING", ""), environ.get("CONTENT_TYPE", ""), body)

    def _get(self, key: tuple) -> Answer | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def _replay(self, answer: Answer, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if answer.etag and parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains(unquote_etag(answer.etag)[0]):
            kept = [(name, value) for name, value in answer.headers if name.lower() not in ("content-type", "content-length")]
            start_response("304 Not Modified", [*kept, ("X-Cache", "hit")])
            return []
        start_response(answer.status, [*answer.headers, ("X-Cache", "hit")])
        return [answer.body]

    def _answer_and_keep(self, key: tuple, environ: dict, start_response: Callable) -> Iterable[bytes]:
        sent: list = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info=None):
            sent[:] = [status, headers]
            return start_response(status, [*headers, ("X-Cache", "miss")], exc_info)

        chunks = self.app(environ, capture)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        status, headers = sent
        copy = environ.get(WSGI_COPY_KEY)
        if status.startswith("200") and copy is not None and copy == key[0] and self._keepable(headers):
            etag = next((value for name, value in headers if name.lower() == "etag"), None)
            self._keep(key, Answer(status, list(headers), body, etag))
        return [body]

    @staticmethod
    def _keepable(headers: list[tuple[str, str]]) -> bool:
        for name, value in headers:
            lowered = name.lower()
            if lowered == "set-cookie":
                return False
            if lowered == "vary" and not {part.strip().lower() for part in value.split(",")} <= KEYED_VARY:
                return False
            if lowered == "cache-control" and ("no-store" in value or "private" in value):
                return False
        return True

    def _keep(self, key: tuple, answer: Answer) -> None:
        if answer.size > self.capacity // 4:
            return
        with self._lock:
            if key[0] != self._copy:  # a new copy of the store: what the old one answered is gone
                self._answers.clear()
                self._size = 0
                self._copy = key[0]
            previous = self._answers.pop(key, None)
            if previous is not None:
                self._size -= previous.size
            self._answers[key] = answer
            self._size += answer.size
            while self._size > self.capacity:
                _, evicted = self._answers.popitem(last=False)
                self._size -= evicted.size

    @property
    def size(self) -> int:
        """Bytes the kept answers take (as counted for the bound)."""
        return self._size
