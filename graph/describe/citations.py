"""Where a page's facts come from: numbered sources with their titles, addresses and quoted sentences."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph

from graph.describe.labels import OA, LabelBook, Link, term_key
from graph.store.store import GraphStore, Term


@dataclass(frozen=True)
class Citation:
    """Where a fact comes from: the source and, for text sources, the quoted sentence."""

    source: Link
    url: str | None
    quote: str | None


@dataclass(frozen=True)
class SourceEntry:
    """A source cited on the page (numbered for the per-fact markers)."""

    number: int
    source: Link
    url: str | None
    publisher: str | None
    date: str | None
    quotes: tuple[str, ...]


class SourceRegister:
    """Numbers the sources cited on a page and collects their quotes."""

    def __init__(self, store: GraphStore, book: LabelBook):
        self._store = store
        self._book = book
        self._order: list[str] = []
        self._quotes: dict[str, list[str]] = defaultdict(list)
        self._details: dict[str, dict[str, str]] = {}

    def number(self, source: Term) -> int:
        """The source's number on the page (registering it on first sight)."""
        key = term_key(source)
        if key not in self._order:
            self._order.append(key)
        return self._order.index(key) + 1

    def numbers_of(self, source_iris: list[str]) -> tuple[int, ...]:
        """The numbers of sources given by IRI."""
        return tuple(self.number(pyoxigraph.NamedNode(iri)) for iri in source_iris)

    def add_quote(self, by_subject: dict, citation_node: Term) -> Citation:
        """Register a quote node (oa:SpecificResource) of the description; returns it as a citation."""
        facts = by_subject.get(term_key(citation_node), {})
        source = facts.get(OA + "hasSource", [None])[0]
        quote = None
        for selector in facts.get(OA + "hasSelector", []):
            exact = by_subject.get(term_key(selector), {}).get(OA + "exact", [])
            quote = exact[0].value if exact else quote
        if source is None:
            return Citation(Link(None, "?"), None, quote)
        self.number(source)
        if quote and quote not in self._quotes[term_key(source)]:
            self._quotes[term_key(source)].append(quote)
        return Citation(Link(source.value, self.title(source)), self.url(source), quote)

    def title(self, source: Term) -> str:
        """The source's title (dcterms:title), else its label."""
        return self._source_details().get(term_key(source), {}).get("title") or self._book.label(source)

    def url(self, source: Term) -> str | None:
        """The address where the source can be read."""
        return self._source_details().get(term_key(source), {}).get("url")

    def entries(self) -> tuple[SourceEntry, ...]:
        """The numbered sources with their details and quotes, for the page's source list."""
        details = self._source_details()
        return tuple(
            SourceEntry(
                number=index + 1,
                source=Link(iri, self.title(pyoxigraph.NamedNode(iri)) if not iri.startswith("_:") else self._book.label(iri)),
                url=details.get(iri, {}).get("url"),
                publisher=details.get(iri, {}).get("publisher"),
                date=details.get(iri, {}).get("date"),
                quotes=tuple(self._quotes.get(iri, [])),
            )
            for index, iri in enumerate(self._order)
        )

    def _source_details(self) -> dict[str, dict[str, str]]:
        missing = [iri for iri in self._order if iri not in self._details]
        if missing:
            self._details.update(_source_details(self._store, missing, self._book.language))
        return self._details


SOURCE_DETAILS_QUERY = """
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <http://schema.org/>
PREFIX gg: <https://w3id.org/govgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?language ?source ?title ?url ?publisher ?date WHERE {
  OPTIONAL { ?source dcterms:title ?title FILTER(COALESCE(LANG(?title), "") IN (?language, "de", "")) }
  OPTIONAL { ?source schema:url ?url }
  OPTIONAL { ?source dcterms:publisher ?publisher_node . ?publisher_node skos:prefLabel|rdfs:label ?publisher FILTER(COALESCE(LANG(?publisher), "") IN (?language, "de", "")) }
  OPTIONAL { ?source dcterms:issued|gg:accessedOn ?date }
}
"""


def _source_details(store: GraphStore, sources: list[str], language: str) -> dict[str, dict[str, str]]:
    details: dict[str, dict[str, str]] = {}
    for source in sources:
        if source.startswith("_:"):
            details[source] = {}
            continue
        candidates: dict[str, set] = defaultdict(set)
        for row in store.query(
            SOURCE_DETAILS_QUERY, substitutions={"source": pyoxigraph.NamedNode(source), "language": pyoxigraph.Literal(language)}
        ):
            for name in ("title", "url", "publisher", "date"):
                if row[name] is not None:
                    candidates[name].add(row[name])
        # The reader's language first, then German, then untagged; among equals the first in order (the engines
        # list rows in orders of their own).
        details[source] = {name: min(terms, key=lambda term: _preference(term, language)).value for name, terms in candidates.items()}
    return details


def _preference(term: Term, language: str) -> tuple[int, str]:
    tag = getattr(term, "language", None) or ""
    return (0 if tag == language else 1 if tag == "de" else 2, term.value)


FACT_SOURCES_QUERY = """
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?entity ?predicate ?object ?source WHERE {
  GRAPH ?graph { ?entity ?predicate ?object }
  ?graph prov:wasDerivedFrom ?source .
}
"""


def fact_sources(store: GraphStore, entity: pyoxigraph.NamedNode) -> dict[tuple[str, str], list[str]]:
    """(predicate, object) -> the sources whose named graphs state that fact about the entity."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in store.query(FACT_SOURCES_QUERY, substitutions={"entity": entity}):
        sources = found[(row["predicate"].value, str(row["object"]))]
        if row["source"].value not in sources:
            sources.append(row["source"].value)
    return {fact: sorted(sources) for fact, sources in found.items()}
