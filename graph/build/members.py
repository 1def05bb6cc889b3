"""The members of the five former networks, from their sources: `network-members.csv` as sourced RDF.

Each row of the file is one piece of evidence that a source gives about a member
of a network. The build reads it (with `network-member-sources.csv`) from
`GOVGRAPH_MEMBER_SOURCES` (default `../shared/sources`); nothing of it is stored
in the repository. What a row becomes depends on its evidence kind:

- evidence of membership (a member list, a statement, an office …): one
  org:Membership per member and network (reusing the node a curated source file
  already has for the pair) and, for each source the row cites, a gg:Observation
  of it on the row's date, at the row's precision. An admission or joining
  declaration is also the membership's stated beginning. A row without a date
  gives the membership its source and a note saying why there is no date;
- a council decision to apply, a council proposal, an intention to join: a
  gg:Decision, gg:Proposal or gg:Intention about the network, never a membership.

Every node derives from the sources the row cites, and its triples go into the
named graph of each of them (one graph per source, `<base>/graph/<id>`), so the
graph of a source holds exactly what that source says. A source whose URL is
already described by a curated file is that file's source. Evidence dated on or
after the 2024 merger concerns the former network's successor, its AG.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, SKOS, XSD

from graph.build import refdata
from graph.build.member_sources import SourceDescription, describe_source, read_source_records
from graph.errors import BuildError
from graph.time import first_day

GG = Namespace("https://w3id.org/govgraph/ontology#")
GGEK = Namespace("https://w3id.org/govgraph/ontology/evidence-kind/")
ORG = Namespace("http://www.w3.org/ns/org#")
TIME = Namespace("http://www.w3.org/2006/time#")
SCHEMA = Namespace("http://schema.org/")

MEMBERS_FILE = "network-members.csv"
# The `network` column -> the organisation's IRI below `<base>/id/organization/`.
NETWORKS = {
    "netzwerk-innenstadt-nrw": "netzwerk-innenstadt-nrw",
    "ag-historische-stadt-und-ortskerne-nrw": "arbeitsgemeinschaft-historische-stadt-und-ortskerne-in-nrw",
    "forum-baulandmanagement-nrw": "forum-baulandmanagement-nrw",
    "staedtenetz-soziale-stadt-nrw": "staedtenetz-soziale-stadt-nrw",
    "stadtumbaunetzwerk-nrw": "stadtumbaunetzwerk-nrw",
    "netzwerk-stadtentwicklung-nrw": "netzwerk-stadtentwicklung-nrw",
}
MEMBER_KINDS = ("municipality", "organization", "municipality-outside-nrw")
BEGINNING_EVIDENCE = ("admission", "joining-declaration")
# Evidence that is not membership: what it becomes, and what it says in German and English.
NOT_MEMBERSHIP = {
    "council-decision-to-apply": (
        "decision", GG.Decision,
        "Ratsbeschluss, die Mitgliedschaft zu beantragen", "council decision to apply for membership",
    ),
    "council-proposal": (
        "proposal", GG.Proposal,
        "Beschlussvorlage an den Rat zum Beitritt", "proposal to the council to join",
    ),
    "intends-to-join": (
        "intention", GG.Intention,
        "erklärte Absicht beizutreten", "declared intention to join",
    ),
}
NOT_MEMBERSHIP_NOTE = (
    "Kein Beleg einer Mitgliedschaft: dass die Kommune danach beigetreten ist, steht nicht in der Quelle.",
    "No evidence of membership: that the municipality then joined is not in the source.",
)
# Organisations that are members, by the name the sources give them: IRI local name and class.
ORGANISATION_MEMBERS = {
    "NRW.Urban": ("nrw-urban", GG.Company),
    "Handelsverband Nordrhein-Westfalen": ("handelsverband-nrw", GG.Association),
    "Rheinisch-Westfälischer Genossenschaftsverband e.V. (RWGV)": ("rwgv", GG.Association),
}
# How the source descriptions name publishers the graph already has (IRI local names below organization/).
KNOWN_PUBLISHERS = {
    "Netzwerk Stadtentwicklung NRW": "netzwerk-stadtentwicklung-nrw",
    "NWSTE": "netzwerk-stadtentwicklung-nrw",
    "Städtetag NRW": "staedtetag-nrw",
    "Forum Baulandmanagement NRW": "forum-baulandmanagement-nrw",
    "Forum Baulandmanagment NRW": "forum-baulandmanagement-nrw",  # so spelt in B03's imprint
    "AG HSO NRW": "arbeitsgemeinschaft-historische-stadt-und-ortskerne-in-nrw",
    "AG HSO": "arbeitsgemeinschaft-historische-stadt-und-ortskerne-in-nrw",
    "AG Historische Stadtkerne in NRW": "arbeitsgemeinschaft-historische-stadtkerne-in-nrw",
    "Netzwerk Innenstadt NRW": "netzwerk-innenstadt-nrw",
    "Stadtumbaunetzwerk NRW": "stadtumbaunetzwerk-nrw",
    "Städtenetz/AG Soziale Stadt NRW": "staedtenetz-soziale-stadt-nrw",
    "Pressemitteilung Land NRW": "land-nrw",
    "Driburg News": "driburg-news",
}
# Publishers the graph does not have yet and whose kind the name makes plain.
NEW_PUBLISHERS = {
    "Ministerium für Bauen, Wohnen, Stadtentwicklung und Verkehr NRW": (
        "mbwsv-nrw", GG.StateMinistry, "Ministerium für Bauen, Wohnen, Stadtentwicklung und Verkehr NRW", "MBWSV",
    ),
    "Ministerium (MBWSV; vm.nrw.de)": (
        "mbwsv-nrw", GG.StateMinistry, "Ministerium für Bauen, Wohnen, Stadtentwicklung und Verkehr NRW", "MBWSV",
    ),
}
MUNICIPAL_PUBLISHER = re.compile(r"^(?:Stadt|Gemeinde|Alte Hansestadt|Hansestadt) (.+)$")
# shared/sources/README.md §4: the stored copies were read in November 2026.
ACCESSED_ON = "2026-11"
# shared/sources/README.md §4 asks to say how sure a list is where it is shown.
SOURCE_CAVEATS = {
    "B01": (
        "Die Mitgliederliste stammt aus einem Transkript der Tagungsdokumentation auf einer Dokumenten-Plattform und wurde nicht mit einer zweiten Kopie abgeglichen.",
        "The member list comes from a transcript of the conference documentation on a document-sharing site and was not cross-checked against a second copy.",
    ),
}
MEMBER_ROLES = {
    "mitgliedskommune": ("Mitgliedskommune", "member municipality"),
    "mitgliedsorganisation": ("Mitgliedsorganisation", "member organisation"),
}
DATE_TYPES = {4: (TIME.inXSDgYear, XSD.gYear), 7: (TIME.inXSDgYearMonth, XSD.gYearMonth), 10: (TIME.inXSDDate, XSD.date)}


@dataclass(frozen=True)
class MemberRow:
    """One row of network-members.csv (line = its line in the file)."""

    line: int
    network: str
    listed_as: str
    ags: str
    member_kind: str
    evidence: str
    as_of: str
    sources: tuple[str, ...]
    note: str

    @property
    def is_membership_evidence(self) -> bool:
        return self.evidence not in NOT_MEMBERSHIP


def read_member_rows(directory: Path) -> list[MemberRow]:
    """The evidence rows; a missing file is a BuildError naming the setting."""
    path = Path(directory) / MEMBERS_FILE
    if not path.is_file():
        raise BuildError(f"member evidence not found: {path} (set GOVGRAPH_MEMBER_SOURCES, see README)")
    with open(path, encoding="utf-8", newline="") as handle:
        return [
            MemberRow(
                line=line,
                network=row["network"].strip(),
                listed_as=row["member_as_listed"].strip(),
                ags=row["ags"].strip(),
                member_kind=row["member_kind"].strip(),
                evidence=row["evidence"].strip(),
                as_of=row["as_of"].strip(),
                sources=tuple(row["sources"].split()),
                note=row["note"].strip(),
            )
            for line, row in enumerate(csv.DictReader(handle), start=2)
        ]


def slug(text: str) -> str:
    """A readable IRI segment: lower case, umlauts spelt out, words joined by hyphens.

    >>> slug("WAZ/DerWesten"), slug("Städtenetz Soziale Stadt")
    ('waz-derwesten', 'staedtenetz-soziale-stadt')
    """
    text = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _without_remark(text: str) -> str:
    return re.sub(r"\s*\([^)]*\)\s*$", "", text).strip()


@dataclass
class CuratedFacts:
    """What the import needs to know from the curated source files (their union, before reasoning)."""

    graph: Graph

    def labels(self, node: URIRef) -> dict[str, str]:
        return {label.language: str(label) for label in self.graph.objects(node, SKOS.prefLabel) if isinstance(label, Literal) and label.language}

    def plain_membership(self, member: URIRef, organization: URIRef) -> URIRef | None:
        """A curated membership (not a coordination or involvement) of `member` in `organization`."""
        for node in self.graph.subjects(ORG.member, member):
            if (node, RDF.type, ORG.Membership) in self.graph and (node, ORG.organization, organization) in self.graph:
                return node  # type: ignore[return-value]
        return None

    def sources_by_url(self) -> dict[str, URIRef]:
        return {_normal_url(str(url)): source for source in self.graph.subjects(RDF.type, GG.Source) for url in self.graph.objects(source, SCHEMA.url)}

    def successor(self, organization: URIRef) -> URIRef | None:
        """The working group that replaces a former network (dcterms:replaces)."""
        return next(iter(self.graph.subjects(DCTERMS.replaces, organization)), None)  # type: ignore[return-value]

    def _times(self, event: URIRef) -> list[tuple[date, str]]:
        """The event's time as (first day, value as the source gives it)."""
        return [(first_day(str(value)), str(value)) for instant in self.graph.objects(event, TIME.hasTime) for value in self.graph.objects(instant, None)
                if isinstance(value, Literal) and value.datatype in (XSD.date, XSD.gYearMonth, XSD.gYear)]

    def merged_on(self, organization: URIRef) -> date | None:
        """The first day of the merger that ended a former network (it continues as its successor)."""
        days = [day for event in self.graph.subjects(ORG.originalOrganization, organization)
                if (event, RDF.type, GG.Merger) in self.graph and (event, ORG.resultingOrganization, organization) not in self.graph
                for day, _ in self._times(event)]
        return max(days) if days else None

    def begun_on(self, organization: URIRef) -> tuple[date, str] | None:
        """The earliest event a source says the organisation resulted from: its first day and its date as given."""
        times = [time for predicate in (GG.foundingOf, ORG.resultingOrganization) for event in self.graph.subjects(predicate, organization) for time in self._times(event)]
        return min(times) if times else None


