"""The home page's overview of each network: working groups with their coordination,
bodies with their members, supporters, involved authorities and member municipalities;
and the label search behind the search box."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph

from graph.namespaces import PREFIXES
from graph.describe.describe import labels_of
from graph.describe.labels import LabelBook, Link
from graph.store.store import GraphStore

_PREFIX_LINES = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())

NETWORKS_QUERY = _PREFIX_LINES + "SELECT DISTINCT ?network WHERE { ?network a gg:Network } ORDER BY ?network"

# Not BIND(EXISTS { … }): Virtuoso answers it as 1/0 (and, in other queries, crashed on it).
UNITS_QUERY = _PREFIX_LINES + """
SELECT DISTINCT ?network ?unit ?working_group WHERE {
  ?network org:hasSubOrganization ?unit .
  OPTIONAL { ?unit a ?working_group FILTER(?working_group = gg:WorkingGroup) }
} ORDER BY ?unit
"""

COORDINATION_QUERY = _PREFIX_LINES + """
SELECT DISTINCT ?unit ?coordinator ?start WHERE {
  ?coordination a gg:Coordination ; org:organization ?unit ; org:member ?coordinator .
  OPTIONAL { ?coordination org:memberDuring/time:hasBeginning/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?start }
} ORDER BY ?start ?coordinator
"""

RELATED_QUERY = _PREFIX_LINES + """
SELECT DISTINCT ?unit ?relation ?node WHERE {
  { ?unit dcterms:replaces ?node BIND("former" AS ?relation) }
  UNION { ?node org:subOrganizationOf ?unit BIND("body" AS ?relation) }
  UNION { ?membership a org:Membership ; org:organization ?unit ; org:member ?node ; org:role ?role
          FILTER NOT EXISTS { ?membership a gg:Coordination }
          BIND("member" AS ?relation) }
} ORDER BY ?relation ?node
"""

NETWORK_RELATIONS_QUERY = _PREFIX_LINES + """
SELECT DISTINCT ?network ?relation ?node WHERE {
  { ?network schema:sponsor ?node BIND("supporter" AS ?relation) }
  UNION { ?involvement a gg:PossibleInvolvement ; gg:involvedIn ?network ; gg:involvedAgent ?node BIND("involved" AS ?relation) }
  UNION { ?membership a org:Membership ; org:organization ?network ; org:member ?node
          FILTER NOT EXISTS { ?membership a gg:Coordination }
          BIND("member" AS ?relation) }
} ORDER BY ?relation ?node
"""

# German spellings written both ways: "Kröger" and "Kroeger", "Straße" and "Strasse" match each other.
FOLDS = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}
MAX_SEARCH_RESULTS = 100


def fold(text: str) -> str:
    """Lower case with umlauts and ß written out, as the search compares texts.

    >>> fold("Kröger") == fold("KROEGER"), fold("Straße") == fold("strasse")
    (True, True)
    """
    folded = text.lower()
    for letter, spelling in FOLDS.items():
        folded = folded.replace(letter, spelling)
    return folded


def _sparql_fold(expression: str) -> str:
    """The same folding as `fold`, as a SPARQL expression (so the store filters, on either backend)."""
    folded = f"LCASE({expression})"
    for letter, spelling in FOLDS.items():
        folded = f'REPLACE({folded}, "{letter}", "{spelling}")'
    return folded


SEARCH_QUERY = _PREFIX_LINES + f"""
SELECT DISTINCT ?text ?id_base ?node ?label WHERE {{
  ?node rdfs:label ?label .
  FILTER(isIRI(?node) && STRSTARTS(STR(?node), ?id_base) && CONTAINS({_sparql_fold("STR(?label)")}, ?text))
}}
"""


@dataclass(frozen=True)
class Unit:
    """A working group or body of the network with what the overview says about it."""

    link: Link
    description: str | None
    coordinators: tuple[tuple[Link, str | None], ...]
    former: tuple[Link, ...]
    bodies: tuple[Link, ...]
    members: tuple[Link, ...]


@dataclass(frozen=True)
class NetworkOverview:
    """One network's structure, ready to render."""

    network: Link
    description: str | None
    working_groups: tuple[Unit, ...]
    bodies: tuple[Unit, ...]
    supporters: tuple[Link, ...]
    involved: tuple[Link, ...]
    members: tuple[Link, ...]


