"""A synthetic governance graph at a chosen scale, in the shape of the real one.

The real municipalities of the reference data (NRW, or all 11,004 German ones) become
members of generated networks, working groups and boards over 20 years: the same
ontology terms and node shapes as the curated data (org:Membership with an
org:memberDuring interval of time:Instants, gg:Coordination by a municipal office,
org:Post held by a person, labels de/en, every node derived from a gg:Source). The
entailments the build would materialize are written directly (graph `inferred`), so no
reasoner is needed. The output starts with the real built graph, so every query that
works on the real graph works here, and grows it to the target triple count.

    python -m bench.synthetic --triples 1000000 --land all --seed 42

writes `bench/results/synthetic-1000000-all-seed42.nq` (the built graph must exist:
`govgraph build`, same GOVGRAPH_DATA_DIR).
"""

from __future__ import annotations

import argparse
import itertools
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pyoxigraph
from rdflib import Graph
from rdflib import Literal as RdflibLiteral
from rdflib.namespace import OWL, RDF, RDFS

from bench import RESULTS_DIR
from graph.build import refdata
from graph.config import Settings
from graph.store import EmbeddedStore, current_store_path, write_snapshot
from ontology import NAMESPACE, ONTOLOGY_FILE

Triple = tuple[pyoxigraph.NamedNode | pyoxigraph.BlankNode, pyoxigraph.NamedNode, pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal]

GG = NAMESPACE
ORG = "http://www.w3.org/ns/org#"
TIME = "http://www.w3.org/2006/time#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
FOAF = "http://xmlns.com/foaf/0.1/"
DCTERMS = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"

SYNTHETIC_GRAPH = "synthetic-networks"
INFERRED_GRAPH = "inferred"
FIRST_YEAR, LAST_YEAR = 2006, 2025
# Länder keys of the Gemeindeverzeichnis; NRW's municipalities are already in the built graph.
LANDS = {
    "01": "Schleswig-Holstein", "02": "Hamburg", "03": "Niedersachsen", "04": "Bremen",
    "05": "Nordrhein-Westfalen", "06": "Hessen", "07": "Rheinland-Pfalz", "08": "Baden-Württemberg",
    "09": "Bayern", "10": "Saarland", "11": "Berlin", "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern", "14": "Sachsen", "15": "Sachsen-Anhalt", "16": "Thüringen",
}
TOPICS = (
    ("Stadtumbau", "urban restructuring"), ("Baulandmanagement", "building land management"),
    ("Soziale Stadt", "social city"), ("Innenstadt", "city centres"),
    ("Historische Stadt- und Ortskerne", "historic town centres"), ("Klimaanpassung", "climate adaptation"),
    ("Mobilität", "mobility"), ("Wohnen", "housing"), ("Digitale Stadt", "digital city"),
    ("Ländliche Räume", "rural areas"),
)
TRIVIAL_CLASSES = {str(OWL.Thing), str(RDFS.Resource), str(OWL.NamedIndividual), str(RDFS.Class), str(OWL.Class)}


def iri(value: str) -> pyoxigraph.NamedNode:
    return pyoxigraph.NamedNode(value)


TYPE = iri(str(RDF.type))
RDFS_LABEL = iri(str(RDFS.label))
PREF_LABEL = iri(SKOS + "prefLabel")
DERIVED_FROM = iri(PROV + "wasDerivedFrom")


