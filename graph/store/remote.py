"""The remote backend: a SPARQL 1.1 Protocol + Graph Store Protocol server (tested: Oxigraph server, Virtuoso 7).

Reads (queries, graph downloads) are retried with backoff when the connection fails; updates
never are (a retried update could apply twice). Credentials: `user`/`password` (basic or digest,
whichever the server asks for) or a bearer `token`. Every error names the engine (from its
`Server` header, once it has answered) and the failed request.

Virtuoso has no default graph of its own that the Graph Store Protocol can write: its default
graph is the union of every graph, its system graphs included. With `default_graph` set, the
union the build writes goes into that named graph, and each query that names no dataset of its
own gets it as its default graph and the store's named graphs (those under `graph_prefix`) as its
named graphs, so `GRAPH ?g` sees what it sees on the other engines.
"""

from __future__ import annotations

import json
import re
from typing import Mapping

import pyoxigraph
import requests
from requests.adapters import HTTPAdapter
from requests_toolbelt.auth.guess import GuessAuth
from urllib3.util.retry import Retry

from graph.errors import GovgraphError, QueryTimeout, RemoteStoreFailed, StoreUnavailable
from graph.store.sparql_protocol import query_form, tokenize
from graph.store.store import GraphStore, bind_values, rdf_format_of
from graph.store.syntax_hints import syntax_error

READ_RETRIES = 3
BACKOFF_SECONDS = 0.5  # then 1 s, 2 s


