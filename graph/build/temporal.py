"""Derive what the sources imply about time, so that every view answers as of a date alike.

From the stated facts (and their OWL-RL entailments) this step derives, into one named
graph of its own, each derived value marked `gg:derivedBy` its rule and
`prov:wasInfluencedBy` the facts it used:

- the lifetime of each organisation (`gg:existedDuring`): from the event it resulted
  from, to the merger it was merged in; a unit within its organisation's lifetime;
- for each relation (membership, coordination, post, support, funding, possible
  involvement) the bounds it lacks: a post begins with its holder's appointment, and no
  relation begins before or outlasts either end's lifetime;
- an observation of each relation a dated source states (on the source's date) unless the
  source gives its own, and per relation the days on which it may hold
  (`gg:possiblyFrom`/`gg:possiblyUntil`), those on which it certainly holds
  (`gg:certainDuring`) and its latest observation (`gg:lastObservedOn`), all computed by
  `graph.time.RelationTime`;
- the first and last day of every time instant (`gg:firstDay`/`gg:lastDay`).

A stated bound that contradicts a lifetime (a membership beginning before its network was
founded) is a build error naming both.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Iterable

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD

from graph.errors import BuildError
from graph.time import RelationTime, Span, bound_span, day_before, first_day, is_day, last_day, precision_rank

GG = Namespace("https://w3id.org/govgraph/ontology#")
GGEK = Namespace("https://w3id.org/govgraph/ontology/evidence-kind/")
TIME = Namespace("http://www.w3.org/2006/time#")
SCHEMA = Namespace("http://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
POSITION_PROPERTIES = (TIME.inXSDDate, TIME.inXSDgYearMonth, TIME.inXSDgYear)

# kind -> (its agent side, its organisation side, the property holding its period)
RELATION_KINDS = {
    ORG.Membership: (ORG.member, ORG.organization, ORG.memberDuring),
    ORG.Post: (ORG.heldBy, ORG.postIn, DCTERMS.temporal),
    GG.Support: (GG.supporter, GG.supported, DCTERMS.temporal),
    GG.Funding: (SCHEMA.funder, SCHEMA.fundedItem, DCTERMS.temporal),
    GG.PossibleInvolvement: (GG.involvedAgent, GG.involvedIn, DCTERMS.temporal),
}


@dataclass
class Bound:
    """A bound as text ("2024-01-01", "2024-11", "2024"), how it is known, and from what."""

    text: str
    rule: URIRef | None = None  # None: stated by a source
    facts: tuple[URIRef, ...] = ()


@dataclass
class Lifetime:
    """When an organisation existed, as far as the sources and rules say."""

    interval: URIRef | None = None
    start: Bound | None = None
    end: Bound | None = None


@dataclass(frozen=True)
class Limit:
    """A day a relation cannot cross, from the lifetime bound of one of its ends."""

    day: date
    bound: Bound
    lifetime: URIRef

    def as_bound(self) -> Bound:
        """The limit as a derived bound of the relation."""
        return Bound(self.bound.text, GG.WithinLifetimes, (self.lifetime,))


@dataclass
class Derivation:
    """The derived triples and where new nodes are minted."""

    facts: Graph
    derived: Graph = field(default_factory=Graph)

    def add(self, *triples: tuple) -> None:
        for triple in triples:
            self.derived.add(triple)


def derive_time(graphs: dict[str, Graph], inferred: Graph, ontology: Graph) -> Graph:
    """The derived graph for the named data graphs and their entailments (`ontology` types new nodes fully)."""
    facts = Graph()
    for graph in list(graphs.values()) + [inferred]:
        for triple in graph:
            facts.add(triple)
    derivation = Derivation(facts)
    lifetimes = _lifetimes(facts)
    _write_lifetimes(derivation, lifetimes)
    sources_by_relation = _sources_stating(graphs)
    for kind, (agent_property, organization_property, period_property) in RELATION_KINDS.items():
        for relation in sorted(set(facts.subjects(RDF.type, kind))):
            if isinstance(relation, URIRef):
                _derive_relation(derivation, relation, agent_property, organization_property, period_property,
                                 lifetimes, sources_by_relation.get(relation, set()))
    _write_day_bounds(derivation)
    _add_superclasses(derivation.derived, ontology)
    return derivation.derived


# --- reading positions in time ----------------------------------------------------


def _position(facts: Graph, instant) -> str | None:
    for prop in POSITION_PROPERTIES:
        value = facts.value(instant, prop)
        if value is not None:
            return str(value)
    return None


def _most_precise(facts: Graph, instants: Iterable, about: URIRef) -> str | None:
    """The most precise of several stated positions of one thing; they must agree."""
    texts = sorted({text for text in (_position(facts, instant) for instant in instants) if text},
                   key=lambda text: (-precision_rank(text), text))
    if not texts:
        return None
    chosen = texts[0]
    for other in texts[1:]:
        if bound_span(chosen).clipped(bound_span(other)).is_empty():
            raise BuildError(f"{about}: the sources give dates that contradict each other: {chosen} and {other}")
    return chosen


def _event_date(facts: Graph, event) -> str | None:
    return _most_precise(facts, facts.objects(event, TIME.hasTime), event)


def _interval_bound(facts: Graph, interval, side) -> str | None:
    if interval is None:
        return None
    return _most_precise(facts, facts.objects(interval, side), interval)


# --- lifetimes of organisations ---------------------------------------------------------


def _lifetimes(facts: Graph) -> dict[URIRef, Lifetime]:
    lifetimes: dict[URIRef, Lifetime] = {}
    for organization in set(facts.subjects(RDF.type, ORG.Organization)):
        if not isinstance(organization, URIRef):
            continue
        lifetime = Lifetime(interval=facts.value(organization, GG.existedDuring))
        start, end = _interval_bound(facts, lifetime.interval, TIME.hasBeginning), _interval_bound(facts, lifetime.interval, TIME.hasEnd)
        lifetime.start = Bound(start) if start else _begun_by_event(facts, organization)
        lifetime.end = Bound(end) if end else _ended_by_merger(facts, organization)
        lifetimes[organization] = lifetime
    _inherit_from_parents(facts, lifetimes)
    return lifetimes


def _begun_by_event(facts: Graph, organization: URIRef) -> Bound | None:
    events = set(facts.objects(organization, ORG.resultedFrom)) | set(facts.subjects(ORG.resultingOrganization, organization))
    events |= set(facts.subjects(GG.foundingOf, organization))
    dated = [(text, event) for event in events if (text := _event_date(facts, event))]
    if not dated:
        return None
    earliest = min(first_day(text) for text, _ in dated)
    text, _ = max(((t, e) for t, e in dated if first_day(t) == earliest), key=lambda item: precision_rank(item[0]))
    return Bound(text, GG.BegunByChangeEvent, tuple(sorted(e for t, e in dated if first_day(t) == earliest)))


def _ended_by_merger(facts: Graph, organization: URIRef) -> Bound | None:
    for merger in sorted(facts.subjects(ORG.originalOrganization, organization)):
        if (merger, RDF.type, GG.Merger) not in facts or (merger, ORG.resultingOrganization, organization) in facts:
            continue
        text = _event_date(facts, merger)
        if text:
            last = day_before(first_day(text)).isoformat() if is_day(text) else text
            return Bound(last, GG.EndedByMerger, (merger,))
    return None


def _inherit_from_parents(facts: Graph, lifetimes: dict[URIRef, Lifetime]) -> None:
    """A unit lives within its organisation's lifetime (repeated until nothing changes)."""
    parents: dict[URIRef, set[URIRef]] = {}
    for unit, parent in facts.subject_objects(ORG.unitOf):
        parents.setdefault(unit, set()).add(parent)
    for unit, parent in facts.subject_objects(ORG.subOrganizationOf):
        if (unit, RDF.type, ORG.OrganizationalUnit) in facts:
            parents.setdefault(unit, set()).add(parent)
    changed = True
    while changed:
        changed = False
        for unit, unit_parents in parents.items():
            lifetime = lifetimes.get(unit)
            if lifetime is None:
                continue
            for parent in sorted(unit_parents):
                parent_lifetime = lifetimes.get(parent)
                if parent_lifetime is None or (parent_lifetime.start is None and parent_lifetime.end is None):
                    continue
                facts_used = (_lifetime_node(parent, parent_lifetime),)
                if lifetime.start is None and parent_lifetime.start is not None:
                    lifetime.start = Bound(parent_lifetime.start.text, GG.WithinParentLifetime, facts_used)
                    changed = True
                if lifetime.end is None and parent_lifetime.end is not None:
                    lifetime.end = Bound(parent_lifetime.end.text, GG.WithinParentLifetime, facts_used)
                    changed = True