# --- Entailments ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Schema:
    """What the ontology says about classes and properties, as closures ready to apply."""

    super_classes: dict[str, frozenset[str]]
    super_properties: dict[str, frozenset[str]]
    inverses: dict[str, frozenset[str]]
    domains: dict[str, frozenset[str]]
    ranges: dict[str, frozenset[str]]
    transitive: frozenset[str]
    symmetric: frozenset[str]
    has_values: dict[str, tuple[tuple[str, pyoxigraph.NamedNode | pyoxigraph.Literal], ...]]

    @classmethod
    def from_ontology(cls, ontology: Graph) -> "Schema":
        """Read subclass/subproperty/inverse/domain/range/transitivity axioms (named terms only)."""

        def named_pairs(predicate, both_ways: bool = False) -> dict[str, set[str]]:
            pairs: dict[str, set[str]] = defaultdict(set)
            for subject, obj in ontology.subject_objects(predicate):
                if isinstance(subject, type(RDF.type)) and isinstance(obj, type(RDF.type)):
                    pairs[str(subject)].add(str(obj))
                    if both_ways:
                        pairs[str(obj)].add(str(subject))
            return pairs

        def closure(direct: dict[str, set[str]]) -> dict[str, frozenset[str]]:
            result = {}
            for start in direct:
                seen: set[str] = set()
                todo = list(direct[start])
                while todo:
                    current = todo.pop()
                    if current not in seen:
                        seen.add(current)
                        todo.extend(direct.get(current, ()))
                seen.discard(start)
                result[start] = frozenset(seen - TRIVIAL_CLASSES)
            return result

        class_edges = named_pairs(RDFS.subClassOf)
        for key, values in named_pairs(OWL.equivalentClass, both_ways=True).items():
            class_edges[key] |= values
        property_edges = named_pairs(RDFS.subPropertyOf)
        for key, values in named_pairs(OWL.equivalentProperty, both_ways=True).items():
            property_edges[key] |= values
        super_classes = closure(class_edges)

        def with_super_classes(direct: dict[str, set[str]]) -> dict[str, frozenset[str]]:
            return {
                key: frozenset(set().union(*({value} | super_classes.get(value, frozenset()) for value in values)) - TRIVIAL_CLASSES)
                for key, values in direct.items()
            }

        # Classes that are subclasses of an owl:hasValue restriction: their instances have that value.
        has_values: dict[str, list] = defaultdict(list)
        for owner, restriction in ontology.subject_objects(RDFS.subClassOf):
            prop, value = ontology.value(restriction, OWL.onProperty), ontology.value(restriction, OWL.hasValue)
            if prop is not None and value is not None:
                has_values[str(owner)].append((str(prop), _term(value)))

        return cls(
            has_values={key: tuple(values) for key, values in has_values.items()},
            super_classes=super_classes,
            super_properties=closure(property_edges),
            inverses={key: frozenset(values) for key, values in named_pairs(OWL.inverseOf, both_ways=True).items()},
            domains=with_super_classes(named_pairs(RDFS.domain)),
            ranges=with_super_classes(named_pairs(RDFS.range)),
            transitive=frozenset(str(s) for s in ontology.subjects(RDF.type, OWL.TransitiveProperty)),
            symmetric=frozenset(str(s) for s in ontology.subjects(RDF.type, OWL.SymmetricProperty)),
        )


def _term(value: object) -> pyoxigraph.NamedNode | pyoxigraph.Literal:
    """An rdflib IRI or literal as a pyoxigraph term."""
    if isinstance(value, RdflibLiteral):
        if value.language:
            return pyoxigraph.Literal(str(value), language=value.language)
        return pyoxigraph.Literal(str(value), datatype=iri(str(value.datatype)) if value.datatype else None)
    return iri(str(value))


