"""The co-membership projection: municipalities linked by the networks they share, as the evidence says."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ElementTree
from collections import Counter

import networkx as nx
import pytest

from graph.build.refdata import read_gazetteer
from graph.network import export, metric_table, project, read_network
from member_evidence import ID, curated_graph, expected_members, municipalities_by_network, network_lines, successors

NETWORK = ID + "organization/netzwerk-stadtentwicklung-nrw"


@pytest.fixture(scope="module")
def network(graph_store):
    return read_network(graph_store)


@pytest.fixture(scope="module")
def graph(network):
    return project(network, "co-membership")


@pytest.fixture(scope="module")
def expected_weights(graph_store, member_rows, settings) -> Counter:
    """Pair of municipalities -> number of networks (the five former ones and the network of 2024) both belong to."""
    municipalities = {ID + f"organization/gemeinde-{m.ags}" for m in read_gazetteer(settings.refdata_dir, land=None).municipalities}
    expected = expected_members(member_rows, successors(graph_store), curated_graph())
    sets = list(municipalities_by_network(expected, network_lines(graph_store), municipalities).values())
    sets.append(expected[NETWORK] & municipalities)
    weights: Counter = Counter()
    for members in sets:
        for pair in itertools.combinations(sorted(members), 2):
            weights[pair] += 1
    return weights


def test_edges_and_weights_match_the_evidence(graph, expected_weights):
    found = {tuple(sorted((a, b))): data["weight"] for a, b, data in graph.edges(data=True)}
    assert found == dict(expected_weights)
    assert graph.number_of_edges() == len(found)  # one edge per pair


def test_every_edge_names_its_networks_and_sources(graph):
    for _, _, data in graph.edges(data=True):
        assert data["relation"] == "co-membership"
        assert len(data["networks"].split()) == data["weight"] == len(data["role"].split("; "))
        assert data["provenance"]


def test_nodes_are_the_member_municipalities_with_their_reference_data(graph):
    assert all(data["type"] == "Municipality" for _, data in graph.nodes(data=True))
    dortmund = graph.nodes[ID + "organization/gemeinde-05913000"]
    assert (dortmund["ags"], dortmund["networks"]) == ("05913000", 6)  # the press release: all five, and the network


def test_centrality_and_communities_cover_every_node(network, graph):
    for metric in ("degree", "betweenness", "communities"):
        table = metric_table(network, metric, "co-membership")
        assert {row["node"] for row in table.rows} == set(graph), metric
    weighted = metric_table(network, "degree", "co-membership").rows
    assert weighted[0]["degree"] >= weighted[-1]["degree"]


def test_exports_keep_the_weight(graph):
    graphml = nx.read_graphml(__import__("io").BytesIO(export(graph, "graphml")))
    assert graphml.number_of_edges() == graph.number_of_edges()
    assert {data["weight"] for _, _, data in graphml.edges(data=True)} == {data["weight"] for _, _, data in graph.edges(data=True)}
    gexf = ElementTree.fromstring(export(graph, "gexf"))
    assert len(gexf.findall(".//{*}edge")) == graph.number_of_edges()
    assert export(graph, "edges.csv").decode().splitlines()[0].startswith("id,source,target,relation")


def test_over_the_http_api(client):
    response = client.get("/api/graph/co-membership.cyjs")
    assert response.status_code == 200
    assert response.get_json()["elements"]["edges"]
    response = client.get("/api/analytics/communities?projection=co-membership")
    assert response.status_code == 200 and response.get_json()["rows"]


def test_as_of_a_date_only_memberships_that_may_hold(network):
    """On a day after the merger the former networks are gone: only the network of 2024 and its AGs link towns
    (an AG counts as the former network it replaces)."""
    from datetime import date

    after = project(network, "co-membership", date(2025, 6, 1))
    before = project(network, "co-membership", date(2013, 4, 15))
    ahaus, witten = ID + "organization/gemeinde-05554004", ID + "organization/gemeinde-05954036"  # a 2013 list; the AG in 2024
    assert ahaus in before and ahaus not in after
    assert witten in after and after.nodes[witten]["network_iris"] == ID + "organization/staedtenetz-soziale-stadt-nrw"
    assert before.number_of_edges() > after.number_of_edges() > 0