def _lifetime_node(organization: URIRef, lifetime: Lifetime) -> URIRef:
    return lifetime.interval if isinstance(lifetime.interval, URIRef) else URIRef(f"{organization}/lifetime")


def _write_lifetimes(derivation: Derivation, lifetimes: dict[URIRef, Lifetime]) -> None:
    for organization, lifetime in sorted(lifetimes.items()):
        if lifetime.start is None and lifetime.end is None:
            continue
        interval = _lifetime_node(organization, lifetime)
        derivation.add((organization, GG.existedDuring, interval), (interval, RDF.type, TIME.Interval))
        for side, bound, name in ((TIME.hasBeginning, lifetime.start, "beginning"), (TIME.hasEnd, lifetime.end, "end")):
            if bound is not None and bound.rule is not None:
                _write_derived_instant(derivation, interval, side, URIRef(f"{interval}/{name}"), bound)


def _write_derived_instant(derivation: Derivation, interval: URIRef, side: URIRef, instant: URIRef, bound: Bound) -> None:
    derivation.add(
        (interval, side, instant),
        (instant, RDF.type, TIME.Instant),
        (instant, _position_property(bound.text), _typed(bound.text)),
        (instant, GG.derivedBy, bound.rule),
    )
    for fact in bound.facts:
        derivation.add((instant, PROV.wasInfluencedBy, fact))


