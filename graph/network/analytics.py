"""Store -> networkx graphs (named projections, as of a date) and network metrics as tables.

Every function below is pure: it takes a store, a `Network` read from one, or a
graph, and returns a graph or a `Table`, so the CLI, the API and the benchmarks
share them.

- `projection(store, name, as_of)` — `organizations`, `people`, `municipalities`,
  `co-membership` (municipalities linked once per pair, `weight` = networks shared; see
  `graph.network.co_membership`) or `governance` (organisations and people together)
  as a networkx multigraph;
  nodes carry `label` (German), `type`, `type_label` (and for municipalities
  `ags`, `kreis`, `regierungsbezirk`, `population`), edges `relation`, `role`,
  `start`/`end` (the period's bounds as given, absent when unknown; `start_rule`/`end_rule`
  name the rule where a bound is derived, README "Time"), `certainty` on the as-of date
  (`certain` or `possible`), `observed` (latest observation) and `provenance` (the IRIs
  of its sources; `provenance_title` their titles). As of a date, a relation counts
  while it may hold, a link without a period while both of its ends exist.
- `compare(...)`, `degree(...)`, `betweenness(...)`, `pagerank(...)`,
  `brokerage(...)`, `components(...)`, `communities(...)`, `ego_network(...)`,
  `coordination_chains(...)`.
"""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable

import networkx as nx

from graph.errors import GovgraphError
from graph.time import first_day, last_day
from graph.network.co_membership import co_membership
from graph.network.relations import Entity, Network, Relation, read_network
from graph.store.store import GraphStore

ORGANISATION_RELATIONS = (
    "sub-organisation", "membership", "coordination", "support", "funding", "involvement", "steering", "replaces",
)
PERSON_RELATIONS = ("post", "head", "membership", "coordination", "involvement")
PROJECTIONS = ("organizations", "people", "municipalities", "governance", "co-membership")
# Links without a period of their own: they hold while both ends exist.
PLAIN_RELATIONS = ("sub-organisation", "head", "steering", "replaces")
METRICS = ("degree", "betweenness", "pagerank", "brokerage", "components", "communities", "chains")
GROUP_TYPES = ("WorkingGroup",)
# Ties through which a node takes part in a group (containment, succession and steering are structure).
AFFILIATION_RELATIONS = ("membership", "coordination", "involvement", "post", "head", "support", "funding", "co-membership")
BOARD_TYPES = ("Board",)
CHAIN_START_TYPES = ("Municipality", "MunicipalOffice", "Person")
# Chains climb by these relations (member -> body, holder -> organisation, unit -> parent) ...
CLIMBING_RELATIONS = ("membership", "coordination", "involvement", "post", "head", "sub-organisation")
# ... and descend only inside the start's own organisation: to its units and the people in their posts.
DESCENDING_RELATIONS = ("sub-organisation", "post", "head")
EXACT_BETWEENNESS_LIMIT = 1000
DEFAULT_BETWEENNESS_SAMPLES = 200
SEED = 42


class AnalyticsError(GovgraphError):
    """A request the analytics cannot answer as asked: names the input and what is valid."""

    status = 400


class UnknownNode(AnalyticsError):
    """A node IRI that is not in the projection."""

    status = 404


