"""The dataset described in VoID and DCAT: size, classes, SPARQL endpoint, dumps, sources, licences.

Counts come from the store (so they describe what is served); the server's own
address is passed in, because the endpoint and the dumps live wherever it runs.

Licences: the dataset as a whole is CC BY 4.0 (the project's own curation); each source and its
named graph carry the source's licence and attribution where the source states one (Destatis:
dl-de/by-2-0), and otherwise a rights note (facts with their source, quotes under the right of
quotation), never an invented licence.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pyoxigraph

from graph.config import Settings
from graph.namespaces import PREFIXES
from graph.describe.describe import labels_of
from graph.build.dumps import DUMPS, dump_path
from graph.describe.labels import LabelBook, Link
from graph.store.formats import Format, serialize_triples
from graph.describe.statistics import graph_statistics
from graph.store.store import GraphStore, current_store_path

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
FOAF = PREFIXES["foaf"]
DCTERMS, RDF, XSD, GG = PREFIXES["dcterms"], PREFIXES["rdf"], PREFIXES["xsd"], PREFIXES["gg"]
CC = "http://creativecommons.org/ns#"
DESTATIS_ATTRIBUTION = "Datenquelle: Statistisches Bundesamt (Destatis), Gemeindeverzeichnis GV-ISys, dl-de/by-2-0 (geändert)"
DESTATIS_GRAPH = "destatis-gv-isys"
DATASET_LICENCE = "https://creativecommons.org/licenses/by/4.0/"
DATASET_ATTRIBUTION = {
    "de": "govgraph – Wissensgraph des Netzwerks Stadtentwicklung NRW, CC BY 4.0. " + DESTATIS_ATTRIBUTION,
    "en": "govgraph – knowledge graph of the Netzwerk Stadtentwicklung NRW, CC BY 4.0. " + DESTATIS_ATTRIBUTION,
}
# For a source that states no licence of its own (web pages, a press release, a vocabulary without one).
SOURCE_RIGHTS = {
    "de": "Die Quelle nennt keine Lizenz. Der Graph übernimmt aus ihr Tatsachen mit Quellenangabe; wo er einen Satz "
    "wörtlich zitiert (Zitatrecht, § 51 UrhG), bleibt das Zitat Werk seines Urhebers.",
    "en": "The source states no licence. The graph takes facts from it, naming the source; where it quotes a "
    "sentence verbatim (right of quotation, § 51 UrhG), the quote remains its author's work.",
}
VOCABULARIES = (GG, PREFIXES["org"], PREFIXES["prov"], PREFIXES["time"], PREFIXES["skos"], PREFIXES["oa"], PREFIXES["schema"], DCTERMS, FOAF)
DESCRIPTION_PREFIXES = {**PREFIXES, "void": VOID, "dcat": DCAT, "cc": CC}

# The networks are the roots of the graph; their units make good examples.
ROOTS_QUERY = """
PREFIX gg: <https://w3id.org/govgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT DISTINCT ?network ?unit WHERE { ?network a gg:Network OPTIONAL { ?network org:hasSubOrganization ?unit } } ORDER BY ?network ?unit
"""

SOURCES_QUERY = """
PREFIX gg: <https://w3id.org/govgraph/ontology#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?source (SAMPLE(?a_page) AS ?page) (SAMPLE(?a_licence) AS ?licence) (SAMPLE(?a_citation) AS ?citation) WHERE {
  ?source a gg:Source
  OPTIONAL { ?source foaf:page ?a_page } OPTIONAL { ?source dcterms:license ?a_licence }
  OPTIONAL { ?source dcterms:bibliographicCitation ?a_citation }
} GROUP BY ?source ORDER BY ?source
"""


@dataclass(frozen=True)
class SourceTerms:
    """Where a source is published (its landing page) and on what terms (licence and attribution, or a rights note)."""

    iri: str
    landing_page: str | None
    licence: str | None
    attribution: str | None

    def rights(self, language: str) -> str:
        """What a reader may do with what the graph takes from the source."""
        return self.attribution if self.licence and self.attribution else SOURCE_RIGHTS[language]


def source_terms(store: GraphStore) -> dict[str, SourceTerms]:
    """Every gg:Source with its landing page, licence and attribution, by IRI."""
    terms = {}
    for row in store.query(SOURCES_QUERY):
        values = [row[name].value if row[name] is not None else None for name in ("page", "licence", "citation")]
        terms[row["source"].value] = SourceTerms(row["source"].value, *values)
    return terms


def store_modified(settings: Settings) -> datetime.datetime | None:
    """When the served embedded store was built (None for a remote store or an unbuilt one)."""
    if settings.backend != "embedded":
        return None
    path = current_store_path(settings.data_dir)
    if not path.is_dir():
        return None
    return datetime.datetime.fromtimestamp(path.resolve().stat().st_mtime, tz=datetime.timezone.utc).replace(microsecond=0)


def dataset_iri(settings: Settings) -> str:
    """The IRI naming the dataset as a whole."""
    return settings.base_iri + "/dataset"


def dataset_description(store: GraphStore, settings: Settings, server_root: str) -> list[pyoxigraph.Triple]:
    """VoID and DCAT triples for the dataset served at `server_root` (e.g. http://127.0.0.1:8000/)."""
    root = server_root.rstrip("/")
    statistics = graph_statistics(store)
    dataset = _iri(dataset_iri(settings))
    triples: list[pyoxigraph.Triple] = []

    def add(subject: pyoxigraph.NamedNode | pyoxigraph.BlankNode, predicate: str, obj: object) -> None:
        triples.append(pyoxigraph.Triple(subject, _iri(predicate), obj if isinstance(obj, (pyoxigraph.NamedNode, pyoxigraph.BlankNode, pyoxigraph.Literal)) else _literal(obj)))

    for rdf_type in (VOID + "Dataset", DCAT + "Dataset"):
        add(dataset, RDF + "type", _iri(rdf_type))
    add(dataset, DCTERMS + "title", pyoxigraph.Literal("govgraph: Wissensgraph des Netzwerks Stadtentwicklung NRW", language="de"))
    add(dataset, DCTERMS + "title", pyoxigraph.Literal("govgraph: knowledge graph of the Netzwerk Stadtentwicklung NRW", language="en"))
    add(dataset, DCTERMS + "description", pyoxigraph.Literal(
        "Wer koordiniert was, seit wann, und woher wir es wissen: Gremien, Mitgliedschaften, Ämter und Quellen "
        "des Netzwerks Stadtentwicklung NRW, mit den Gemeinden, Kreisen und Regierungsbezirken Nordrhein-Westfalens.", language="de"))
    add(dataset, DCTERMS + "description", pyoxigraph.Literal(
        "Who coordinates what, since when, and why we say so: bodies, memberships, posts and sources of the "
        "Netzwerk Stadtentwicklung NRW, with the municipalities, districts and government regions of North Rhine-Westphalia.", language="en"))
    modified = store_modified(settings)
    if modified:
        add(dataset, DCTERMS + "modified", pyoxigraph.Literal(modified.isoformat(), datatype=_iri(XSD + "dateTime")))
    add(dataset, VOID + "triples", statistics.triples)
    add(dataset, VOID + "entities", statistics.entities)
    add(dataset, VOID + "classes", len(statistics.instances_by_class))
    add(dataset, VOID + "uriSpace", settings.id_base)
    add(dataset, VOID + "sparqlEndpoint", _iri(root + "/sparql"))
    for row in store.query(ROOTS_QUERY):
        add(dataset, VOID + "rootResource", row["network"])
        if row["unit"] is not None:
            add(dataset, VOID + "exampleResource", row["unit"])
    add(dataset, FOAF + "homepage", _iri(root + "/"))
    for vocabulary in VOCABULARIES:
        add(dataset, VOID + "vocabulary", _iri(vocabulary))
    for licence_property in (DCTERMS + "license", CC + "license"):
        add(dataset, licence_property, _iri(DATASET_LICENCE))
    for language, text in DATASET_ATTRIBUTION.items():
        add(dataset, CC + "attributionText", pyoxigraph.Literal(text, language=language))
    sources = source_terms(store)
    for source in sources.values():
        add(dataset, DCTERMS + "source", _iri(source.iri))
        if source.landing_page:
            add(_iri(source.iri), DCAT + "landingPage", _iri(source.landing_page))
        _add_terms(add, _iri(source.iri), source)

    for class_iri, count in statistics.instances_by_class.items():
        partition = pyoxigraph.BlankNode()
        add(dataset, VOID + "classPartition", partition)
        add(partition, VOID + "class", _iri(class_iri))
        add(partition, VOID + "entities", count)

    for graph_iri, count in statistics.triples_by_graph.items():
        subset = _iri(graph_iri)
        add(dataset, VOID + "subset", subset)
        add(subset, RDF + "type", _iri(VOID + "Dataset"))
        add(subset, VOID + "triples", count)
        name = graph_iri.rsplit("/", 1)[-1]
        source = sources.get(settings.id_base + "source/" + name)
        if source is None:  # the ontology and the entailments: the project's own work
            add(subset, DCTERMS + "license", _iri(DATASET_LICENCE))
            continue
        add(subset, DCTERMS + "source", _iri(source.iri))
        _add_terms(add, subset, source)
        if name == DESTATIS_GRAPH:
            add(subset, DCTERMS + "temporal", pyoxigraph.Literal("Stand: ca. " + settings.refdata_reference_year, language="de"))

    for dump in DUMPS:
        url = _iri(f"{root}/dumps/{dump.file_name}")
        add(dataset, VOID + "dataDump", url)
        distribution = _iri(f"{root}/dumps/{dump.file_name}#distribution")
        add(dataset, DCAT + "distribution", distribution)
        add(distribution, RDF + "type", _iri(DCAT + "Distribution"))
        add(distribution, DCTERMS + "title", pyoxigraph.Literal(dump.title, language="en"))
        add(distribution, DCAT + "downloadURL", url)
        add(distribution, DCAT + "mediaType", _iri("https://www.iana.org/assignments/media-types/" + dump.media_type))
        if dump.compression:
            add(distribution, DCAT + "compressFormat", _iri("https://www.iana.org/assignments/media-types/" + dump.compression))
        path = dump_path(settings.data_dir, dump.file_name)
        if path is not None:
            add(distribution, DCAT + "byteSize", pyoxigraph.Literal(str(Path(path).stat().st_size), datatype=_iri(XSD + "nonNegativeInteger")))

    service = _iri(root + "/sparql#service")
    add(dataset, DCAT + "distribution", _iri(root + "/sparql#distribution"))
    add(_iri(root + "/sparql#distribution"), RDF + "type", _iri(DCAT + "Distribution"))
    add(_iri(root + "/sparql#distribution"), DCAT + "accessService", service)
    add(_iri(root + "/sparql#distribution"), DCAT + "accessURL", _iri(root + "/sparql"))
    add(service, RDF + "type", _iri(DCAT + "DataService"))
    add(service, DCTERMS + "title", pyoxigraph.Literal("SPARQL 1.1 endpoint", language="en"))
    add(service, DCAT + "endpointURL", _iri(root + "/sparql"))
    add(service, DCTERMS + "conformsTo", _iri("https://www.w3.org/TR/sparql11-protocol/"))
    add(service, DCAT + "servesDataset", dataset)
    rest = _iri(root + "/api/queries#service")
    add(rest, RDF + "type", _iri(DCAT + "DataService"))
    add(rest, DCTERMS + "title", pyoxigraph.Literal("REST API of named queries", language="en"))
    add(rest, DCAT + "endpointURL", _iri(root + "/api/queries"))
    add(rest, DCAT + "servesDataset", dataset)
    return list(dict.fromkeys(triples))


def _add_terms(add: Callable[..., None], subject: pyoxigraph.NamedNode, source: SourceTerms) -> None:
    """A source's (or its graph's) licence and attribution where the source states one, else the rights note."""
    if source.licence:
        add(subject, DCTERMS + "license", _iri(source.licence))
        if source.attribution:
            add(subject, CC + "attributionText", pyoxigraph.Literal(source.attribution, language="de"))
        return
    for language, text in SOURCE_RIGHTS.items():
        add(subject, DCTERMS + "rights", pyoxigraph.Literal(text, language=language))


def serialize_description(triples: list[pyoxigraph.Triple], output_format: Format) -> bytes:
    """The description in an RDF format, with the void/dcat prefixes for Turtle, the dataset first."""
    return serialize_triples(triples, output_format, DESCRIPTION_PREFIXES, first=triples[0].subject.value if triples else None)


def _iri(value: str) -> pyoxigraph.NamedNode:
    return pyoxigraph.NamedNode(value)


def _literal(value: object) -> pyoxigraph.Literal:
    if isinstance(value, int):
        return pyoxigraph.Literal(str(value), datatype=_iri(XSD + "integer"))
    return pyoxigraph.Literal(str(value))


ENTITIES_QUERY = """
SELECT DISTINCT ?entity WHERE { ?entity a ?class FILTER(isIRI(?entity) && STRSTARTS(STR(?entity), ?id_base)) } ORDER BY ?entity
"""


def entity_iris(store: GraphStore, settings: Settings) -> list[str]:
    """Every typed entity under the build's `<base>/id/` (what the sitemap lists)."""
    query = ENTITIES_QUERY.replace("?id_base", str(pyoxigraph.Literal(settings.id_base)))
    return [row["entity"].value for row in store.query(query)]


@dataclass(frozen=True)
class SourceSummary:
    """One source on the dataset page: its label, landing page, licence and what its licence requires."""

    link: Link
    landing_page: str | None
    licence: str | None
    rights: str


@dataclass(frozen=True)
class DatasetSummary:
    """The dataset page for people: size, classes, graphs and sources."""

    triples: int
    entities: int
    modified: str | None
    classes: tuple[tuple[Link, int], ...]
    graphs: tuple[tuple[str, int], ...]
    sources: tuple[SourceSummary, ...]
    attribution: str
    licence: str = DATASET_LICENCE
    reference_year: str = ""


def dataset_summary(store: GraphStore, settings: Settings, language: str) -> DatasetSummary:
    """What the dataset page shows."""
    statistics = graph_statistics(store)
    sources = source_terms(store)
    classes = [pyoxigraph.NamedNode(iri) for iri in statistics.instances_by_class]
    book = LabelBook(labels_of(store, set(classes) | {pyoxigraph.NamedNode(iri) for iri in sources}), language)
    modified = store_modified(settings)
    summaries = [
        SourceSummary(Link(source.iri, book.label(pyoxigraph.NamedNode(source.iri))), source.landing_page, source.licence, source.rights(language))
        for source in sources.values()
    ]
    return DatasetSummary(
        triples=statistics.triples,
        entities=statistics.entities,
        modified=modified.isoformat() if modified else None,
        classes=tuple((Link(c.value, book.label(c)), statistics.instances_by_class[c.value]) for c in classes),
        graphs=tuple(statistics.triples_by_graph.items()),
        sources=tuple(sorted(summaries, key=lambda summary: summary.link.label.lower())),
        attribution=DATASET_ATTRIBUTION[language],
        reference_year=settings.refdata_reference_year,
    )
