"""An entity as schema.org JSON-LD, for the script block each page embeds."""

from __future__ import annotations

import pyoxigraph

from graph.describe.labels import FOAF, GG, ORG, OWL, PROV, SCHEMA, SKOS, LabelBook
from graph.store.store import Term

SCHEMA_TYPES = (
    (FOAF + "Person", "Person"),
    (GG + "Municipality", "AdministrativeArea"),
    (GG + "District", "AdministrativeArea"),
    (GG + "AdministrativeDistrict", "AdministrativeArea"),
    (GG + "State", "AdministrativeArea"),
    (GG + "StateMinistry", "GovernmentOrganization"),
    (GG + "DistrictGovernment", "GovernmentOrganization"),
    (GG + "MunicipalOffice", "GovernmentOrganization"),
    (ORG + "Organization", "Organization"),
    (GG + "Source", "CreativeWork"),
    (SCHEMA + "Event", "Event"),
    (PROV + "Activity", "Event"),
    (SKOS + "Concept", "DefinedTerm"),
    (OWL + "Class", "DefinedTerm"),
    (OWL + "ObjectProperty", "DefinedTerm"),
    (OWL + "DatatypeProperty", "DefinedTerm"),
)


def schema_org(iri: str, label: str, type_iris: set[str], outgoing: dict[str, list[Term]], book: LabelBook) -> dict:
    """The entity as schema.org JSON-LD (for search engines and embedded-data readers)."""
    schema_type = next((name for type_iri, name in SCHEMA_TYPES if type_iri in type_iris), "Thing")
    description: dict = {"@context": "https://schema.org", "@type": schema_type, "@id": iri, "name": label}
    alternate = [v.value for v in outgoing.get(SKOS + "altLabel", []) if isinstance(v, pyoxigraph.Literal)]
    if alternate:
        description["alternateName"] = alternate
    same_as = [v.value for v in outgoing.get(OWL + "sameAs", []) if isinstance(v, pyoxigraph.NamedNode)]
    if same_as:
        description["sameAs"] = same_as
    identifiers = [v.value for v in outgoing.get(ORG + "identifier", [])]
    if identifiers:
        description["identifier"] = identifiers[0]

    def links(predicate: str) -> list[dict]:
        return [{"@id": v.value, "name": book.label(v)} for v in outgoing.get(predicate, []) if isinstance(v, pyoxigraph.NamedNode)]

    # Only the schema.org properties the chosen type has.
    properties_by_type = {
        "Organization": ((ORG + "subOrganizationOf", "parentOrganization"), (ORG + "hasSubOrganization", "subOrganization"), (ORG + "memberOf", "memberOf"), (SCHEMA + "sponsor", "sponsor")),
        "GovernmentOrganization": ((ORG + "subOrganizationOf", "parentOrganization"), (ORG + "hasSubOrganization", "subOrganization"), (ORG + "memberOf", "memberOf")),
        "Person": ((ORG + "memberOf", "memberOf"),),
        "AdministrativeArea": ((GG + "inDistrict", "containedInPlace"), (GG + "inAdministrativeDistrict", "containedInPlace")),
    }
    for predicate, name in properties_by_type.get(schema_type, ()):
        found = links(predicate)
        if found:
            description.setdefault(name, []).extend(found)
    homepages = [v.value for v in outgoing.get(FOAF + "homepage", []) + outgoing.get(SCHEMA + "url", [])]
    if homepages:
        description["url"] = homepages[0]
    return description