# --- Tables -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A metric's result: named columns, one dict per row, and notes on how it was computed.

    >>> print(Table(("node", "degree"), [{"node": "a", "degree": 2}], {"metric": "degree"}).to_csv(), end="")
    node,degree
    a,2
    """

    columns: tuple[str, ...]
    rows: list[dict[str, object]]
    notes: dict[str, object] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        """The table as a JSON-ready dict (notes first, then columns and rows)."""
        return {**self.notes, "columns": list(self.columns), "rows": self.rows}

    def to_csv(self) -> str:
        """The rows as CSV with a header line (empty cells for missing values)."""
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=self.columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        return buffer.getvalue()


# --- Projections --------------------------------------------------------------------------------


def projection(store: GraphStore, name: str, as_of: date | None = None) -> nx.MultiDiGraph | nx.MultiGraph:
    """Read the store and build one named projection (all periods when `as_of` is None)."""
    return project(read_network(store), name, as_of)


def project(network: Network, name: str, as_of: date | None = None) -> nx.MultiDiGraph | nx.MultiGraph:
    """Build a named projection from a network already read."""
    if name not in PROJECTIONS:
        raise AnalyticsError(f"unknown projection {name!r}; valid: {', '.join(PROJECTIONS)}")
    relations = [r for r in network.relations if as_of is None or _holds_on(network, r, as_of)]
    if name == "municipalities":
        graph = _co_membership(network, relations, as_of)
    elif name == "co-membership":
        graph = co_membership(network, relations)
    else:
        graph = nx.MultiDiGraph()
        for relation in relations:
            if _belongs_to(network, name, relation):
                _add_edge(graph, network, relation, as_of)
    graph.graph.update({"name": f"govgraph {name}", "projection": name})
    if as_of is not None:
        graph.graph["as_of"] = as_of.isoformat()
    return graph


def _holds_on(network: Network, relation: Relation, day: date) -> bool:
    """A relation may hold on `day` within its bounds; a plain link while both of its ends exist (README "Time")."""
    if relation.certainty(day) is None:
        return False
    ends = [network.entities.get(relation.source), network.entities.get(relation.target)]
    return all(entity is None or entity.lifetime.contains(day) for entity in ends)


def _belongs_to(network: Network, name: str, relation: Relation) -> bool:
    ends = [network.entities.get(relation.source), network.entities.get(relation.target)]
    if None in ends:
        return False  # e.g. a funded project that is not an organisation
    persons = sum(entity.is_person for entity in ends)  # type: ignore[union-attr]
    organisation_edge = persons == 0 and relation.kind in ORGANISATION_RELATIONS
    person_edge = persons == 1 and relation.kind in PERSON_RELATIONS
    if name == "organizations":
        return organisation_edge
    if name == "people":
        return person_edge
    return organisation_edge or person_edge


def _node_attributes(entity: Entity) -> dict[str, object]:
    return {"label": entity.label, "type": entity.type, "type_label": entity.type_label, **entity.attributes}


def _sourced(network: Network, provenance: Iterable[str]) -> dict[str, str]:
    sources = sorted(set(provenance))
    titles = [network.source_titles[source] for source in sources if source in network.source_titles]
    attributes = {"provenance": " ".join(sources)}
    if titles:
        attributes["provenance_title"] = "; ".join(titles)
    return attributes


def _add_edge(graph: nx.MultiDiGraph, network: Network, relation: Relation, as_of: date | None) -> None:
    for node in (relation.source, relation.target):
        if node not in graph:
            graph.add_node(node, **_node_attributes(network.entities[node]))
    attributes: dict[str, object] = {"relation": relation.kind, "label": relation.role or relation.kind}
    if relation.role:
        attributes["role"] = relation.role
    for name in ("start", "end", "start_rule", "end_rule", "observed"):
        if getattr(relation, name):
            attributes[name] = getattr(relation, name)
    if as_of is not None and relation.kind not in PLAIN_RELATIONS:
        attributes["certainty"] = relation.certainty(as_of)
    attributes.update(_sourced(network, relation.provenance))
    graph.add_edge(relation.source, relation.target, key=relation.key, **attributes)


def _co_membership(network: Network, relations: list[Relation], as_of: date | None) -> nx.MultiGraph:
    """Municipalities linked once per group they are both members of, for the time both memberships overlap."""
    graph = nx.MultiGraph()
    members: dict[str, list[Relation]] = {}
    for relation in relations:
        member, group = network.entities.get(relation.source), network.entities.get(relation.target)
        if relation.kind == "membership" and member and group and member.type == "Municipality":
            members.setdefault(relation.target, []).append(relation)
            graph.add_node(member.iri, **_node_attributes(member))
    for group_iri, memberships in sorted(members.items()):
        group = network.entities[group_iri]
        for first, second in itertools.combinations(sorted(memberships, key=lambda r: r.source), 2):
            if first.source == second.source:
                continue
            start, end = _overlap(first, second)
            if start and end and first_day(start) > last_day(end):
                continue  # the memberships never overlapped
            attributes: dict[str, object] = {
                "relation": "co-membership",
                "label": group.label,
                "group": group_iri,
                "group_type": group.type,
            }
            if start:
                attributes["start"] = start
            if end:
                attributes["end"] = end
            if as_of is not None:
                both_certain = first.certainty(as_of) == second.certainty(as_of) == "certain"
                attributes["certainty"] = "certain" if both_certain else "possible"
            attributes.update(_sourced(network, first.provenance + second.provenance))
            graph.add_edge(first.source, second.source, key=f"{group_iri} {first.key} {second.key}", **attributes)
    return graph


def _overlap(first: Relation, second: Relation) -> tuple[str | None, str | None]:
    starts = [bound for bound in (first.start, second.start) if bound]
    ends = [bound for bound in (first.end, second.end) if bound]
    return (max(starts, key=first_day) if starts else None, min(ends, key=last_day) if ends else None)


def compare(network: Network, name: str, before: date, after: date) -> Table:
    """Pairs of nodes whose relations differ between two dates: added, removed or changed."""
    old, new = project(network, name, before), project(network, name, after)

    def by_pair(graph: nx.MultiGraph) -> dict[tuple[str, str], dict[str, str]]:
        pairs: dict[tuple[str, str], dict[str, str]] = {}
        for source, target, key, data in graph.edges(keys=True, data=True):
            pair = (source, target) if graph.is_directed() else tuple(sorted((source, target)))
            pairs.setdefault(pair, {})[key] = _describe_edge(data)  # type: ignore[index]
        return pairs

    old_pairs, new_pairs = by_pair(old), by_pair(new)
    labels = {**dict(old.nodes(data="label")), **dict(new.nodes(data="label"))}
    rows = []
    for pair in sorted(set(old_pairs) | set(new_pairs)):
        before_relations, after_relations = old_pairs.get(pair, {}), new_pairs.get(pair, {})
        if before_relations == after_relations:
            continue
        change = "added" if not before_relations else "removed" if not after_relations else "changed"
        rows.append(
            {
                "change": change,
                "source": pair[0],
                "source_label": labels.get(pair[0]),
                "target": pair[1],
                "target_label": labels.get(pair[1]),
                "before": "; ".join(sorted(before_relations.values())),
                "after": "; ".join(sorted(after_relations.values())),
            }
        )
    notes = {"metric": "changes", "projection": name, "from": before.isoformat(), "to": after.isoformat()}
    return Table(("change", "source", "source_label", "target", "target_label", "before", "after"), rows, notes)


def _describe_edge(data: dict) -> str:
    period = f"{data.get('start', '?')}..{data.get('end', '')}"
    role = f" ({data['role']})" if data.get("role") else ""
    certainty = f" [{data['certainty']}]" if data.get("certainty") else ""
    return f"{data['relation']}{role} {period}{certainty}"


def ego_network(graph: nx.Graph, node: str, radius: int = 1) -> nx.Graph:
    """The node, its neighbours up to `radius` steps (either direction) and the relations among them."""
    if node not in graph:
        raise UnknownNode(f"node {node!r} is not in the {graph.graph.get('projection', '')} projection on that date")
    if radius < 1:
        raise AnalyticsError(f"radius must be at least 1, not {radius}")
    ego = nx.ego_graph(graph, node, radius=radius, undirected=True)
    ego.graph.update(graph.graph, ego=node, radius=radius)
    return ego


# --- Metrics ------------------------------------------------------------------------------------

NODE_COLUMNS = ("node", "label", "type")


def _node_row(graph: nx.Graph, node: str) -> dict[str, object]:
    return {"node": node, "label": graph.nodes[node].get("label", node), "type": graph.nodes[node].get("type")}


def simple_graph(graph: nx.Graph, directed: bool = False) -> nx.Graph:
    """Collapse parallel relations into one edge whose `weight` adds up theirs (1 each, unless an edge has a weight)."""
    simple = nx.DiGraph() if directed and graph.is_directed() else nx.Graph()
    simple.add_nodes_from(graph.nodes(data=True))
    for source, target, weight in graph.edges(data="weight", default=1):
        if simple.has_edge(source, target):
            simple[source][target]["weight"] += weight
        else:
            simple.add_edge(source, target, weight=weight)
    return simple


def _notes(graph: nx.Graph, metric: str, **extra: object) -> dict[str, object]:
    notes: dict[str, object] = {"metric": metric, "projection": graph.graph.get("projection")}
    if "as_of" in graph.graph:
        notes["as_of"] = graph.graph["as_of"]
    return {**notes, **extra}


def _ranked(graph: nx.Graph, scores: dict[str, float], column: str) -> list[dict[str, object]]:
    rows = [{**_node_row(graph, node), column: round(score, 6)} for node, score in scores.items()]
    return sorted(rows, key=lambda row: (-row[column], str(row["label"])))  # type: ignore[operator]


def degree(graph: nx.Graph) -> Table:
    """Relations per node (in/out for directed projections) and distinct neighbours."""
    undirected = simple_graph(graph)
    rows = []
    for node in graph:
        row = {**_node_row(graph, node), "degree": graph.degree(node), "neighbours": undirected.degree(node)}
        if graph.is_directed():
            row.update(in_degree=graph.in_degree(node), out_degree=graph.out_degree(node))
        rows.append(row)
    rows.sort(key=lambda row: (-row["degree"], str(row["label"])))
    columns = NODE_COLUMNS + ("degree", "neighbours") + (("in_degree", "out_degree") if graph.is_directed() else ())
    return Table(columns, rows, _notes(graph, "degree"))


def betweenness(graph: nx.Graph, samples: int | None = None, seed: int = SEED) -> Table:
    """Betweenness centrality (undirected, normalized): exact, or estimated from `samples` source nodes.

    Without `samples`, graphs above EXACT_BETWEENNESS_LIMIT nodes are sampled (exact does not scale).
    """
    simple = simple_graph(graph)
    if samples is None and simple.number_of_nodes() > EXACT_BETWEENNESS_LIMIT:
        samples = DEFAULT_BETWEENNESS_SAMPLES
    if samples is not None and samples < 1:
        raise AnalyticsError(f"samples must be a positive number, not {samples}")
    k = min(samples, simple.number_of_nodes()) if samples else None
    scores = nx.betweenness_centrality(simple, k=k, seed=seed if k else None, normalized=True)
    notes = _notes(graph, "betweenness", method="sampled" if k else "exact", **({"samples": k, "seed": seed} if k else {}))
    return Table(NODE_COLUMNS + ("betweenness",), _ranked(graph, scores, "betweenness"), notes)


def pagerank(graph: nx.Graph, alpha: float = 0.85) -> Table:
    """PageRank along the relations' direction (member -> body), parallel relations as weight."""
    simple = simple_graph(graph, directed=True)
    scores = nx.pagerank(simple, alpha=alpha, weight="weight") if simple.number_of_nodes() else {}
    return Table(NODE_COLUMNS + ("pagerank",), _ranked(graph, scores, "pagerank"), _notes(graph, "pagerank", alpha=alpha))


