"""The network room: the graph as networks (projections to networkx, metrics, coordination chains),
exports (GraphML, GEXF, JSON, CSV, DOT), drawings and the overview of the network's structure."""

from graph.network.analytics import (
    DEFAULT_BETWEENNESS_SAMPLES,
    METRICS,
    PROJECTIONS,
    AnalyticsError,
    Table,
    UnknownNode,
    betweenness,
    brokerage,
    communities,
    compare,
    components,
    coordination_chains,
    degree,
    ego_network,
    metric_table,
    pagerank,
    project,
)
from graph.network.export import FORMAT_NAMES, GRAPH_FORMATS, export, graph_format
from graph.network.member_map import NotANetwork, draw_member_map
from graph.network.overview import network_overviews, search
from graph.network.palette import PROJECTION_TITLES, RELATION_STYLES, TYPE_COLOURS
from graph.network.relations import Entity, Network, Relation, read_network

# Drawings (graph.network.drawing) load matplotlib, so they are imported where a picture is asked for
# (draw_member_map too: it imports matplotlib when it draws).
__all__ = [
    "AnalyticsError", "DEFAULT_BETWEENNESS_SAMPLES", "Entity", "FORMAT_NAMES", "GRAPH_FORMATS", "METRICS", "Network", "NotANetwork",
    "PROJECTIONS", "PROJECTION_TITLES", "RELATION_STYLES", "Relation", "TYPE_COLOURS", "Table", "UnknownNode",
    "betweenness", "brokerage", "communities", "compare", "components", "coordination_chains", "degree", "draw_member_map",
    "ego_network", "export", "graph_format", "metric_table", "network_overviews", "pagerank", "project",
    "read_network", "search",
]