# --- relations ------------------------------------------------------------------------


def _sources_stating(graphs: dict[str, Graph]) -> dict[URIRef, set[tuple[URIRef, str]]]:
    """For each relation node, the sources whose named graph states it (with the graph's name)."""
    stating: dict[URIRef, set[tuple[URIRef, str]]] = {}
    defining = {organization_property for _, organization_property, _ in RELATION_KINDS.values()}
    for name, graph in graphs.items():
        for relation in {subject for prop in defining for subject in graph.subjects(prop, None)}:
            sources = set(graph.objects(relation, PROV.wasDerivedFrom))
            sources |= {source for quote in graph.objects(relation, GG.citation) for source in graph.objects(quote, OA.hasSource)}
            for source in sources:
                stating.setdefault(relation, set()).add((source, name))
    return stating


def _derive_relation(derivation: Derivation, relation: URIRef, agent_property, organization_property, period_property,
                     lifetimes: dict[URIRef, Lifetime], stating: set[tuple[URIRef, str]]) -> None:
    facts = derivation.facts
    interval = facts.value(relation, period_property)
    start = _interval_bound(facts, interval, TIME.hasBeginning)
    end = _interval_bound(facts, interval, TIME.hasEnd)
    ends = [node for node in (facts.value(relation, agent_property), facts.value(relation, organization_property)) if node is not None]
    lower, upper = _limits(ends, lifetimes)
    _check_within_lifetimes(relation, start, end, lower, upper)
    # Bounds the sources do not state: a post's beginning from the appointment, else the lifetimes' limits.
    appointed = None if start else _begun_by_appointment(facts, relation)
    derived_start = appointed or (lower.as_bound() if lower and not start else None)
    derived_end = upper.as_bound() if upper and not end else None

    timing = RelationTime(
        start=start or (appointed.text if appointed else None),
        end=end,
        lower=lower.day if lower else None,
        upper=upper.day if upper else None,
    )
    observations = _observations(derivation, relation, stating, timing.possible())
    timing = replace(timing, observations=tuple(text for text, _ in observations))
    if derived_start or derived_end:
        if interval is None:
            interval = URIRef(f"{relation}/interval")
            derivation.add((relation, period_property, interval), (interval, RDF.type, TIME.Interval))
        if derived_start:
            _write_derived_instant(derivation, interval, TIME.hasBeginning, URIRef(f"{interval}/derived-beginning"), derived_start)
        if derived_end:
            _write_derived_instant(derivation, interval, TIME.hasEnd, URIRef(f"{interval}/derived-end"), derived_end)
    possible = timing.possible()
    if possible.first is not None:
        derivation.add((relation, GG.possiblyFrom, Literal(possible.first.isoformat(), datatype=XSD.date)))
    if possible.last is not None:
        derivation.add((relation, GG.possiblyUntil, Literal(possible.last.isoformat(), datatype=XSD.date)))
    effective = timing.effective_observations()
    if effective:
        derivation.add((relation, GG.lastObservedOn, _typed(effective[-1])))
    for number, span in enumerate(timing.certain(), start=1):
        _write_certain_period(derivation, relation, number, span, timing, observations)


