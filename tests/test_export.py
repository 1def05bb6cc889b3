"""Exports of the real graph's projections: every format read back by its own reader gives the same graph."""

from __future__ import annotations

import csv
import importlib
import io
import json
import os
import re
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import matplotlib.image
import networkx as nx
import pydot
import pytest
from click.testing import CliRunner
from lxml import etree
from networkx.drawing.nx_pydot import from_pydot

from cli.main import cli
from graph.config import REPO_ROOT, SHARED_DIR
from graph.network import FORMAT_NAMES, ego_network, export, graph_format, project, read_network
from graph.time import first_day, last_day

# The GEXF working group's schemas (CC BY 4.0), read where they are, never copied into the repository.
GEXF_SCHEMAS = Path(os.environ.get("GOVGRAPH_GEXF_SCHEMAS") or SHARED_DIR / "conformance" / "gexf-1.3")
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
NMTOKEN = re.compile(r"[\w.:-]+")  # XML name characters (letters, digits, . - _ :), at least one

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
    """networkx reads it back: ids are tokens, the IRIs and relation keys come back from their data keys."""
    back = nx.read_graphml(io.BytesIO(export(projected, "graphml")), force_multigraph=True)
    assert back.is_directed() == projected.is_directed()
    iris = {token: data.pop("iri") for token, data in back.nodes(data=True)}
    back = nx.relabel_nodes(back, iris)
    assert expected_nodes(back) == expected_nodes(projected)
    edges = {data.pop("relation_id"): (_ends(back, u, v), data) for u, v, data in back.edges(data=True)}
    assert edges == expected_edges(projected)


def test_graphml_is_valid_graphml(projected):
    """GraphML's structure: keys declared before the graph, ids are NMTOKENs and unique, every data names a key
    declared for its element, every edge joins two nodes of the graph."""
    root = etree.fromstring(export(projected, "graphml"))
    assert root.tag == GRAPHML + "graphml"
    children = [child.tag for child in root]
    assert children == [GRAPHML + "key"] * (len(children) - 1) + [GRAPHML + "graph"]
    keys = {key.get("id"): key for key in root.iter(GRAPHML + "key")}
    assert all(key.get("for") in ("graph", "node", "edge", "all") for key in keys.values())
    assert all(key.get("attr.type") in ("boolean", "int", "long", "float", "double", "string") for key in keys.values())
    graph = root.find(GRAPHML + "graph")
    assert graph.get("edgedefault") == ("directed" if projected.is_directed() else "undirected")
    node_ids = [node.get("id") for node in graph.iter(GRAPHML + "node")]
    edge_ids = [edge.get("id") for edge in graph.iter(GRAPHML + "edge")]
    for identifier in [*keys, *node_ids, *edge_ids]:
        assert NMTOKEN.fullmatch(identifier), identifier
    assert len(set(node_ids)) == len(node_ids) == projected.number_of_nodes()
    assert len(set(edge_ids)) == len(edge_ids) == projected.number_of_edges()
    assert all({edge.get("source"), edge.get("target")} <= set(node_ids) for edge in graph.iter(GRAPHML + "edge"))
    for data in root.iter(GRAPHML + "data"):
        owner = data.getparent().tag.removeprefix(GRAPHML)
        assert keys[data.get("key")].get("for") in (owner, "all")
    iris = {data.text for data in graph.iter(GRAPHML + "data") if keys[data.get("key")].get("attr.name") == "iri"}
    assert iris == set(projected.nodes)


def test_node_link_json_round_trip(projected):
    back = nx.node_link_graph(json.loads(export(projected, "json")), edges="edges")
    assert expected_nodes(back) == expected_nodes(projected)
    assert expected_edges(back) == expected_edges(projected)
    assert back.graph == projected.graph