class RemoteStore(GraphStore):
    """A SPARQL 1.1 server behind the store interface.

    >>> RemoteStore("http://127.0.0.1:9/sparql", retries=0).query("ASK {}")
    Traceback (most recent call last):
    ...
    graph.errors.StoreUnavailable: the remote SPARQL server did not answer a query (POST http://127.0.0.1:9/sparql): connection refused
    """

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        store_url: str | None = None,
        *,
        timeout: float = 30.0,
        update_timeout: float = 120.0,
        user: str | None = None,
        password: str | None = None,
        token: str | None = None,
        default_graph: str | None = None,
        graph_prefix: str | None = None,
        retries: int = READ_RETRIES,
    ):
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.store_url = store_url
        self.timeout = timeout
        self.update_timeout = update_timeout
        self.default_graph = default_graph
        self.graph_prefix = graph_prefix
        self.engine_name: str | None = None
        self._reads = _session(user, password, token, retries)
        self._writes = _session(user, password, token, 0)

    # --- the store interface -------------------------------------------------

    def query(self, sparql, *, substitutions=None, default_graph_uris=(), named_graph_uris=()):
        # Virtuoso answers a boolean bound by VALUES as the integer 1 or 0: its column gets the term that was bound.
        bound_booleans = {name: term for name, term in (substitutions or {}).items()
                          if isinstance(term, pyoxigraph.Literal) and term.datatype.value == BOOLEAN}
        if substitutions:
            sparql = bind_values(sparql, substitutions)
        tokens = tokenize(sparql)
        keywords, form = {token.keyword for token in tokens}, query_form(tokens)
        _check_syntax(sparql, keywords)
        if not default_graph_uris and not named_graph_uris:
            default_graph_uris, named_graph_uris = self._dataset(keywords)
        data = [("query", sparql)]
        data += [("default-graph-uri", uri) for uri in default_graph_uris]
        data += [("named-graph-uri", uri) for uri in named_graph_uris]
        # One media type per form: Virtuoso answers a CONSTRUCT in the first type of a list, results formats included.
        accept = "application/n-triples" if form in ("CONSTRUCT", "DESCRIBE") else "application/sparql-results+json"
        response = self._send(self._reads, "POST", self.query_url, "a query", sparql, data=data, headers={"Accept": accept})
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        if media_type == "application/sparql-results+json":
            content = _canonical_results(response.content, bound_booleans)
            result = pyoxigraph.parse_query_results(content, pyoxigraph.QueryResultsFormat.JSON)
            return _as_boolean(result) if form == "ASK" and isinstance(result, pyoxigraph.QuerySolutions) else result
        # CONSTRUCT/DESCRIBE: re-query a private in-memory copy so callers get pyoxigraph's QueryTriples.
        triples = pyoxigraph.Store()
        triples.load(_canonical_triples(response.content), format=rdf_format_of(media_type or "application/n-triples"))
        return triples.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")

    def update(self, sparql):
        self._send(self._writes, "POST", self.update_url, "an update", sparql, data={"update": sparql})

    def load_graph(self, data, graph_iri, media_type="application/n-triples"):
        self._graph_request(self._writes, "POST", graph_iri, data=data, headers={"Content-Type": media_type})

    def graph_data(self, graph_iri, media_type="application/n-triples"):
        return self._graph_request(self._reads, "GET", graph_iri, headers={"Accept": media_type}).content

    def drop_graph(self, graph_iri):
        self._graph_request(self._writes, "DELETE", graph_iri, accept_missing=True)

    def replace_graph(self, data: bytes, graph_iri: str | None, media_type: str = "application/n-triples") -> None:
        """Replace one graph in a single request (Graph Store Protocol PUT)."""
        self._graph_request(self._writes, "PUT", graph_iri, data=data, headers={"Content-Type": media_type})

    def named_graphs(self) -> list[str]:
        if self.default_graph is None:
            return super().named_graphs()
        return self._store_graphs()

    def close(self) -> None:
        self._reads.close()
        self._writes.close()

    # --- the dataset on a server whose default graph is not the union ------------

    def _dataset(self, keywords: set[str]) -> tuple[list[str], list[str]]:
        """The protocol dataset to send with a query that names none: nothing on a server with a union default graph."""
        if self.default_graph is None:
            return [], []
        if "FROM" in keywords:  # the query's own dataset
            return [], []
        return [self.default_graph], (self._store_graphs() if "GRAPH" in keywords else [])

    def _store_graphs(self) -> list[str]:
        """The named graphs that are the store's: under `graph_prefix`, the union graph left out."""
        # The filter is not only a filter: Virtuoso 7.2 takes over a minute for the bare DISTINCT on 60 k quads.
        prefix = pyoxigraph.Literal(self.graph_prefix or "")
        rows = self.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), {prefix})) }}",
                          default_graph_uris=[self.default_graph])
        return sorted(row["g"].value for row in rows if row["g"].value != self.default_graph)

    # --- HTTP ---------------------------------------------------------------

    def _graph_request(self, session: requests.Session, method: str, graph_iri: str | None,
                       accept_missing: bool = False, **kwargs) -> requests.Response:
        if not self.store_url:
            raise GovgraphError("the remote backend needs GOVGRAPH_REMOTE_STORE_URL for the Graph Store Protocol")
        graph = graph_iri or self.default_graph
        params = {"graph": graph} if graph else {"default": ""}
        what = f"a Graph Store request for {'graph <' + graph + '>' if graph else 'the default graph'}"
        return self._send(session, method, self.store_url, what, None, accept_missing=accept_missing, params=params, **kwargs)

    def _send(self, session: requests.Session, method: str, url: str, what: str, sparql: str | None,
              accept_missing: bool = False, **kwargs) -> requests.Response:
        request = f"{method} {url}"
        timeout = self.timeout if session is self._reads else self.update_timeout
        try:
            response = session.request(method, url, timeout=timeout, **kwargs)
        except requests.RequestException as error:  # urllib3 reports a read timeout as a failed connection
            reason = f"no answer within {timeout:g} s" if _timed_out(error) else _reason(error)
            raise StoreUnavailable(f"{self._engine()} did not answer {what} ({request}): {reason}") from None
        self.engine_name = response.headers.get("Server", "").strip() or self.engine_name
        if response.status_code == 404 and accept_missing:
            return response
        if response.status_code == 400 and sparql is not None:
            raise syntax_error(Exception(f"{self._engine()}: {response.text.strip()[:500]}"), sparql,
                               "update" if what == "an update" else "query")
        if response.status_code in (401, 403):
            raise RemoteStoreFailed(f"{self._engine()} refused {what} ({request}, {response.status_code}): check "
                                "GOVGRAPH_REMOTE_USER and GOVGRAPH_REMOTE_PASSWORD, or GOVGRAPH_REMOTE_TOKEN")
        if response.status_code >= 400:
            raise RemoteStoreFailed(f"{self._engine()} answered {what} ({request}) with {response.status_code}: "
                                f"{_text(response)}")
        # Virtuoso's "anytime" answer to a request with a `timeout` parameter: the rows it found by then, as a 200.
        if response.headers.get("X-SQL-State"):
            raise QueryTimeout(f"{self._engine()} answered {what} ({request}) with a partial result at its own time "
                               f"limit ({response.headers.get('X-SQL-Message', '').strip()[:200]}): refused")
        return response

    def _engine(self) -> str:
        return self.engine_name or "the remote SPARQL server"


