"""Read the graph's entities and their time-bound, sourced relations from a store.

The reified relations of the model (org:Membership and its subclasses, org:Post,
gg:Support, gg:Funding) and the plain links (org:subOrganizationOf / org:unitOf,
org:headOf, gg:steers, dcterms:replaces, and their inverses) become `Relation` records: who, to whom, what kind, in which role, from when to
when (bounds as the source gives them) and according to which source. Both store
backends answer the same SPARQL, so the records are the same.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from graph.store.store import GraphStore
from graph.time import Span, certainty_on, first_day, last_day, parse_date

PREFIXES = """\
PREFIX gg: <https://w3id.org/govgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX schema: <http://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""

GG = "https://w3id.org/govgraph/ontology#"
# German names of the standard classes an entity may have as its most specific type.
STANDARD_CLASS_LABELS = {
    "http://xmlns.com/foaf/0.1/Person": "Person",
    "http://www.w3.org/ns/org#Organization": "Organisation",
    "http://www.w3.org/ns/org#FormalOrganization": "Organisation",
    "http://www.w3.org/ns/org#OrganizationalUnit": "Organisationseinheit",
}
FOAF_PERSON = "http://xmlns.com/foaf/0.1/Person"

# Any property of the relation whose value is a time:Interval gives its period (stated, or derived by a rule:
# README "Time"); the build's certainty about it comes with it.
_PERIOD = """
  OPTIONAL { ?relation org:memberDuring|dcterms:temporal ?interval . ?interval time:hasBeginning ?startInstant .
             ?startInstant time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear|time:inXSDDateTimeStamp ?start
             OPTIONAL { ?startInstant gg:derivedBy ?startRule } }
  OPTIONAL { ?relation org:memberDuring|dcterms:temporal ?interval2 . ?interval2 time:hasEnd ?endInstant .
             ?endInstant time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear|time:inXSDDateTimeStamp ?end
             OPTIONAL { ?endInstant gg:derivedBy ?endRule } }
  OPTIONAL { ?relation gg:lastObservedOn ?observed }
  OPTIONAL { ?relation gg:possiblyFrom ?possiblyFrom }
  OPTIONAL { ?relation gg:possiblyUntil ?possiblyUntil }
"""
_ROLE_AND_SOURCE = """
  OPTIONAL { ?relation org:role ?role .
             OPTIONAL { ?role skos:prefLabel ?roleLabel FILTER(langMatches(lang(?roleLabel), "de")) } }
  OPTIONAL { ?relation prov:wasDerivedFrom ?source }
"""

# kind -> (query selecting ?relation ?from ?to [?class]); directions: member -> organisation,
# holder -> post's organisation, supporter -> supported, funder -> funded item.
_REIFIED_QUERIES = {
    "membership": """SELECT * WHERE {
  ?relation a org:Membership ; org:member ?from ; org:organization ?to .
  OPTIONAL { ?relation a ?class FILTER(?class = gg:Coordination) }""",
    "post": """SELECT * WHERE {
  ?relation a org:Post ; org:postIn ?to ; org:heldBy ?from .""",
    "support": """SELECT * WHERE {
  ?relation a gg:Support ; gg:supporter ?from ; gg:supported ?to .""",
    "funding": """SELECT * WHERE {
  ?relation a gg:Funding ; schema:funder ?from ; schema:fundedItem ?to .""",
    "involvement": """SELECT * WHERE {
  ?relation a gg:PossibleInvolvement ; gg:involvedAgent ?from ; gg:involvedIn ?to .""",
}
_SUBCLASS_KINDS = {GG + "Coordination": "coordination"}

# Plain links carry no period; their source is what the subject's facts in the same named graph
# derive from (entailed copies in the `inferred` graph are skipped: the asserted one is found).
_PLAIN_SOURCE = """
  GRAPH ?g { %s OPTIONAL { ?from prov:wasDerivedFrom|(gg:citation/oa:hasSource) ?source } }
  FILTER(!STRENDS(STR(?g), "/graph/inferred")) }"""