class Materializer:
    """Adds the entailments of `Schema` to triples as they are generated.

    The build runs owlrl over the whole graph; at a million triples that would take hours,
    so the generator applies the (few) axiom kinds its own triples trigger, the same
    way the build keeps them: about the graph's own entities, never trivial classes.
    tests/test_synthetic.py checks that owlrl finds nothing more on a small graph.
    """

    def __init__(self, schema: Schema, id_base: str, known: Iterable[Triple] = ()):
        self.schema = schema
        self.id_base = id_base
        self.known: set[Triple] = set(known)
        self._transitive_out: dict[tuple[str, pyoxigraph.NamedNode], set] = defaultdict(set)
        self._transitive_in: dict[tuple[str, object], set] = defaultdict(set)
        for triple in self.known:
            self._index(triple)
        self._node_cache: dict[str, pyoxigraph.NamedNode] = {}

    def _node(self, value: str) -> pyoxigraph.NamedNode:
        node = self._node_cache.get(value)
        if node is None:
            node = self._node_cache[value] = iri(value)
        return node

    def _index(self, triple: Triple) -> None:
        subject, predicate, obj = triple
        if predicate.value in self.schema.transitive:
            self._transitive_out[(predicate.value, subject)].add(obj)
            self._transitive_in[(predicate.value, obj)].add(subject)

    def _consequences(self, triple: Triple) -> Iterator[Triple]:
        subject, predicate, obj = triple
        schema, name = self.schema, predicate.value
        if predicate == TYPE:
            for super_class in schema.super_classes.get(obj.value, ()):
                yield subject, TYPE, self._node(super_class)
            for restricted, value in schema.has_values.get(obj.value, ()):
                yield subject, self._node(restricted), value
            return
        for super_property in schema.super_properties.get(name, ()):
            yield subject, self._node(super_property), obj
        for domain in schema.domains.get(name, ()):
            yield subject, TYPE, self._node(domain)
        if isinstance(obj, pyoxigraph.Literal):
            return
        for inverse in schema.inverses.get(name, ()):
            yield obj, self._node(inverse), subject
        for range_class in schema.ranges.get(name, ()):
            yield obj, TYPE, self._node(range_class)
        if name in schema.symmetric:
            yield obj, predicate, subject
        if name in schema.transitive:
            for further in self._transitive_out.get((name, obj), ()):
                yield subject, predicate, further
            for earlier in self._transitive_in.get((name, subject), ()):
                yield earlier, predicate, obj

    def add(self, asserted: Iterable[Triple]) -> tuple[list[Triple], list[Triple]]:
        """Record new asserted triples; return (the new asserted ones, their new entailments to keep)."""
        new_asserted, entailed, queue = [], [], []
        for triple in asserted:
            if triple not in self.known:
                self.known.add(triple)
                self._index(triple)
                new_asserted.append(triple)
                queue.append(triple)
        while queue:
            for consequence in self._consequences(queue.pop()):
                if consequence in self.known:
                    continue
                self.known.add(consequence)
                self._index(consequence)
                queue.append(consequence)
                subject, _, obj = consequence
                if isinstance(subject, pyoxigraph.NamedNode) and subject.value.startswith(self.id_base) and not (
                    isinstance(obj, pyoxigraph.NamedNode) and obj.value in TRIVIAL_CLASSES
                ):
                    entailed.append(consequence)
        return new_asserted, entailed


# --- Reference data for all of Germany ---------------------------------------------------------


def _rdflib_triples(graph: Graph) -> list[Triple]:
    """An rdflib graph's triples as pyoxigraph terms (through N-Triples, which both speak)."""
    data = graph.serialize(format="nt", encoding="utf-8")
    return [(t.subject, t.predicate, t.object) for t in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES)]


def state_slug(land: str) -> str:
    """The path of a Land's IRI below `<base>/id/` (NRW keeps the real graph's slug)."""
    return refdata.STATE_SLUG if land == refdata.NRW else f"organization/land-{land}"


