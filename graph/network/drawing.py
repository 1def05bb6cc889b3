"""Pictures of a projection for reports: PNG or SVG, colours by type, legend, readable labels.

Drawn with matplotlib's object API (no pyplot, no global backend), so it is safe
in a web server's threads.
"""

from __future__ import annotations

import io
import textwrap

import matplotlib
import networkx as nx
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from graph.errors import GovgraphError
from graph.network.palette import PROJECTION_TITLES, RELATION_STYLES, TYPE_COLOURS

OTHER_COLOURS = matplotlib.colormaps["Set3"].colors
LABEL_WIDTH = 24
LABEL_LIMIT = 70
EDGE_LABEL_LIMIT = 60
IMAGE_FORMATS = ("png", "svg")
# Beyond this a drawing is neither readable nor quick (layout and one artist per edge): refuse it.
MAX_DRAWN_NODES = 1500


class DrawingTooLarge(GovgraphError):
    """A projection too big to draw readably."""

    status = 400


def title(graph: nx.Graph) -> str:
    """The picture's heading: projection, date (or all periods), ego centre if any."""
    name = graph.graph.get("projection", "")
    when = f"Stand {graph.graph['as_of']}" if graph.graph.get("as_of") else "alle Zeiträume"
    text = f"{PROJECTION_TITLES.get(name, name)} – {when}"
    if graph.graph.get("ego") in graph:
        text += f" – Umfeld von {graph.nodes[graph.graph['ego']].get('label')}"
    return text


def _layout(graph: nx.Graph) -> dict:
    simple = nx.Graph(graph)
    if simple.number_of_nodes() <= 150:
        return nx.kamada_kawai_layout(simple) if simple.number_of_nodes() > 2 else nx.circular_layout(simple)
    return nx.spring_layout(simple, seed=42, k=2 / max(simple.number_of_nodes(), 1) ** 0.5)


def draw(graph: nx.Graph, image_format: str = "png") -> bytes:
    """Draw a projection; `image_format` is "png" or "svg"."""
    if image_format not in IMAGE_FORMATS:
        raise ValueError(f"unknown image format {image_format!r}; valid: {', '.join(IMAGE_FORMATS)}")
    count = graph.number_of_nodes()
    if count > MAX_DRAWN_NODES:
        raise DrawingTooLarge(
            f"the projection has {count} nodes; a readable drawing holds at most {MAX_DRAWN_NODES}: "
            "draw an ego network (ego, radius) or export GEXF/GraphML for Gephi or Cytoscape"
        )
    scale = min(2.0, max(1.0, count / 30))
    figure = Figure(figsize=(13 * scale, 9 * scale), layout="constrained")
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.set_title(title(graph), fontsize=14, loc="left")
    if count == 0:
        axes.text(0.5, 0.5, "Keine Beziehungen an diesem Datum", ha="center", va="center", fontsize=14)
        return save_figure(figure, image_format)

    positions = _layout(graph)
    types = sorted({data.get("type", "") for _, data in graph.nodes(data=True)})
    others = [kind for kind in types if kind not in TYPE_COLOURS]
    type_colour = {kind: TYPE_COLOURS.get(kind) or OTHER_COLOURS[others.index(kind) % len(OTHER_COLOURS)] for kind in types}
    relations = sorted({data["relation"] for _, _, data in graph.edges(data=True)})
    degrees = dict(graph.degree())
    size = {node: 250 + 120 * min(degrees[node], 20) for node in graph}

    for relation in relations:
        legend_label, colour, style = _relation_style(relation)
        pairs = sorted({(u, v) for u, v, data in graph.edges(data=True) if data["relation"] == relation})
        drawn = nx.DiGraph(pairs) if graph.is_directed() else nx.Graph(pairs)
        arrows = {"arrows": True, "arrowsize": 14, "connectionstyle": "arc3,rad=0.06"} if graph.is_directed() else {}
        nx.draw_networkx_edges(
            drawn,
            positions,
            ax=axes,
            nodelist=list(drawn),
            node_size=[size[node] for node in drawn],
            edge_color=colour,
            style=style,
            width=1.5,
            alpha=0.8,
            **arrows,
        )
    if not graph.is_directed() and graph.number_of_edges() <= EDGE_LABEL_LIMIT:
        _label_shared_groups(graph, positions, axes)
    nodes = list(graph.nodes)
    nx.draw_networkx_nodes(
        graph,
        positions,
        nodelist=nodes,
        ax=axes,
        node_color=[type_colour[graph.nodes[n].get("type", "")] for n in nodes],
        node_size=[size[n] for n in nodes],
        edgecolors="#333333",
        linewidths=0.6,
    )
    font_size = 8 if count <= 60 else 6
    for node, (x, y) in positions.items():
        label = str(graph.nodes[node].get("label", node))
        label = label if len(label) <= LABEL_LIMIT else label[: LABEL_LIMIT - 1] + "…"
        axes.annotate(
            textwrap.fill(label, LABEL_WIDTH),
            (x, y),
            xytext=(0, -14),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=font_size,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.75},
        )
    type_labels = {data.get("type", ""): data.get("type_label") or data.get("type", "") for _, data in graph.nodes(data=True)}
    node_legend = [
        Line2D([], [], marker="o", linestyle="", markersize=10, markerfacecolor=type_colour[kind], markeredgecolor="#333333", label=type_labels[kind])
        for kind in sorted(types, key=lambda kind: type_labels[kind].lower())
    ]
    edge_legend = []
    for relation in relations:
        legend_label, colour, style = _relation_style(relation)
        edge_legend.append(Line2D([], [], color=colour, linestyle=style, linewidth=2, label=legend_label))
    figure.legend(handles=node_legend, title="Typ", loc="outside right upper", fontsize=9, frameon=False)
    figure.legend(handles=edge_legend, title="Beziehung", loc="outside right lower", fontsize=9, frameon=False)
    axes.margins(0.08)
    return save_figure(figure, image_format)


def _label_shared_groups(graph: nx.Graph, positions: dict, axes) -> None:
    """On a small co-membership picture, name the groups each pair of municipalities shares."""
    shared: dict[tuple[str, str], set[str]] = {}
    for source, target, data in graph.edges(data=True):
        shared.setdefault(tuple(sorted((source, target))), set()).add(str(data.get("label", "")))
    nx.draw_networkx_edge_labels(
        nx.Graph(list(shared)),
        positions,
        edge_labels={pair: textwrap.fill("; ".join(sorted(names)), LABEL_WIDTH) for pair, names in shared.items()},
        ax=axes,
        font_size=7,
        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
    )


def _relation_style(relation: str) -> tuple[str, str, str]:
    return RELATION_STYLES.get(relation, (relation, "#444444", "solid"))


def save_figure(figure: Figure, image_format: str) -> bytes:
    """The figure as PNG or SVG bytes (SVG text stays searchable; no timestamps)."""
    buffer = io.BytesIO()
    # Text stays text in SVG (searchable, selectable); no timestamps, so equal graphs give equal files.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "govgraph"}):
        metadata = {"Date": None} if image_format == "svg" else {"Software": None}
        figure.savefig(buffer, format=image_format, dpi=150, metadata=metadata)
    return buffer.getvalue()
