"""What the member evidence says, computed from the CSV files and the curated source files
(independently of the build's import), for the tests that compare it with the built graph."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from graph.build import members

ID = "https://w3id.org/govgraph/id/"
REPO = Path(__file__).resolve().parent.parent
PREFIXES = """
PREFIX gg: <https://w3id.org/govgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
NETWORK_IRIS = {
    "netzwerk-innenstadt-nrw": ID + "organization/netzwerk-innenstadt-nrw",
    "ag-historische-stadt-und-ortskerne-nrw": ID + "organization/arbeitsgemeinschaft-historische-stadt-und-ortskerne-in-nrw",
    "forum-baulandmanagement-nrw": ID + "organization/forum-baulandmanagement-nrw",
    "staedtenetz-soziale-stadt-nrw": ID + "organization/staedtenetz-soziale-stadt-nrw",
    "stadtumbaunetzwerk-nrw": ID + "organization/stadtumbaunetzwerk-nrw",
    "netzwerk-stadtentwicklung-nrw": ID + "organization/netzwerk-stadtentwicklung-nrw",
}
NOT_MEMBERSHIP = {"council-decision-to-apply": "Decision", "council-proposal": "Proposal", "intends-to-join": "Intention"}
# Names a source gives that are not the reference data's name or "<name>-<district>", and why they are right.
NAME_VARIANTS = {
    ("Mülheim a.d.R.", "05117000"): "abbreviation of Mülheim an der Ruhr",
    ("Stadt Blankenberg", "05382020"): "Stadt Blankenberg is a district of Hennef (Sieg), mapped to its municipality",
}
MERGER_DAY = "2024-01-01"  # the five former networks continue as AGs from this day (README W3)


def read_csv(settings, name: str) -> list[dict[str, str]]:
    with open(Path(settings.member_sources_dir) / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def select(store, query: str, **bindings) -> list[dict[str, str | None]]:
    """Rows of a SELECT as dicts of plain values; `bindings` are IRIs given to variables (a VALUES block)."""
    if bindings:
        values = "VALUES (" + " ".join(f"?{name}" for name in bindings) + ") { (" + " ".join(f"<{iri}>" for iri in bindings.values()) + ") }"
        query = query.replace("WHERE {", "WHERE { " + values, 1)
    result = store.query(PREFIXES + query)
    names = [variable.value for variable in result.variables]
    return [{name: (row[name].value if row[name] is not None else None) for name in names} for row in result]


def curated_graph() -> Graph:
    """The union of the curated source files, as written (no reasoning)."""
    graph = Graph()
    for path in sorted((REPO / "graph" / "sources").glob("*.ttl")):
        graph.parse(path, format="turtle", publicID=ID)
    return graph


def source_iris(source_urls: dict[str, str], curated: Graph) -> dict[str, str]:
    """CSV source id -> the source's IRI: the curated file's where it describes the same URL."""
    by_url = {str(url).rstrip("/").lower(): str(source) for source, url in curated.subject_objects(URIRef("http://schema.org/url"))}
    return {sid: by_url.get(url.rstrip("/").lower(), ID + f"source/{sid.lower()}") for sid, url in source_urls.items()}


def successors(store) -> dict[str, str]:
    """Former network -> the working group that replaces it."""
    return {row["former"]: row["ag"] for row in select(store, "SELECT ?former ?ag WHERE { ?ag dcterms:replaces ?former }")}


def member_iri(row: dict[str, str]) -> str:
    if row["member_kind"] == "municipality":
        return ID + f"organization/gemeinde-{row['ags']}"
    if row["member_kind"] == "municipality-outside-nrw":
        return ID + "organization/gemeinde-06431005"  # Bürstadt, checked in test_refdata
    return ID + "organization/" + members.ORGANISATION_MEMBERS[row["member_as_listed"]][0]


def target(row: dict[str, str], successors: dict[str, str]) -> str:
    """The network a row speaks about: its AG where the row is dated on or after the merger."""
    network = NETWORK_IRIS[row["network"]]
    if row["as_of"] and row["as_of"] >= MERGER_DAY[: len(row["as_of"])] and network in successors:
        return successors[network]
    return network




def expected_members(rows: list[dict[str, str]], successors: dict[str, str], curated: Graph) -> dict[str, set[str]]:
    """organisation -> its members: from the rows that are evidence of membership and from the curated files."""
    expected: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if row["evidence"] not in NOT_MEMBERSHIP:
            expected[target(row, successors)].add(member_iri(row))
    org = "http://www.w3.org/ns/org#"
    for node in curated.subjects(RDF.type, URIRef(org + "Membership")):
        expected[str(curated.value(node, URIRef(org + "organization")))].add(str(curated.value(node, URIRef(org + "member"))))
    return expected


FIVE = [iri for name, iri in NETWORK_IRIS.items() if name != "netzwerk-stadtentwicklung-nrw"]


def network_lines(store) -> dict[str, set[str]]:
    """Each of the five former networks -> the organisations of its line: itself, its AG, its predecessors."""
    lines = {network: {network} for network in FIVE}
    for row in select(store, "SELECT ?former ?ag WHERE { ?ag dcterms:replaces ?former }"):
        if row["former"] in lines:
            lines[row["former"]].add(row["ag"])
    for row in select(store, """SELECT ?original ?result WHERE { ?merger a gg:Merger ; org:originalOrganization ?original ;
                                org:resultingOrganization ?result . ?result a gg:FormerNetwork }"""):
        if row["result"] in lines:
            lines[row["result"]].add(row["original"])
    return lines


def municipalities_by_network(expected: dict[str, set[str]], lines: dict[str, set[str]], municipalities: set[str]) -> dict[str, set[str]]:
    """The five former networks -> the municipalities known as members of any organisation of their line."""
    return {network: {m for organization in line for m in expected.get(organization, set()) if m in municipalities} for network, line in lines.items()}
