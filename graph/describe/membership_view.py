"""What a page shows about memberships: an organisation's members with their evidence,
and a municipality's memberships over time (with decisions, proposals and intentions).

Each piece of evidence keeps its date as precise as the source (a member list of
"2013-04" is evidence for April 2013, not since or until), its kind and its source
with the source's address.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph

from graph.describe.describe import labels_of
from graph.describe.labels import LabelBook, Link
from graph.namespaces import PREFIXES
from graph.store.store import GraphStore

_PREFIX_LINES = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
NETWORK_CLASSES = {PREFIXES["gg"] + name for name in ("Network", "FormerNetwork", "WorkingGroup")}
MEMBERSHIP = PREFIXES["org"] + "Membership"
MEMBERSHIP_LABELS = {"de": "Mitgliedschaft", "en": "membership"}  # ORG's class has no label in the store

COLUMNS = "?entity ?relation ?kindOfRelation ?other ?role ?since ?until ?possiblyFrom ?possiblyUntil ?date ?kind ?source ?url"
# A membership's periods (stated bounds; derived ones are in possiblyFrom/Until), and one row per piece of evidence (an observation), or per source of one without any.
_EVIDENCE = """
    OPTIONAL { ?relation gg:possiblyFrom ?possiblyFrom }
    OPTIONAL { ?relation gg:possiblyUntil ?possiblyUntil }
    OPTIONAL { ?relation org:memberDuring/time:hasBeginning ?beginning FILTER NOT EXISTS { ?beginning gg:derivedBy ?beginningRule }
               ?beginning time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear ?since }
    OPTIONAL { ?relation org:memberDuring/time:hasEnd ?end FILTER NOT EXISTS { ?end gg:derivedBy ?endRule }
               ?end time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear ?until }
    {
      ?observation gg:observationOf ?relation ; prov:wasDerivedFrom ?source ;
          time:hasTime/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?date .
      OPTIONAL { ?observation gg:evidenceKind|gg:derivedBy ?kind }
    } UNION {
      ?relation prov:wasDerivedFrom ?source .
      FILTER NOT EXISTS { ?anyObservation gg:observationOf ?relation ; prov:wasDerivedFrom ?source }
    }
    OPTIONAL { ?source schema:url ?url }
"""

# The members of an organisation (?entity); coordinations are offices, not memberships.
MEMBERS_QUERY = _PREFIX_LINES + f"""
SELECT {COLUMNS} WHERE {{
    ?relation a org:Membership ; org:organization ?entity ; org:member ?other .
    FILTER NOT EXISTS {{ ?relation a gg:Coordination }}
    BIND(org:Membership AS ?kindOfRelation)
    OPTIONAL {{ ?relation org:role ?role }}
{_EVIDENCE}}}"""

# The memberships and offices of a municipality (?entity) and its units, and its decisions,
# proposals and intentions about joining (no memberships).
MEMBERSHIPS_QUERY = _PREFIX_LINES + f"""
SELECT {COLUMNS} WHERE {{
  {{
    ?relation a org:Membership ; org:member ?member ; org:organization ?other .
    ?member org:subOrganizationOf* ?entity .
    BIND(IF(EXISTS {{ ?relation a gg:Coordination }}, gg:Coordination, org:Membership) AS ?kindOfRelation)
    OPTIONAL {{ ?relation org:role ?role }}
{_EVIDENCE}
  }} UNION {{
    ?relation a ?kindOfRelation ; schema:about ?other ; prov:wasDerivedFrom ?source .
    VALUES ?kindOfRelation {{ gg:Decision gg:Proposal gg:Intention }}
    ?relation prov:wasAssociatedWith|prov:wasAttributedTo|gg:proposedBy ?entity .
    OPTIONAL {{ ?relation time:hasTime/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?date }}
    OPTIONAL {{ ?source schema:url ?url }}
  }}
}}"""

NOTES_QUERY = _PREFIX_LINES + "SELECT ?relation ?note WHERE { ?relation skos:note ?note }"
TYPES_QUERY = _PREFIX_LINES + "SELECT ?entity ?type WHERE { ?entity a ?type }"


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence: when (as precise as the source), what kind, which source."""

    date: str | None
    kind: Link | None
    source: Link
    url: str | None


