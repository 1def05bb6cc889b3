"""The OpenAPI 3.1 document of the named-queries API, generated from the queries' headers."""

from __future__ import annotations

from graph.describe import default_text, describe_type, example_arguments, example_text, query_shape
from queries import PAGE_PARAMETER, PAGE_SIZE_PARAMETER, NamedQuery, QueryParameter

# Output formats per query form: short name (also the URL extension) -> media type; the first is the default.
TABLE_FORMATS = {
    "json": "application/json",
    "csv": "text/csv",
    "srj": "application/sparql-results+json",
    "tsv": "text/tab-separated-values",
    "srx": "application/sparql-results+xml",
}
GRAPH_FORMATS = {
    "jsonld": "application/ld+json",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["ok", "status", "error"],
    "properties": {
        "ok": {"const": False},
        "status": {"type": "integer"},
        "error": {"type": "string"},
        "parameter": {"type": "string"},
    },
}
CELL_SCHEMA = {"type": ["string", "number", "integer", "boolean", "null"]}


def output_formats(query: NamedQuery) -> dict[str, str]:
    """The formats a query answers in, default first."""
    return GRAPH_FORMATS if query_shape(query).is_graph else TABLE_FORMATS


def parameter_schema(parameter: QueryParameter, id_base: str) -> dict:
    """The JSON Schema of one parameter's value as it appears in the query string."""
    schema: dict = {"type": "string"}
    if parameter.type == "iri":
        schema = {"type": "string", "format": "iri", "pattern": r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$"}
    elif parameter.type == "date":
        schema = {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
    elif parameter.type == "integer":
        schema = {"type": "integer"}
        if parameter.minimum is not None:
            schema["minimum"] = parameter.minimum
        if parameter.maximum is not None:
            schema["maximum"] = parameter.maximum
    elif parameter.type == "boolean":
        schema = {"type": "boolean"}
    elif parameter.type == "enum":
        schema = {"type": "string", "enum": list(parameter.values)}
    elif parameter.type == "lang-string":
        schema = {"type": "string", "pattern": r"^.+@[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", "maxLength": parameter.max_length + 12}
    else:
        schema = {"type": "string", "minLength": 1, "maxLength": parameter.max_length}
    default = default_text(parameter, id_base)
    if default is not None:
        schema["default"] = _typed(parameter, default)
    return schema


def _typed(parameter: QueryParameter, text: str) -> object:
    if parameter.type == "integer":
        return int(text)
    if parameter.type == "boolean":
        return text == "true"
    return text


def _parameters(query: NamedQuery, id_base: str) -> list[dict]:
    documented = []
    for parameter in query.parameters:
        description = parameter.description
        if parameter.name == query.as_of:
            description += " Relations are valid on this date; default: today (Europe/Berlin)."
        documented.append(
            {
                "name": parameter.name,
                "in": "query",
                "required": parameter.required,
                "description": f"{description} Expected: {describe_type(parameter)}.",
                "schema": parameter_schema(parameter, id_base),
                "example": _typed(parameter, example_text(parameter, id_base)),
            }
        )
    if query.pagination:
        documented.append(
            {
                "name": PAGE_PARAMETER,
                "in": "query",
                "description": "The page (1 = first); the `Link` header points to the previous and next ones.",
                "schema": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1},
            }
        )
        documented.append(
            {
                "name": PAGE_SIZE_PARAMETER,
                "in": "query",
                "description": "Rows per page.",
                "schema": {"type": "integer", "minimum": 1, "maximum": query.pagination.max_size, "default": query.pagination.default_size},
            }
        )
    return documented


def _answer_schema(query: NamedQuery) -> dict:
    columns = query_shape(query).columns
    return {
        "type": "object",
        "required": ["ok", "query", "parameters", "columns", "rows"],
        "properties": {
            "ok": {"const": True},
            "query": {"const": query.name},
            "asOf": {"type": ["string", "null"], "format": "date"},
            "parameters": {"type": "object", "additionalProperties": {"type": "string"}},
            "columns": {"type": "array", "items": {"enum": list(columns)}},
            "rows": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": list(columns),
                    "additionalProperties": False,
                    "properties": {column: CELL_SCHEMA for column in columns},
                },
            },
            "page": {"type": "integer", "minimum": 1},
            "pageSize": {"type": "integer", "minimum": 1},
            "next": {"type": ["string", "null"]},
            "previous": {"type": ["string", "null"]},
        },
    }


