"""Exports of the real graph's projections: every format read back by its own reader gives the same graph."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ElementTree
import zipfile
from datetime import date

import matplotlib.image
import networkx as nx
import pydot
import pytest
from click.testing import CliRunner
from networkx.drawing.nx_pydot import from_pydot

from cli.main import cli
from graph.network import FORMAT_NAMES, export, graph_format, project, read_network
from graph.time import first_day, last_day

ID = "https://w3id.org/govgraph/id/"
KROEGER = ID + "person/sebastian-kroeger"
BOARD = ID + "organization/vorstand-netzwerk-stadtentwicklung-nrw"


@pytest.fixture(scope="module")
def network(graph_store):
    return read_network(graph_store)


@pytest.fixture(scope="module", params=["governance", "municipalities"])
def projected(request, network) -> nx.Graph:
    """A directed and an undirected projection, over all periods."""
    return project(network, request.param)


def expected_nodes(graph: nx.Graph) -> dict[str, dict]:
    return {node: dict(data) for node, data in graph.nodes(data=True)}


def expected_edges(graph: nx.Graph) -> dict[str, tuple]:
    return {key: (_ends(graph, source, target), dict(data)) for source, target, key, data in graph.edges(keys=True, data=True)}


def _ends(graph: nx.Graph, source: str, target: str) -> tuple | frozenset:
    return (source, target) if graph.is_directed() else frozenset((source, target))


def as_text(records: dict) -> dict:
    """Attribute values as strings: what text formats (CSV, DOT) keep of them."""
    return {
        key: (value[0], {name: str(item) for name, item in value[1].items()}) if isinstance(value, tuple) else {name: str(item) for name, item in value.items()}
        for key, value in records.items()
    }


def test_the_projections_are_not_trivial(projected):
    assert projected.number_of_nodes() >= 3 and projected.number_of_edges() >= 3


def test_graphml_round_trip(projected):
    back = nx.read_graphml(io.BytesIO(export(projected, "graphml")), force_multigraph=True)
    assert back.is_directed() == projected.is_directed()
    assert expected_nodes(back) == expected_nodes(projected)
    assert expected_edges(back) == expected_edges(projected)


def test_node_link_json_round_trip(projected):
    back = nx.node_link_graph(json.loads(export(projected, "json")), edges="edges")
    assert expected_nodes(back) == expected_nodes(projected)
    assert expected_edges(back) == expected_edges(projected)
    assert back.graph == projected.graph


def test_cytoscape_json_round_trip(projected):
    data = json.loads(export(projected, "cyjs"))
    back = nx.cytoscape_graph(data, name="label")
    assert {node: {k: v for k, v in attrs.items() if k not in ("name", "value", "id")} for node, attrs in back.nodes(data=True)} == expected_nodes(projected)
    structural = ("id", "source", "target", "key")  # Cytoscape.js's own fields, the same as the edge's ends and key
    edges = {key: (_ends(back, u, v), {k: v2 for k, v2 in d.items() if k not in structural}) for u, v, key, d in back.edges(keys=True, data=True)}
    assert edges == expected_edges(projected)
    assert all(d["key"] == d["id"] == key and {d["source"], d["target"]} == {u, v} for u, v, key, d in back.edges(keys=True, data=True))


def _read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def _csv_graph(nodes: list[dict[str, str]], edges: list[dict[str, str]], directed: bool) -> tuple[dict, dict]:
    node_records = {row.pop("id"): {k: v for k, v in row.items() if v != ""} for row in nodes}
    edge_records = {}
    for row in edges:
        key, source, target = row.pop("id"), row.pop("source"), row.pop("target")
        ends = (source, target) if directed else frozenset((source, target))
        edge_records[key] = (ends, {k: v for k, v in row.items() if v != ""})
    return node_records, edge_records


def test_csv_zip_round_trip(projected):
    with zipfile.ZipFile(io.BytesIO(export(projected, "csv"))) as archive:
        assert sorted(archive.namelist()) == ["edges.csv", "nodes.csv"]
        nodes, edges = _read_csv(archive.read("nodes.csv")), _read_csv(archive.read("edges.csv"))
    node_records, edge_records = _csv_graph(nodes, edges, projected.is_directed())
    assert node_records == as_text(expected_nodes(projected))
    assert edge_records == as_text(expected_edges(projected))


def test_single_csv_files_match_the_archive(projected):
    with zipfile.ZipFile(io.BytesIO(export(projected, "csv"))) as archive:
        assert archive.read("nodes.csv") == export(projected, "nodes.csv")
        assert archive.read("edges.csv") == export(projected, "edges.csv")


def _undot(value: str) -> str:
    """A DOT ID as written: quoted IDs lose their quotes and escapes."""
    if value.startswith('"') and value.endswith('"'):
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return value


def test_dot_round_trip_with_pydot(projected):
    parsed = pydot.graph_from_dot_data(export(projected, "dot").decode())
    assert parsed is not None and len(parsed) == 1
    back = from_pydot(parsed[0])
    nodes = {node: {k: _undot(v) for k, v in data.items()} for node, data in back.nodes(data=True)}
    assert nodes == as_text(expected_nodes(projected))
    edges = {_undot(key): (_ends(back, u, v), {k: _undot(v2) for k, v2 in d.items()}) for u, v, key, d in back.edges(keys=True, data=True)}
    assert edges == as_text(expected_edges(projected))


def test_gexf_round_trip_with_time_intervals(projected):
    data = export(projected, "gexf")
    graph_element = ElementTree.fromstring(data).find("{*}graph")
    assert graph_element.get("mode") == "dynamic" and graph_element.get("timeformat") in ("date", None)
    back = nx.read_gexf(io.BytesIO(data))
    assert set(back.nodes) == set(projected.nodes)
    for node, attributes in projected.nodes(data=True):
        read = {k: v for k, v in back.nodes[node].items() if k not in ("start", "end")}
        assert read == attributes
    read_edges = {d["id"]: (_ends(back, u, v), d) for u, v, d in back.edges(data=True)}
    assert set(read_edges) == {key for *_, key in projected.edges(keys=True)}
    for source, target, key, attributes in projected.edges(keys=True, data=True):
        ends, read = read_edges[key]
        assert ends == _ends(projected, source, target)
        assert read.get("start") == (first_day(attributes["start"]).isoformat() if "start" in attributes else None)
        assert read.get("end") == (last_day(attributes["end"]).isoformat() if "end" in attributes else None)
        assert read["period"] == f"{attributes.get('start', '..')}/{attributes.get('end', '..')}"
        for name in ("relation", "label", "provenance"):
            assert read[name] == attributes[name]


def test_gexf_nodes_live_from_their_first_relation(network):
    """On the people network the board appears with Kröger's membership (November 2024)."""
    people = project(network, "people")
    back = nx.read_gexf(io.BytesIO(export(people, "gexf")))
    assert back.nodes[BOARD]["start"] == "2024-11-01"
    assert "start" not in back.nodes[KROEGER]  # his post as head of the Amt has no known beginning


