"""The real network: every row of network-members.csv is in the built graph as what it is.

The expectations are computed here from the CSV files (read with the csv module, not
with the build's code) and from the curated source files, and compared with the graph.
"""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph

from graph.build import members
from graph.build.refdata import read_gazetteer
from graph.errors import BuildError
from member_evidence import NAME_VARIANTS, NETWORK_IRIS, NOT_MEMBERSHIP, curated_graph, expected_members, member_iri, read_csv, select, successors, target

ID = "https://w3id.org/govgraph/id/"

@pytest.fixture(scope="module")
def rows(member_rows):
    return member_rows


@pytest.fixture(scope="module")
def source_iris(member_source_iris):
    return member_source_iris


@pytest.fixture(scope="module")
def source_urls(settings) -> dict[str, str]:
    return {row["id"]: row["url"] for row in read_csv(settings, "network-member-sources.csv")}


@pytest.fixture(scope="module")
def curated() -> Graph:
    return curated_graph()


@pytest.fixture(scope="module")
def the_successors(graph_store) -> dict[str, str]:
    return successors(graph_store)


# --- the reference data ----------------------------------------------------------------------


def test_every_ags_and_name_is_the_reference_datas(rows, settings):
    municipalities = {m.ags: m.name for m in read_gazetteer(settings.refdata_dir).municipalities}

    def plain(text: str) -> str:
        return re.sub(r"\s*\([^)]*\)\s*$", "", re.sub(r"^(?:Stadt|Gemeinde|Alte Hansestadt|Hansestadt) ", "", text.strip())).strip()

    wrong = []
    for row in rows:
        if row["member_kind"] != "municipality":
            assert row["ags"] == "", row
            continue
        name = municipalities.get(row["ags"])
        listed, reference = plain(row["member_as_listed"]), plain(name or "")
        if name is None or not (listed == reference or listed.startswith(reference + "-") or (row["member_as_listed"], row["ags"]) in NAME_VARIANTS):
            wrong.append((row["member_as_listed"], row["ags"], name))
    assert wrong == []


def test_the_csv_has_the_members_the_issue_counts(rows):
    evidence = [row for row in rows if row["evidence"] not in NOT_MEMBERSHIP]
    assert len(rows) == 241
    assert len({row["ags"] for row in evidence if row["member_kind"] == "municipality"}) == 138


# --- every row is in the graph as what it is ---------------------------------------------------


@pytest.fixture(scope="module")
def memberships(graph_store) -> dict[tuple[str, str], dict[str, set]]:
    """(member, organisation) -> the membership nodes and the sources they derive from (no coordinations)."""
    found: dict[tuple[str, str], dict[str, set]] = defaultdict(lambda: {"nodes": set(), "sources": set()})
    for row in select(graph_store, """
        SELECT ?m ?member ?organization ?source WHERE {
          ?m a org:Membership ; org:member ?member ; org:organization ?organization .
          FILTER NOT EXISTS { ?m a gg:Coordination }
          OPTIONAL { ?m prov:wasDerivedFrom ?source } }"""):
        record = found[(row["member"], row["organization"])]
        record["nodes"].add(row["m"])
        if row["source"]:
            record["sources"].add(row["source"])
    return found


@pytest.fixture(scope="module")
def observations(graph_store) -> dict[str, set[tuple]]:
    """membership -> {(time value, datatype, evidence kind, source)}."""
    found: dict[str, set[tuple]] = defaultdict(set)
    for row in select(graph_store, """
        SELECT ?m ?value ?datatype ?kind ?source WHERE {
          ?o a gg:Observation ; gg:observationOf ?m ; gg:evidenceKind ?kind ; prov:wasDerivedFrom ?source ;
             time:hasTime/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?value .
          BIND(DATATYPE(?value) AS ?datatype) }"""):
        found[row["m"]].add((row["value"], row["datatype"].rsplit("#", 1)[-1], row["kind"].rsplit("/", 1)[-1], row["source"]))
    return found


DATATYPES = {4: "gYear", 7: "gYearMonth", 10: "date"}


