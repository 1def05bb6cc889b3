"""The named queries about the real network answer what the CSV files and the curated histories say.

Expected numbers are computed in the test from the member evidence (tests/member_evidence.py)
and the reference data, not taken from the build.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

import pytest

from graph.build.refdata import read_gazetteer
from graph.describe import answer_records, run_named_query
from member_evidence import ID, FIVE, curated_graph, expected_members, municipalities_by_network, network_lines, successors
from queries import load_queries

QUERIES = load_queries()
INNENSTADT = ID + "organization/netzwerk-innenstadt-nrw"
HSO = ID + "organization/arbeitsgemeinschaft-historische-stadt-und-ortskerne-in-nrw"
MEERBUSCH = ID + "organization/gemeinde-05162022"


def ask(store, name: str, **arguments: str) -> list[dict]:
    return answer_records(run_named_query(store, QUERIES[name], arguments, id_base=ID).result)[1]


@pytest.fixture(scope="module")
def expected(graph_store, member_rows) -> dict[str, set[str]]:
    """Organisation -> its members, from the evidence and the curated files."""
    return expected_members(member_rows, successors(graph_store), curated_graph())


@pytest.fixture(scope="module")
def municipalities(settings) -> set[str]:
    return {ID + f"organization/gemeinde-{m.ags}" for m in read_gazetteer(settings.refdata_dir, land=None).municipalities}


@pytest.fixture(scope="module")
def by_network(graph_store, expected, municipalities) -> dict[str, set[str]]:
    """The five former networks -> the municipalities the evidence makes members of their line."""
    return municipalities_by_network(expected, network_lines(graph_store), municipalities)


def test_the_overlap_table_matches_the_evidence(graph_store, by_network):
    rows = ask(graph_store, "network-overlaps")
    table = {(row["network"], row["otherNetwork"]): int(row["municipalities"]) for row in rows}
    assert set(table) == {(a, b) for a in FIVE for b in FIVE}
    for a in FIVE:
        for b in FIVE:
            assert table[(a, b)] == len(by_network[a] & by_network[b]), (a, b)


def test_municipalities_in_several_networks(graph_store, by_network):
    counts = Counter(m for members in by_network.values() for m in members)
    rows = ask(graph_store, "multi-network-members", minNetworks="2")
    assert {row["municipality"]: int(row["networks"]) for row in rows} == {m: n for m, n in counts.items() if n >= 2}
    assert rows[0]["municipalityLabel"] == "Dortmund" and int(rows[0]["networks"]) == 5  # the press release


def test_members_per_regierungsbezirk(graph_store, by_network, expected, municipalities, settings):
    gazetteer = read_gazetteer(settings.refdata_dir)
    members = set().union(*by_network.values()) | (expected[ID + "organization/netzwerk-stadtentwicklung-nrw"] & municipalities)
    expected = Counter(m.ags[:3] for m in gazetteer.municipalities if ID + f"organization/gemeinde-{m.ags}" in members)
    rows = [row for row in ask(graph_store, "members-by-region") if row["level"] == "Regierungsbezirk"]
    assert {row["administrativeDistrict"].rsplit("-", 1)[-1]: int(row["members"]) for row in rows} == dict(expected)
    assert sum(int(row["municipalities"]) for row in rows) == 396


def test_members_per_kreis_add_up_to_their_regierungsbezirk(graph_store):
    rows = ask(graph_store, "members-by-region", network=INNENSTADT)
    totals = {row["administrativeDistrict"]: int(row["members"]) for row in rows if row["level"] == "Regierungsbezirk"}
    parts = Counter()
    for row in rows:
        if row["level"] != "Regierungsbezirk":
            parts[row["administrativeDistrict"]] += int(row["members"])
    assert dict(parts) == totals


def test_growth_shows_stated_counts_beside_the_lists(graph_store, member_rows):
    rows = ask(graph_store, "network-growth", network=INNENSTADT)
    stated = [(row["date"], int(row["count"])) for row in rows if row["kind"] == "stated"]
    assert stated == [("2013-04", 78), ("2017", 87), ("2023-03", 168)]
    listed = {row["date"]: int(row["count"]) for row in rows if row["kind"] == "listed"}
    in_list = {row["ags"] or row["member_as_listed"] for row in member_rows if row["sources"] == "I01"}
    assert listed == {"2013-04": len(in_list)}


def test_the_founding_count_is_a_lower_bound(graph_store):
    rows = ask(graph_store, "network-growth", network=ID + "organization/netzwerk-stadtentwicklung-nrw")
    assert [(row["date"], row["count"], row["atLeast"]) for row in rows] == [("2024-01-15", 140, True)]


@pytest.mark.parametrize(
    "network, holder, since, until",
    [
        (INNENSTADT, "Bocholt", "2008", "2016-11"),
        (INNENSTADT, "Gelsenkirchen", "2016-12", "2019"),
        (INNENSTADT, "Münster", "2020-01", None),
        (HSO, "Lemgo", "2019", None),
        (HSO, "Lippstadt", None, "2019"),
        (HSO, "Dr. Reiner Austermann", "2019", "2020"),
    ],
)
def test_offices_keep_the_sources_precision(graph_store, network, holder, since, until):
    rows = [row for row in ask(graph_store, "office-holders", organization=network) if row["holderLabel"] == holder]
    assert [(row["since"], row["until"]) for row in rows if "Vorsitz" in row["roles"] or "Geschäftsstelle" in row["roles"]][0] == (since, until)
    assert all(row["sources"] for row in rows)


def test_a_council_decision_is_on_the_municipalitys_timeline_as_a_decision(graph_store):
    rows = ask(graph_store, "municipality-networks", municipality=MEERBUSCH)
    assert rows and {row["relation"] for row in rows} == {"decision"}
    assert {row["date"] for row in rows} == {"2023"}


def test_a_municipalitys_networks_over_time(graph_store, member_rows):
    rows = ask(graph_store, "municipality-networks", municipality=ID + "organization/gemeinde-05515000")
    dated = [row["date"] for row in rows if row["date"]]
    assert dated == sorted(dated)
    expected = {(row["as_of"], row["evidence"]) for row in member_rows if row["ags"] == "05515000" and row["as_of"]}
    found = {(row["date"], row["evidence"].rsplit("/", 1)[-1]) for row in rows if row["relation"] == "membership" and row["evidence"]}
    assert expected <= found


def test_network_members_on_a_list_date(graph_store, member_rows):
    rows = ask(graph_store, "network-members", network=INNENSTADT, asOf="2013-04-15")
    listed = {ID + f"organization/gemeinde-{row['ags']}" for row in member_rows if row["sources"] == "I01" and row["ags"]}
    assert listed <= {row["member"] for row in rows}
    for row in rows:
        if row["member"] in listed:
            assert row["observedBefore"] == "2013-04" and "2013-04 Mitgliederliste (I01)" in row["evidence"]


@pytest.mark.parametrize(
    "as_of, certainty, observed_before",
    [
        ("2013-04-15", "certain", "2013-04"),  # the list's month: a source speaks for the day
        ("2015-04-15", "possible", "2013-04"),  # between the list and the merger: only possible
    ],
)
def test_a_listed_member_is_certain_on_the_lists_date_only(graph_store, as_of, certainty, observed_before):
    rows = ask(graph_store, "network-members", network=INNENSTADT, asOf=as_of)
    ahaus = [row for row in rows if row["member"] == ID + "organization/gemeinde-05554004"]
    assert [(row["certainty"], row["observedBefore"]) for row in ahaus] == [(certainty, observed_before)]


@pytest.mark.parametrize("as_of", ["2007-12-31", "2024-01-01", "2030-01-01"])
def test_no_member_of_a_former_network_outside_its_lifetime(graph_store, as_of):
    assert ask(graph_store, "network-members", network=INNENSTADT, asOf=as_of) == []


def test_the_ag_holds_what_sources_say_after_the_merger(graph_store):
    rows = ask(graph_store, "network-members", network=ID + "organization/ag-soziale-stadt", asOf="2024-06-01")
    assert {row["memberLabel"] for row in rows} >= {"Witten", "Dortmund"}


def test_the_queries_are_rest_routes(client):
    response = client.get("/api/queries/network-overlaps.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert len(response.get_data(as_text=True).strip().splitlines()) == 1 + 25
    response = client.get("/api/queries/network-members?" + urlencode({"network": INNENSTADT, "asOf": "2013-04-15"}))
    body = response.get_json()
    assert body["ok"] and body["rows"]
    assert client.get("/api/queries/network-members").status_code == 400  # network is required