_PLAIN_QUERIES = {
    "sub-organisation": "SELECT ?from ?to ?source ?g WHERE {"
    + _PLAIN_SOURCE % "{ ?from org:subOrganizationOf|org:unitOf ?to } UNION { ?to org:hasSubOrganization|org:hasUnit ?from }",
    "head": "SELECT ?from ?to ?source ?g WHERE {" + _PLAIN_SOURCE % "?from org:headOf ?to",
    "steering": "SELECT ?from ?to ?source ?g WHERE {" + _PLAIN_SOURCE % "{ ?from gg:steers ?to } UNION { ?to gg:steeredBy ?from }",
    "replaces": "SELECT ?from ?to ?source ?g WHERE {"
    + _PLAIN_SOURCE % "{ ?from dcterms:replaces ?to } UNION { ?to dcterms:isReplacedBy ?from }",
}

_ENTITY_CLASSES = """SELECT ?node ?class WHERE {
  { ?node a org:Organization } UNION { ?node a foaf:Person }
  ?node a ?class FILTER(isIRI(?class)) }"""
_ENTITY_LABELS = """SELECT ?node ?label ?property WHERE {
  { ?node a org:Organization } UNION { ?node a foaf:Person }
  VALUES ?property { skos:prefLabel rdfs:label }
  ?node ?property ?label }"""
# A first step before the path: Virtuoso refuses a transitive path with neither end bound ("transitive start not given").
_CLASS_HIERARCHY = "SELECT DISTINCT ?class ?super WHERE { ?class rdfs:subClassOf ?direct . ?direct rdfs:subClassOf* ?super FILTER(isIRI(?super)) }"
_CLASS_LABELS = """SELECT ?class ?label WHERE {
  ?class a ?metaclass VALUES ?metaclass { <http://www.w3.org/2002/07/owl#Class> rdfs:Class }
  ?class rdfs:label|skos:prefLabel ?label FILTER(langMatches(lang(?label), "de")) }"""
_MUNICIPALITIES = """SELECT ?node ?ags ?population ?kreis ?regierungsbezirk ?latitude ?longitude WHERE {
  ?node a gg:Municipality .
  OPTIONAL { ?node org:identifier ?ags }
  OPTIONAL { ?node gg:population ?population }
  OPTIONAL { ?node schema:latitude ?latitude ; schema:longitude ?longitude }
  OPTIONAL { ?node gg:inDistrict/skos:prefLabel ?kreis FILTER(langMatches(lang(?kreis), "de")) }
  OPTIONAL { ?node gg:inAdministrativeDistrict/skos:prefLabel ?regierungsbezirk
             FILTER(langMatches(lang(?regierungsbezirk), "de")) } }"""
_SOURCE_TITLES = "SELECT ?source ?title WHERE { ?source a gg:Source ; dcterms:title ?title }"
_CERTAIN_PERIODS = "SELECT ?relation ?from ?until WHERE { ?relation gg:certainDuring ?period . ?period gg:fromDay ?from ; gg:untilDay ?until }"
_LIFETIMES = """SELECT ?node ?from ?until WHERE { ?node gg:existedDuring ?lifetime .
  OPTIONAL { ?lifetime time:hasBeginning/gg:firstDay ?from } OPTIONAL { ?lifetime time:hasEnd/gg:lastDay ?until } }"""


@dataclass(frozen=True)
class Entity:
    """An organisation, body, unit or person, with what the networks show about it."""

    iri: str
    label: str
    type: str
    type_label: str
    is_person: bool
    attributes: dict[str, object] = field(default_factory=dict)
    lifetime: Span = Span(None, None)  # the days it existed, where the sources or rules bound them


@dataclass(frozen=True)
class Relation:
    """One relation from `source` to `target`.

    `start`/`end` are its period's bounds as given (None: unknown); `start_rule`/`end_rule` name the rule when a
    bound is derived, not stated (README "Time"); `possible` and `certain` are the days on which it may and
    certainly holds, as the build computed them (None: not computed, the bounds tell), `observed` its latest
    observation. Plain links (sub-organisation, head, …) have no period of their own.
    """

    key: str
    source: str
    target: str
    kind: str
    role: str | None
    start: str | None
    end: str | None
    provenance: tuple[str, ...]
    start_rule: str | None = None
    end_rule: str | None = None
    possible: Span | None = None
    certain: tuple[Span, ...] = ()
    observed: str | None = None

    def certainty(self, day: date) -> str | None:
        """"certain" or "possible" on `day`, None where it does not hold."""
        possible = self.possible or Span(first_day(self.start) if self.start else None, last_day(self.end) if self.end else None)
        return certainty_on(day, possible, self.certain)