def test_every_membership_row_is_a_membership_with_its_sources_and_observations(rows, memberships, observations, the_successors, source_iris):
    missing = []
    for row in rows:
        if row["evidence"] in NOT_MEMBERSHIP:
            continue
        key = (member_iri(row), target(row, the_successors))
        record = memberships.get(key)
        sources = {source_iris[sid] for sid in row["sources"].split()}
        if record is None or len(record["nodes"]) != 1 or not sources <= record["sources"]:
            missing.append((row["member_as_listed"], row["network"], "membership"))
            continue
        if row["as_of"]:
            (node,) = record["nodes"]
            expected = {(row["as_of"], DATATYPES[len(row["as_of"])], row["evidence"], source) for source in sources}
            if not expected <= observations.get(node, set()):
                missing.append((row["member_as_listed"], row["network"], "observation", row["as_of"]))
    assert missing == []


def test_undated_evidence_says_why_there_is_no_date(rows, graph_store, the_successors, source_iris):
    undated = [row for row in rows if not row["as_of"] and row["evidence"] not in NOT_MEMBERSHIP]
    assert undated, "the CSV has undated membership evidence"
    for row in undated:
        notes = select(graph_store, """
            SELECT ?note WHERE { ?m a org:Membership ; org:member ?member ; org:organization ?organization ; skos:note ?note
                                 FILTER(LANG(?note) = "en") }""", member=member_iri(row), organization=target(row, the_successors))
        sources = row["sources"].split()
        assert any(note["note"].startswith(f"No date: the source ({sources[0]})") and row["note"] in note["note"] for note in notes), row


def test_admissions_are_beginnings_inside_the_networks_lifetime(rows, graph_store, the_successors):
    beginnings = [row for row in rows if row["evidence"] in ("admission", "joining-declaration") and row["as_of"]]
    stated = 0
    for row in beginnings:
        answer = select(graph_store, """
            SELECT ?beginning ?note WHERE { ?m a org:Membership ; org:member ?member ; org:organization ?organization .
              FILTER NOT EXISTS { ?m a gg:Coordination }
              OPTIONAL { ?m org:memberDuring/time:hasBeginning ?instant FILTER NOT EXISTS { ?instant gg:derivedBy ?rule }
                         ?instant time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear ?beginning }
              OPTIONAL { ?m skos:note ?note FILTER(CONTAINS(STR(?note), "Vorgängerin")) } }""",
            member=member_iri(row), organization=target(row, the_successors))
        (found,) = answer
        if found["beginning"] is not None:
            assert found["beginning"] == row["as_of"]
            stated += 1
        else:  # admitted before the association came into being: a note, never a stated beginning before its lifetime
            assert f"({row['as_of']})" in found["note"]
    assert stated >= 3  # Haltern am See (Netzwerk Innenstadt), Unna and Telgte (HSO)


def test_decisions_proposals_and_intentions_are_never_memberships(rows, graph_store, memberships, the_successors, source_iris):
    for row in rows:
        if row["evidence"] not in NOT_MEMBERSHIP:
            continue
        member, network = member_iri(row), target(row, the_successors)
        sources = {source_iris[sid] for sid in row["sources"].split()}
        found = select(graph_store, f"""
            SELECT ?node ?source WHERE {{
              ?node a gg:{NOT_MEMBERSHIP[row['evidence']]} ; schema:about ?network ; prov:wasDerivedFrom ?source .
              {{ ?node prov:wasAssociatedWith|prov:wasAttributedTo|gg:proposedBy ?member }} }}""", member=member, network=network)
        assert sources <= {f["source"] for f in found}, row
        assert not {f["node"] for f in found} & {node for record in memberships.values() for node in record["nodes"]}
        record = memberships.get((member, network), {"sources": set()})
        assert not sources & record["sources"], f"{row['member_as_listed']}: a decision's source made a membership"


def test_counts_per_network_match_the_csv_and_the_curated_files(rows, memberships, the_successors, curated):
    expected = expected_members(rows, the_successors, curated)
    for network in list(NETWORK_IRIS.values()) + sorted(the_successors.values()):
        in_graph = {member for (member, organization) in memberships if organization == network}
        assert in_graph == expected[network], network
    assert len(expected[NETWORK_IRIS["netzwerk-innenstadt-nrw"]]) > 78


def test_no_membership_without_a_source(graph_store):
    assert select(graph_store, """SELECT ?m WHERE { ?m a org:Membership
        FILTER NOT EXISTS { ?m prov:wasDerivedFrom ?source . ?source a gg:Source } }""") == []