def _groups_of(graph: nx.Graph, node: str, group_types: tuple[str, ...]) -> set[str]:
    """The groups a node takes part in: group nodes it is tied to, or groups named on its co-membership edges."""
    groups = set()
    incident = list(graph.in_edges(node, data=True)) + list(graph.out_edges(node, data=True)) if graph.is_directed() else list(graph.edges(node, data=True))
    for source, target, data in incident:
        if data["relation"] not in AFFILIATION_RELATIONS:
            continue
        other = target if source == node else source
        if graph.nodes[other].get("type") in group_types:
            groups.add(other)
        if data.get("group_type") in group_types:
            groups.add(data["group"])
    return groups


def brokerage(graph: nx.Graph, group_types: tuple[str, ...] = GROUP_TYPES) -> Table:
    """Who bridges which working groups: nodes tied to two or more of them, with Burt's effective size and constraint."""
    simple = simple_graph(graph)
    labels: dict[str, str] = {}
    for _, _, data in graph.edges(data=True):
        if data.get("group"):
            labels[data["group"]] = data["label"]
    rows = []
    for node in graph:
        if graph.nodes[node].get("type") in group_types:
            continue
        groups = _groups_of(graph, node, group_types)
        if len(groups) < 2:
            continue
        names = sorted(graph.nodes[group].get("label", labels.get(group, group)) if group in graph else labels.get(group, group) for group in groups)
        rows.append(
            {
                **_node_row(graph, node),
                "groups": len(groups),
                "group_pairs": len(groups) * (len(groups) - 1) // 2,
                "bridges": "; ".join(names),
                "effective_size": round(_effective_size(simple, node), 6),
                "constraint": round(nx.constraint(simple, [node])[node], 6),
            }
        )
    rows.sort(key=lambda row: (-row["groups"], -row["effective_size"], str(row["label"])))  # type: ignore[operator]
    columns = NODE_COLUMNS + ("groups", "group_pairs", "bridges", "effective_size", "constraint")
    return Table(columns, rows, _notes(graph, "brokerage", group_types=list(group_types)))