def land_reference_triples(refdata_dir: Path, land: str, id_base: str, reference_year: str) -> tuple[refdata.Gazetteer, list[Triple]]:
    """The Gemeindeverzeichnis facts of one Land, as `graph.build.refdata.gazetteer_graph` writes them.

    NRW's are in the built graph already. `gazetteer_graph` is written for NRW: its Land
    node is always `land-nrw`, so other Länder get their own node here; links to
    Regierungsbezirke that a Land does not have (most have none) are dropped, not left dangling.
    """
    gazetteer = refdata.read_gazetteer(refdata_dir, land=land)
    if land == refdata.NRW:
        return gazetteer, []  # the built graph holds them already (with the store's canonical literals)
    triples = _rdflib_triples(refdata.gazetteer_graph(gazetteer, id_base, reference_year))
    nrw_state, own_state = iri(id_base + refdata.STATE_SLUG), iri(id_base + state_slug(land))
    triples = [(own_state if s == nrw_state else s, p, own_state if o == nrw_state else o) for s, p, o in triples]
    described = {s for s, _, _ in triples}
    kept = [
        (s, p, o)
        for s, p, o in triples
        if not (isinstance(o, pyoxigraph.NamedNode) and o.value.startswith(id_base + "place/") and o not in described)
    ]
    return gazetteer, kept


# --- The generated networks -------------------------------------------------------------------


@dataclass(frozen=True)
class Roles:
    """The real graph's role concepts (`<base>/id/role/<slug>`) the generated relations use."""

    member: pyoxigraph.NamedNode
    coordination: pyoxigraph.NamedNode
    speaker: pyoxigraph.NamedNode
    board_member: pyoxigraph.NamedNode

    SLUGS = {"member": "mitgliedskommune", "coordination": "kommunale-koordinierung", "speaker": "sprecher", "board_member": "vorstandsmitglied"}

    @classmethod
    def from_store(cls, store: pyoxigraph.Store, id_base: str) -> "Roles":
        """The role nodes; fails naming a role the built graph does not describe."""
        found = {}
        for name, slug in cls.SLUGS.items():
            role = iri(f"{id_base}role/{slug}")
            if not any(store.quads_for_pattern(role, TYPE, iri(ORG + "Role"))):
                raise LookupError(f"the built graph has no org:Role {role.value}: rebuild it (govgraph build)")
            found[name] = role
        return cls(**found)


@dataclass
class Counts:
    """What the generator made."""

    networks: int = 0
    working_groups: int = 0
    memberships: int = 0
    coordinations: int = 0
    posts: int = 0
    persons: int = 0
    member_municipalities: set[str] = field(default_factory=set)


