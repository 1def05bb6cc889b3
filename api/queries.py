"""The named queries as a REST API: list, run (JSON, CSV, SPARQL results, RDF), OpenAPI, docs page.

`GET /api/queries/<name>?<params>` runs one query; the format comes from the URL's
extension (`/api/queries/who-coordinates.csv`) or else the `Accept` header, JSON by
default. Paginated queries answer one page and link the neighbours in `Link`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Mapping

from flask import Blueprint, Response, jsonify, request, url_for

from api.errors import error_response
from api.negotiation import accepted_jsonld_variants, jsonld_format, jsonld_media_type
from api.openapi import GRAPH_FORMATS, TABLE_FORMATS, openapi_document, output_formats
from api.rendering import render
from api.store_access import current_settings, current_store, query_runner
from graph.store import Format, GraphStore, rdf_format, results_format, serialize, term_text
from graph.describe import (
    BoundArguments,
    ParameterError,
    answer_records,
    bind_arguments,
    example_arguments,
    find_query,
    query_shape,
    run_bound_query,
)
from queries import PAGE_PARAMETER, NamedQuery, load_queries

blueprint = Blueprint("queries", __name__, template_folder="templates")

# Writers of the graph module by our short format names.
_ENGINE_FORMAT = {"csv": "csv", "srj": "json", "tsv": "tsv", "srx": "xml", "jsonld": "jsonld", "ttl": "turtle", "nt": "ntriples"}


@blueprint.errorhandler(ParameterError)
def parameter_error(error: ParameterError) -> Response:
    """400 naming the parameter (also as a field of the JSON envelope)."""
    return error_response(400, str(error), parameter=error.parameter)


@blueprint.get("/api/queries")
def list_queries() -> Response:
    """Every named query with its parameters and links."""
    id_base = current_settings().id_base
    listed = []
    for name, query in load_queries().items():
        listed.append(
            {
                "name": name,
                "summary": query.summary,
                "description": query.description,
                "tags": list(query.tags),
                "form": query_shape(query).form,
                "asOf": query.as_of,
                "pageSize": query.pagination.default_size if query.pagination else None,
                "formats": list(output_formats(query)),
                "parameters": [
                    {
                        "name": parameter.name,
                        "type": parameter.type,
                        "required": parameter.required,
                        "description": parameter.description,
                        "default": parameter.default,
                        "values": list(parameter.values) or None,
                    }
                    for parameter in query.parameters
                ],
                "links": {
                    "self": url_for(".run_query", name=name),
                    "example": url_for(".run_query", name=name, **example_arguments(query, id_base)),
                    "docs": url_for(".docs") + "#" + name,
                },
            }
        )
    return jsonify({"ok": True, "queries": listed})


@blueprint.get("/api/queries/<name>")
def run_query(name: str) -> Response:
    """Run one named query with the request's parameters."""
    query, extension = _query_and_extension(name)
    arguments = {key: request.args.getlist(key) for key in request.args}
    bound = bind_arguments(query, arguments, id_base=current_settings().id_base)
    formats = output_formats(query)
    chosen, accepted = _chosen_format(formats, extension)
    if chosen is None:
        offered = ", ".join(formats.values())
        return error_response(406, f"query {query.name!r} answers in {offered}; none of them is acceptable to the client")
    output = _output_format(chosen, accepted)
    store = current_store()
    # Evaluated to the end in the query runner's pool, so that GOVGRAPH_QUERY_TIMEOUT holds here too.
    has_next_page, content = query_runner().call(lambda: _evaluated(store, query, bound, chosen, output), "query", query.sparql)
    body, media_type = _body(query, bound, has_next_page, chosen, content, output)
    response = Response(body, mimetype=media_type)
    links = _page_links(bound, has_next_page)
    if links:
        response.headers["Link"] = ", ".join(f'<{url}>; rel="{relation}"' for relation, url in links.items())
    response.vary.add("Accept")
    return response


