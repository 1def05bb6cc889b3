"""The SPARQL 1.1 Protocol endpoint at /sparql: queries, authenticated updates, the service description.

Queries by GET, POST form or POST application/sparql-query; updates by POST form or
application/sparql-update with `Authorization: Bearer $GOVGRAPH_UPDATE_TOKEN`. Results
by content negotiation (Accept with q-values) or `format=`; evaluation happens on an
in-memory copy in a pool of threads, or on the request thread for a query already seen to
be fast (`graph.store.query_runner`); a runaway query gets a 503.
"""

from __future__ import annotations

import functools
import hmac
import logging
import time
from typing import Callable

from flask import Blueprint, Response, g, request, send_from_directory, url_for
from werkzeug.datastructures import MIMEAccept, MultiDict, WWWAuthenticate
from werkzeug.exceptions import BadRequest, Forbidden, NotFound, Unauthorized, UnsupportedMediaType
from werkzeug.http import parse_accept_header

from api.assets import YASGUI_DIR
from api.http_caching import uncacheable
from api.result_cache import WSGI_COPY_KEY
from api.rendering import render
from api.store_access import current_settings, query_runner
from graph.describe import example_sparql
from graph.store import (
    Format,
    GRAPH_FORMS,
    Job,
    NotAcceptable,
    OutboundPolicy,
    RDF_FORMATS,
    RESULTS_FORMATS,
    check_update,
    checked_graph_iris,
    checked_query,
    rdf_format,
    repeatable,
    results_format,
    with_using_clauses,
)
from ontology import NAMESPACE
from queries import load_queries

bp = Blueprint("sparql", __name__)
LOG = logging.getLogger("govgraph.sparql")
FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"
# `format=json` on a CONSTRUCT means JSON-LD to clients such as SPARQLWrapper.
RDF_FORMAT_PARAMETER_ALIASES = {"json": "jsonld", "application/json": "jsonld"}
class FormatOffer:
    """The formats one kind of result can take, chosen by werkzeug's Accept parser.

    The choice depends on the Accept header alone, so it is remembered per header value
    (a client sends the same one with every request; parsing it is a large part of a cheap query).
    """

    def __init__(self, table: tuple[Format, ...]):
        pairs = [(output.media_type, output.name) for output in table]
        pairs += [(alias, output.name) for output in table for alias in output.aliases if "/" in alias]
        self.media_types = [media_type for media_type, _ in pairs]
        self.names = dict(pairs)
        self.best = functools.lru_cache(maxsize=256)(self._best)

    def _best(self, accept: str) -> str | None:
        """The format name preferred by this Accept header value; the first offered when it is empty."""
        if not accept:
            return self.names[self.media_types[0]]
        best = parse_accept_header(accept, MIMEAccept).best_match(self.media_types)
        return self.names[best] if best else None


RESULTS_OFFER = FormatOffer(RESULTS_FORMATS)
RDF_OFFER = FormatOffer(RDF_FORMATS)


_endpoint_urls: dict[tuple[str, str, str, str], str] = {}


def _endpoint_url() -> str:
    """This endpoint's URL (the base IRI of queries and updates), remembered per host: werkzeug rebuilds it on each access."""
    environ = request.environ
    key = (environ["wsgi.url_scheme"], environ.get("HTTP_HOST", ""), environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""))
    url = _endpoint_urls.get(key)
    if url is None:
        url = request.base_url
        if len(_endpoint_urls) < 64:  # bounded: the Host header is the client's to choose
            _endpoint_urls[key] = url
    return url


def _requested_formats(form: str | None, parameters: MultiDict) -> tuple[str | None, str | None]:
    """(results format, RDF format) names: from `format=` when given, else from Accept.

    Only the table the query form needs is negotiated; both when the form is unknown.
    """
    requested = parameters.get("format")
    if requested:
        chosen_results = _lookup(results_format, requested)
        chosen_rdf = _lookup(rdf_format, RDF_FORMAT_PARAMETER_ALIASES.get(requested.lower(), requested))
        if chosen_results is None and chosen_rdf is None:
            valid = ", ".join(output.name for output in (*RESULTS_FORMATS, *RDF_FORMATS))
            raise BadRequest(f"unknown format {requested!r}; valid: {valid} (or one of their media types)")
        return chosen_results, chosen_rdf
    accept = request.headers.get("Accept", "")
    results_name = None if form in GRAPH_FORMS else RESULTS_OFFER.best(accept)
    rdf_name = RDF_OFFER.best(accept) if form is None or form in GRAPH_FORMS else None
    return results_name, rdf_name