def _effective_size(simple: nx.Graph, node: str) -> float:
    """Burt's effective size, computed on the node's ego network (all it depends on).

    networkx's own call copies the whole graph once per node; on the ego network it is the same number.
    """
    ego = nx.Graph(simple.subgraph([node, *simple[node]]))
    return nx.effective_size(ego, [node])[node]


def _numbered(graph: nx.Graph, parts: list[set[str]], column: str) -> list[dict[str, object]]:
    ordered = sorted(parts, key=lambda part: (-len(part), min(graph.nodes[n].get("label", n) for n in part)))
    rows = []
    for number, part in enumerate(ordered, start=1):
        for node in sorted(part, key=lambda n: graph.nodes[n].get("label", n)):
            rows.append({column: number, "size": len(part), **_node_row(graph, node)})
    return rows


def components(graph: nx.Graph) -> Table:
    """Connected components (ignoring direction), largest first; one row per node."""
    parts = [set(part) for part in nx.connected_components(simple_graph(graph))]
    rows = _numbered(graph, parts, "component")
    return Table(("component", "size") + NODE_COLUMNS, rows, _notes(graph, "components", count=len(parts)))


def communities(graph: nx.Graph, seed: int = SEED, resolution: float = 1.0) -> Table:
    """Louvain communities (networkx) of the undirected, relation-weighted graph; one row per node."""
    simple = simple_graph(graph)
    parts = [set(part) for part in nx.community.louvain_communities(simple, weight="weight", resolution=resolution, seed=seed)]
    modularity = nx.community.modularity(simple, parts, weight="weight") if simple.number_of_edges() else 0.0
    notes = _notes(graph, "communities", count=len(parts), modularity=round(modularity, 6), seed=seed, resolution=resolution)
    return Table(("community", "size") + NODE_COLUMNS, _numbered(graph, parts, "community"), notes)