@pytest.mark.parametrize("image_format", ["png", "svg"])
def test_drawings(network, image_format):
    picture = export(project(network, "governance", date(2025, 3, 1)), image_format)
    if image_format == "png":
        pixels = matplotlib.image.imread(io.BytesIO(picture), format="png")
        assert pixels.shape[0] >= 1000 and pixels.shape[1] >= 1500
    else:
        svg = picture.decode()
        # Text stays text: labels, legend and title are searchable in the SVG.
        for text in ("Sebastian Kröger", "Vorstand", "Mitgliedschaft", "Stand 2025-03-01"):
            assert text in svg


def test_format_lookup_names_the_valid_formats():
    assert graph_format("application/gexf+xml").name == "gexf"
    with pytest.raises(ValueError, match="valid: graphml, gexf"):
        graph_format("xlsx")


# --- HTTP ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("format_name", FORMAT_NAMES)
def test_every_format_is_served(client, format_name):
    response = client.get(f"/api/graph/people.{format_name}?asOf=2025-03-01")
    assert response.status_code == 200
    assert response.mimetype == graph_format(format_name).media_type
    assert response.data


def test_served_graph_is_taken_as_of_the_date(client):
    later = nx.node_link_graph(client.get("/api/graph/people.json?asOf=2025-03-01").get_json(), edges="edges")
    earlier = nx.node_link_graph(client.get("/api/graph/people.json?asOf=2024-10-01").get_json(), edges="edges")
    assert later.has_edge(KROEGER, BOARD) and not earlier.has_edge(KROEGER, BOARD)
    assert later.graph["as_of"] == "2025-03-01"