def _lookup(table_lookup: Callable[[str], Format], key: str) -> str | None:
    try:
        return table_lookup(key).name
    except ValueError:
        return None


def _parameters() -> MultiDict:
    """Protocol parameters: from the URL, and from a form body when there is one."""
    if request.method == "POST" and request.mimetype == FORM:
        return MultiDict([*request.args.items(multi=True), *request.form.items(multi=True)])
    return request.args


def _operation(parameters: MultiDict) -> tuple[str, str] | None:
    """("query"|"update", text) of this request; None for a GET without any."""
    queries, updates = parameters.getlist("query"), parameters.getlist("update")
    if request.method == "GET" and updates:
        raise BadRequest("an update must be sent by POST (form field `update` or Content-Type application/sparql-update)")
    if request.method == "POST" and request.mimetype in (QUERY_BODY, UPDATE_BODY):
        if queries or updates:
            raise BadRequest(f"a {request.mimetype} request carries its operation in the body, not in a `query`/`update` parameter")
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise UnsupportedMediaType(f"the body must be UTF-8, not {charset}")
        try:
            text = request.get_data().decode("utf-8")
        except UnicodeDecodeError as error:
            raise BadRequest(f"the body is not valid UTF-8: {error}") from None
        return ("query" if request.mimetype == QUERY_BODY else "update"), text
    if request.method == "POST" and request.mimetype != FORM:
        raise UnsupportedMediaType(
            f"a POST needs Content-Type {FORM}, {QUERY_BODY} or {UPDATE_BODY}, not {request.mimetype or 'none'}"
        )
    if len(queries) + len(updates) > 1:
        raise BadRequest("give exactly one `query` or one `update` parameter, not several")
    if queries:
        return "query", queries[0]
    if updates:
        return "update", updates[0]
    if request.method == "POST":
        raise BadRequest("the form has no `query` or `update` field")
    return None


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """The SPARQL 1.1 Protocol endpoint (CORS for its reads: `api.cors`)."""
    parameters = _parameters()
    operation = _operation(parameters)
    if operation is None:
        return _describe_service()
    kind, text = operation
    if kind == "update":
        g.sparql_update = True
        return _update(text, parameters)
    return _query(text, parameters)


def _query(text: str, parameters: MultiDict) -> Response:
    settings = current_settings()
    if parameters.getlist("using-graph-uri") or parameters.getlist("using-named-graph-uri"):
        raise BadRequest("using-graph-uri/using-named-graph-uri belong to updates; a query takes default-graph-uri/named-graph-uri")
    endpoint_url = _endpoint_url()
    checked = checked_query(text, OutboundPolicy(settings.service_allowlist, endpoint_url), settings.max_query_depth)
    form = checked.form
    results_name, rdf_name = _requested_formats(form, parameters)
    if form is not None and (rdf_name if form in GRAPH_FORMS else results_name) is None:
        offered = RDF_OFFER if form in GRAPH_FORMS else RESULTS_OFFER
        raise NotAcceptable(
            f"a {form} result cannot be given as {parameters.get('format') or request.headers.get('Accept')}; "
            f"available: {', '.join(offered.media_types)}"
        )
    job = Job(
        "query",
        text,
        default_graphs=checked_graph_iris("default-graph-uri", parameters.getlist("default-graph-uri")),
        named_graphs=checked_graph_iris("named-graph-uri", parameters.getlist("named-graph-uri")),
        base_iri=endpoint_url,
        results_format=results_name,
        rdf_format=rdf_name,
        depth=checked.depth,
    )
    outcome = query_runner().run(job)
    response = Response(outcome.body, mimetype=outcome.media_type)
    response.vary.add("Accept")
    if outcome.copy is not None and repeatable(text):
        request.environ[WSGI_COPY_KEY] = outcome.copy  # the result cache may keep this answer
    else:
        uncacheable()
    return response