class NetworkGenerator:
    """Generates networks one at a time as asserted triples (deterministic for a seed)."""

    def __init__(
        self,
        id_base: str,
        roles: Roles,
        source: pyoxigraph.NamedNode,
        municipalities: dict[str, list[refdata.Municipality]],
        seed: int,
        members_per_network: tuple[int, int] = (30, 300),
    ):
        self.id_base = id_base
        self.members_per_network = members_per_network
        self.roles = roles
        self.source = source
        self.municipalities = municipalities
        self.random = random.Random(seed)
        self.counts = Counts()
        self._described: set[str] = set()
        self._sequence = 0
        # Each Land's municipalities in a seeded order: new networks take members from the front
        # of their Land's queue first, so every municipality is a member once the graph is big enough.
        self._not_yet_members = {land: self.random.sample(pool, len(pool)) for land, pool in sorted(municipalities.items())}

    def _id(self, path: str) -> pyoxigraph.NamedNode:
        return iri(self.id_base + path)

    def _labelled(self, out: list[Triple], node, types: Iterable[str], label_de: str, label_en: str | None) -> None:
        for rdf_type in types:
            out.append((node, TYPE, iri(rdf_type)))
        for predicate in (RDFS_LABEL, PREF_LABEL):
            out.append((node, predicate, pyoxigraph.Literal(label_de, language="de")))
            if label_en:
                out.append((node, predicate, pyoxigraph.Literal(label_en, language="en")))
        out.append((node, DERIVED_FROM, self.source))

    def _date(self, first: date, last: date) -> date:
        return first + timedelta(days=self.random.randrange(max(1, (last - first).days + 1)))

    def _instant(self, out: list[Triple], day: date) -> pyoxigraph.NamedNode:
        node = self._id(f"instant/bench-{day.isoformat()}")
        if node.value not in self._described:
            self._described.add(node.value)
            out.append((node, TYPE, iri(TIME + "Instant")))
            out.append((node, iri(TIME + "inXSDDate"), pyoxigraph.Literal(day.isoformat(), datatype=iri(XSD + "date"))))
            out.append((node, DERIVED_FROM, self.source))
        return node

    def _relation(
        self, out: list[Triple], kind: str, member, organization, role, begin: date, end: date | None, label_de: str, label_en: str
    ) -> None:
        """One reified relation (org:Membership or a subclass) with its interval and provenance."""
        self._sequence += 1
        node = self._id(f"membership/bench-{self._sequence:07d}")
        interval = self._id(f"membership/bench-{self._sequence:07d}/interval")
        self._labelled(out, node, [kind], label_de, label_en)
        out.append((node, iri(ORG + "member"), member))
        out.append((node, iri(ORG + "organization"), organization))
        out.append((node, iri(ORG + "role"), role))
        out.append((node, iri(ORG + "memberDuring"), interval))
        out.append((interval, TYPE, iri(TIME + "Interval")))
        out.append((interval, iri(TIME + "hasBeginning"), self._instant(out, begin)))
        if end is not None:
            out.append((interval, iri(TIME + "hasEnd"), self._instant(out, end)))
        out.append((interval, DERIVED_FROM, self.source))
        self.counts.memberships += 1

    def _office(self, out: list[Triple], municipality: refdata.Municipality) -> pyoxigraph.NamedNode:
        office = self._id(f"organization/bench-amt-stadtentwicklung-{municipality.ags}")
        if office.value not in self._described:
            self._described.add(office.value)
            self._labelled(
                out, office, [GG + "MunicipalOffice"],
                f"Amt für Stadtentwicklung {municipality.name}", f"Urban development office of {municipality.name}",
            )
            out.append((office, iri(ORG + "unitOf"), self._id(refdata.municipality_slug(municipality.ags))))
        return office

    def network(self, number: int) -> list[Triple]:
        """One network with its working groups, board, members, coordinations and posts."""
        out: list[Triple] = []
        rng = self.random
        # The Land with the most municipalities not yet in any network; in turn once all are members.
        waiting = max(len(queue) for queue in self._not_yet_members.values())
        lands = sorted(self.municipalities)
        land = next(key for key in lands if len(self._not_yet_members[key]) == waiting) if waiting else lands[number % len(lands)]
        pool = self.municipalities[land]
        land_name = LANDS.get(land, land)
        last_day = date(LAST_YEAR, 12, 31)
        founded = self._date(date(FIRST_YEAR, 1, 1), date(LAST_YEAR - 5, 12, 31))
        slug = f"organization/bench-netzwerk-{number:04d}"
        network = self._id(slug)
        self._labelled(out, network, [GG + "Network"], f"Synthetisches Netzwerk {number} ({land_name})", f"Synthetic network {number} ({land_name})")
        board = self._id(slug + "-vorstand")
        self._labelled(out, board, [GG + "Board"], f"Vorstand des synthetischen Netzwerks {number}", f"Board of synthetic network {number}")
        out.append((board, iri(ORG + "unitOf"), network))
        out.append((board, iri(GG + "steers"), network))
        topics = rng.sample(TOPICS, rng.randint(3, 6))
        groups = []
        for index, (topic_de, topic_en) in enumerate(topics, 1):
            group = self._id(f"{slug}-ag-{index}")
            self._labelled(out, group, [GG + "WorkingGroup"], f"AG {topic_de} (Netzwerk {number})", f"Working group {topic_en} (network {number})")
            out.append((group, iri(ORG + "unitOf"), network))
            groups.append((group, topic_de, topic_en, []))
        self.counts.networks += 1
        self.counts.working_groups += len(groups)

        size = min(len(pool), rng.randint(*self.members_per_network))
        queue = self._not_yet_members[land]
        members, self._not_yet_members[land] = queue[:size], queue[size:]
        chosen = {municipality.ags for municipality in members}
        members += rng.sample([m for m in pool if m.ags not in chosen], size - len(members))
        for municipality in members:
            node = self._id(refdata.municipality_slug(municipality.ags))
            self.counts.member_municipalities.add(municipality.ags)
            begin = self._date(founded, date(LAST_YEAR, 6, 30))
            end = self._date(begin + timedelta(days=365), last_day) if rng.random() < 0.2 and begin.year < LAST_YEAR - 1 else None
            self._relation(
                out, ORG + "Membership", node, network, self.roles.member, begin, end,
                f"Mitgliedschaft {municipality.name} im Netzwerk {number}", f"Membership of {municipality.name} in network {number}",
            )
            for group, topic_de, topic_en, members in rng.sample(groups, rng.randint(1, min(3, len(groups)))):
                group_begin = self._date(begin, min(begin + timedelta(days=720), end or last_day))
                members.append((municipality, group_begin, end))
                self._relation(
                    out, ORG + "Membership", node, group, self.roles.member, group_begin, end,
                    f"Mitgliedschaft {municipality.name} in der AG {topic_de} (Netzwerk {number})",
                    f"Membership of {municipality.name} in the working group {topic_en} (network {number})",
                )

        for group, topic_de, topic_en, members in groups:
            if not members:
                continue
            period_begin = min(begin for _, begin, _ in members)
            while period_begin < last_day:
                period_end = min(period_begin + timedelta(days=365 * rng.randint(2, 5)), last_day)
                open_ended = period_end >= date(LAST_YEAR, 1, 1)
                municipality = rng.choice(members)[0]
                office = self._office(out, municipality)
                self._relation(
                    out, GG + "Coordination", office, group, self.roles.coordination, period_begin, None if open_ended else period_end,
                    f"Koordinierung der AG {topic_de} (Netzwerk {number}) durch {municipality.name}",
                    f"Coordination of the working group {topic_en} (network {number}) by {municipality.name}",
                )
                self.counts.coordinations += 1
                self._speaker(out, board, group, topic_de, topic_en, number, period_begin, None if open_ended else period_end)
                if open_ended:
                    break
                period_begin = period_end + timedelta(days=1)
        return out

    def _speaker(self, out: list[Triple], board, group, topic_de: str, topic_en: str, number: int, begin: date, end: date | None) -> None:
        """A person speaking for a working group, and thereby on the board (as Sebastian Kröger in the real graph)."""
        self.counts.persons += 1
        person_number = self.counts.persons
        person = self._id(f"person/bench-person-{person_number:06d}")
        self._labelled(out, person, [FOAF + "Person"], f"Synthetische Person {person_number}", None)
        self.counts.posts += 1
        post = self._id(f"post/bench-sprecher-{self.counts.posts:06d}")
        self._labelled(
            out, post, [ORG + "Post"],
            f"Sprecher/in der AG {topic_de} (Netzwerk {number})", f"Speaker of the working group {topic_en} (network {number})",
        )
        out.append((post, iri(ORG + "postIn"), group))
        out.append((post, iri(ORG + "role"), self.roles.speaker))
        out.append((post, iri(ORG + "heldBy"), person))
        self._relation(
            out, ORG + "Membership", person, group, self.roles.speaker, begin, end,
            f"Synthetische Person {person_number}, Sprecher/in der AG {topic_de} (Netzwerk {number})",
            f"Synthetic person {person_number}, speaker of the working group {topic_en} (network {number})",
        )
        self._relation(
            out, ORG + "Membership", person, board, self.roles.board_member, begin, end,
            f"Synthetische Person {person_number} im Vorstand von Netzwerk {number}",
            f"Synthetic person {person_number} on the board of network {number}",
        )