@dataclass(frozen=True)
class Network:
    """Everything the projections are made of, read once from a store."""

    entities: dict[str, Entity]
    relations: tuple[Relation, ...]
    source_titles: dict[str, str]


def read_network(store: GraphStore) -> Network:
    """Read the entities and relations (a handful of SPARQL queries)."""
    entities = _read_entities(store)
    reified = _read_reified(store, _certain_periods(store))
    posts = {(relation.source, relation.target) for relation in reified if relation.kind == "post"}
    # org:headOf restates a head's post; keep it only where no post says so.
    plain = [r for r in _read_plain(store) if not (r.kind == "head" and (r.source, r.target) in posts)]
    relations = reified + plain
    titles = {row["source"].value: row["title"].value for row in store.query(PREFIXES + _SOURCE_TITLES)}
    return Network(entities, tuple(sorted(relations, key=lambda r: (r.source, r.target, r.kind, r.key))), titles)


def _value(row, name: str) -> str | None:
    term = row[name]
    return None if term is None else term.value


def _certain_periods(store: GraphStore) -> dict[str, tuple[Span, ...]]:
    periods: dict[str, list[Span]] = defaultdict(list)
    for row in store.query(PREFIXES + _CERTAIN_PERIODS):
        periods[row["relation"].value].append(Span(parse_date(row["from"].value), parse_date(row["until"].value)))
    return {relation: tuple(sorted(spans, key=lambda span: span.first)) for relation, spans in periods.items()}  # type: ignore[arg-type, return-value]


def _read_reified(store: GraphStore, certain: dict[str, tuple[Span, ...]]) -> list[Relation]:
    relations: list[Relation] = []
    for kind, head in _REIFIED_QUERIES.items():
        found: dict[str, dict] = {}
        for row in store.query(PREFIXES + head + _ROLE_AND_SOURCE + _PERIOD + "}"):
            record = found.setdefault(
                row["relation"].value,
                {"from": row["from"].value, "to": row["to"].value, "kind": kind, "roles": set(), "sources": set(),
                 "start": None, "end": None, "start_rule": None, "end_rule": None, "observed": None,
                 "possiblyFrom": None, "possiblyUntil": None},
            )
            subclass = _value(row, "class") if kind == "membership" else None
            if subclass in _SUBCLASS_KINDS:
                record["kind"] = _SUBCLASS_KINDS[subclass]
            for name, bucket in (("roleLabel", "roles"), ("source", "sources")):
                if row[name] is not None:
                    record[bucket].add(row[name].value)
            # The build gives a period at most one beginning and one end, stated or derived.
            for name in ("start", "end", "start_rule", "end_rule", "observed", "possiblyFrom", "possiblyUntil"):
                column = {"start_rule": "startRule", "end_rule": "endRule"}.get(name, name)
                if row[column] is not None:
                    record[name] = _local_name(row[column].value) if name.endswith("_rule") else row[column].value
        for key, record in found.items():
            relations.append(
                Relation(
                    key=key,
                    source=record["from"],
                    target=record["to"],
                    kind=record["kind"],
                    role="; ".join(sorted(record["roles"])) or None,
                    start=record["start"],
                    end=record["end"],
                    provenance=tuple(sorted(record["sources"])),
                    start_rule=record["start_rule"],
                    end_rule=record["end_rule"],
                    possible=_possible_days(record),
                    certain=certain.get(key, ()),
                    observed=record["observed"],
                )
            )
    return relations


def _possible_days(record: dict) -> Span | None:
    """The days the build says the relation may hold on; None for a graph the build did not derive."""
    if record["possiblyFrom"] is None and record["possiblyUntil"] is None and (record["start"] or record["end"]):
        return None
    return Span(*(parse_date(record[name]) if record[name] else None for name in ("possiblyFrom", "possiblyUntil")))