def _begun_by_appointment(facts: Graph, post: URIRef) -> Bound | None:
    dated = [(text, appointment) for appointment in facts.subjects(GG.appointedTo, post) if (text := _event_date(facts, appointment))]
    if not dated:
        return None
    text, appointment = min(dated, key=lambda item: first_day(item[0]))
    return Bound(text, GG.BegunByAppointment, (appointment,))


def _limits(ends: list, lifetimes: dict[URIRef, Lifetime]) -> tuple[Limit | None, Limit | None]:
    """The latest lifetime beginning and the earliest lifetime end of a relation's two ends."""
    lower = upper = None
    for node in ends:
        lifetime = lifetimes.get(node)
        if lifetime is None:
            continue
        if lifetime.start is not None and (lower is None or first_day(lifetime.start.text) > lower.day):
            lower = Limit(first_day(lifetime.start.text), lifetime.start, _lifetime_node(node, lifetime))
        if lifetime.end is not None and (upper is None or last_day(lifetime.end.text) < upper.day):
            upper = Limit(last_day(lifetime.end.text), lifetime.end, _lifetime_node(node, lifetime))
    return lower, upper


def _check_within_lifetimes(relation: URIRef, start: str | None, end: str | None, lower: Limit | None, upper: Limit | None) -> None:
    if start and end and first_day(start) > last_day(end):
        raise BuildError(f"{relation}: begins ({start}) after it ends ({end})")
    if start and lower and last_day(start) < lower.day:
        raise BuildError(f"{relation}: stated to begin {start}, before its end's lifetime {lower.lifetime} began ({lower.bound.text})")
    if end and upper and first_day(end) > upper.day:
        raise BuildError(f"{relation}: stated to end {end}, after its end's lifetime {upper.lifetime} ended ({upper.bound.text})")


def _observations(derivation: Derivation, relation: URIRef, stating: set[tuple[URIRef, str]], possible: Span) -> list[tuple[str, URIRef]]:
    """The relation's observations (text, node): those the sources give, and one per dated source that gives none.

    A source's own date says nothing about a relation outside its possible days (a page read in 2026
    about a network dissolved in 2023 speaks of the past), so no observation is derived there.
    """
    facts = derivation.facts
    found: list[tuple[str, URIRef]] = []
    observed_by: set[URIRef] = set()
    for observation in sorted(facts.subjects(GG.observationOf, relation)):
        text = _event_date(facts, observation)
        observed_by |= set(facts.objects(observation, PROV.wasDerivedFrom))
        if text:
            found.append((text, observation))
    for source, _ in sorted(stating):
        if source in observed_by:
            continue
        text = _source_date(facts, source)
        if text is None or bound_span(text).clipped(possible).is_empty():
            continue
        # Named after the source (a graph of several sources, such as a *-chronik.ttl history, gives one per source).
        observation = URIRef(f"{relation}/observation/{str(source).rsplit('/', 1)[-1]}")
        instant = _instant_node(relation, text)
        derivation.add(
            (observation, RDF.type, GG.Observation),
            (observation, GG.observationOf, relation),
            (observation, TIME.hasTime, instant),
            (instant, RDF.type, TIME.Instant),
            (instant, _position_property(text), _typed(text)),
            (observation, GG.evidenceKind, GGEK["source-statement"]),
            (observation, PROV.wasDerivedFrom, source),
            (observation, GG.derivedBy, GG.ObservedOnSourceDate),
        )
        # The sentences that state the relation are the observation's evidence too.
        for quote in facts.objects(relation, GG.citation):
            if (quote, OA.hasSource, source) in facts:
                derivation.add((observation, GG.citation, quote))
        found.append((text, observation))
    return found


