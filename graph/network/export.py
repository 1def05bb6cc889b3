"""Graph export formats as one table: name -> media type -> writer.

Every writer takes a projection (a networkx graph from `graph.network.analytics`) and
returns bytes; adding a format is one row. Node ids are the entities' IRIs.

>>> graph_format("gexf").media_type
'application/gexf+xml'
>>> graph_format("text/vnd.graphviz").name
'dot'
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Callable

import networkx as nx
from networkx.drawing.nx_pydot import to_pydot

from graph.time import first_day, last_day

Writer = Callable[[nx.Graph], bytes]


@dataclass(frozen=True)
class GraphFormat:
    """One export format: short name (also the file extension), media type, writer."""

    name: str
    media_type: str
    writer: Writer
    description: str


# --- Writers ------------------------------------------------------------------------------------


def write_graphml(graph: nx.Graph) -> bytes:
    """GraphML (yEd, Gephi, Cytoscape desktop); attribute types inferred from the values."""
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer, encoding="utf-8")
    return buffer.getvalue()


def write_gexf(graph: nx.Graph) -> bytes:
    """GEXF 1.2 with time intervals (`start`/`end` as full dates) on nodes and edges for Gephi's timeline.

    A month or year bound becomes its first day (beginnings) or last day (ends); `period` keeps
    the bounds as the source gives them. A node lives from its earliest to its latest relation
    (open where any of them is open).
    """
    dynamic = graph.copy()  # projections are multigraphs: one edge per relation, keyed by its IRI
    dynamic.graph["mode"] = "dynamic"
    for _, _, key, data in dynamic.edges(keys=True, data=True):
        data["id"] = key  # the GEXF edge id: the relation's IRI, as in the other formats
        start, end = data.pop("start", None), data.pop("end", None)
        data["period"] = f"{start or '..'}/{end or '..'}"
        if start:
            data["start"] = first_day(start).isoformat()
        if end:
            data["end"] = last_day(end).isoformat()
    for node, data in dynamic.nodes(data=True):
        incident = [edge for _, _, edge in _incident_edges(dynamic, node)]
        starts, ends = [edge.get("start") for edge in incident], [edge.get("end") for edge in incident]
        if incident and all(starts):
            data["start"] = min(starts)  # type: ignore[type-var]
        if incident and all(ends):
            data["end"] = max(ends)  # type: ignore[type-var]
    buffer = io.BytesIO()
    nx.write_gexf(dynamic, buffer, encoding="utf-8", version="1.2draft")
    return buffer.getvalue()


def _incident_edges(graph: nx.Graph, node: str):
    if graph.is_directed():
        return list(graph.in_edges(node, data=True)) + list(graph.out_edges(node, data=True))
    return list(graph.edges(node, data=True))


def node_link(graph: nx.Graph) -> dict:
    """networkx's node-link JSON structure (edges under "edges")."""
    return nx.node_link_data(graph, edges="edges")


def write_node_link(graph: nx.Graph) -> bytes:
    """Node-link JSON (d3, networkx `node_link_graph`)."""
    return json.dumps(node_link(graph), ensure_ascii=False, indent=1).encode()


def cytoscape(graph: nx.Graph) -> dict:
    """Cytoscape.js elements JSON; edges get their relation key as `id`, nodes their label as `name`."""
    data = nx.cytoscape_data(graph, name="label")
    for edge in data["elements"]["edges"]:
        edge["data"]["id"] = str(edge["data"].get("key", f"{edge['data']['source']} {edge['data']['target']}"))
    return data


def write_cytoscape(graph: nx.Graph) -> bytes:
    """Cytoscape.js / Cytoscape desktop JSON (`cytoscape_graph(..., name="label")` reads it back)."""
    return json.dumps(cytoscape(graph), ensure_ascii=False, indent=1).encode()


def _attribute_names(records: list[dict], first: tuple[str, ...]) -> list[str]:
    names = {name for record in records for name in record}
    return [name for name in first if name in names] + sorted(names - set(first))


def write_nodes_csv(graph: nx.Graph) -> bytes:
    """One row per node: `id` (IRI), then its attributes (empty when a node lacks one)."""
    records = [dict(data) for _, data in graph.nodes(data=True)]
    columns = ["id"] + _attribute_names(records, ("label", "type", "type_label"))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for node, data in graph.nodes(data=True):
        writer.writerow({"id": node, **data})
    return buffer.getvalue().encode()


def write_edges_csv(graph: nx.Graph) -> bytes:
    """One row per relation: `id` (relation key), `source`, `target` (node IRIs), then its attributes."""
    records = [dict(data) for _, _, data in graph.edges(data=True)]
    columns = ["id", "source", "target"] + _attribute_names(records, ("relation", "label", "role", "start", "end"))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for source, target, key, data in graph.edges(keys=True, data=True):
        writer.writerow({"id": key, "source": source, "target": target, **data})
    return buffer.getvalue().encode()


def write_csv_zip(graph: nx.Graph) -> bytes:
    """nodes.csv and edges.csv in one ZIP archive (a spreadsheet's or Gephi's import)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("nodes.csv", write_nodes_csv(graph))
        archive.writestr("edges.csv", write_edges_csv(graph))
    return buffer.getvalue()


def dot_id(text: str) -> str:
    """A DOT quoted ID (IRIs hold ':' which DOT would read as a port)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_dot(graph: nx.Graph) -> bytes:
    """Graphviz DOT via networkx's pydot bridge; node ids are the quoted IRIs."""
    quoted = nx.relabel_nodes(graph, {node: dot_id(node) for node in graph})
    quoted.graph = {"name": graph.graph.get("name", "govgraph")}
    return to_pydot(quoted).to_string().encode()


def _drawing(image_format: str) -> Writer:
    def write(graph: nx.Graph) -> bytes:
        from graph.network.drawing import draw  # matplotlib loads only when a picture is asked for

        return draw(graph, image_format)

    return write


GRAPH_FORMATS = (
    GraphFormat("graphml", "application/graphml+xml", write_graphml, "GraphML"),
    GraphFormat("gexf", "application/gexf+xml", write_gexf, "GEXF 1.2 with time intervals (Gephi)"),
    GraphFormat("json", "application/json", write_node_link, "node-link JSON (networkx, d3)"),
    GraphFormat("cyjs", "application/vnd.cytoscape.js+json", write_cytoscape, "Cytoscape.js JSON"),
    GraphFormat("csv", "application/zip", write_csv_zip, "nodes.csv and edges.csv in a ZIP archive"),
    GraphFormat("nodes.csv", "text/csv", write_nodes_csv, "the nodes as CSV"),
    GraphFormat("edges.csv", "text/csv", write_edges_csv, "the edges as CSV"),
    GraphFormat("dot", "text/vnd.graphviz", write_dot, "Graphviz DOT"),
    GraphFormat("png", "image/png", _drawing("png"), "a drawing (PNG)"),
    GraphFormat("svg", "image/svg+xml", _drawing("svg"), "a drawing (SVG)"),
)
FORMAT_NAMES = tuple(graph_format.name for graph_format in GRAPH_FORMATS)


def graph_format(key: str) -> GraphFormat:
    """A format by name (= extension) or media type; the error lists the valid names."""
    wanted = key.strip().lower()
    for candidate in GRAPH_FORMATS:
        if wanted in (candidate.name, candidate.media_type):
            return candidate
    raise ValueError(f"unknown graph format {key!r}; valid: {', '.join(FORMAT_NAMES)}")


def export(graph: nx.Graph, format_name: str) -> bytes:
    """Write a projection in a named format."""
    return graph_format(format_name).writer(graph)