def _read_plain(store: GraphStore) -> list[Relation]:
    relations: list[Relation] = []
    for kind, sparql in _PLAIN_QUERIES.items():
        sources: dict[tuple[str, str], set[str]] = defaultdict(set)
        for row in store.query(PREFIXES + sparql):
            found_sources = sources[(row["from"].value, row["to"].value)]
            if row["source"] is not None:  # never the named graph instead: the build checks every fact names its source
                found_sources.add(row["source"].value)
        for (start_node, end_node), found in sources.items():
            key = f"{start_node} {kind} {end_node}"
            relations.append(Relation(key, start_node, end_node, kind, None, None, None, tuple(sorted(found))))
    return relations


def _read_entities(store: GraphStore) -> dict[str, Entity]:
    classes: dict[str, set[str]] = defaultdict(set)
    for row in store.query(PREFIXES + _ENTITY_CLASSES):
        classes[row["node"].value].add(row["class"].value)
    superclasses: dict[str, set[str]] = defaultdict(set)
    for row in store.query(PREFIXES + _CLASS_HIERARCHY):
        superclasses[row["class"].value].add(row["super"].value)
    class_labels = STANDARD_CLASS_LABELS | {row["class"].value: row["label"].value for row in store.query(PREFIXES + _CLASS_LABELS)}
    labels = _best_labels(store)
    municipal = _municipality_attributes(store)
    lifetimes = {
        row["node"].value: Span(*(parse_date(row[name].value) if row[name] is not None else None for name in ("from", "until")))
        for row in store.query(PREFIXES + _LIFETIMES)
    }

    entities = {}
    for node, node_classes in classes.items():
        most_specific = _most_specific(node_classes, superclasses)
        entities[node] = Entity(
            iri=node,
            label=labels.get(node) or node.rsplit("/", 1)[-1],
            type=_local_name(most_specific),
            type_label=class_labels.get(most_specific, _local_name(most_specific)),
            is_person=FOAF_PERSON in node_classes,
            attributes=municipal.get(node, {}),
            lifetime=lifetimes.get(node, Span(None, None)),
        )
    return entities


def _best_labels(store: GraphStore) -> dict[str, str]:
    """German skos:prefLabel, else German rdfs:label, else any label without language."""
    ranked: dict[str, tuple[int, str]] = {}
    for row in store.query(PREFIXES + _ENTITY_LABELS):
        label, language = row["label"].value, getattr(row["label"], "language", None)
        is_pref = row["property"].value.endswith("prefLabel")
        rank = {("de", True): 0, ("de", False): 1, (None, True): 2, (None, False): 3}.get((language, is_pref), 4)
        node = row["node"].value
        if node not in ranked or (rank, label) < ranked[node]:
            ranked[node] = (rank, label)
    return {node: label for node, (rank, label) in ranked.items()}


def _municipality_attributes(store: GraphStore) -> dict[str, dict[str, object]]:
    attributes: dict[str, dict[str, object]] = {}
    for row in store.query(PREFIXES + _MUNICIPALITIES):
        values: dict[str, object] = {}
        for name in ("ags", "kreis", "regierungsbezirk"):
            if row[name] is not None:
                values[name] = row[name].value
        if row["population"] is not None:
            values["population"] = int(row["population"].value)
        for name in ("latitude", "longitude"):
            if row[name] is not None:
                values[name] = float(row[name].value)
        attributes[row["node"].value] = values
    return attributes


def _most_specific(node_classes: set[str], superclasses: dict[str, set[str]]) -> str:
    """The node's class no other of its classes specialises (own vocabulary first, then by name)."""
    candidates = [c for c in node_classes if not any(c in superclasses.get(other, ()) for other in node_classes if other != c)]
    return sorted(candidates, key=lambda c: (not c.startswith(GG), c != FOAF_PERSON, c))[0]


def _local_name(iri: str) -> str:
    return iri.replace("#", "/").rsplit("/", 1)[-1]