def test_cytoscape_js_loads_the_cytoscape_json(projected):
    """Cytoscape.js itself (the pinned npm package, under node): it throws on a bad or repeated id or a dangling edge."""
    loaded = subprocess.run(
        ["node", str(REPO_ROOT / "tests" / "js" / "load_cytoscape.js"), str(REPO_ROOT / "node_modules")],
        input=export(projected, "cyjs"), capture_output=True, check=True, timeout=60,
    )
    result = json.loads(loaded.stdout)
    assert result["warnings"] == []
    assert sorted(result["nodes"]) == sorted(projected.nodes)
    expected = sorted([key, source, target] for source, target, key in projected.edges(keys=True))
    if projected.is_directed():
        assert sorted(result["edges"]) == expected
    else:
        assert sorted([key, *sorted(ends)] for key, *ends in result["edges"]) == sorted([key, *sorted(ends)] for key, *ends in expected)
    assert result["data"]["name"] == projected.graph["name"]


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
    # pydot's parser takes a minute for the municipalities projection's 5,000 relations: the neighbourhood of its
    # least connected member stands for it.
    least = min(projected.nodes, key=lambda node: (projected.degree(node), node))
    graph = projected if projected.number_of_edges() < 1000 else ego_network(projected, least, 1)
    parsed = pydot.graph_from_dot_data(export(graph, "dot").decode())
    assert parsed is not None and len(parsed) == 1
    back = from_pydot(parsed[0])
    nodes = {node: {k: _undot(v) for k, v in data.items()} for node, data in back.nodes(data=True)}
    assert len(nodes) > 10 and nodes == as_text(expected_nodes(graph))
    edges = {_undot(key): (_ends(back, u, v), {k: _undot(v2) for k, v2 in d.items()}) for u, v, key, d in back.edges(keys=True, data=True)}
    assert edges == as_text(expected_edges(graph))


def test_gexf_is_valid_gexf_1_3(projected):
    schema = etree.XMLSchema(etree.parse(str(GEXF_SCHEMAS / "gexf.xsd")))
    document = etree.fromstring(export(projected, "gexf"))
    schema.assertValid(document.getroottree())
    graph = document.find("{*}graph")
    assert document.get("version") == "1.3" and graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"


def gexf_spells(data: bytes, tag: str) -> dict[str, list[tuple[str | None, str | None]]]:
    """The spells of each node or edge by id, as written (networkx's reader turns a missing bound into "None")."""
    return {
        element.get("id"): [(spell.get("start"), spell.get("end")) for spell in element.iterfind("{*}spells/{*}spell")]
        for element in etree.fromstring(data).iter("{*}" + tag)
    }


def test_gexf_round_trip_with_time_spells(projected):
    data = export(projected, "gexf")
    back, spells = nx.read_gexf(io.BytesIO(data)), gexf_spells(data, "edge")
    assert set(back.nodes) == set(projected.nodes)
    for node, attributes in projected.nodes(data=True):
        read = {k: v for k, v in back.nodes[node].items() if k != "spells"}
        assert read == attributes
    read_edges = {d["id"]: (_ends(back, u, v), d) for u, v, d in back.edges(data=True)}
    assert set(read_edges) == {key for *_, key in projected.edges(keys=True)}
    for source, target, key, attributes in projected.edges(keys=True, data=True):
        ends, read = read_edges[key]
        assert ends == _ends(projected, source, target)
        start, end = attributes.get("start"), attributes.get("end")
        expected = [(first_day(start).isoformat() if start else None, last_day(end).isoformat() if end else None)]
        assert spells[key] == (expected if start or end else [])
        assert read["period"] == f"{start or '..'}/{end or '..'}"
        for name in ("relation", "label", "provenance"):
            assert read[name] == attributes[name]


def test_gexf_nodes_live_from_their_first_relation(network):
    """On the people network the board appears with Kröger's membership (November 2024)."""
    spells = gexf_spells(export(project(network, "people"), "gexf"), "node")
    assert spells[BOARD] == [("2024-11-01", None)]
    assert spells[KROEGER] == []  # his post as head of the Amt has no known beginning


def test_gexf_spells_come_from_every_dated_attribute_pair(monkeypatch):
    """A second pair of period attributes (here: dated observations, one attribute) adds spells of its own."""
    monkeypatch.setattr(importlib.import_module("graph.network.export"), "SPELL_BOUNDS", (("start", "end"), ("observed", "observed")))
    graph = nx.MultiDiGraph(name="observations")
    graph.add_edge("https://e.org/a", "https://e.org/b", key="https://e.org/r", relation="membership", label="m",
                   start="2013-04", observed="2013-04 2021")
    schema = etree.XMLSchema(etree.parse(str(GEXF_SCHEMAS / "gexf.xsd")))
    data = export(graph, "gexf")
    schema.assertValid(etree.fromstring(data).getroottree())
    assert gexf_spells(data, "edge")["https://e.org/r"] == [("2013-04-01", None), ("2013-04-01", "2013-04-30"), ("2021-01-01", "2021-12-31")]
    assert gexf_spells(data, "node")["https://e.org/a"] == [("2013-04-01", None)]


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
    graph = nx.relabel_nodes(graph, dict(graph.nodes(data="iri")))
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