# --- Coordination chains ------------------------------------------------------------------------

CHAIN_COLUMNS = (
    "chain", "step", "from", "from_label", "relation", "role", "direction", "to", "to_label", "start", "end", "provenance", "provenance_title",
)


Step = tuple[str, str, str, dict, str]  # from, to, relation key, edge data, "up" or "down"


def _chain_steps(graph: nx.MultiDiGraph) -> tuple[dict[str, list[Step]], dict[str, list[Step]]]:
    """The steps up every climbing relation, and the steps down (parent -> unit, organisation -> post holder)."""
    up: dict[str, list[Step]] = {}
    down: dict[str, list[Step]] = {}
    for source, target, key, data in graph.edges(keys=True, data=True):
        if data["relation"] in CLIMBING_RELATIONS:
            up.setdefault(source, []).append((source, target, key, data, "up"))
        if data["relation"] in DESCENDING_RELATIONS:
            down.setdefault(target, []).append((target, source, key, data, "down"))
    return up, down


def _own_organisation(start: str, down: dict[str, list[Step]]) -> set[str]:
    """The start and all units below it: the only places a chain may step down (it acts through them)."""
    own, pending = {start}, [start]
    while pending:
        for _, unit, _, data, _ in down.get(pending.pop(), []):
            if data["relation"] == "sub-organisation" and unit not in own:
                own.add(unit)
                pending.append(unit)
    return own