# --- Putting it together -----------------------------------------------------------------------


@dataclass(frozen=True)
class SyntheticGraph:
    """A generated N-Quads file and what is in it."""

    path: Path
    triples: int
    real_triples: int
    reference_triples: int
    generated_triples: int
    entailed_triples: int
    municipalities: int
    member_municipalities: int
    networks: int
    working_groups: int
    memberships: int
    coordinations: int
    seconds: float


def source_triples(source: pyoxigraph.NamedNode, publisher: pyoxigraph.NamedNode, seed: int, target: int) -> list[Triple]:
    """The gg:Source every generated fact derives from: it says plainly that the data is synthetic."""
    title_de = f"Synthetische Benchmark-Daten (bench/synthetic.py, Seed {seed}, Ziel {target} Tripel)"
    title_en = f"Synthetic benchmark data (bench/synthetic.py, seed {seed}, target {target} triples)"
    return [
        (source, TYPE, iri(GG + "Source")),
        (source, iri(DCTERMS + "title"), pyoxigraph.Literal(title_de, language="de")),
        (source, iri(DCTERMS + "title"), pyoxigraph.Literal(title_en, language="en")),
        (source, RDFS_LABEL, pyoxigraph.Literal(title_de, language="de")),
        (source, RDFS_LABEL, pyoxigraph.Literal(title_en, language="en")),
        (source, PREF_LABEL, pyoxigraph.Literal(title_de, language="de")),
        (source, PREF_LABEL, pyoxigraph.Literal(title_en, language="en")),
        (source, iri(DCTERMS + "publisher"), publisher),
        (source, iri(DCTERMS + "issued"), pyoxigraph.Literal("2026-11-25", datatype=iri(XSD + "date"))),
        # Its address is its own description, which govgraph serves as linked data.
        (source, iri(FOAF + "page"), source),
        (publisher, TYPE, iri(ORG + "Organization")),
        (publisher, RDFS_LABEL, pyoxigraph.Literal("govgraph-Projekt (Benchmarks)", language="de")),
        (publisher, RDFS_LABEL, pyoxigraph.Literal("govgraph project (benchmarks)", language="en")),
        (publisher, PREF_LABEL, pyoxigraph.Literal("govgraph-Projekt (Benchmarks)", language="de")),
        (publisher, PREF_LABEL, pyoxigraph.Literal("govgraph project (benchmarks)", language="en")),
        (publisher, DERIVED_FROM, source),
    ]