def _errors(*statuses: int) -> dict:
    reasons = {400: "A parameter is missing, unknown or of the wrong type; the message names it and what would be valid.",
               406: "None of the accepted media types is offered; the message lists those that are.",
               404: "No such query.",
               503: "The store is not available or the query took too long."}
    return {
        str(status): {
            "description": reasons[status],
            "content": {"application/json": {"schema": ERROR_SCHEMA}, "text/plain": {"schema": {"type": "string"}}},
        }
        for status in statuses
    }


# granian (hyper) refuses a URL over 65,534 bytes before the app sees it: 414 with an empty body.
URL_TOO_LONG = {
    "414": {"description": "The URL is longer than the HTTP server accepts (65,534 bytes; answered by granian, with an empty body); use shorter values."}
}


def _operation(query: NamedQuery, id_base: str, examples_base: str) -> dict:
    formats = output_formats(query)
    example_query = "&".join(f"{name}={value}" for name, value in example_arguments(query, id_base).items())
    content: dict = {}
    for name, media_type in formats.items():
        if name == "json":
            content[media_type] = {"schema": _answer_schema(query)}
        elif name in ("jsonld", "srj"):
            content[media_type] = {"schema": {"type": ["object", "array"]}}
        else:
            content[media_type] = {"schema": {"type": "string"}}
    headers = {"Link": {"description": "Links to the first, previous and next pages (RFC 8288).", "schema": {"type": "string"}}}
    description = query.description
    description += (
        f"\n\nFormats: {', '.join(formats)} — by `Accept` header or by extension "
        f"(`{examples_base}/{query.name}.{next(iter(formats))}`). Example: `{examples_base}/{query.name}?{example_query}`"
    )
    return {
        "get": {
            "operationId": query.name,
            "summary": query.summary,
            "description": description,
            "tags": list(query.tags) or ["queries"],
            "parameters": _parameters(query, id_base),
            "responses": {
                "200": {"description": "The answer.", "headers": headers if query.pagination else {}, "content": content},
                **_errors(400, 406, 503),
                **URL_TOO_LONG,
            },
        }
    }


def openapi_document(queries: dict[str, NamedQuery], id_base: str, version: str) -> dict:
    """The whole document: the list route, one route per named query, and this document itself."""
    paths: dict = {
        "/api/queries": {
            "get": {
                "operationId": "list-queries",
                "summary": "List the named queries",
                "description": "Each query's name, summary, parameters and links (to run it with its examples, and to its docs).",
                "tags": ["queries"],
                "responses": {
                    "200": {
                        "description": "The named queries.",
                        "content": {"application/json": {"schema": {"type": "object", "required": ["ok", "queries"],
                                                                   "properties": {"ok": {"const": True}, "queries": {"type": "array"}}}}},
                    }
                },
            }
        },
        "/api/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This OpenAPI document",
                "tags": ["queries"],
                "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}},
            }
        },
    }
    for name, query in queries.items():
        paths[f"/api/queries/{name}"] = _operation(query, id_base, "/api/queries")
    tags = sorted({tag for query in queries.values() for tag in query.tags} | {"queries"})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "govgraph named queries",
            "version": version,
            "summary": "Who coordinates what in the Netzwerk Stadtentwicklung NRW, as of any date.",
            "description": (
                "Questions about the governance knowledge graph as a typed REST API. Parameters are bound as "
                "typed RDF terms, never pasted into query text. Relations that change over time are answered "
                "for the date in `asOf` (default: today): a row is listed when the relation may hold on that date "
                "(within the bounds its sources state or the build derives from the organisations' lifetimes), "
                "and says how sure it is: `certainty` is `certain` where a source speaks for that date (an "
                "observation, or a stated period) and `possible` elsewhere, with the `reason` and the latest "
                "observation (`observedOn`). See the README's section \"Time\"."
            ),
        },
        "tags": [{"name": tag} for tag in tags],
        "paths": paths,
    }