def _chain_paths(origin: str, boards: set[str], up: dict, down: dict, max_steps: int) -> list[list[Step]]:
    own = _own_organisation(origin, down)
    found: list[list[Step]] = []
    pending: list[tuple[str, list[Step], frozenset[str]]] = [(origin, [], frozenset([origin]))]
    while pending:
        node, path, visited = pending.pop()
        if path and node in boards:
            found.append(path)
            continue
        if len(path) == max_steps:
            continue
        for step in up.get(node, []) + (down.get(node, []) if node in own else []):
            if step[1] not in visited:
                pending.append((step[1], path + [step], visited | {step[1]}))
    return found


def coordination_chains(
    graph: nx.MultiDiGraph,
    start: str | None = None,
    board_types: tuple[str, ...] = BOARD_TYPES,
    max_steps: int = 6,
) -> Table:
    """The paths by which a municipality, office or person reaches the board, step by step with relation and source.

    A chain steps down only inside the start's own organisation (to its units and the people in
    their posts) and up along memberships, coordinations, posts and sub-organisation links.
    Without `start`, chains from every municipality, municipal office and person of the projection.
    Take the graph as of a date (e.g. `projection(store, "governance", as_of)`) for the chains of that day.
    """
    if not graph.is_directed():
        raise AnalyticsError(f"chains need a directed projection (organizations, people, governance), not {graph.graph.get('projection')!r}")
    if start is not None and start not in graph:
        raise UnknownNode(f"node {start!r} is not in the {graph.graph.get('projection', '')} projection on that date")
    boards = {node for node, kind in graph.nodes(data="type") if kind in board_types}
    starts = [start] if start else sorted(n for n, kind in graph.nodes(data="type") if kind in CHAIN_START_TYPES)
    up, down = _chain_steps(graph)
    rows: list[dict[str, object]] = []
    chain_number = 0
    for origin in starts:
        paths = _chain_paths(origin, boards, up, down, max_steps)
        for path in sorted(paths, key=lambda p: (len(p), [graph.nodes[step[1]].get("label", step[1]) for step in p], [step[2] for step in p])):
            chain_number += 1
            for number, (source, target, _, data, direction) in enumerate(path, start=1):
                rows.append(
                    {
                        "chain": chain_number,
                        "step": number,
                        "from": source,
                        "from_label": graph.nodes[source].get("label"),
                        "relation": data["relation"],
                        "role": data.get("role"),
                        "direction": direction,
                        "to": target,
                        "to_label": graph.nodes[target].get("label"),
                        "start": data.get("start"),
                        "end": data.get("end"),
                        "provenance": data.get("provenance"),
                        "provenance_title": data.get("provenance_title"),
                    }
                )
    notes = _notes(graph, "chains", chains=chain_number, **({"from": start} if start else {}))
    return Table(CHAIN_COLUMNS, rows, notes)


# --- One entry point for the CLI and the API ----------------------------------------------------

DEFAULT_PROJECTIONS = {metric: "organizations" for metric in METRICS} | {"chains": "governance"}


def metric_table(
    network: Network,
    metric: str,
    projection_name: str | None = None,
    as_of: date | None = None,
    *,
    node: str | None = None,
    samples: int | None = None,
) -> Table:
    """Compute one metric on one projection as of a date (`node`: the start of chains)."""
    if metric not in METRICS:
        raise AnalyticsError(f"unknown metric {metric!r}; valid: {', '.join(METRICS)}")
    if node is not None and metric != "chains":
        raise AnalyticsError(f"node is for chains (the start), not for {metric}")
    if samples is not None and metric != "betweenness":
        raise AnalyticsError(f"samples is for betweenness, not for {metric}")
    graph = project(network, projection_name or DEFAULT_PROJECTIONS[metric], as_of)
    computations: dict[str, Callable[[], Table]] = {
        "degree": lambda: degree(graph),
        "betweenness": lambda: betweenness(graph, samples),
        "pagerank": lambda: pagerank(graph),
        "brokerage": lambda: brokerage(graph),
        "components": lambda: components(graph),
        "communities": lambda: communities(graph),
        "chains": lambda: coordination_chains(graph, node),
    }
    return computations[metric]()