def _session(user: str | None, password: str | None, token: str | None, retries: int) -> requests.Session:
    """A session with the credentials; `retries` > 0 retries failed connections with backoff (reads only)."""
    session = requests.Session()
    if token:
        session.headers["Authorization"] = f"Bearer {token}"
    elif user:
        session.auth = GuessAuth(user, password or "")
    retry = Retry(total=retries, connect=retries, read=0, status=0, other=0, allowed_methods=None,
                  backoff_factor=BACKOFF_SECONDS, raise_on_status=False)
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


_SYNTAX_CHECK = pyoxigraph.Store()  # empty: parsing is all it does for the remote backend


def _check_syntax(sparql: str, keywords: set[str]) -> None:
    """Send only SPARQL 1.1 that pyoxigraph parses: the same syntax errors on every backend, no engine dialects.

    Not a query with SERVICE: pyoxigraph answers an ASK as it parses it, which would call the service
    (the endpoint's outbound policy has checked its targets already).
    """
    if "SERVICE" in keywords:
        return
    try:
        _SYNTAX_CHECK.query(sparql)
    except SyntaxError as error:
        raise syntax_error(error, sparql) from None


def _as_boolean(solutions: pyoxigraph.QuerySolutions) -> pyoxigraph.QueryBoolean:
    """An ASK answered as a result set (Virtuoso 7.2: variable `__ASK_RETVAL`, one row `1` when true, none when false)."""
    value = any(row[0] is not None and row[0].value != "0" for row in solutions)
    return pyoxigraph.parse_query_results(b'{"head":{},"boolean":%s}' % (b"true" if value else b"false"),
                                          pyoxigraph.QueryResultsFormat.JSON)


# Virtuoso writes booleans as 1/0 and keeps a year-month duration as its number of months (P1Y as 12):
# valid or readable forms, written back in the canonical ones the other engines give.
BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
DURATION = "http://www.w3.org/2001/XMLSchema#duration"
_NON_CANONICAL_TRIPLE_TERM = re.compile(rb'"(1|0)"\^\^<' + BOOLEAN.encode() + rb'>|"(\d+)"\^\^<' + DURATION.encode() + rb'>')


def _canonical(datatype: str, value: str) -> str:
    """The canonical lexical form of a boolean written 1/0 or a duration written as a number of months."""
    if datatype == BOOLEAN and value in ("1", "0"):
        return "true" if value == "1" else "false"
    if datatype == DURATION and value.isdigit():
        years, months = divmod(int(value), 12)
        return "P" + (f"{years}Y" if years else "") + (f"{months}M" if months or not years else "")
    return value


def _canonical_results(content: bytes, bound: Mapping[str, pyoxigraph.Literal]) -> bytes:
    """SPARQL JSON results with non-canonical booleans and durations rewritten, and the `bound` variables'
    columns holding their terms (untouched when there is nothing to rewrite)."""
    if not bound and BOOLEAN.encode() not in content and DURATION.encode() not in content:
        return content
    document = json.loads(content)
    for row in document.get("results", {}).get("bindings", []):
        for name, term in bound.items():
            if name in row:
                row[name] = {"type": "literal", "value": term.value, "datatype": BOOLEAN}
        for term in row.values():
            if "datatype" in term:
                term["value"] = _canonical(term["datatype"], term["value"])
    return json.dumps(document).encode()


def _canonical_triples(content: bytes) -> bytes:
    """N-Triples with non-canonical booleans and durations rewritten."""
    def rewrite(match: re.Match) -> bytes:
        datatype = BOOLEAN if match.group(1) is not None else DURATION
        value = _canonical(datatype, (match.group(1) or match.group(2)).decode())
        return f'"{value}"^^<{datatype}>'.encode()

    return _NON_CANONICAL_TRIPLE_TERM.sub(rewrite, content)


def _timed_out(error: requests.RequestException) -> bool:
    return isinstance(error, requests.Timeout) or "Read timed out" in str(error)


def _reason(error: requests.RequestException) -> str:
    text = str(error)
    if "Connection refused" in text:
        return "connection refused"
    return text[:300]


def _text(response: requests.Response) -> str:
    """The start of an error body, as text (Virtuoso answers errors in HTML)."""
    return " ".join(response.text.split())[:300]