def _evidence_order(item: Evidence) -> tuple[str, str, str, str]:
    """Oldest first, then by source and kind: one order whatever order the store (or a set) gave."""
    return (item.date or "9999", item.source.label, item.kind.label if item.kind else "", item.source.iri or "")


@dataclass(frozen=True)
class MembershipEntry:
    """A membership (or office, decision …) with its periods and its evidence, oldest first."""

    relation: Link
    kind: Link
    other: Link
    role: Link | None
    since: str | None
    until: str | None
    possibly_from: str | None
    possibly_until: str | None
    evidence: tuple[Evidence, ...]
    notes: tuple[str, ...]

    @property
    def first_date(self) -> str:
        dates = [item.date for item in self.evidence if item.date] + [self.since or ""]
        return min(date for date in dates if date) if any(dates) else "9999"


@dataclass(frozen=True)
class MembershipView:
    """The membership sections of a page: members (of an organisation), memberships (of a municipality)."""

    members: tuple[MembershipEntry, ...]
    memberships: tuple[MembershipEntry, ...]
    is_network: bool


def membership_view(store: GraphStore, iri: str, language: str) -> MembershipView:
    """The members of `iri` (if an organisation has any) and its memberships over time (if a municipality)."""
    node = pyoxigraph.NamedNode(iri)
    types = {row["type"].value for row in store.query(TYPES_QUERY, substitutions={"entity": node})}
    member_rows = list(store.query(MEMBERS_QUERY, substitutions={"entity": node}))
    membership_rows = list(store.query(MEMBERSHIPS_QUERY, substitutions={"entity": node})) if PREFIXES["gg"] + "Municipality" in types else []
    rows = member_rows + membership_rows
    nodes = {term for row in rows for term in row if isinstance(term, pyoxigraph.NamedNode)}
    book = LabelBook(labels_of(store, nodes), language)
    return MembershipView(
        members=_entries(store, member_rows, book, language, by_date=False),
        memberships=_entries(store, membership_rows, book, language, by_date=True),
        is_network=bool(types & NETWORK_CLASSES),
    )


def _value(row, name: str) -> str | None:
    term = row[name]
    return None if term is None else term.value


def _link(term, book: LabelBook) -> Link | None:
    return None if term is None else Link(term.value, book.label(term))


def _entries(store: GraphStore, rows: list, book: LabelBook, language: str, by_date: bool) -> tuple[MembershipEntry, ...]:
    grouped: dict[str, list] = defaultdict(list)
    for row in rows:
        grouped[row["relation"].value].append(row)
    entries = []
    for relation_rows in grouped.values():
        first = relation_rows[0]
        evidence = {
            Evidence(_value(row, "date"), _link(row["kind"], book), Link(row["source"].value, book.label(row["source"])), _value(row, "url"))
            for row in relation_rows
            if row["source"] is not None
        }
        notes = tuple(sorted(
            row["note"].value for row in store.query(NOTES_QUERY, substitutions={"relation": first["relation"]})
            if row["note"].language == language
        ))
        entries.append(
            MembershipEntry(
                relation=Link(first["relation"].value, book.label(first["relation"])),
                kind=Link(first["kindOfRelation"].value, MEMBERSHIP_LABELS.get(language, "membership") if first["kindOfRelation"].value == MEMBERSHIP else book.label(first["kindOfRelation"])),
                other=Link(first["other"].value, book.label(first["other"])),
                role=_link(first["role"], book),
                since=_value(first, "since"),
                until=_value(first, "until"),
                possibly_from=_value(first, "possiblyFrom"),
                possibly_until=_value(first, "possiblyUntil"),
                evidence=tuple(sorted(evidence, key=_evidence_order)),
                notes=notes,
            )
        )
    if by_date:
        return tuple(sorted(entries, key=lambda entry: (entry.first_date, entry.other.label.lower())))
    return tuple(sorted(entries, key=lambda entry: entry.other.label.lower()))
