"""The co-membership projection: municipalities linked by the networks they share.

The networks are the Netzwerk Stadtentwicklung NRW and the former networks (gg:Network,
gg:FormerNetwork); a working group that replaces a former network (dcterms:replaces)
counts as that network, so a town listed by the Netzwerk Innenstadt NRW in 2013 and by the
AG Innenstadt in 2024 is in one network, not two. Each pair of municipalities that share
at least one network is one edge: `weight` is the number of networks they share,
`networks` names them, `provenance` lists the sources of the memberships behind it.
Which memberships count (as of a date, or all) is decided by the caller.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Iterable

import networkx as nx

from graph.network.relations import Network, Relation

NETWORK_TYPES = ("Network", "FormerNetwork")
MUNICIPALITY = "Municipality"


def network_lines(network: Network) -> dict[str, str]:
    """Organisation -> the network it stands for: a network itself, or the former network a working group replaces."""
    lines = {iri: iri for iri, entity in network.entities.items() if entity.type in NETWORK_TYPES}
    for relation in network.relations:
        if relation.kind == "replaces" and relation.target in lines:
            lines.setdefault(relation.source, relation.target)
    return lines


def memberships_by_municipality(network: Network, relations: Iterable[Relation]) -> dict[str, dict[str, list[Relation]]]:
    """Municipality -> network -> the memberships that make it a member (coordinations are offices, not memberships)."""
    lines = network_lines(network)
    found: dict[str, dict[str, list[Relation]]] = defaultdict(lambda: defaultdict(list))
    for relation in relations:
        member = network.entities.get(relation.source)
        if relation.kind == "membership" and member is not None and member.type == MUNICIPALITY and relation.target in lines:
            found[relation.source][lines[relation.target]].append(relation)
    return found


def co_membership(network: Network, relations: Iterable[Relation]) -> nx.MultiGraph:
    """One node per member municipality, one edge per pair sharing a network (`weight` = how many)."""
    members = memberships_by_municipality(network, relations)
    graph = nx.MultiGraph()
    for iri in sorted(members):
        entity = network.entities[iri]
        shared = sorted(network.entities[line].label for line in members[iri])
        graph.add_node(iri, label=entity.label, type=entity.type, type_label=entity.type_label, **entity.attributes,
                       networks=len(shared), network_labels="; ".join(shared), network_iris=" ".join(sorted(members[iri])))
    for first, second in itertools.combinations(sorted(members), 2):
        shared_lines = sorted(set(members[first]) & set(members[second]))
        if not shared_lines:
            continue
        labels = [network.entities[line].label for line in shared_lines]
        sources = sorted({source for line in shared_lines for relation in members[first][line] + members[second][line] for source in relation.provenance})
        titles = [network.source_titles[source] for source in sources if source in network.source_titles]
        attributes: dict[str, object] = {
            "relation": "co-membership",
            "weight": len(shared_lines),
            "label": f"{len(shared_lines)} gemeinsame(s) Netzwerk(e)",
            "role": "; ".join(labels),
            "networks": " ".join(shared_lines),
            "provenance": " ".join(sources),
        }
        if titles:
            attributes["provenance_title"] = "; ".join(titles)
        graph.add_edge(first, second, key=f"co-membership {first} {second}", **attributes)
    return graph