def test_every_cited_source_is_described_in_its_own_graph(rows, graph_store, source_urls, source_iris):
    cited = {sid for row in rows for sid in row["sources"].split()}
    for sid in sorted(cited):
        iri = source_iris[sid]
        graph = "https://w3id.org/govgraph/graph/" + iri.rsplit("/", 1)[-1]
        described = select(graph_store, """
            SELECT ?title ?publisher ?url ?notation WHERE { ?source a gg:Source ; dcterms:title ?title ;
              dcterms:publisher/skos:prefLabel ?publisher ; schema:url ?url ; skos:notation ?notation }""", source=iri)
        assert {(d["url"], d["notation"]) for d in described} == {(source_urls[sid], sid)}, sid
        facts = select(graph_store, "SELECT ?fact WHERE { GRAPH ?graph { ?fact prov:wasDerivedFrom ?source } }", graph=graph, source=iri)
        assert facts, f"the graph of {sid} holds no fact derived from it"


def test_sources_keep_vague_dates_vague(graph_store, source_iris):
    dates = {row["source"]: row["date"] for row in select(graph_store, "SELECT ?source ?date WHERE { ?source a gg:Source ; dcterms:issued ?date }")}
    assert dates[source_iris["I14"]] == "2023-05-22"
    assert dates[source_iris["I01"]] == "2013-04"  # "Stand April 2013"
    assert source_iris["Z04"] not in dates  # "ca. 2017/18"
    assert source_iris["I02"] not in dates  # "undatiert (nach 2020)"


def test_member_organisations_have_their_own_types(graph_store):
    types = {row["member"]: row["type"] for row in select(graph_store, """
        SELECT ?member ?type WHERE { ?m a org:Membership ; org:member ?member ; org:role <https://w3id.org/govgraph/id/role/mitgliedsorganisation> .
          ?member a ?type FILTER(STRSTARTS(STR(?type), "https://w3id.org/govgraph/ontology#")) }""")}
    assert types[ID + "organization/nrw-urban"].endswith("#Company")
    assert types[ID + "organization/handelsverband-nrw"].endswith("#Association")
    assert types[ID + "organization/regionalverband-ruhr"].endswith("#PublicAuthority")
    assert types[ID + "organization/staedtetag-nrw"].endswith("#MunicipalUmbrellaAssociation")


# --- bad input is a clear build error ------------------------------------------------------------


def _import(settings, directory: Path):
    from graph.build.build import parse_turtle
    from ontology import ONTOLOGY_FILE

    curated = Graph()
    for path in sorted(Path(settings.sources_dir).glob("*.ttl")):
        curated += parse_turtle(path, settings.id_base)
    return members.member_graphs(
        directory, settings.refdata_dir, read_gazetteer(settings.refdata_dir), curated,
        parse_turtle(ONTOLOGY_FILE, settings.id_base), settings.id_base, "2020",
    )


@pytest.mark.parametrize(
    "row, message",
    [
        ("netzwerk-innenstadt-nrw,Nirgendwo,05999999,municipality,member-list,2013-04,I01,x", "AGS '05999999' is no municipality"),
        ("netzwerk-innenstadt-nrw,Ahaus,05554004,municipality,member-list,2013-13,I01,x", "month must be in 1..12"),
        ("netzwerk-innenstadt-nrw,Ahaus,05554004,municipality,hearsay,2013-04,I01,x", "unknown evidence 'hearsay'"),
        ("netzwerk-innenstadt-nrw,Ahaus,05554004,municipality,member-list,2013-04,X99,x", "source X99 is not in"),
        ("irgendein-netzwerk,Ahaus,05554004,municipality,member-list,2013-04,I01,x", "unknown network"),
    ],
    ids=["ags", "date", "evidence", "source", "network"],
)
def test_a_bad_row_is_a_build_error_naming_its_line(settings, tmp_path, row, message):
    for name in ("network-members.csv", "network-member-sources.csv"):
        shutil.copy(Path(settings.member_sources_dir) / name, tmp_path / name)
    with open(tmp_path / "network-members.csv", "a", encoding="utf-8") as handle:
        handle.write(row + "\n")
    with pytest.raises(BuildError, match=r"network-members\.csv:243 .*" + re.escape(message)):
        _import(settings, tmp_path)