@blueprint.get("/api/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document generated from the queries' headers."""
    return jsonify(_document())


@blueprint.get("/api/docs")
def docs() -> Response:
    """A human page for the same document in the site's layout, rendered on the server (no scripts, no CDN)."""
    return render("queries_docs.html", document=_document())


def _document() -> dict:
    try:
        package_version = version("govgraph")
    except PackageNotFoundError:
        package_version = "0"
    return openapi_document(dict(load_queries()), current_settings().id_base, package_version)


def _query_and_extension(name: str) -> tuple[NamedQuery, str | None]:
    queries = load_queries()
    if name in queries or "." not in name:
        return find_query(name, queries), None
    stem, extension = name.rsplit(".", 1)
    query = find_query(stem, queries)
    if extension not in output_formats(query):
        valid = ", ".join(output_formats(query))
        raise ParameterError(f"unknown format extension {extension!r} for query {stem!r}; valid: {valid}", "format")
    return query, extension


def _chosen_format(formats: Mapping[str, str], extension: str | None) -> tuple[str | None, str]:
    """The format's short name (by extension, else by Accept; none or */* gives the default) and the media type accepted."""
    if extension:
        return extension, formats[extension]
    if not request.accept_mimetypes:
        return next(iter(formats)), next(iter(formats.values()))
    media_types = list(formats.values())
    variants = accepted_jsonld_variants() if formats is GRAPH_FORMATS else []
    if formats is GRAPH_FORMATS:
        media_types += ["application/json", *variants]  # JSON clients get JSON-LD; JSON-LD clients may name a profile
    best = request.accept_mimetypes.best_match(media_types)
    if best is None:
        return None, ""
    if formats is GRAPH_FORMATS and (best == "application/json" or best in variants):
        return "jsonld", best
    return next(name for name, media_type in formats.items() if media_type == best), best


def _output_format(chosen: str, accepted: str) -> Format | None:
    """The writer of an RDF or SPARQL results answer (None for the JSON envelope); JSON-LD as the request asks."""
    if chosen == "jsonld":
        return jsonld_format(accepted)
    if chosen in GRAPH_FORMATS:
        return rdf_format(_ENGINE_FORMAT[chosen])
    if chosen != "json":
        return results_format(_ENGINE_FORMAT[chosen])
    return None


Records = tuple[list[str], list[dict[str, object]]]  # columns, rows


def _evaluated(
    store: GraphStore, query: NamedQuery, bound: BoundArguments, chosen: str, output: Format | None
) -> tuple[bool, bytes | Records]:
    """Whether a next page exists, and the answer serialized or as JSON records (reading them evaluates it to the end).

    Only plain data leaves this function: pyoxigraph's results must be dropped on the thread that made them.
    """
    answer = run_bound_query(store, query, bound)
    if output is not None:
        return answer.has_next_page, serialize(answer.result, output)
    return answer.has_next_page, answer_records(answer.result)


def _body(
    query: NamedQuery, bound: BoundArguments, has_next_page: bool, chosen: str, content: bytes | Records, output: Format | None
) -> tuple[bytes | str, str]:
    if chosen == "jsonld" and output is not None:
        return content, jsonld_media_type(output)
    if chosen in GRAPH_FORMATS:
        return content, GRAPH_FORMATS[chosen]
    if chosen != "json":
        return content, TABLE_FORMATS[chosen]
    columns, rows = content
    document: dict = {
        "ok": True,
        "query": query.name,
        "asOf": bound.as_of.isoformat() if bound.as_of else None,
        "parameters": {name: term_text(term) for name, term in bound.terms.items()},
        "columns": columns,
        "rows": rows,
    }
    if bound.page_size is not None:
        links = _page_links(bound, has_next_page)
        document.update(page=bound.page, pageSize=bound.page_size, next=links.get("next"), previous=links.get("prev"))
    return jsonify(document).get_data(), "application/json"


def _page_links(bound: BoundArguments, has_next_page: bool) -> dict[str, str]:
    if bound.page_size is None:
        return {}

    def page_url(page: int) -> str:
        arguments = {key: request.args.getlist(key) for key in request.args if key != PAGE_PARAMETER}
        return url_for(request.endpoint or ".run_query", **(request.view_args or {}), **arguments, **{PAGE_PARAMETER: page})

    links = {"first": page_url(1)}
    if bound.page > 1:
        links["prev"] = page_url(bound.page - 1)
    if has_next_page:
        links["next"] = page_url(bound.page + 1)
    return links