def generate(
    settings: Settings,
    target_triples: int,
    seed: int = 42,
    land: str | None = None,
    output: Path | None = None,
    progress: Callable[[str], None] = lambda message: None,
    members_per_network: tuple[int, int] = (30, 300),
) -> SyntheticGraph:
    """Write the built graph plus generated networks of `land` (None: all Germany) up to `target_triples`."""
    started = time.monotonic()
    scope = land or "all"
    output = output or RESULTS_DIR / f"synthetic-{target_triples}-{scope}-seed{seed}.nq"
    output.parent.mkdir(parents=True, exist_ok=True)
    id_base = settings.id_base
    real = EmbeddedStore.open(current_store_path(settings.data_dir), read_only=True).engine
    real_quads = list(real.quads_for_pattern(None, None, None, None))
    real_triples = {(quad.subject, quad.predicate, quad.object) for quad in real_quads}
    materializer = Materializer(Schema.from_ontology(Graph().parse(ONTOLOGY_FILE, format="turtle")), id_base, real_triples)
    graph_of = {name: iri(settings.graph_iri(name)) for name in (refdata.DESTATIS_SOURCE, SYNTHETIC_GRAPH, INFERRED_GRAPH)}
    # The named graphs as built; the default graph is rewritten below as the union of everything.
    quads: list[pyoxigraph.Quad] = [quad for quad in real_quads if not isinstance(quad.graph_name, pyoxigraph.DefaultGraph)]

    def keep(triples: Iterable[Triple], graph_name: str) -> None:
        graph = graph_of[graph_name]
        quads.extend(pyoxigraph.Quad(s, p, o, graph) for s, p, o in triples)

    municipalities: dict[str, list[refdata.Municipality]] = {}
    reference = 0
    for land_key in [land] if land else sorted(LANDS):
        gazetteer, triples = land_reference_triples(settings.refdata_dir, land_key, id_base, settings.refdata_reference_year)
        municipalities[land_key] = list(gazetteer.municipalities)
        new, entailed = materializer.add(triples)
        keep(new, refdata.DESTATIS_SOURCE)
        keep(entailed, INFERRED_GRAPH)
        reference += len(new) + len(entailed)
    progress(f"{sum(map(len, municipalities.values()))} municipalities, {reference} new reference triples")

    source = iri(id_base + "source/bench-synthetic")
    generator = NetworkGenerator(id_base, Roles.from_store(real, id_base), source, municipalities, seed, members_per_network)
    generated = entailed_count = 0
    network_number = 0
    batch = source_triples(source, iri(id_base + "organization/bench-govgraph"), seed, target_triples)
    while True:
        new, entailed = materializer.add(batch)
        keep(new, SYNTHETIC_GRAPH)
        keep(entailed, INFERRED_GRAPH)
        generated += len(new)
        entailed_count += len(entailed)
        if len(real_triples) + reference + generated + entailed_count >= target_triples:
            break
        network_number += 1
        batch = generator.network(network_number)
    progress(f"generated {network_number} networks: {generated} triples, {entailed_count} entailed")
    # As `govgraph build` does: every triple once more in the default graph, so queries need no union option.
    default = pyoxigraph.DefaultGraph()
    union_triples = dict.fromkeys((quad.subject, quad.predicate, quad.object) for quad in quads)  # ordered: deterministic output
    union = (pyoxigraph.Quad(s, p, o, default) for s, p, o in union_triples)
    pyoxigraph.serialize(itertools.chain(quads, union), output=str(output), format=pyoxigraph.RdfFormat.N_QUADS)
    counts = generator.counts
    return SyntheticGraph(
        path=output,
        triples=len(real_triples) + reference + generated + entailed_count,
        real_triples=len(real_triples),
        reference_triples=reference,
        generated_triples=generated,
        entailed_triples=entailed_count,
        municipalities=sum(map(len, municipalities.values())),
        member_municipalities=len(counts.member_municipalities),
        networks=counts.networks,
        working_groups=counts.working_groups,
        memberships=counts.memberships,
        coordinations=counts.coordinations,
        seconds=time.monotonic() - started,
    )


