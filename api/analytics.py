"""Network analytics over HTTP: graph exports, metric tables and the interactive explorer.

- `GET /api/graph/<projection>.<format>?asOf=YYYY-MM-DD[&ego=IRI&radius=N]` — a projection
  in any export format (graphml, gexf, json, cyjs, csv, nodes.csv, edges.csv, dot, png, svg).
- `GET /api/analytics/<metric>?projection=P&asOf=YYYY-MM-DD` — a metric as a JSON or CSV
  table (Accept: text/csv or `format=csv`); `changes` compares `from` and `to` dates.
- `GET /api/map.<png|svg>?network=IRI&asOf=YYYY-MM-DD` — NRW with the member municipalities
  at their coordinates, coloured by network (graph.network.member_map; no map tiles).
- `GET /explore` — the interactive page (Cytoscape.js from the pinned npm package).

Exports and analyses run in the query runner's pool under GOVGRAPH_QUERY_TIMEOUT, like queries.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, jsonify, request, send_from_directory
from werkzeug.exceptions import BadRequest, NotFound

from api.assets import EXPLORE_SCRIPTS
from api.rendering import render
from api.store_access import current_settings, current_store, query_runner
from graph.network import (
    FORMAT_NAMES,
    METRICS,
    PROJECTION_TITLES,
    PROJECTIONS,
    RELATION_STYLES,
    Table,
    TYPE_COLOURS,
    compare,
    draw_member_map,
    ego_network,
    graph_format,
    metric_table,
    project,
    read_network,
)
from graph.time import parse_date

bp = Blueprint("analytics", __name__)

TABLE_MEDIA_TYPES = {"json": "application/json", "csv": "text/csv"}


def _date_parameter(name: str, required: bool = False) -> date | None:
    text = request.args.get(name, "").strip()
    if not text:
        if required:
            raise BadRequest(f"parameter {name} is required (a date, YYYY-MM-DD)")
        return None
    try:
        return parse_date(text)
    except ValueError as error:
        raise BadRequest(f"parameter {name}: {error}") from None


def _int_parameter(name: str, default: int | None, minimum: int) -> int | None:
    text = request.args.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < minimum:
        raise BadRequest(f"parameter {name} must be a whole number of at least {minimum}, not {text!r}")
    return int(text)


def _projection_parameter(name: str, default: str | None) -> str | None:
    value = request.args.get(name, "").strip() or default
    if value is not None and value not in PROJECTIONS:
        raise BadRequest(f"parameter {name}: unknown projection {value!r}; valid: {', '.join(PROJECTIONS)}")
    return value


@bp.get("/api/graph/<name>")
def graph_export(name: str) -> Response:
    """A projection as of a date (or over all periods), optionally the ego network of one node."""
    projection_name, _, format_name = name.partition(".")
    if projection_name not in PROJECTIONS:
        raise NotFound(f"unknown projection {projection_name!r}; valid: {', '.join(PROJECTIONS)}")
    if not format_name:
        raise NotFound(f"add a format to the projection, e.g. /api/graph/{projection_name}.graphml; valid: {', '.join(FORMAT_NAMES)}")
    try:
        chosen = graph_format(format_name)
    except ValueError as error:
        raise NotFound(str(error)) from None
    as_of = _date_parameter("asOf")
    radius = _int_parameter("radius", 1, 1)
    ego = request.args.get("ego", "").strip()
    store = current_store()

    def export() -> bytes | str:
        graph = project(read_network(store), projection_name, as_of)
        return chosen.writer(ego_network(graph, ego, radius or 1) if ego else graph)

    body = query_runner().call(export, "analysis", request.full_path)
    response = Response(body, mimetype=chosen.media_type)
    stamp = f"-{as_of.isoformat()}" if as_of else ""
    response.headers["Content-Disposition"] = f'inline; filename="govgraph-{projection_name}{stamp}.{chosen.name}"'
    return response


def _table_format() -> str:
    requested = request.args.get("format", "").strip().lower()
    if requested:
        if requested not in TABLE_MEDIA_TYPES:
            raise BadRequest(f"parameter format: unknown table format {requested!r}; valid: json, csv")
        return requested
    best = request.accept_mimetypes.best_match(["application/json", "text/csv"], default="application/json")
    return "csv" if best == "text/csv" else "json"


@bp.get("/api/analytics/<metric>")
def analytics(metric: str) -> Response:
    """One metric as a table; `changes` lists the relations that differ between two dates."""
    table_format = _table_format()
    if metric == "changes":
        if request.args.get("asOf"):
            raise BadRequest("changes compares two dates: give from and to, not asOf")
        projection_name = _projection_parameter("projection", "organizations")
        before, after = _date_parameter("from", required=True), _date_parameter("to", required=True)
        store = current_store()

        def analyse() -> Table:
            return compare(read_network(store), projection_name, before, after)  # type: ignore[arg-type]
    elif metric in METRICS:
        store, projection_name = current_store(), _projection_parameter("projection", None)
        as_of, node = _date_parameter("asOf"), request.args.get("node", "").strip() or None
        samples = _int_parameter("samples", None, 1)

        def analyse() -> Table:
            return metric_table(read_network(store), metric, projection_name, as_of, node=node, samples=samples)
    else:
        raise NotFound(f"unknown metric {metric!r}; valid: {', '.join(METRICS + ('changes',))}")
    table = query_runner().call(analyse, "analysis", request.full_path)
    if table_format == "csv":
        response = Response(table.to_csv(), mimetype="text/csv")
    else:
        response = jsonify({"ok": True, **table.to_json()})
    response.vary.add("Accept")
    return response


MAP_MEDIA_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


@bp.get("/api/map.<image_format>")
def member_map(image_format: str) -> Response:
    """The map of member municipalities: all of them, or those of one network (an AG stands for its former network)."""
    if image_format not in MAP_MEDIA_TYPES:
        raise NotFound(f"unknown map format {image_format!r}; valid: {', '.join(MAP_MEDIA_TYPES)}")
    as_of = _date_parameter("asOf")
    organisation = request.args.get("network", "").strip() or None
    settings, store = current_settings(), current_store()

    def local_path(iri: str) -> str:
        return "/id/" + iri[len(settings.id_base):] if iri.startswith(settings.id_base) else iri

    def draw() -> bytes:
        return draw_member_map(store, read_network(store), image_format, organisation, as_of, local_path)

    body = query_runner().call(draw, "analysis", request.full_path)
    response = Response(body, mimetype=MAP_MEDIA_TYPES[image_format])
    response.headers["Content-Disposition"] = f'inline; filename="govgraph-mitglieder{"-" + as_of.isoformat() if as_of else ""}.{image_format}"'
    return response


@bp.get("/explore")
def explore() -> Response:
    """The interactive network page: projection and date controls, search, node details."""
    settings = current_settings()
    return render(
        "explore.html",
        projections={name: PROJECTION_TITLES[name] for name in PROJECTIONS},
        projection=request.args.get("projection") if request.args.get("projection") in PROJECTIONS else "governance",
        as_of=request.args.get("asOf", ""),
        id_base=settings.id_base,
        type_colours=TYPE_COLOURS,
        relation_styles={name: {"label": label, "colour": colour, "style": style} for name, (label, colour, style) in RELATION_STYLES.items()},
        scripts=list(EXPLORE_SCRIPTS),
    )


@bp.get("/explore/assets/<path:filename>")
def explore_assets(filename: str) -> Response:
    """Cytoscape.js and its fCoSE layout from the pinned npm packages (built into the package, or from `make setup`), never a CDN."""
    path = EXPLORE_SCRIPTS.get(filename)
    if path is None:
        raise NotFound(f"no explorer asset {filename!r}")
    if not path.is_file():
        raise NotFound("the explorer's files are missing: run `make setup` (npm ci) first")
    return send_from_directory(path.parent, path.name, max_age=3600)