def _source_date(facts: Graph, source: URIRef) -> str | None:
    """A source's date: when it was published, else when its stored copy was read."""
    for prop in (DCTERMS.issued, GG.accessedOn):
        value = facts.value(source, prop)
        if value is not None:
            return str(value)
    return None


def _instant_node(relation: URIRef, text: str) -> URIRef:
    """The shared instant node `<base>/id/instant/<text>` of the relation's base."""
    base = str(relation).split("/id/", 1)[0]
    return URIRef(f"{base}/id/instant/{text}")


def _write_certain_period(derivation: Derivation, relation: URIRef, number: int, span: Span, timing: RelationTime,
                          observations: list[tuple[str, URIRef]]) -> None:
    period = URIRef(f"{relation}/certain/{number}")
    assert span.first is not None and span.last is not None
    derivation.add(
        (relation, GG.certainDuring, period),
        (period, RDF.type, GG.CertainPeriod),
        (period, GG.fromDay, Literal(span.first.isoformat(), datatype=XSD.date)),
        (period, GG.untilDay, Literal(span.last.isoformat(), datatype=XSD.date)),
    )
    reasons = []
    if timing.start and last_day(timing.start) >= span.first and last_day(timing.start) <= span.last:
        reasons.append(f"begun {timing.start}")
    if timing.end and first_day(timing.end) >= span.first and first_day(timing.end) <= span.last:
        reasons.append(f"ends {timing.end}")
    for text, observation in observations:
        if not bound_span(text).clipped(span).is_empty() and text in timing.effective_observations():
            reasons.append(f"observed {text}")
            derivation.add((period, PROV.wasDerivedFrom, observation))
    derivation.add((period, SKOS.note, Literal("; ".join(dict.fromkeys(reasons)))))


# --- instants ---------------------------------------------------------------------------


def _write_day_bounds(derivation: Derivation) -> None:
    instants = set(derivation.facts.subjects(RDF.type, TIME.Instant)) | set(derivation.derived.subjects(RDF.type, TIME.Instant))
    for instant in instants:
        text = _position(derivation.facts, instant) or _position(derivation.derived, instant)
        if text:
            derivation.add(
                (instant, GG.firstDay, Literal(first_day(text).isoformat(), datatype=XSD.date)),
                (instant, GG.lastDay, Literal(last_day(text).isoformat(), datatype=XSD.date)),
            )


def _add_superclasses(derived: Graph, ontology: Graph) -> None:
    """Every class a new node has by the ontology's rdfs:subClassOf, as the OWL-RL step gives the stated nodes."""
    for node, cls in list(derived.subject_objects(RDF.type)):
        for superclass in ontology.transitive_objects(cls, RDFS.subClassOf):
            if isinstance(superclass, URIRef):
                derived.add((node, RDF.type, superclass))


def _position_property(text: str) -> URIRef:
    return POSITION_PROPERTIES[2 - precision_rank(text)]


def _typed(text: str) -> Literal:
    datatype = (XSD.gYear, XSD.gYearMonth, XSD.date)[precision_rank(text)]
    return Literal(text, datatype=datatype)