def _authorize_update() -> None:
    token = current_settings().update_token
    if not token:
        raise Forbidden("updates are disabled on this endpoint: the operator has not set GOVGRAPH_UPDATE_TOKEN")
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise Unauthorized(
            "an update needs the header `Authorization: Bearer <token>`",
            www_authenticate=WWWAuthenticate("Bearer", {"realm": "govgraph SPARQL update"}),
        )
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise Forbidden("the bearer token is not the one this endpoint accepts for updates")


def _update(text: str, parameters: MultiDict) -> Response:
    _authorize_update()
    if parameters.getlist("default-graph-uri") or parameters.getlist("named-graph-uri"):
        raise BadRequest("default-graph-uri/named-graph-uri belong to queries; an update takes using-graph-uri/using-named-graph-uri")
    endpoint_url = _endpoint_url()
    settings = current_settings()
    check_update(text, OutboundPolicy(settings.service_allowlist, endpoint_url), settings.max_query_depth)
    using_graphs = checked_graph_iris("using-graph-uri", parameters.getlist("using-graph-uri"))
    using_named_graphs = checked_graph_iris("using-named-graph-uri", parameters.getlist("using-named-graph-uri"))
    text = with_using_clauses(text, using_graphs, using_named_graphs)
    started = time.monotonic()
    try:
        query_runner().run(Job("update", text, base_iri=endpoint_url))
    except Exception as error:
        LOG.warning("update from %s failed (%s): %s", request.remote_addr, error, text)
        raise
    LOG.info("update from %s applied in %.3f s: %s", request.remote_addr, time.monotonic() - started, text)
    return Response(status=204)


def _describe_service() -> Response:
    """The service description as RDF, or the query editor for browsers."""
    if request.args.get("format"):
        requested = request.args["format"]
        rdf_name = _lookup(rdf_format, RDF_FORMAT_PARAMETER_ALIASES.get(requested.lower(), requested))
        if rdf_name is None:
            raise BadRequest(f"unknown format {request.args['format']!r} for the service description; valid: "
                             + ", ".join(output.name for output in RDF_FORMATS))
    else:
        # text/html last: `*/*` (curl) gets Turtle, a browser asking for text/html by name gets the editor.
        best = request.accept_mimetypes.best_match([*RDF_OFFER.media_types, "text/html"])
        if request.headers.get("Accept") and best == "text/html":
            return _editor_page()
        rdf_name = RDF_OFFER.best(request.headers.get("Accept", ""))
        if rdf_name is None:
            raise NotAcceptable("the service description is available as text/html or " + ", ".join(RDF_OFFER.media_types))
    outcome = query_runner().run(Job("service-description", base_iri=_endpoint_url(), rdf_format=rdf_name))
    response = Response(outcome.body, mimetype=outcome.media_type)
    response.vary.add("Accept")
    return response


def example_queries() -> list[dict[str, str]]:
    """The named queries as editor tabs: each with its example values bound, so that it runs as it is."""
    id_base = current_settings().id_base
    return [
        {"name": name, "summary": query.summary, "query": example_sparql(query, id_base)}
        for name, query in load_queries().items()
    ]


def _editor_page() -> Response:
    uncacheable()  # its examples are read from the query files at each request
    settings = current_settings()
    response = render(
        "sparql.html",
        endpoint=url_for("sparql.endpoint", _external=True),
        examples=example_queries(),
        assets=url_for("sparql.assets", filename=""),
        local_iris={"base": settings.base_iri + "/", "ontology": NAMESPACE},
    )
    response.vary.add("Accept")
    return response


@bp.route("/sparql/assets/<path:filename>")
def assets(filename: str) -> Response:
    """YASGUI's files from the pinned npm package (built into the package, or from `make setup`), never a CDN."""
    if not YASGUI_DIR.is_dir():
        raise NotFound("the query editor's files are missing: run `make setup` (npm ci) first")
    return send_from_directory(YASGUI_DIR, filename, max_age=3600)
