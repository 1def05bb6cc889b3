"""What an entity page shows, in plain values: labels in the reader's language, linked
properties, incoming relations, a timeline with dates and, for each fact, its source.

The linked-data app renders these dataclasses; it never touches RDF terms itself.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

import pyoxigraph

from graph.describe.citations import Citation, SourceEntry, SourceRegister, fact_sources
from graph.describe.describe import Description, inverses_of, labels_of
from graph.describe.labels import DCTERMS, GG, OA, ORG, OWL, PROV, RDF_TYPE, RDFS, SCHEMA, SKOS, TIME, LabelBook, Link, compact_iri, term_key
from graph.describe.schema_org import schema_org
from graph.store.store import GraphStore, Term
from graph.time import Span, certainty_on, parse_date, today_in_nrw

DATE_PROPERTIES = (TIME + "inXSDDate", TIME + "inXSDgYearMonth", TIME + "inXSDgYear", TIME + "inXSDDateTimeStamp")
# Shown in their own sections (title, types, sources, timeline), not in the property table.
OWN_SECTIONS = {RDF_TYPE, SKOS + "prefLabel", RDFS + "label", PROV + "wasDerivedFrom", GG + "citation"}
TIMELINE_TYPES = {ORG + "Membership", ORG + "Post"}
# Where the entity sits in a timeline relation, and which link names the other side.
TIMELINE_SIDES = {
    ORG + "member": ORG + "organization",
    ORG + "organization": ORG + "member",
    ORG + "heldBy": ORG + "postIn",
    ORG + "postIn": ORG + "heldBy",
}
WIKIDATA = "http://www.wikidata.org/entity/"
MAX_INCOMING_PER_PROPERTY = 60
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class Value:
    """One property value: a link or a literal (with its datatype or language)."""

    text: str
    iri: str | None = None
    note: str | None = None
    source_indices: tuple[int, ...] = ()


@dataclass(frozen=True)
class PropertyRow:
    """A property and its values (or, for incoming relations, the subjects pointing here)."""

    predicate: Link
    values: tuple[Value, ...]
    more: int = 0


@dataclass(frozen=True)
class TimelineEntry:
    """A membership, post or coordination of the entity, with its dates and sources.

    `start_rule`/`end_rule` name the rule (in the reader's language) where a bound is derived rather than
    stated; `certainty` is how sure the relation holds on the page's date (None: it does not), `observed` its
    latest observation (README "Time").
    """

    kind: str
    role: Link | None
    other: Link | None
    direction: str
    start: str | None
    end: str | None
    citations: tuple[Citation, ...]
    start_rule: str | None = None
    end_rule: str | None = None
    certainty: str | None = None
    observed: str | None = None


@dataclass(frozen=True)
class MunicipalityFacts:
    """The reference-data panel of a municipality (Destatis, Wikidata)."""

    ags: str | None
    district: Link | None
    administrative_district: Link | None
    population: int | None
    population_year: str | None
    wikidata: str | None


@dataclass(frozen=True)
class EntityView:
    """Everything an entity page shows."""

    iri: str
    label: str
    language: str
    as_of: date
    types: tuple[Link, ...]
    properties: tuple[PropertyRow, ...]
    incoming: tuple[PropertyRow, ...]
    timeline: tuple[TimelineEntry, ...]
    sources: tuple[SourceEntry, ...]
    municipality: MunicipalityFacts | None
    schema_org: dict = field(default_factory=dict)


def entity_view(store: GraphStore, description: Description, language: str, as_of: date | None = None) -> EntityView:
    """Turn a non-empty description into the page's values, the timeline's certainty as of `as_of` (default
    today in NRW); asks the store for labels and sources."""
    as_of = as_of or today_in_nrw()
    entity = pyoxigraph.NamedNode(description.entity)
    triples = description.triples
    outgoing: dict[str, list[Term]] = defaultdict(list)
    by_subject: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    incoming: dict[str, list[Term]] = defaultdict(list)
    for triple in sorted(triples, key=str):  # in one order on every backend: the page's quotes and source numbers too
        by_subject[term_key(triple.subject)][triple.predicate.value].append(triple.object)
        if triple.subject == entity:
            outgoing[triple.predicate.value].append(triple.object)
        elif triple.object == entity:
            incoming[triple.predicate.value].append(triple.subject)

    dependent = _dependent_nodes(by_subject, entity)
    predicates = {pyoxigraph.NamedNode(p) for p in list(outgoing) + list(incoming)}
    type_iris = {t for node in by_subject.values() for t in node.get(RDF_TYPE, [])}
    rule_iris = {rule for node in by_subject.values() for rule in node.get(GG + "derivedBy", [])}
    events = sorted(store.query(EVENTS_QUERY, substitutions={"entity": entity}), key=lambda row: [str(term) for term in row])
    event_types = {row["type"] for row in events}
    inverses = inverses_of(store, {pyoxigraph.NamedNode(p) for p in incoming})
    labelled = predicates | type_iris | event_types | rule_iris | {pyoxigraph.NamedNode(inverse) for inverse in inverses.values()}
    extra_labels = labels_of(store, {p for p in labelled if isinstance(p, pyoxigraph.NamedNode)})
    book = LabelBook(list(triples) + extra_labels, language)

    sources = SourceRegister(store, book)
    sources_of_facts = fact_sources(store, entity)
    for citation_node in outgoing.get(GG + "citation", []):
        sources.add_quote(by_subject, citation_node)
    for source in outgoing.get(PROV + "wasDerivedFrom", []):
        sources.number(source)

    properties = []
    for predicate, values in sorted(outgoing.items(), key=lambda item: book.label(item[0]).lower()):
        if predicate in OWN_SECTIONS or _only_hidden_details(predicate, values, dependent, by_subject, book):
            continue
        rendered = [
            _value(value, book, dependent, by_subject, sources.numbers_of(sources_of_facts.get((predicate, str(value)), [])))
            for value in _in_language(values, language)
        ]
        properties.append(PropertyRow(Link(predicate, book.label(predicate)), tuple(sorted(rendered, key=lambda v: v.text.lower()))))

    incoming_rows = []
    for predicate, subjects in sorted(incoming.items(), key=lambda item: _incoming_reading(item[0], inverses, book).label.lower()):
        # Read from this entity's side; what its own properties list already (an inverse's values) is not repeated.
        listed = outgoing.get(inverses.get(predicate, ""), [])
        shown = [s for s in subjects if term_key(s) not in dependent and s not in listed]
        if not shown:
            continue
        values = sorted((_value(s, book, dependent, by_subject) for s in shown), key=lambda v: v.text.lower())
        incoming_rows.append(
            PropertyRow(
                _incoming_reading(predicate, inverses, book),
                tuple(values[:MAX_INCOMING_PER_PROPERTY]),
                max(0, len(values) - MAX_INCOMING_PER_PROPERTY),
            )
        )

    types = tuple(
        sorted({Link(t.value, book.label(t)) for t in outgoing.get(RDF_TYPE, []) if isinstance(t, pyoxigraph.NamedNode)}, key=lambda link: link.label.lower())
    )
    label = book.label(entity)
    municipality = _municipality(outgoing, book) if any(t.iri == GG + "Municipality" for t in types) else None
    timeline = tuple(sorted(_timeline(entity, by_subject, book, sources, as_of) + _events(events, book, sources), key=_chronological))
    view_without_schema = EntityView(
        description.entity, label, language, as_of, types, tuple(properties), tuple(incoming_rows), timeline, sources.entries(), municipality
    )
    return replace(view_without_schema, schema_org=schema_org(view_without_schema.iri, label, {t.iri for t in types if t.iri}, outgoing, book))


def _only_hidden_details(predicate: str, values: list[Term], dependent: set[str], by_subject: dict, book: LabelBook) -> bool:
    """Values that are all nodes of this entity's own description, and either govgraph's details
    (shown in the timeline and sources instead) or nodes with nothing to say for themselves (no label or summary)."""
    if not all(term_key(value) in dependent for value in values):
        return False
    nameless = all(_summary(term_key(value), by_subject, book) in (term_key(value), compact_iri(term_key(value))) for value in values)
    return predicate.startswith(GG) or nameless


def _incoming_reading(predicate: str, inverses: dict[str, str], book: LabelBook) -> Link:
    """How a relation pointing here reads from here: its inverse property, else the ontology's inverse label."""
    if predicate in inverses:
        return Link(inverses[predicate], book.label(inverses[predicate]))
    return Link(predicate, book.inverse_label(predicate) or f"← {book.label(predicate)}")


def _in_language(values: list[Term], language: str) -> list[Term]:
    """Of texts given in several languages, those in the reader's language (all others stay)."""
    if not any(isinstance(v, pyoxigraph.Literal) and v.language == language for v in values):
        return values
    return [v for v in values if not (isinstance(v, pyoxigraph.Literal) and v.language and v.language != language)]


def _dependent_nodes(by_subject: dict[str, dict[str, list[Term]]], entity: pyoxigraph.NamedNode) -> set[str]:
    """Nodes of the description that only exist for the entity (they have triples but are not it)."""
    return {subject for subject in by_subject if subject != entity.value and (RDF_TYPE in by_subject[subject] or subject.startswith("_:"))}


def _value(term: Term, book: LabelBook, dependent: set[str], by_subject: dict, source_indices: tuple[int, ...] = ()) -> Value:
    if isinstance(term, pyoxigraph.Literal):
        note = term.language or (compact_iri(term.datatype.value) if term.datatype and term.datatype.value != XSD_STRING else None)
        return Value(term.value, None, note, source_indices)
    key = term_key(term)
    if key in dependent:
        return Value(_summary(key, by_subject, book), term.value if isinstance(term, pyoxigraph.NamedNode) else None, None, source_indices)
    return Value(book.label(term), term.value if isinstance(term, pyoxigraph.NamedNode) else None, None, source_indices)


def _summary(node: str, by_subject: dict, book: LabelBook) -> str:
    """A one-line text for a dependent node: an amount, an interval, or its label."""
    facts = by_subject.get(node, {})
    if SCHEMA + "value" in facts:
        currency = " ".join(v.value for v in facts.get(SCHEMA + "currency", []))
        return f"{facts[SCHEMA + 'value'][0].value} {currency}".strip()
    if TIME + "hasBeginning" in facts or TIME + "hasEnd" in facts:
        start, end = _interval(node, by_subject)
        return f"{start or '…'} – {end or '…'}"
    dates = [facts[date_property][0].value for date_property in DATE_PROPERTIES if date_property in facts]
    if dates:
        return dates[0]
    if OA + "exact" in facts:
        return f"„{facts[OA + 'exact'][0].value}“"
    return book.label(node)


def _date_of(node: Term | None, by_subject: dict) -> str | None:
    if node is None:
        return None
    if isinstance(node, pyoxigraph.Literal):
        return node.value
    facts = by_subject.get(term_key(node), {})
    for date_property in DATE_PROPERTIES:
        if date_property in facts:
            return facts[date_property][0].value
    return None


def _interval(node: str, by_subject: dict) -> tuple[str | None, str | None]:
    facts = by_subject.get(node, {})
    beginning = facts.get(TIME + "hasBeginning", [None])[0]
    end = facts.get(TIME + "hasEnd", [None])[0]
    return _date_of(beginning, by_subject), _date_of(end, by_subject)


def _bound_rule(interval: str, side: str, by_subject: dict, book: LabelBook) -> str | None:
    """The rule a bound of the interval was derived by (its label), None where a source states it."""
    instant = by_subject.get(interval, {}).get(side, [None])[0]
    rules = by_subject.get(term_key(instant), {}).get(GG + "derivedBy", []) if instant is not None else []
    return book.label(rules[0]) if rules else None


def _day(facts: dict, predicate: str) -> date | None:
    values = facts.get(predicate, [])
    return parse_date(values[0].value) if values else None


def _certainty(facts: dict, by_subject: dict, as_of: date) -> str | None:
    """How sure the relation is on `as_of`, from the days the build materialized for it (graph.time)."""
    possible = Span(_day(facts, GG + "possiblyFrom"), _day(facts, GG + "possiblyUntil"))
    certain = []
    for period in facts.get(GG + "certainDuring", []):
        period_facts = by_subject.get(term_key(period), {})
        certain.append(Span(_day(period_facts, GG + "fromDay"), _day(period_facts, GG + "untilDay")))
    return certainty_on(as_of, possible, certain)


def _timeline(entity: pyoxigraph.NamedNode, by_subject: dict, book: LabelBook, sources: "SourceRegister", as_of: date) -> list[TimelineEntry]:
    entries = []
    for node, facts in by_subject.items():
        types = {t.value for t in facts.get(RDF_TYPE, [])}
        if not types & TIMELINE_TYPES:
            continue
        side = next((link for link in TIMELINE_SIDES if entity in facts.get(link, [])), None)
        if side is None:
            continue
        others = facts.get(TIMELINE_SIDES[side], [])
        roles = facts.get(ORG + "role", [])
        start = end = start_rule = end_rule = None
        for interval in facts.get(ORG + "memberDuring", []) + facts.get(DCTERMS + "temporal", []) + facts.get(TIME + "hasTime", []):
            start, end = _interval(term_key(interval), by_subject)
            start_rule = _bound_rule(term_key(interval), TIME + "hasBeginning", by_subject, book)
            end_rule = _bound_rule(term_key(interval), TIME + "hasEnd", by_subject, book)
        observed = facts.get(GG + "lastObservedOn", [None])[0]
        citations = []
        for citation_node in facts.get(GG + "citation", []):
            citations.append(sources.add_quote(by_subject, citation_node))
        cited_sources = {c.source.iri for c in citations}
        for source in facts.get(PROV + "wasDerivedFrom", []):
            if source.value not in cited_sources:
                sources.number(source)
                citations.append(Citation(Link(source.value, sources.title(source)), sources.url(source), None))
        specific = sorted(types - TIMELINE_TYPES - {PROV + "Entity"}) or sorted(types & TIMELINE_TYPES)
        kind = book.label(specific[0])
        entries.append(
            TimelineEntry(
                kind=kind,
                role=Link(roles[0].value, book.label(roles[0])) if roles else None,
                other=Link(others[0].value, book.label(others[0])) if others and isinstance(others[0], pyoxigraph.NamedNode) else None,
                direction="outgoing" if side in (ORG + "member", ORG + "heldBy") else "incoming",
                start=start,
                end=end,
                citations=tuple(citations),
                start_rule=start_rule,
                end_rule=end_rule,
                certainty=_certainty(facts, by_subject, as_of),
                observed=observed.value if observed is not None else None,
            )
        )
    return entries


def _chronological(entry: TimelineEntry) -> tuple[str, str, str]:
    """Dated entries first, by their start (lexical order works for xsd:date, gYearMonth and gYear)."""
    return (entry.start or "9999", entry.kind, entry.other.label if entry.other else "")


EVENTS_QUERY = """
PREFIX gg: <https://w3id.org/govgraph/ontology#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT DISTINCT ?entity ?event ?type ?date ?source ?quote ?derived WHERE {
  { ?event ?link ?entity } UNION { ?entity ?link ?event }
  VALUES ?type { gg:Appointment gg:Merger gg:FoundingAssembly gg:Decision }
  ?event a ?type ; time:hasTime/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?date .
  OPTIONAL { ?event gg:citation ?citation . ?citation oa:hasSource ?source . OPTIONAL { ?citation oa:hasSelector/oa:exact ?quote } }
  OPTIONAL { ?event prov:wasDerivedFrom ?derived }
}
"""


def _events(rows: list, book: LabelBook, sources: "SourceRegister") -> list[TimelineEntry]:
    """Dated events the entity takes part in (appointments, the merger, the founding assembly)."""
    by_event: dict[str, dict] = {}
    for row in rows:
        event = by_event.setdefault(row["event"].value, {"node": row["event"], "type": row["type"], "dates": set(), "citations": []})
        event["dates"].add(row["date"].value)
        if row["source"] is not None:
            sources.number(row["source"])
            citation = Citation(Link(row["source"].value, sources.title(row["source"])), sources.url(row["source"]), row["quote"].value if row["quote"] else None)
            if citation not in event["citations"]:
                event["citations"].append(citation)
        if row["derived"] is not None:
            event.setdefault("derived", set()).add(row["derived"])
    for event in by_event.values():
        cited = {citation.source.iri for citation in event["citations"]}
        for source in sorted(event.get("derived", set()) - {pyoxigraph.NamedNode(iri) for iri in cited if iri}, key=str):
            sources.number(source)
            event["citations"].append(Citation(Link(source.value, sources.title(source)), sources.url(source), None))
    return [
        TimelineEntry(book.label(event["type"]), None, Link(event["node"].value, book.label(event["node"])), "event", _most_precise(event["dates"]), None, tuple(event["citations"]))
        for event in by_event.values()
    ]


def _most_precise(dates: set[str]) -> str:
    """Where sources date an event differently ("2024" and "2024-01-01"), show the most precise date."""
    return min(dates, key=lambda date: (-len(date), date))


def _municipality(outgoing: dict[str, list[Term]], book: LabelBook) -> MunicipalityFacts:
    def first(predicate: str) -> Term | None:
        values = outgoing.get(predicate, [])
        return values[0] if values else None

    def link(predicate: str) -> Link | None:
        node = first(predicate)
        return Link(node.value, book.label(node)) if isinstance(node, pyoxigraph.NamedNode) else None

    ags, population, year = first(ORG + "identifier"), first(GG + "population"), first(GG + "populationYear")
    wikidata = next((v.value for v in outgoing.get(OWL + "sameAs", []) if v.value.startswith(WIKIDATA)), None)
    return MunicipalityFacts(
        ags=ags.value if ags else None,
        district=link(GG + "inDistrict"),
        administrative_district=link(GG + "inAdministrativeDistrict"),
        population=int(population.value) if population else None,
        population_year=year.value if year else None,
        wikidata=wikidata,
    )