def network_overviews(store: GraphStore, language: str) -> list[NetworkOverview]:
    """The structure of every network in the graph (usually one)."""
    networks = [row["network"] for row in store.query(NETWORKS_QUERY)]
    overviews = []
    for network in networks:
        units = [(row["unit"], row["working_group"] is not None) for row in store.query(UNITS_QUERY, substitutions={"network": network})]
        related = {unit: _related(store, unit) for unit, _ in units}
        coordination = {
            unit: [(row["coordinator"], row["start"].value if row["start"] else None) for row in store.query(COORDINATION_QUERY, substitutions={"unit": unit})]
            for unit, _ in units
        }
        network_related = _related(store, network, NETWORK_RELATIONS_QUERY, "network")
        mentioned = {network, *(u for u, _ in units), *(n for r in related.values() for nodes in r.values() for n in nodes)}
        mentioned |= {c for rows in coordination.values() for c, _ in rows} | {n for nodes in network_related.values() for n in nodes}
        book = LabelBook(labels_of(store, mentioned) + _descriptions(store, {network, *(u for u, _ in units)}), language)

        def link(node: pyoxigraph.NamedNode) -> Link:
            return Link(node.value, book.label(node))

        def links(nodes: list[pyoxigraph.NamedNode]) -> tuple[Link, ...]:
            return tuple(sorted((link(n) for n in nodes), key=lambda item: item.label.lower()))

        def unit_summary(unit: pyoxigraph.NamedNode) -> Unit:
            return Unit(
                link(unit),
                book.description(unit),
                tuple((link(c), start) for c, start in coordination[unit]),
                links(related[unit].get("former", [])),
                links(related[unit].get("body", [])),
                links(related[unit].get("member", [])),
            )

        overviews.append(
            NetworkOverview(
                network=link(network),
                description=book.description(network),
                working_groups=tuple(sorted((unit_summary(u) for u, is_wg in units if is_wg), key=lambda u: u.link.label.lower())),
                bodies=tuple(sorted((unit_summary(u) for u, is_wg in units if not is_wg), key=lambda u: u.link.label.lower())),
                supporters=links(network_related.get("supporter", [])),
                involved=links(network_related.get("involved", [])),
                members=links(network_related.get("member", [])),
            )
        )
    return overviews


def search(store: GraphStore, text: str, id_base: str, language: str) -> list[Link]:
    """Entities with a label containing `text` (folded: case, umlauts, ß), best matches first, labelled in the reader's language.

    The order: a label equal to the text, then one starting with it, then one with a word
    starting with it, then the rest; shorter labels first within each.
    """
    wanted = fold(text)
    rows = store.query(SEARCH_QUERY, substitutions={"text": pyoxigraph.Literal(wanted), "id_base": pyoxigraph.Literal(id_base)})
    best: dict[pyoxigraph.NamedNode, tuple[int, int]] = {}
    for row in rows:
        label = fold(row["label"].value)
        rank = (match_quality(label, wanted), len(label))
        best[row["node"]] = min(rank, best.get(row["node"], rank))
    nodes = sorted(best, key=lambda node: (best[node], node.value))[:MAX_SEARCH_RESULTS]
    book = LabelBook(labels_of(store, set(nodes)), language)
    return sorted((Link(node.value, book.label(node)) for node in nodes), key=lambda link: (best[pyoxigraph.NamedNode(link.iri)], link.label.lower()))


def match_quality(label: str, text: str) -> int:
    """0 for the whole label, 1 for its beginning, 2 for a word's beginning, 3 for anywhere else (both folded).

    >>> [match_quality(label, "stadtumbau") for label in ("stadtumbau", "stadtumbaunetzwerk nrw", "ag stadtumbau", "ag-stadtumbau")]
    [0, 1, 2, 2]
    """
    if label == text:
        return 0
    if label.startswith(text):
        return 1
    if re.search(r"(?<![^\W_])" + re.escape(text), label):
        return 2
    return 3


def _related(store: GraphStore, node: pyoxigraph.NamedNode, query: str = RELATED_QUERY, variable: str = "unit") -> dict[str, list[pyoxigraph.NamedNode]]:
    related: dict[str, list[pyoxigraph.NamedNode]] = {}
    for row in store.query(query, substitutions={variable: node}):
        if isinstance(row["node"], pyoxigraph.NamedNode):
            related.setdefault(row["relation"].value, []).append(row["node"])
    return related


DESCRIPTIONS_QUERY = _PREFIX_LINES + "CONSTRUCT { ?node dcterms:description ?text } WHERE { VALUES ?node { %s } ?node dcterms:description ?text }"


def _descriptions(store: GraphStore, nodes: set[pyoxigraph.NamedNode]) -> list[pyoxigraph.Triple]:
    values = " ".join(str(node) for node in sorted(nodes, key=lambda node: node.value))
    return list(store.query(DESCRIPTIONS_QUERY % values))
