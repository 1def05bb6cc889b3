"""Projections and metrics on the real graph, through the functions, the API and the CLI."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from click.testing import CliRunner

from cli.main import cli
from graph.network import (
    AnalyticsError,
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
    read_network,
)
from graph.time import is_valid_on, parse_date

ID = "https://w3id.org/govgraph/id/"
DORTMUND = ID + "organization/gemeinde-05913000"
AMT = ID + "organization/amt-fuer-stadterneuerung-dortmund"
KROEGER = ID + "person/sebastian-kroeger"
BOARD = ID + "organization/vorstand-netzwerk-stadtentwicklung-nrw"
AG_STADTUMBAU = ID + "organization/ag-stadtumbau"
NETWORK = ID + "organization/netzwerk-stadtentwicklung-nrw"
INNENSTADT = ID + "organization/netzwerk-innenstadt-nrw"
PRESS_RELEASE = ID + "source/pressemitteilung-dortmund-2024-12"
WORKING_GROUPS = {ID + "organization/ag-" + name for name in ("stadtumbau", "baulandmanagement", "soziale-stadt", "innenstadt", "historische-stadt-und-ortskerne")}


@pytest.fixture(scope="module")
def network(graph_store):
    return read_network(graph_store)


@pytest.mark.parametrize("module", ["graph.time", "graph.network.analytics", "graph.network.export"])
def test_docstring_examples(module):
    import doctest
    import importlib

    failures, tried = doctest.testmod(importlib.import_module(module))
    assert tried > 0 and failures == 0


# --- As-of semantics ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "start", "end", "valid"),
    [
        ("2024-12-01", "2024-11", None, True),
        ("2024-10-01", "2024-11", None, False),
        ("2024-11-01", "2024-11", None, True),  # a month begins on its first day
        ("2024-11-30", None, "2024-11", True),  # ... and ends on its last
        ("2024-12-01", None, "2024-11", False),
        ("2034-12-31", None, "2034", True),
        ("2035-01-01", None, "2034", False),
        ("2024-12-31", "2025-01-01", None, False),
        ("2025-01-01", "2025-01-01", "2025-01-01", True),
        ("1900-01-01", None, None, True),  # unknown bounds are open
    ],
)
def test_validity_on_a_date(day, start, end, valid):
    assert is_valid_on(date.fromisoformat(day), start, end) is valid


@pytest.mark.parametrize("text", ["2025-02-30", "2025-3-1", "01.03.2025", "2025-03", ""])
def test_dates_must_be_full_iso_dates(text):
    with pytest.raises(ValueError, match="expected YYYY-MM-DD"):
        parse_date(text)


# --- Projections --------------------------------------------------------------------------------


def test_both_backends_read_the_same_network(any_store, network):
    assert read_network(any_store) == network


def test_organisation_nodes_carry_label_type_and_municipal_facts(network):
    graph = project(network, "organizations")
    dortmund = graph.nodes[DORTMUND]
    assert dortmund["label"] == "Dortmund" and dortmund["type"] == "Municipality" and dortmund["type_label"] == "Gemeinde"
    assert dortmund["ags"] == "05913000" and dortmund["population"] == 588250
    assert dortmund["regierungsbezirk"] == "Regierungsbezirk Arnsberg"
    assert "kreis" not in dortmund  # a kreisfreie Stadt belongs to no Kreis
    assert graph.nodes[AG_STADTUMBAU]["type"] == "WorkingGroup"
    assert not any(data["type"] == "Person" for _, data in graph.nodes(data=True))


def test_edges_are_typed_with_period_and_source(network):
    graph = project(network, "organizations")
    coordination = [data for data in graph.get_edge_data(AMT, AG_STADTUMBAU).values() if data["relation"] == "coordination"]
    assert len(coordination) == 1
    assert coordination[0]["start"] == "2025-01-01" and "end" not in coordination[0]
    assert coordination[0]["role"] == "kommunale Koordinierung"
    assert PRESS_RELEASE in coordination[0]["provenance"].split()
    assert {data["relation"] for _, _, data in graph.edges(data=True)} >= {"sub-organisation", "membership", "coordination", "support", "funding", "involvement"}
    assert all(data["provenance"] for _, _, data in graph.edges(data=True))


def test_every_relation_is_sourced_by_sources_never_by_a_named_graph(graph_store, network):
    """Provenance is the gg:Source IRIs the facts derive from (the WG links of the "Über das Netzwerk" page too)."""
    sources = {row["s"].value for row in graph_store.query("SELECT ?s WHERE { ?s a <https://w3id.org/govgraph/ontology#Source> }")}
    unsourced = [(r.source, r.kind, r.target, r.provenance) for r in network.relations if not r.provenance or not set(r.provenance) <= sources]
    assert unsourced == []
    ueber = ID + "source/netzwerk-stadtentwicklung-ueber"
    assert ueber in next(r for r in network.relations if r.kind == "sub-organisation" and r.source == AG_STADTUMBAU).provenance


def test_people_projection_links_persons_and_organisations(network):
    graph = project(network, "people")
    assert all((graph.nodes[u]["type"] == "Person") != (graph.nodes[v]["type"] == "Person") for u, v in graph.edges())
    roles = {data.get("role") for data in graph.get_edge_data(KROEGER, BOARD).values()}
    assert roles == {"Vorstandsmitglied"}
    assert graph.get_edge_data(KROEGER, BOARD).popitem()[1]["start"] == "2024-11"


def test_municipalities_are_linked_by_the_groups_they_share(network):
    graph = project(network, "municipalities")
    assert not graph.is_directed()
    assert all(data["type"] == "Municipality" for _, data in graph.nodes(data=True))
    brakel, nieheim = ID + "organization/gemeinde-05762016", ID + "organization/gemeinde-05762028"
    shared = {data["group"] for data in graph.get_edge_data(brakel, nieheim).values()}
    assert NETWORK in shared
    assert all(data["relation"] == "co-membership" and data["provenance"] for _, _, data in graph.edges(data=True))
    assert graph.nodes[brakel]["kreis"] == "Kreis Höxter"


def test_as_of_keeps_only_relations_valid_then(network):
    def has_board_seat(day: date | None) -> bool:
        return project(network, "people", day).has_edge(KROEGER, BOARD)

    # "Im November 2024 ... in den Vorstand des Netzwerks berufen" (gYearMonth 2024-11)
    assert not has_board_seat(date(2024, 10, 1))
    assert has_board_seat(date(2024, 12, 1))
    assert has_board_seat(None)
    # Relations with unknown bounds are included on any date.
    assert project(network, "organizations", date(1990, 1, 1)).has_edge(AMT, DORTMUND)


def test_comparing_two_dates(network):
    table = compare(network, "governance", date(2024, 10, 1), date(2025, 3, 1))
    changes = {(row["change"], row["source"], row["target"]) for row in table.rows}
    assert ("added", AMT, AG_STADTUMBAU) in changes
    assert ("added", KROEGER, BOARD) in changes
    assert {row["change"] for row in table.rows} <= {"added", "changed"}  # changed: how sure a relation is
    backwards = compare(network, "governance", date(2025, 3, 1), date(2024, 10, 1))
    assert {(row["source"], row["target"]) for row in backwards.rows if row["change"] == "removed"} == {(s, t) for c, s, t in changes if c == "added"}
    assert {(row["source"], row["target"]) for row in backwards.rows if row["change"] == "changed"} == {(s, t) for c, s, t in changes if c == "changed"}


def test_unknown_projection_names_the_valid_ones(network):
    with pytest.raises(AnalyticsError, match="valid: organizations, people, municipalities, governance, co-membership"):
        project(network, "buildings")


# --- Metrics ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def organizations(network):
    return project(network, "organizations", date(2025, 3, 1))


def test_degree_counts_relations_and_neighbours(organizations):
    rows = {row["node"]: row for row in degree(organizations).rows}
    assert rows[NETWORK]["degree"] == organizations.degree(NETWORK) == rows[NETWORK]["in_degree"] + rows[NETWORK]["out_degree"]
    assert rows[DORTMUND]["neighbours"] == len(set(organizations.successors(DORTMUND)) | set(organizations.predecessors(DORTMUND)))
    assert degree(organizations).rows[0]["node"] == NETWORK  # the hub after the 2024 merger


def test_sampled_betweenness_over_all_nodes_equals_exact(organizations):
    exact = betweenness(organizations)
    sampled = betweenness(organizations, samples=organizations.number_of_nodes())
    assert exact.notes["method"] == "exact" and sampled.notes["method"] == "sampled"
    assert {r["node"]: r["betweenness"] for r in exact.rows} == pytest.approx({r["node"]: r["betweenness"] for r in sampled.rows})
    assert exact.rows[0]["node"] in (NETWORK, INNENSTADT, DORTMUND)
    with pytest.raises(AnalyticsError, match="samples"):
        betweenness(organizations, samples=0)


def test_pagerank_is_a_distribution_led_by_the_network(organizations):
    rows = pagerank(organizations).rows
    assert sum(row["pagerank"] for row in rows) == pytest.approx(1.0, abs=1e-4)
    assert rows[0]["node"] == NETWORK


def test_before_the_merger_the_hub_is_the_former_network_with_the_most_members_known(network):
    before = project(network, "organizations", date(2023, 6, 1))
    assert degree(before).rows[0]["node"] == pagerank(before).rows[0]["node"] == INNENSTADT
    assert not any(INNENSTADT in edge for edge in project(network, "organizations", date(2025, 3, 1)).edges)  # gone with the merger


def test_dortmund_bridges_the_five_working_groups(organizations):
    rows = {row["node"]: row for row in brokerage(organizations).rows}
    assert rows[DORTMUND]["groups"] == 5 and rows[DORTMUND]["group_pairs"] == 10
    assert "AG Stadtumbau" in rows[DORTMUND]["bridges"]
    assert NETWORK not in rows  # containing the groups is not bridging them
    assert all(row["groups"] >= 2 for row in rows.values())


def test_components_and_communities_partition_the_nodes(organizations):
    for table, column in ((components(organizations), "component"), (communities(organizations), "community")):
        assert sorted(row["node"] for row in table.rows) == sorted(organizations.nodes)
        sizes = {}
        for row in table.rows:
            sizes.setdefault(row[column], set()).add(row["node"])
        assert all(len(members) == row["size"] for row in table.rows for members in [sizes[row[column]]])
    assert communities(organizations).notes["modularity"] > 0
    assert communities(organizations).rows == communities(organizations).rows  # seeded: the same every time


def test_ego_network(network):
    ego = ego_network(project(network, "people", date(2025, 3, 1)), KROEGER)
    assert set(ego) == {KROEGER, AMT, AG_STADTUMBAU, BOARD}
    with pytest.raises(UnknownNode):
        ego_network(project(network, "people"), "https://example.org/nobody")


# --- Coordination chains ------------------------------------------------------------------------


def chains_from(network, start: str, day: date) -> list[list[dict]]:
    table = coordination_chains(project(network, "governance", day), start)
    chains: dict[int, list[dict]] = {}
    for row in table.rows:
        chains.setdefault(row["chain"], []).append(row)
    return list(chains.values())


def test_dortmund_reaches_the_board_through_the_amt_and_kroeger_in_march_2025(network):
    chains = chains_from(network, DORTMUND, date(2025, 3, 1))
    assert chains
    for chain in chains:
        assert chain[0]["from"] == DORTMUND and chain[-1]["to"] == BOARD
        assert [step["step"] for step in chain] == list(range(1, len(chain) + 1))
        assert all(step["provenance"] and step["relation"] for step in chain)
    via = {tuple(step["to"] for step in chain) for chain in chains}
    assert (AMT, KROEGER, BOARD) in via
    last = next(chain for chain in chains if tuple(s["to"] for s in chain) == (AMT, KROEGER, BOARD))[-1]
    assert last["relation"] == "membership" and last["role"] == "Vorstandsmitglied" and last["start"] == "2024-11"
    assert PRESS_RELEASE in last["provenance"]


def test_dortmund_does_not_reach_the_board_in_october_2024(network):
    assert chains_from(network, DORTMUND, date(2024, 10, 1)) == []


def test_chains_from_every_start_include_kroeger(network):
    table = coordination_chains(project(network, "governance", date(2025, 3, 1)))
    starts = {row["from"] for row in table.rows if row["step"] == 1}
    assert {DORTMUND, AMT, KROEGER} <= starts
    assert table.notes["chains"] == len({row["chain"] for row in table.rows})


def test_chains_need_a_directed_projection(network):
    with pytest.raises(AnalyticsError, match="directed projection"):
        metric_table(network, "chains", "municipalities")


# --- Tables over HTTP and the CLI ---------------------------------------------------------------


def test_api_chains_as_json(client):
    response = client.get(f"/api/analytics/chains?asOf=2025-03-01&node={DORTMUND}")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["ok"] is True and body["metric"] == "chains" and body["as_of"] == "2025-03-01"
    assert body["columns"][:3] == ["chain", "step", "from"]
    assert {row["to"] for row in body["rows"]} >= {AMT, KROEGER, BOARD}


def test_api_table_as_csv_by_accept_header_or_parameter(client):
    by_header = client.get("/api/analytics/degree?projection=people&asOf=2025-03-01", headers={"Accept": "text/csv"})
    by_parameter = client.get("/api/analytics/degree?projection=people&asOf=2025-03-01&format=csv")
    assert by_header.mimetype == by_parameter.mimetype == "text/csv"
    assert by_header.data == by_parameter.data
    rows = list(csv.DictReader(io.StringIO(by_header.data.decode())))
    assert rows[0]["node"] == KROEGER and int(rows[0]["degree"]) >= 4


@pytest.mark.parametrize("metric", ["degree", "betweenness", "pagerank", "brokerage", "components", "communities", "chains"])
def test_api_serves_every_metric(client, metric):
    body = client.get(f"/api/analytics/{metric}?asOf=2025-03-01").get_json()
    assert body["ok"] is True and body["metric"] == metric
    assert all(set(row) <= set(body["columns"]) for row in body["rows"])


def test_api_changes_between_two_dates(client):
    body = client.get("/api/analytics/changes?projection=people&from=2024-10-01&to=2025-03-01").get_json()
    assert {(row["change"], row["source"], row["target"]) for row in body["rows"]} >= {("added", KROEGER, BOARD)}


@pytest.mark.parametrize("path", ["/api/analytics/degree", "/api/analytics/changes?from=2024-10-01&to=2025-03-01",
                                  "/api/graph/organizations.graphml"])
def test_api_analysis_that_outlives_the_timeout_is_a_503(built, path):
    from api import create_app

    app = create_app(built.with_(query_timeout=1e-9))  # no analysis finishes within a nanosecond
    response = app.test_client().get(path, headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert "the analysis ran longer than the limit" in response.get_json()["error"]


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/api/analytics/closeness", 404, "unknown metric 'closeness'; valid: degree, betweenness"),
        ("/api/analytics/degree?projection=roads", 400, "unknown projection 'roads'"),
        ("/api/analytics/degree?asOf=2025-13-01", 400, "parameter asOf: invalid date"),
        ("/api/analytics/betweenness?samples=-3", 400, "parameter samples must be a whole number"),
        ("/api/analytics/degree?format=xlsx", 400, "unknown table format 'xlsx'"),
        ("/api/analytics/chains?projection=municipalities", 400, "chains need a directed projection"),
        ("/api/analytics/chains?node=https://example.org/x", 404, "'https://example.org/x' is not in the governance projection"),
        ("/api/analytics/changes?from=2024-10-01", 400, "parameter to is required"),
        ("/api/analytics/changes?asOf=2024-10-01", 400, "give from and to, not asOf"),
        ("/api/analytics/degree?node=" + DORTMUND, 400, "node is for chains (the start), not for degree"),
        ("/api/analytics/pagerank?samples=10", 400, "samples is for betweenness, not for pagerank"),
    ],
)
def test_api_bad_requests_get_clear_errors(client, path, status, message):
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == status
    body = response.get_json()
    assert body["ok"] is False and message in body["error"]
    as_text = client.get(path, headers={"Accept": "text/plain"})
    assert as_text.status_code == status and as_text.mimetype == "text/plain" and message in as_text.get_data(as_text=True)


def test_cli_analytics_chains_as_json(built):
    arguments = ["--data-dir", str(built.data_dir), "analytics", "chains", "--as-of", "2025-03-01", "--node", DORTMUND, "-f", "json"]
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["rows"]
    assert [row["to"] for row in rows if row["chain"] == 1][-1] == BOARD


def test_cli_analytics_table_and_bad_date(built):
    result = CliRunner().invoke(cli, ["--data-dir", str(built.data_dir), "analytics", "brokerage"])
    assert result.exit_code == 0 and "Dortmund" in result.output and "metric: brokerage" in result.output
    bad = CliRunner().invoke(cli, ["--data-dir", str(built.data_dir), "analytics", "degree", "--as-of", "1.3.2025"])
    assert bad.exit_code == 2 and "expected YYYY-MM-DD" in bad.output
    half = CliRunner().invoke(cli, ["--data-dir", str(built.data_dir), "analytics", "changes", "--from", "2024-10-01"])
    assert half.exit_code == 2 and "give --from DATE and --to DATE" in half.output


# --- Small hand-made networks for what the real graph does not show -----------------------------


def small_network():
    from graph.network import Entity, Network, Relation

    def municipality(slug: str) -> Entity:
        return Entity(ID + slug, slug.title(), "Municipality", "Gemeinde", False, {"ags": "0" * 8})

    group = Entity(ID + "ag", "AG", "WorkingGroup", "Arbeitsgemeinschaft (AG)", False)
    entities = {e.iri: e for e in (municipality("a"), municipality("b"), municipality("c"), group)}
    source = (ID + "source/s",)
    relations = (
        Relation(ID + "m/a", ID + "a", ID + "ag", "membership", None, "2020", "2022-06", source),
        Relation(ID + "m/b", ID + "b", ID + "ag", "membership", None, "2021-03", None, source),
        Relation(ID + "m/c", ID + "c", ID + "ag", "membership", None, "2023-01-01", None, source),
        Relation(ID + "k/b", ID + "b", ID + "ag", "coordination", "kommunale Koordinierung", "2024-01-01", None, source),
    )
    return Network(entities, relations, {ID + "source/s": "S"})


def test_co_membership_lasts_while_both_memberships_overlap():
    graph = project(small_network(), "municipalities")
    (edge,) = graph.get_edge_data(ID + "a", ID + "b").values()
    assert (edge["start"], edge["end"], edge["group"]) == ("2021-03", "2022-06", ID + "ag")
    assert not graph.has_edge(ID + "a", ID + "c")  # a left before c joined
    (later,) = graph.get_edge_data(ID + "b", ID + "c").values()
    assert later["start"] == "2023-01-01" and "end" not in later  # both still members
    assert not project(small_network(), "municipalities", date(2022, 7, 1)).has_edge(ID + "a", ID + "b")


def test_comparison_reports_changed_pairs():
    rows = {(row["source"], row["target"]): row for row in compare(small_network(), "organizations", date(2022, 1, 1), date(2024, 6, 1)).rows}
    assert rows[(ID + "a", ID + "ag")]["change"] == "removed"
    assert rows[(ID + "c", ID + "ag")]["change"] == "added"
    changed = rows[(ID + "b", ID + "ag")]
    assert changed["change"] == "changed" and "coordination (kommunale Koordinierung) 2024-01-01.." in changed["after"]
    assert changed["before"] == "membership 2021-03.. [possible]"  # a stated beginning, never observed