def _normal_url(url: str) -> str:
    return url.strip().rstrip("/").lower()


@dataclass
class MemberImport:
    """The import's output: one rdflib graph per named graph (source), and what each row became."""

    graphs: dict[str, Graph] = field(default_factory=lambda: defaultdict(Graph))
    row_nodes: dict[int, list[URIRef]] = field(default_factory=lambda: defaultdict(list))


class _Importer:
    """Turns the rows, in order, into graphs per source (see the module's docstring)."""

    def __init__(self, rows, records, gazetteer, outside, curated: CuratedFacts, ontology: Graph, id_base: str):
        self.rows, self.records, self.gazetteer, self.curated, self.ontology = rows, records, gazetteer, curated, ontology
        self.ids = Namespace(id_base)
        self.municipalities = {m.ags: m for m in gazetteer.municipalities}
        self.outside = outside
        self.result = MemberImport()
        self.curated_sources = curated.sources_by_url()
        self.observation_counts: dict[tuple[URIRef, str], int] = defaultdict(int)
        self.minted: set[URIRef] = set()

    # --- names ------------------------------------------------------------------------------

    def organization(self, local: str) -> URIRef:
        return self.ids[f"organization/{local}"]

    def fail(self, row: MemberRow, message: str) -> BuildError:
        return BuildError(f"{MEMBERS_FILE}:{row.line} ({row.listed_as}, {row.network}): {message}")

    def source_iri(self, source_id: str) -> URIRef:
        record = self.records[source_id]
        curated = self.curated_sources.get(_normal_url(record.url))
        return curated if curated is not None else self.ids[f"source/{source_id.lower()}"]

    def graph_of(self, source_id: str) -> Graph:
        return self.result.graphs[str(self.source_iri(source_id)).rsplit("/", 1)[-1]]

    def label(self, node: URIRef, language: str = "de") -> str:
        labels = self.curated.labels(node)
        return labels.get(language) or labels.get("de") or str(node).rsplit("/", 1)[-1]

    # --- members ------------------------------------------------------------------------------

    def member(self, row: MemberRow) -> tuple[URIRef, str, str]:
        """The member's IRI, its name (German) and its role's local name."""
        if row.member_kind == "municipality":
            municipality = self.municipalities.get(row.ags)
            if municipality is None:
                raise self.fail(row, f"AGS {row.ags!r} is no municipality of NRW in the reference data")
            return self.ids[refdata.municipality_slug(row.ags)], municipality.name, "mitgliedskommune"
        if row.member_kind == "municipality-outside-nrw":
            municipality = self.outside.get(row.listed_as)
            if municipality is None:
                raise self.fail(row, "municipality outside NRW not found in the reference data")
            return self.ids[refdata.municipality_slug(municipality.ags)], municipality.name, "mitgliedskommune"
        if row.member_kind == "organization":
            if row.listed_as not in ORGANISATION_MEMBERS:
                raise self.fail(row, f"unknown member organisation; known: {', '.join(sorted(ORGANISATION_MEMBERS))}")
            return self.organization(ORGANISATION_MEMBERS[row.listed_as][0]), row.listed_as, "mitgliedsorganisation"
        raise self.fail(row, f"unknown member_kind {row.member_kind!r}; valid: {', '.join(MEMBER_KINDS)}")

    def describe_member_organisation(self, graph: Graph, row: MemberRow, node: URIRef) -> None:
        if row.member_kind == "organization":
            graph.add((node, RDF.type, ORGANISATION_MEMBERS[row.listed_as][1]))
            graph.add((node, SKOS.prefLabel, Literal(row.listed_as, lang="de")))

    def network_of(self, row: MemberRow) -> URIRef:
        """The network the row speaks about: its successor AG where the row is dated after the merger."""
        if row.network not in NETWORKS:
            raise self.fail(row, f"unknown network; valid: {', '.join(NETWORKS)}")
        network = self.organization(NETWORKS[row.network])
        if not self.curated.labels(network):
            raise self.fail(row, f"the network {network} is not described by any curated source file")
        merged = self.curated.merged_on(network)
        if row.as_of and merged and first_day(row.as_of) >= merged:
            successor = self.curated.successor(network)
            if successor is None:
                raise self.fail(row, f"dated {row.as_of}, after the merger of {network}, which has no successor")
            return successor
        return network

    # --- the rows -----------------------------------------------------------------------------

    def check(self, row: MemberRow) -> None:
        if row.evidence not in NOT_MEMBERSHIP and (GGEK[row.evidence], RDF.type, SKOS.Concept) not in self.ontology:
            valid = sorted({str(c).rsplit("/", 1)[-1] for c in self.ontology.subjects(RDF.type, SKOS.Concept) if str(c).startswith(str(GGEK))} | set(NOT_MEMBERSHIP))
            raise self.fail(row, f"unknown evidence {row.evidence!r}; valid: {', '.join(valid)}")
        if row.as_of and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", row.as_of):
            raise self.fail(row, f"as_of {row.as_of!r} is no date, month or year (YYYY-MM-DD, YYYY-MM, YYYY)")
        if row.as_of:
            try:
                first_day(row.as_of)
            except ValueError as error:
                raise self.fail(row, f"as_of {row.as_of!r} is no real date: {error}") from None
        if not row.sources:
            raise self.fail(row, "the row cites no source")
        for source_id in row.sources:
            if source_id not in self.records:
                raise self.fail(row, f"source {source_id} is not in network-member-sources.csv")

    def instant(self, graph: Graph, as_of: str) -> URIRef:
        node = self.ids[f"instant/{as_of}"]
        position, datatype = DATE_TYPES[len(as_of)]
        graph.add((node, RDF.type, TIME.Instant))
        graph.add((node, position, Literal(as_of, datatype=datatype)))
        return node

    def role(self, graph: Graph, name: str) -> URIRef:
        node = self.ids[f"role/{name}"]
        graph.add((node, RDF.type, ORG.Role))
        german, english = MEMBER_ROLES[name]
        graph.add((node, SKOS.prefLabel, Literal(german, lang="de")))
        graph.add((node, SKOS.prefLabel, Literal(english, lang="en")))
        graph.add((node, SKOS.topConceptOf, self.ids["role"]))
        return node

    def membership(self, row: MemberRow) -> None:
        member, member_name, role_name = self.member(row)
        network = self.network_of(row)
        network_name = self.label(network)
        node = self.curated.plain_membership(member, network)
        minted = node is None
        if node is None:
            node = self.ids[f"membership/{str(member).rsplit('/', 1)[-1]}--{str(network).rsplit('/', 1)[-1]}"]
        self.result.row_nodes[row.line].append(node)
        labels = {label.language: str(label) for label in self.ontology.objects(GGEK[row.evidence], SKOS.prefLabel)}
        listed = "" if _same_name(row.listed_as, member_name) else f" – genannt als „{row.listed_as}“"
        listed_en = "" if not listed else f" – listed as “{row.listed_as}”"
        beginning_allowed = row.evidence in BEGINNING_EVIDENCE and row.as_of and self._within_lifetime(network, row.as_of)
        for source_id in row.sources:
            graph, source = self.graph_of(source_id), self.source_iri(source_id)
            graph.add((node, RDF.type, ORG.Membership))
            graph.add((node, ORG.member, member))
            graph.add((node, ORG.organization, network))
            graph.add((node, ORG.role, self.role(graph, role_name)))
            graph.add((node, PROV.wasDerivedFrom, source))
            self.describe_member_organisation(graph, row, member)
            if minted:
                graph.add((node, SKOS.prefLabel, Literal(f"Mitgliedschaft: {member_name} – {network_name}", lang="de")))
                graph.add((node, SKOS.prefLabel, Literal(f"Membership: {member_name} – {self.label(network, 'en')}", lang="en")))
            if not row.as_of:
                graph.add((node, SKOS.note, Literal(f"Ohne Datum: Die Quelle ({source_id}) nennt keinen Zeitpunkt ({labels.get('de', row.evidence)}).", lang="de")))
                graph.add((node, SKOS.note, Literal(f"No date: the source ({source_id}) gives none. {row.note}", lang="en")))
                continue
            observation = self.observation_iri(node, source_id)
            self.result.row_nodes[row.line].append(observation)
            when = self.instant(graph, row.as_of)
            graph.add((observation, RDF.type, GG.Observation))
            graph.add((observation, GG.observationOf, node))
            graph.add((observation, TIME.hasTime, when))
            graph.add((observation, GG.evidenceKind, GGEK[row.evidence]))
            graph.add((observation, PROV.wasDerivedFrom, source))
            graph.add((observation, SKOS.prefLabel, Literal(f"{member_name}: {labels.get('de', row.evidence)}, {network_name}, Stand {row.as_of} ({source_id}){listed}", lang="de")))
            graph.add((observation, SKOS.prefLabel, Literal(f"{member_name}: {labels.get('en', row.evidence)}, {network_name}, as of {row.as_of} ({source_id}){listed_en}", lang="en")))
            if row.note:
                graph.add((observation, SKOS.note, Literal(row.note, lang="en")))
            if row.evidence in BEGINNING_EVIDENCE:
                if beginning_allowed:
                    interval = URIRef(f"{node}/interval")
                    graph.add((node, ORG.memberDuring, interval))
                    graph.add((interval, RDF.type, TIME.Interval))
                    graph.add((interval, TIME.hasBeginning, when))
                    graph.add((interval, PROV.wasDerivedFrom, source))
                else:
                    begun = self.curated.begun_on(network)[1]
                    graph.add((node, SKOS.note, Literal(
                        f"Laut {source_id} aufgenommen ({row.as_of}), also in eine Vorgängerin: {network_name} entstand erst {begun}. Die Aufnahme ist darum nicht der Beginn dieser Mitgliedschaft.", lang="de")))
                    graph.add((node, SKOS.note, Literal(
                        f"Admitted ({row.as_of}) according to {source_id}, hence to a predecessor: {network_name} only came into being in {begun}. So the admission is not this membership's beginning. {row.note}", lang="en")))

    def _within_lifetime(self, network: URIRef, as_of: str) -> bool:
        begun = self.curated.begun_on(network)
        return begun is None or first_day(as_of) >= begun[0]

    def observation_iri(self, membership: URIRef, source_id: str) -> URIRef:
        key = (membership, source_id)
        self.observation_counts[key] += 1
        count = self.observation_counts[key]
        return URIRef(f"{membership}/observation/{source_id.lower()}" + (f"-{count}" if count > 1 else ""))

    def not_membership(self, row: MemberRow) -> None:
        kind, rdf_class, kind_de, kind_en = NOT_MEMBERSHIP[row.evidence]
        member, member_name, _ = self.member(row)
        if row.member_kind != "municipality":
            raise self.fail(row, f"{row.evidence} is only modelled for NRW municipalities")
        network = self.network_of(row)
        network_name = self.label(network)
        base = f"{kind}/{str(member).rsplit('/', 1)[-1]}--{str(network).rsplit('/', 1)[-1]}"
        node, number = self.ids[base], 1
        while node in self.minted:
            number += 1
            node = self.ids[f"{base}-{number}"]
        self.minted.add(node)
        self.result.row_nodes[row.line].append(node)
        municipality = self.municipalities[row.ags]
        council = self.organization(f"rat-{str(member).rsplit('/', 1)[-1]}")
        town = "Gemeinde" if municipality.type_code == "64" else "Stadt"
        when = f" ({row.as_of})" if row.as_of else ""
        for source_id in row.sources:
            graph, source = self.graph_of(source_id), self.source_iri(source_id)
            graph.add((node, RDF.type, rdf_class))
            graph.add((node, SKOS.prefLabel, Literal(f"{member_name}: {kind_de} ({network_name}){when}", lang="de")))
            graph.add((node, SKOS.prefLabel, Literal(f"{member_name}: {kind_en} ({network_name}){when}", lang="en")))
            graph.add((node, SCHEMA.about, network))
            graph.add((node, SKOS.note, Literal(NOT_MEMBERSHIP_NOTE[0], lang="de")))
            graph.add((node, SKOS.note, Literal(f"{NOT_MEMBERSHIP_NOTE[1]} {row.note}", lang="en")))
            graph.add((node, PROV.wasDerivedFrom, source))
            if row.as_of:
                graph.add((node, TIME.hasTime, self.instant(graph, row.as_of)))
            if kind == "intention":
                graph.add((node, PROV.wasAttributedTo, member))
                continue
            graph.add((council, RDF.type, GG.CouncilBody))
            graph.add((council, SKOS.prefLabel, Literal(f"Rat der {town} {municipality.name}", lang="de")))
            graph.add((council, SKOS.prefLabel, Literal(f"Council of {municipality.name}", lang="en")))
            graph.add((council, ORG.unitOf, member))
            graph.add((council, PROV.wasDerivedFrom, source))
            if kind == "decision":
                graph.add((node, PROV.wasAssociatedWith, council))
                graph.add((node, PROV.wasAssociatedWith, member))
            else:
                graph.add((node, GG.proposalStatus, self.ids["proposal-status/vorgeschlagen"]))
                graph.add((node, GG.proposedBy, member))
                graph.add((node, GG.addressedTo, council))

    # --- sources ------------------------------------------------------------------------------

    def publisher(self, graph: Graph, description: SourceDescription) -> tuple[URIRef, str]:
        """The publisher's node (known, a municipality, or new) and the name to show for it."""
        text = description.publisher
        if text is None:
            raise BuildError(f"network-member-sources.csv: source {description.record.id} names no publisher: {description.record.description!r}")
        for name in (text, _without_remark(text)):
            if name in KNOWN_PUBLISHERS:
                node = self.organization(KNOWN_PUBLISHERS[name])
                return node, self.label(node)
            if name in NEW_PUBLISHERS:
                local, rdf_class, label, short = NEW_PUBLISHERS[name]
                node = self.organization(local)
                graph.add((node, RDF.type, rdf_class))
                graph.add((node, SKOS.prefLabel, Literal(label, lang="de")))
                graph.add((node, SKOS.altLabel, Literal(short, lang="de")))
                return node, label
        name = _without_remark(text)
        if match := MUNICIPAL_PUBLISHER.match(name):
            found = [m for m in self.gazetteer.municipalities if _same_name(match[1], m.name)]
            if len(found) == 1:
                return self.ids[refdata.municipality_slug(found[0].ags)], name
        node = self.organization(slug(name))
        graph.add((node, RDF.type, ORG.Organization))
        if not self.curated.labels(node):
            graph.add((node, SKOS.prefLabel, Literal(name, lang="de")))
        return node, self.curated.labels(node).get("de", name)

    def describe_source(self, source_id: str) -> None:
        record = self.records[source_id]
        source = self.source_iri(source_id)
        graph = self.graph_of(source_id)
        graph.add((source, SKOS.notation, Literal(record.id)))
        if source != self.ids[f"source/{source_id.lower()}"]:
            return  # a curated file describes it
        description = describe_source(record)
        publisher, publisher_name = self.publisher(graph, description)
        graph.add((source, RDF.type, GG.Source))
        label = description.title if description.title.startswith(publisher_name) else f"{publisher_name}: {description.title}"
        graph.add((source, SKOS.prefLabel, Literal(label, lang="de")))
        graph.add((source, DCTERMS.title, Literal(description.title, lang="de")))
        graph.add((source, DCTERMS.description, Literal(record.description, lang="de")))
        graph.add((source, DCTERMS.publisher, publisher))
        if description.date:
            graph.add((source, DCTERMS.issued, Literal(description.date, datatype=DATE_TYPES[len(description.date)][1])))
        graph.add((source, GG.accessedOn, Literal(ACCESSED_ON, datatype=XSD.gYearMonth)))
        graph.add((source, SCHEMA.url, Literal(record.url, datatype=XSD.anyURI)))
        graph.add((source, FOAF.page, URIRef(record.url)))
        if description.title_from == "url":
            graph.add((source, SKOS.note, Literal("Titel nach dem Pfad der Seite gebildet; der Seitentitel selbst liegt nicht vor.", lang="de")))
            graph.add((source, SKOS.note, Literal("Title formed from the page's path; the page's own title is not on record.", lang="en")))
        elif description.title_from == "text":
            graph.add((source, SKOS.note, Literal("Die Beschreibung der Quelle nennt keinen Titel; als Titel dient ihr Text.", lang="de")))
            graph.add((source, SKOS.note, Literal("The source's description gives no title; its text stands for one.", lang="en")))
        if source_id in SOURCE_CAVEATS:
            german, english = SOURCE_CAVEATS[source_id]
            graph.add((source, SKOS.note, Literal(german, lang="de")))
            graph.add((source, SKOS.note, Literal(english, lang="en")))

    def run(self) -> MemberImport:
        for row in self.rows:
            self.check(row)
            if row.is_membership_evidence:
                self.membership(row)
            else:
                self.not_membership(row)
        cited = {source_id for row in self.rows for source_id in row.sources}
        for source_id in sorted(cited | self.curated_references()):
            self.describe_source(source_id)
        return self.result

    def curated_references(self) -> set[str]:
        """Ids of member sources that the curated files cite as `source/<id>`."""
        by_iri = {str(self.ids[f"source/{source_id.lower()}"]): source_id for source_id in self.records}
        cited = {by_iri[str(source)] for source in self.curated.graph.objects(None, PROV.wasDerivedFrom) if str(source) in by_iri}
        for source_id in cited:
            if self.source_iri(source_id) != self.ids[f"source/{source_id.lower()}"]:
                raise BuildError(f"a curated file cites source/{source_id.lower()}, but {source_id} is the curated source {self.source_iri(source_id)}: cite that")
        return cited