def install_store(nquads: Path, data_dir: Path) -> Path:
    """Load an N-Quads file into a fresh store under `data_dir` and point `current` at it, as the build does.

    (The build also runs `optimize()`; left out here to save a minute: govgraph serves from an
    in-memory copy, and perf-notes.md measured optimize() at ~1.4× on the disk store only.)
    """
    stores = data_dir / "stores"
    stores.mkdir(parents=True, exist_ok=True)
    path = stores / f"bench-{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 1_000_000:06d}"
    store = pyoxigraph.Store(str(path))
    store.bulk_load(path=str(nquads), format=pyoxigraph.RdfFormat.N_QUADS)
    store.flush()
    del store
    write_snapshot(path, nquads)  # as the build does: servers load their in-memory copy from it
    link = current_store_path(data_dir)
    temporary = data_dir / "current.bench.tmp"
    if temporary.is_symlink():
        temporary.unlink()
    temporary.symlink_to(path.relative_to(data_dir))
    temporary.replace(link)
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic governance graph (N-Quads) for the benchmarks.")
    parser.add_argument("--triples", type=int, default=1_000_000, help="target triple count (default 1,000,000)")
    parser.add_argument("--land", default="all", help="two-digit Land key (05 = NRW) or 'all' (default)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    result = generate(
        Settings.from_env(), args.triples, args.seed, None if args.land == "all" else args.land, args.output, progress=print
    )
    print(result)


if __name__ == "__main__":
    main()