def test_served_ego_network(client):
    ego = nx.node_link_graph(client.get(f"/api/graph/governance.json?ego={KROEGER}").get_json(), edges="edges")
    assert KROEGER in ego and BOARD in ego
    assert all(node == KROEGER or ego.has_edge(node, KROEGER) or ego.has_edge(KROEGER, node) for node in ego)


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/api/graph/buildings.graphml", 404, "unknown projection 'buildings'; valid: organizations"),
        ("/api/graph/people.xlsx", 404, "unknown graph format 'xlsx'; valid: graphml"),
        ("/api/graph/people", 404, "add a format"),
        ("/api/graph/people.gexf?asOf=2025-02-30", 400, "parameter asOf: invalid date '2025-02-30'"),
        ("/api/graph/people.gexf?asOf=March", 400, "expected YYYY-MM-DD"),
        ("/api/graph/people.json?ego=https://example.org/nobody", 404, "'https://example.org/nobody' is not in the people projection"),
        ("/api/graph/people.json?ego=" + KROEGER + "&radius=0", 400, "parameter radius must be a whole number of at least 1"),
    ],
)
def test_bad_graph_requests_get_clear_errors(client, path, status, message):
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == status
    body = response.get_json()
    assert body["ok"] is False and body["status"] == status and message in body["error"]


# --- CLI ----------------------------------------------------------------------------------------


def test_cli_export_writes_a_file_readable_by_networkx(built, tmp_path):
    target = tmp_path / "people.graphml"
    result = CliRunner().invoke(cli, ["--data-dir", str(built.data_dir), "export", "--projection", "people", "--as-of", "2025-03-01", "-o", str(target)])
    assert result.exit_code == 0, result.output
    graph = nx.read_graphml(target, force_multigraph=True)
    assert graph.has_edge(KROEGER, BOARD) and graph.nodes[KROEGER]["label"] == "Sebastian Kröger"


def test_cli_draw_writes_an_svg(built, tmp_path):
    target = tmp_path / "organizations.svg"
    result = CliRunner().invoke(cli, ["--data-dir", str(built.data_dir), "draw", "-p", "organizations", "-o", str(target)])
    assert result.exit_code == 0, result.output
    svg = target.read_text()
    assert "Organisationsnetz – alle Zeiträume" in svg and "Dortmund" in svg


def test_cli_export_needs_a_known_format(built, tmp_path):
    result = CliRunner().invoke(cli, ["--data-dir", str(built.data_dir), "export", "-o", str(tmp_path / "graph.xlsx")])
    assert result.exit_code == 2
    assert "give --format" in result.output


def test_a_graph_too_big_to_draw_is_refused_with_what_to_do_instead():
    import networkx as nx

    from graph.network.drawing import MAX_DRAWN_NODES, DrawingTooLarge, draw

    big = nx.path_graph(MAX_DRAWN_NODES + 1)
    with pytest.raises(DrawingTooLarge) as error:
        draw(big, "png")
    assert str(MAX_DRAWN_NODES + 1) in str(error.value) and "ego" in str(error.value)