def _same_name(listed: str, name: str) -> bool:
    """Whether a source's name for a municipality is the reference data's name (ignoring "Stadt", remarks)."""
    def plain(text: str) -> str:
        text = re.sub(r"^(?:Stadt|Gemeinde|Alte Hansestadt|Hansestadt) ", "", text.strip())
        return _without_remark(text).lower()
    return plain(listed) == plain(name)


def outside_municipalities(rows: list[MemberRow], refdata_dir: Path) -> dict[str, tuple[refdata.Municipality, str, str]]:
    """Members outside NRW ("Stadt Bürstadt (Hessen)") -> (municipality, Land key, Land name) from the Destatis file."""
    found = {}
    for row in rows:
        if row.member_kind != "municipality-outside-nrw" or row.listed_as in found:
            continue
        match = re.fullmatch(r"(?:Stadt |Gemeinde )?(.+?) \((.+)\)", row.listed_as)
        if not match:
            raise BuildError(f"{MEMBERS_FILE}:{row.line}: a municipality outside NRW is named with its Land, e.g. 'Stadt Bürstadt (Hessen)'")
        hit = refdata.find_municipality(refdata_dir, match[1], match[2])
        if hit is None:
            raise BuildError(f"{MEMBERS_FILE}:{row.line}: no municipality {match[1]!r} in {match[2]!r} in the reference data")
        found[row.listed_as] = hit
    return found


def member_graphs(settings_member_dir: Path, refdata_dir: Path, gazetteer, curated: Graph, ontology: Graph, id_base: str, reference_year: str) -> MemberImport:
    """Read the two CSV files and turn them into one graph per source (plus the Destatis facts of members outside NRW)."""
    rows = read_member_rows(settings_member_dir)
    records = read_source_records(settings_member_dir)
    outside = outside_municipalities(rows, refdata_dir)
    importer = _Importer(rows, records, gazetteer, {name: hit[0] for name, hit in outside.items()}, CuratedFacts(curated), ontology, id_base)
    result = importer.run()
    for municipality, land, land_name in outside.values():
        result.graphs[refdata.DESTATIS_SOURCE] += refdata.outside_municipality_graph(municipality, land, land_name, id_base, reference_year)
    return result
