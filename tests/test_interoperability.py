"""The interoperability contract: a plain SPARQL client with no reasoner gets answers.

Each test is a query over the served (materialized) graph that must find no counter-example.
"""

from __future__ import annotations

import pytest

PREFIXES = """
PREFIX gg: <https://w3id.org/govgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX schema: <http://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
NETWORK = "<https://w3id.org/govgraph/id/organization/netzwerk-stadtentwicklung-nrw>"

COUNTER_EXAMPLES = {
    "organisation-subclass-without-org-Organization": """
        ?x a ?c . ?c rdfs:subClassOf+ org:Organization . FILTER NOT EXISTS { ?x a org:Organization }""",
    "working-group-not-an-organizational-unit": "?x a gg:WorkingGroup . FILTER NOT EXISTS { ?x a org:OrganizationalUnit }",
    "person-without-foaf-Person": "?post org:heldBy ?x . FILTER NOT EXISTS { ?x a foaf:Person }",
    "organisation-or-person-without-german-prefLabel": """
        { ?x a org:Organization } UNION { ?x a foaf:Person } UNION { ?x a skos:Concept }
        FILTER NOT EXISTS { ?x skos:prefLabel ?l FILTER(lang(?l) = "de") }""",
    "organisation-or-person-without-german-rdfs-label": """
        { ?x a org:Organization } UNION { ?x a foaf:Person } UNION { ?x a skos:Concept }
        FILTER NOT EXISTS { ?x rdfs:label ?l FILTER(lang(?l) = "de") }""",
    "working-group-not-linked-both-ways": f"""
        ?x a gg:WorkingGroup . FILTER NOT EXISTS {{ ?x org:subOrganizationOf {NETWORK} . {NETWORK} org:hasSubOrganization ?x }}""",
    "office-not-under-its-municipality": """
        ?x a gg:MunicipalOffice . FILTER NOT EXISTS { ?x org:subOrganizationOf ?m . ?m a gg:Municipality }""",
    "membership-incomplete": """
        ?x a org:Membership .
        FILTER NOT EXISTS { ?x org:member ?a ; org:organization ?o ; org:role ?r }""",
    "interval-bound-without-instant-value": """
        ?m org:memberDuring ?i . ?i time:hasBeginning|time:hasEnd ?x .
        FILTER NOT EXISTS { ?x a time:Instant ; time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear ?v }""",
    "interval-not-an-interval": "?m org:memberDuring ?x . FILTER NOT EXISTS { ?x a time:Interval }",
    "post-incomplete": "?x a org:Post . FILTER NOT EXISTS { ?x org:postIn ?o ; org:role ?r }",
    "amount-without-value-or-currency": """
        ?x a schema:MonetaryAmount .
        FILTER NOT EXISTS { ?x schema:currency "EUR" ; schema:value|schema:minValue ?v FILTER(datatype(?v) = xsd:decimal) }""",
    "fact-without-source": """
        { ?x a org:Membership } UNION { ?x a org:Post } UNION { ?x a org:ChangeEvent } UNION { ?x a schema:MonetaryAmount }
        UNION { ?x a gg:Proposal } UNION { ?x a gg:Coordination } UNION { ?x a gg:Support } UNION { ?x a gg:Funding }
        FILTER NOT EXISTS { ?x prov:wasDerivedFrom ?s . ?s a gg:Source }""",
    "source-without-title-publisher-date-url": """
        ?x a gg:Source .
        FILTER NOT EXISTS { ?x dcterms:title ?t ; dcterms:publisher ?p ; dcterms:date|dcterms:issued ?d ; schema:url|foaf:page ?u }""",
    "identifier-not-8-digit-string": """
        ?x a gg:Municipality ; org:identifier ?id . FILTER(datatype(?id) != xsd:string || !REGEX(?id, "^[0-9]{8}$"))""",
}


@pytest.mark.parametrize("name", sorted(COUNTER_EXAMPLES))
def test_no_counter_example(graph_store, name):
    rows = list(graph_store.query(PREFIXES + f"SELECT DISTINCT ?x WHERE {{ {COUNTER_EXAMPLES[name]} }} LIMIT 5"))
    assert [str(row["x"]) for row in rows] == []


def test_merger_is_a_change_event_from_five_networks(graph_store):
    rows = list(
        graph_store.query(
            PREFIXES
            + f"""SELECT ?event (COUNT(DISTINCT ?original) AS ?n) WHERE {{
                ?event a org:ChangeEvent ; org:resultingOrganization {NETWORK} ; org:originalOrganization ?original }}
                GROUP BY ?event"""
        )
    )
    assert [int(row["n"].value) for row in rows] == [5]


def test_press_release_facts_point_to_their_sentence(graph_store):
    rows = list(
        graph_store.query(
            PREFIXES
            + """SELECT (COUNT(DISTINCT ?fact) AS ?n) WHERE {
                ?fact prov:wasDerivedFrom <https://w3id.org/govgraph/id/source/pressemitteilung-dortmund-2024-12> .
                FILTER NOT EXISTS { ?fact gg:citation/oa:hasSelector/oa:exact ?quote }
                FILTER NOT EXISTS { ?fact a oa:SpecificResource }
                FILTER NOT EXISTS { GRAPH ?fact { ?s ?p ?o } }  # the source's named graph, which derives from it
                FILTER(isIRI(?fact)) }"""
        )
    )
    assert int(rows[0]["n"].value) == 0


def test_month_precision_is_kept(graph_store):
    rows = list(
        graph_store.query(
            PREFIXES
            + """SELECT DISTINCT ?month WHERE {
                ?m a org:Membership ; org:member <https://w3id.org/govgraph/id/person/sebastian-kroeger> ;
                   org:memberDuring/time:hasBeginning/time:inXSDgYearMonth ?month }"""
        )
    )
    assert [(row["month"].value, row["month"].datatype.value) for row in rows] == [
        ("2024-11", "http://www.w3.org/2001/XMLSchema#gYearMonth")
    ]
