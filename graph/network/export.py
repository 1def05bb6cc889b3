"""Graph export formats as one table: name -> media type -> writer.

Every writer takes a projection (a networkx graph from `graph.network.analytics`) and
returns bytes; adding a format is one row. Node ids are the entities' IRIs, except in
GraphML, whose ids are XML name tokens (`n0`, `e0`; the IRI is the `iri` data key).
Each format is checked against what its readers accept: GEXF 1.3 against the GEXF
schemas, GraphML's structure, node-link JSON with networkx, Cytoscape JSON with Cytoscape.js.

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
from xml.etree.ElementTree import SubElement

import networkx as nx
from networkx.drawing.nx_pydot import to_pydot
from networkx.readwrite.gexf import GEXFWriter

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
    """GraphML (yEd, Gephi, Cytoscape desktop): ids `n0`…/`e0`… (GraphML's NMTOKEN), the node's IRI as
    data key `iri`, the relation's key as `relation_id`; attribute types inferred from the values."""
    tokens = {node: f"n{index}" for index, node in enumerate(graph)}
    renamed = graph.__class__()
    renamed.graph.update(graph.graph)
    for node, data in graph.nodes(data=True):
        renamed.add_node(tokens[node], iri=node, **data)
    for index, (source, target, key, data) in enumerate(graph.edges(keys=True, data=True)):
        renamed.add_edge(tokens[source], tokens[target], key=f"e{index}", relation_id=key, **data)
    buffer = io.BytesIO()
    nx.write_graphml(renamed, buffer, encoding="utf-8")
    return buffer.getvalue()


# Edge attributes that bound a period, as (beginning, end) pairs; each present pair becomes one GEXF spell.
# A pair naming one attribute twice holds dated observations (bounds separated by spaces): one spell each,
# from the first to the last day the bound denotes. The relation's stated period is the first pair.
SPELL_BOUNDS: tuple[tuple[str, str], ...] = (("start", "end"),)

Spell = tuple[str | None, str | None]  # ISO dates; None: open


def edge_spells(data: dict) -> list[Spell]:
    """The GEXF spells of an edge, from its period attributes (SPELL_BOUNDS); [] when it has no dates (always valid)."""
    spells: list[Spell] = []
    for beginning, end in SPELL_BOUNDS:
        if beginning == end:
            spells += [(first_day(bound).isoformat(), last_day(bound).isoformat()) for bound in str(data.get(beginning) or "").split()]
        elif data.get(beginning) or data.get(end):
            spells.append((
                first_day(data[beginning]).isoformat() if data.get(beginning) else None,
                last_day(data[end]).isoformat() if data.get(end) else None,
            ))
    return spells


def _span(spells: list[Spell]) -> Spell:
    """From the earliest beginning to the latest end; open on a side where any spell is open, or when there is none."""
    starts, ends = [start for start, _ in spells], [end for _, end in spells]
    return (min(starts) if starts and all(starts) else None, max(ends) if ends and all(ends) else None)  # type: ignore[type-var]


class Gexf13Writer(GEXFWriter):
    """networkx's GEXF writer, made valid by the GEXF 1.3 schema: the XML Schema instance namespace
    spelt right, no `name` on <graph> (the projection's name goes into <meta><description>); times are dates."""

    versions = {**GEXFWriter.versions, "1.3": {**GEXFWriter.versions["1.3"], "NS_XSI": "http://www.w3.org/2001/XMLSchema-instance"}}

    def add_graph(self, G: nx.Graph) -> None:
        super().add_graph(G)
        self.graph_element.set("timeformat", "date")  # also when no relation of this graph is dated
        name = self.graph_element.attrib.pop("name", "")
        if name:
            SubElement(self.xml.find("meta"), "description").text = name


def write_gexf(graph: nx.Graph) -> bytes:
    """GEXF 1.3, dynamic: each edge's periods as spells (full dates) for Gephi's timeline.

    A month or year bound becomes its first day (beginnings) or last day (ends); `period` keeps
    the stated bounds as the source gives them. A node lives from its earliest to its latest relation
    (open where any of them is open).
    """
    dynamic = graph.copy()  # projections are multigraphs: one edge per relation, keyed by its IRI
    dynamic.graph = {"mode": "dynamic", "name": graph.graph.get("name", "")}
    spans: dict[str, list[Spell]] = {node: [] for node in dynamic}
    for source, target, key, data in dynamic.edges(keys=True, data=True):
        data["id"] = key  # the GEXF edge id: the relation's IRI, as in the other formats
        spells = edge_spells(data)
        data["period"] = f"{data.get('start') or '..'}/{data.get('end') or '..'}"
        for beginning, end in SPELL_BOUNDS:
            data.pop(beginning, None)
            data.pop(end, None)
        if spells:
            data["spells"] = spells
        spans[source].append(_span(spells))
        spans[target].append(_span(spells))
    for node, node_spans in spans.items():
        lifetime = _span(node_spans)
        if lifetime != (None, None):
            dynamic.nodes[node]["spells"] = [lifetime]
    writer = Gexf13Writer(encoding="utf-8", version="1.3")
    writer.add_graph(dynamic)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def node_link(graph: nx.Graph) -> dict:
    """networkx's node-link JSON structure (edges under "edges")."""
    return nx.node_link_data(graph, edges="edges")


def write_node_link(graph: nx.Graph) -> bytes:
    """Node-link JSON (d3, networkx `node_link_graph`)."""
    return json.dumps(node_link(graph), ensure_ascii=False, indent=1).encode()


def cytoscape(graph: nx.Graph) -> dict:
    """Cytoscape.js elements JSON; edges get their relation key as `id`, nodes their label as `name`."""
    data = nx.cytoscape_data(graph, name="label")
    data["data"] = dict(graph.graph)  # networkx writes the graph's attributes as a list of pairs; Cytoscape wants an object
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
    GraphFormat("gexf", "application/gexf+xml", write_gexf, "GEXF 1.3 with time spells (Gephi)"),
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
