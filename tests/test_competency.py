"""Competency questions: what a researcher asks of the press release and the web sources.

Each question is one SPARQL query that uses only standard vocabularies (ORG, PROV,
OWL-Time, SKOS, DCMI Terms, FOAF, schema.org, Web Annotation, RDFS, OWL) plus
instance IRIs (organisations, roles, topics, organisation types), run against the
built store (union of the named graphs, entailments materialized), and each
asserts the exact answer the sources give: nothing more, nothing less.
"""

from __future__ import annotations

import pytest

BASE = "https://w3id.org/govgraph"
ID = f"{BASE}/id/"

PREFIXES = f"""
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX schema: <http://schema.org/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX o: <{ID}organization/>
PREFIX p: <{ID}person/>
PREFIX m: <{ID}membership/>
PREFIX post: <{ID}post/>
PREFIX src: <{ID}source/>
PREFIX role: <{ID}role/>
PREFIX topic: <{ID}topic/>
PREFIX status: <{ID}proposal-status/>
PREFIX type: <https://w3id.org/govgraph/ontology/organization-type/>
"""

XSD = "http://www.w3.org/2001/XMLSchema#"
NETWORK = ID + "organization/netzwerk-stadtentwicklung-nrw"
DORTMUND = ID + "organization/gemeinde-05913000"
PRESS_RELEASE = ID + "source/pressemitteilung-dortmund-2024-12"
WORKING_GROUPS = {
    ID + "organization/ag-stadtumbau",
    ID + "organization/ag-baulandmanagement",
    ID + "organization/ag-soziale-stadt",
    ID + "organization/ag-innenstadt",
    ID + "organization/ag-historische-stadt-und-ortskerne",
}
FORMER_NETWORKS = {
    ID + "organization/stadtumbaunetzwerk-nrw",
    ID + "organization/forum-baulandmanagement-nrw",
    ID + "organization/staedtenetz-soziale-stadt-nrw",
    ID + "organization/netzwerk-innenstadt-nrw",
    ID + "organization/arbeitsgemeinschaft-historische-stadt-und-ortskerne-in-nrw",
}
DISTRICT_GOVERNMENTS = {ID + f"organization/bezirksregierung-{key}" for key in ("051", "053", "055", "057", "059")}
MINISTRY = ID + "organization/mhkbd-nrw"
KROEGER = ID + "person/sebastian-kroeger"
AMT = ID + "organization/amt-fuer-stadterneuerung-dortmund"


def rows(any_store, query: str) -> list[dict[str, object]]:
    """SELECT results as dicts of variable name -> term (unbound variables left out)."""
    solutions = any_store.query(PREFIXES + query)
    names = [variable.value for variable in solutions.variables]
    result = []
    for solution in solutions:
        row = {}
        for name in names:
            term = solution[name]
            if term is not None:
                row[name] = term
        result.append(row)
    return result


def values(any_store, query: str, name: str) -> set[str]:
    """The lexical values (IRI strings or literal forms) of one variable, as a set."""
    return {row[name].value for row in rows(any_store, query) if name in row}


def ask(any_store, query: str) -> bool:
    return bool(any_store.query(PREFIXES + query))


def typed(term) -> tuple[str, str]:
    """A literal as (lexical form, datatype IRI)."""
    return term.value, term.datatype.value


# --- the network and its parts -------------------------------------------------


def test_which_working_groups_belong_to_the_network(any_store):
    """Which working groups (AGs) belong to the Netzwerk Stadtentwicklung NRW?"""
    query = """
        SELECT ?group WHERE {
            ?group org:subOrganizationOf o:netzwerk-stadtentwicklung-nrw ;
                   org:classification type:working-group .
        }"""
    assert values(any_store, query, "group") == WORKING_GROUPS


def test_network_lists_its_sub_organisations(any_store):
    """Which bodies does the network have (seen from the network, via the entailed inverse)?"""
    query = "SELECT ?unit WHERE { o:netzwerk-stadtentwicklung-nrw org:hasSubOrganization ?unit }"
    assert values(any_store, query, "unit") == WORKING_GROUPS | {
        ID + "organization/vorstand-netzwerk-stadtentwicklung-nrw",
        ID + "organization/koordinierungsrunde-netzwerk-stadtentwicklung-nrw",
    }


def test_working_group_labels_are_german(any_store):
    """What are the working groups called (German label, via rdfs:label as any client reads it)?"""
    query = """
        SELECT ?label WHERE {
            ?group org:unitOf o:netzwerk-stadtentwicklung-nrw ;
                   org:classification type:working-group ;
                   rdfs:label ?label .
            FILTER(LANG(?label) = "de")
        }"""
    assert values(any_store, query, "label") == {
        "AG Stadtumbau",
        "AG Baulandmanagement",
        "AG Soziale Stadt",
        "AG Innenstadt",
        "AG Historische Stadt- und Ortskerne",
    }


def test_topics_of_the_network(any_store):
    """Which topics does the network deal with?"""
    query = """
        SELECT ?label WHERE {
            o:netzwerk-stadtentwicklung-nrw dcterms:subject ?topic .
            ?topic skos:prefLabel ?label . FILTER(LANG(?label) = "de")
        }"""
    assert values(any_store, query, "label") == {
        "Stadtentwicklung",
        "Städtebauförderung",
        "demografischer Wandel",
        "Klimawandel",
        "Wirtschafts- und Strukturwandel",
    }


def test_definition_of_stadtumbau_and_its_source(any_store):
    """What does "Stadtumbau" mean, and which sentence of which source says so?"""
    result = rows(
        any_store,
        """
        SELECT ?definition ?source ?exact WHERE {
            topic:stadtumbau skos:definition ?definition ; dcterms:source ?quote .
            FILTER(LANG(?definition) = "de")
            ?quote oa:hasSource ?source ; oa:hasSelector/oa:exact ?exact .
        }""",
    )
    assert [(r["definition"].value, r["source"].value, r["exact"].value) for r in result] == [
        (
            "Städtebauliche Maßnahmen im Zuge des Strukturwandels oder zur Anpassung an die Bevölkerungsentwicklung.",
            PRESS_RELEASE,
            "Als „Stadtumbau“ werden städtebauliche Maßnahmen im Zuge des Strukturwandels oder zur Anpassung "
            "an die Bevölkerungsentwicklung bezeichnet.",
        )
    ]


def test_homepage_of_the_network(any_store):
    """Where can one read more about the network?"""
    query = "SELECT ?page WHERE { o:netzwerk-stadtentwicklung-nrw foaf:homepage ?page }"
    assert values(any_store, query, "page") == {"https://netzwerk-stadtentwicklung.nrw/"}


def test_lenkungskreis_of_the_ag_stadtumbau(any_store):
    """Which steering circle does the AG Stadtumbau have?"""
    query = """
        SELECT ?body WHERE {
            ?body org:subOrganizationOf o:ag-stadtumbau ; org:classification type:steering-circle .
        }"""
    assert values(any_store, query, "body") == {ID + "organization/lenkungskreis-ag-stadtumbau"}


# --- coordination of the AG Stadtumbau ------------------------------------------

COORDINATOR_ON_DAY = """
    SELECT ?coordinator ?municipality WHERE {
        VALUES ?day { "%s"^^xsd:date }
        ?coordination org:organization o:ag-stadtumbau ;
                      org:role role:kommunale-koordinierung ;
                      org:member ?coordinator ;
                      org:memberDuring/time:hasBeginning/time:inXSDDate ?begin .
        OPTIONAL { ?coordination org:memberDuring/time:hasEnd/time:inXSDDate ?end }
        FILTER(?begin <= ?day && COALESCE(?end >= ?day, true))
        OPTIONAL { ?coordinator org:subOrganizationOf ?municipality .
                   ?municipality org:classification type:municipality }
    }"""


def test_who_coordinates_the_ag_stadtumbau_in_march_2025(any_store):
    """Who coordinates the AG Stadtumbau on 1 March 2025, and for which municipality?"""
    result = rows(any_store, COORDINATOR_ON_DAY % "2025-03-01")
    assert [(r["coordinator"].value, r["municipality"].value) for r in result] == [(AMT, DORTMUND)]


def test_nobody_known_to_coordinate_the_ag_stadtumbau_in_december_2024(any_store):
    """Who coordinates the AG Stadtumbau on 1 December 2024? The sources name no one (Dortmund starts in 2025)."""
    assert rows(any_store, COORDINATOR_ON_DAY % "2024-12-01") == []


def test_source_and_quote_behind_the_coordination(any_store):
    """On what source, and on which exact sentences, rests the fact that the Amt coordinates the AG?"""
    result = rows(
        any_store,
        """
        SELECT ?source ?exact WHERE {
            ?coordination org:member o:amt-fuer-stadterneuerung-dortmund ;
                          org:organization o:ag-stadtumbau ;
                          prov:wasDerivedFrom ?source ;
                          dcterms:source ?quote .
            ?quote oa:hasSource ?source ; oa:hasSelector/oa:exact ?exact .
        }""",
    )
    assert {r["source"].value for r in result} == {PRESS_RELEASE}
    assert {r["exact"].value for r in result} == {
        "Dortmund übernimmt Schlüsselrolle im Netzwerk Stadtentwicklung NRW",
        "Das Amt für Stadterneuerung koordiniert ab 1. Januar 2025 die Arbeit der AG Stadtumbau.",
        "Die AG Stadtumbau, deren Arbeit die Stadt Dortmund künftig koordiniert, bündelt Interessen und Wünsche "
        "der Mitgliedskommunen zum Thema Stadtumbau, plant ein gemeinsames Jahresprogramm und organisiert "
        "Fachveranstaltungen.",
    }


def test_press_release_publisher_and_date(any_store):
    """Who published the press release, and when?"""
    result = rows(
        any_store,
        """
        SELECT ?publisher ?issued ?url WHERE {
            src:pressemitteilung-dortmund-2024-12 dcterms:publisher/skos:prefLabel ?publisher ;
                dcterms:issued ?issued ; schema:url ?url .
            FILTER(LANG(?publisher) = "de")
        }""",
    )
    assert len(result) == 1
    assert result[0]["publisher"].value == "Pressestelle der Stadt Dortmund"
    assert typed(result[0]["issued"]) == ("2024-12", XSD + "gYearMonth")
    assert result[0]["url"].value == (
        "https://mengede-intakt.de/2024/12/18/dortmund-uebernimmt-schluesselrolle-im-netzwerk-stadtentwicklung-nrw"
    )


# --- Sebastian Kröger ------------------------------------------------------------


def test_since_when_is_kroeger_speaker_of_the_ag_stadtumbau(any_store):
    """Since when is Sebastian Kröger speaker of the AG Stadtumbau (only the month is known)?"""
    result = rows(
        any_store,
        """
        SELECT ?begin WHERE {
            ?membership org:member p:sebastian-kroeger ; org:organization o:ag-stadtumbau ;
                        org:role role:sprecher ;
                        org:memberDuring/time:hasBeginning/time:inXSDgYearMonth ?begin .
        }""",
    )
    assert [typed(r["begin"]) for r in result] == [("2024-11", XSD + "gYearMonth")]


def test_who_sits_on_the_board(any_store):
    """Who sits on the board (Vorstand) of the network, and since when (where known)?"""
    result = rows(
        any_store,
        """
        SELECT ?member ?begin WHERE {
            ?membership org:organization o:vorstand-netzwerk-stadtentwicklung-nrw ;
                        org:role role:vorstandsmitglied ; org:member ?member .
            OPTIONAL { ?membership org:memberDuring/time:hasBeginning/time:inXSDgYearMonth ?begin }
        }""",
    )
    answer = {(r["member"].value, r["begin"].value if "begin" in r else None) for r in result}
    assert answer == {(KROEGER, "2024-11"), (MINISTRY, None)}


def test_who_heads_the_amt_fuer_stadterneuerung(any_store):
    """Who heads Dortmund's Amt für Stadterneuerung (as head, and through the post of Leitung)?"""
    heads = values(any_store, "SELECT ?person WHERE { ?person org:headOf o:amt-fuer-stadterneuerung-dortmund }", "person")
    holders = values(
        any_store,
        """
        SELECT ?person WHERE {
            o:amt-fuer-stadterneuerung-dortmund org:hasPost ?post .
            ?post org:role role:leitung . ?person org:holds ?post .
        }""",
        "person",
    )
    assert heads == holders == {KROEGER}


def test_amt_is_part_of_the_city_of_dortmund(any_store):
    """Is the Amt für Stadterneuerung part of the City of Dortmund, and is Kröger thereby a member of the Amt?"""
    assert ask(any_store, "ASK { o:amt-fuer-stadterneuerung-dortmund org:subOrganizationOf o:gemeinde-05913000 }")
    assert ask(any_store, "ASK { o:gemeinde-05913000 org:hasUnit o:amt-fuer-stadterneuerung-dortmund }")
    assert ask(any_store, "ASK { p:sebastian-kroeger org:memberOf o:amt-fuer-stadterneuerung-dortmund }")


def test_what_kroegers_appointment_resulted_in(any_store):
    """What did Kröger's appointment in November 2024 result in?"""
    result = rows(
        any_store,
        """
        SELECT ?organization ?month WHERE {
            ?appointment a prov:Activity ; time:hasTime/time:inXSDgYearMonth ?month ;
                         prov:generated ?membership .
            ?membership org:member p:sebastian-kroeger ; org:organization ?organization .
        }""",
    )
    assert {(r["organization"].value, r["month"].value) for r in result} == {
        (ID + "organization/ag-stadtumbau", "2024-11"),
        (ID + "organization/vorstand-netzwerk-stadtentwicklung-nrw", "2024-11"),
    }


def test_people_in_the_graph(any_store):
    """Which people does the graph know?"""
    query = 'SELECT ?name WHERE { ?person a foaf:Person ; rdfs:label ?name . FILTER(LANG(?name) = "de") }'
    assert values(any_store, query, "name") == {
        "Sebastian Kröger", "Hermann Temme", "Johannes Schlütz",  # the press release, driburg-news.de
        # the histories of the former networks (graph/sources/*-chronik.ttl)
        "Robin Denstorff", "Eliza Dieckmann", "Christof Sommer", "Dr. Reiner Austermann", "Markus Baier", "Christoph Weber",
        "Oliver Wittke", "Ralf Kampmann", "Stefan Schwarz", "Petra Klein", "Michaela Röbke",
    }


# --- Dortmund's memberships, the proposal and the fees ---------------------------


def test_where_dortmund_is_or_was_engaged(any_store):
    """In which organisations is (or was) the City of Dortmund a member?"""
    query = """
        SELECT ?organization WHERE {
            o:gemeinde-05913000 org:hasMembership ?membership .
            ?membership org:organization ?organization ; org:role role:mitgliedskommune .
        }"""
    assert values(any_store, query, "organization") == WORKING_GROUPS | FORMER_NETWORKS | {NETWORK}


def test_proposal_to_extend_dortmunds_membership(any_store):
    """What is proposed about Dortmund's membership: by whom, to whom, until when, at what annual cost, in what state?"""
    result = rows(
        any_store,
        """
        SELECT ?by ?to ?until ?value ?currency ?status WHERE {
            ?proposal schema:about m:stadt-dortmund-netzwerk-stadtentwicklung-nrw ;
                      prov:wasAttributedTo ?by ; schema:recipient ?to ;
                      dcterms:temporal/time:hasEnd/time:inXSDgYear ?until ;
                      schema:amount [ schema:value ?value ; schema:currency ?currency ] ;
                      schema:creativeWorkStatus ?status .
        }""",
    )
    assert len(result) == 1
    row = result[0]
    assert row["by"].value == ID + "organization/verwaltung-stadt-dortmund"
    assert row["to"].value == ID + "organization/rat-stadt-dortmund"
    assert typed(row["until"]) == ("2034", XSD + "gYear")
    assert float(row["value"].value) == 5000 and row["currency"].value == "EUR"
    assert row["status"].value == ID + "proposal-status/vorgeschlagen"


def test_proposal_is_not_a_decision(any_store):
    """Has the council decided the extension? The sources say only that it is proposed."""
    assert not ask(
        any_store,
        "ASK { ?decision a prov:Activity ; schema:about|prov:used m:stadt-dortmund-netzwerk-stadtentwicklung-nrw }",
    )
    assert ask(any_store, "ASK { ?proposal schema:creativeWorkStatus status:vorgeschlagen }")


def test_what_dortmund_pays_per_year(any_store):
    """What does Dortmund pay per year for the network membership now (the fee that replaced the old ones)?"""
    result = rows(
        any_store,
        """
        SELECT ?value ?currency WHERE {
            ?fee schema:customer o:gemeinde-05913000 ;
                 schema:billingPeriod "P1Y"^^xsd:duration ;
                 dcterms:relation m:stadt-dortmund-netzwerk-stadtentwicklung-nrw ;
                 schema:amount [ schema:value ?value ; schema:currency ?currency ] .
            FILTER NOT EXISTS { ?newer dcterms:replaces ?fee }
        }""",
    )
    assert [(float(r["value"].value), r["currency"].value) for r in result] == [(5000.0, "EUR")]


def test_former_fees_are_approximate(any_store):
    """What did Dortmund pay before, for the five former networks? About ("gut") 12,000 EUR a year, not an exact sum."""
    result = rows(
        any_store,
        """
        SELECT ?fee ?minimum ?exact ?currency ?wording WHERE {
            ?newer dcterms:replaces ?fee .
            ?fee schema:customer o:gemeinde-05913000 ; schema:billingPeriod "P1Y"^^xsd:duration ;
                 schema:amount ?amount .
            ?amount schema:minValue ?minimum ; schema:currency ?currency ; skos:note ?wording .
            OPTIONAL { ?amount schema:value ?exact }
            FILTER(LANG(?wording) = "de")
        }""",
    )
    assert len(result) == 1
    row = result[0]
    assert float(row["minimum"].value) == 12000 and row["currency"].value == "EUR"
    assert "exact" not in row
    assert row["wording"].value == "gut 12.000 Euro"
    covered = values(any_store, f"SELECT ?org WHERE {{ <{row['fee'].value}> dcterms:relation/org:organization ?org }}", "org")
    assert covered == FORMER_NETWORKS


def test_fee_tiers_of_the_network(any_store):
    """What do member municipalities pay: which tiers of the fee schedule are known?"""
    result = rows(
        any_store,
        """
        SELECT ?position ?value WHERE {
            o:netzwerk-stadtentwicklung-nrw dcterms:relation ?schedule .
            ?schedule dcterms:hasPart ?tier .
            ?tier schema:position ?position ; schema:amount/schema:value ?value ;
                  schema:billingPeriod "P1Y"^^xsd:duration .
        } ORDER BY ?position""",
    )
    assert [(int(r["position"].value), float(r["value"].value)) for r in result] == [(1, 1000.0), (6, 5000.0)]


# --- history: the merger, the founding, the former networks ---------------------


def test_which_networks_merged_in_2024(any_store):
    """Which networks merged in 2024, into which organisation, and when exactly (where a source says)?"""
    originals = values(
        any_store,
        """
        SELECT ?original WHERE {
            ?merger a org:ChangeEvent ; org:originalOrganization ?original ;
                    org:resultingOrganization o:netzwerk-stadtentwicklung-nrw ;
                    time:hasTime/time:inXSDgYear "2024"^^xsd:gYear .
        }""",
        "original",
    )
    assert originals == FORMER_NETWORKS
    days = values(
        any_store,
        """
        SELECT ?day WHERE {
            ?merger a org:ChangeEvent ; org:resultingOrganization o:netzwerk-stadtentwicklung-nrw ;
                    time:hasTime/time:inXSDDate ?day .
        }""",
        "day",
    )
    assert days == {"2024-01-01"}


def test_names_of_the_former_networks(any_store):
    """What were the five former networks called?"""
    query = """
        SELECT ?name WHERE {
            ?merger org:resultingOrganization o:netzwerk-stadtentwicklung-nrw ; org:originalOrganization ?network .
            ?network org:classification type:former-network ; skos:prefLabel ?name .
            FILTER(LANG(?name) = "de")
        }"""
    assert values(any_store, query, "name") == {
        "Forum Baulandmanagement NRW",
        "Stadtumbaunetzwerk NRW",
        "Städtenetz Soziale Stadt NRW",
        "Arbeitsgemeinschaft Historische Stadt- und Ortskerne in NRW",
        "Netzwerk Innenstadt NRW",
    }


def test_which_sources_say_the_ag_baulandmanagement_continues_the_forum(any_store):
    """Which sources attest that the AG Baulandmanagement replaced the Forum Baulandmanagement NRW?"""
    query = """
        SELECT ?graph WHERE {
            GRAPH ?graph { o:ag-baulandmanagement dcterms:replaces o:forum-baulandmanagement-nrw }
        }"""
    assert values(any_store, query, "graph") == {
        f"{BASE}/graph/pressemitteilung-dortmund-2024-12",
        f"{BASE}/graph/netzwerk-stadtentwicklung-ueber",
        f"{BASE}/graph/forum-bauland-netzwerk",
    }


def test_legal_basis_of_the_former_networks(any_store):
    """On which legal provisions were the former networks based?"""
    result = rows(
        any_store,
        """
        SELECT ?network ?provision WHERE {
            ?network org:classification type:former-network ; dcterms:conformsTo ?law .
            ?law skos:prefLabel ?provision . FILTER(LANG(?provision) = "de")
        }""",
    )
    assert {r["network"].value for r in result} == FORMER_NETWORKS
    assert {r["provision"].value for r in result} == {"§ 2 GkG NRW", "§ 3 GkG NRW"}


def test_when_and_where_the_network_was_founded(any_store):
    """When and where was the network founded, according to which sources?"""
    result = rows(
        any_store,
        """
        SELECT ?day ?place ?host ?source WHERE {
            ?assembly prov:generated o:netzwerk-stadtentwicklung-nrw ;
                      time:hasTime/time:inXSDDate ?day ;
                      prov:atLocation ?site ; prov:wasDerivedFrom ?source .
            ?site skos:prefLabel ?place ; org:siteOf ?host . FILTER(LANG(?place) = "de")
        }""",
    )
    assert {(r["day"].value, r["place"].value, r["host"].value) for r in result} == {
        ("2024-01-15", "Rathaus Münster", ID + "organization/gemeinde-05515000")
    }
    assert {r["source"].value for r in result} == {
        ID + "source/netzwerk-stadtentwicklung-ueber",
        ID + "source/staedtetag-gruendung",
        ID + "source/driburg-news-gruendung",
    }


def test_who_attended_the_founding_assembly(any_store):
    """Which mayors attended the founding assembly, and of which towns?"""
    result = rows(
        any_store,
        """
        SELECT ?person ?town WHERE {
            ?assembly prov:generated o:netzwerk-stadtentwicklung-nrw ; schema:attendee ?person .
            ?person org:holds ?post . ?post org:role role:buergermeister ; org:postIn ?town .
        }""",
    )
    assert {(r["person"].value, r["town"].value) for r in result} == {
        (ID + "person/hermann-temme", ID + "organization/gemeinde-05762016"),
        (ID + "person/johannes-schluetz", ID + "organization/gemeinde-05762028"),
    }


def test_member_municipalities_known_by_name(any_store):
    """Which member municipalities of the network are named in the sources (with their official keys)?"""
    query = """
        SELECT ?key WHERE {
            ?membership org:organization o:netzwerk-stadtentwicklung-nrw ; org:role role:mitgliedskommune ;
                        org:member ?municipality .
            ?municipality org:identifier ?key .
        }"""
    assert values(any_store, query, "key") == {"05913000", "05762016", "05762028"}


def test_lead_municipality_of_the_former_stadtumbaunetzwerk(any_store):
    """Which municipality was federführend in the former Stadtumbaunetzwerk NRW?"""
    query = """
        SELECT ?key WHERE {
            ?coordination org:organization o:stadtumbaunetzwerk-nrw ; org:role role:federfuehrende-kommune ;
                          org:member/org:identifier ?key .
        }"""
    assert values(any_store, query, "key") == {"05911000"}


# --- the Land, authorities and supporters ----------------------------------------


def test_authorities_that_may_be_involved(any_store):
    """Which authorities can be involved on occasion in the network's further bodies?"""
    query = """
        SELECT ?authority WHERE {
            ?involvement a prov:Influence ; org:role role:anlassbezogene-einbindung ; prov:influencer ?authority .
        }"""
    assert values(any_store, query, "authority") == DISTRICT_GOVERNMENTS | {MINISTRY}


def test_a_possible_involvement_is_no_membership(any_store):
    """Regression: "können ... eingebunden werden" listed six authorities as members of the network."""
    query = """
        SELECT ?member WHERE { ?membership a org:Membership ; org:organization o:netzwerk-stadtentwicklung-nrw ;
                                           org:member ?member . }"""
    assert not values(any_store, query, "member") & (DISTRICT_GOVERNMENTS | {MINISTRY})


def test_ministry_responsible_for_urban_development(any_store):
    """Which ministry is responsible for urban development, and what is its short name?"""
    result = rows(
        any_store,
        """
        SELECT ?ministry ?name ?short WHERE {
            ?ministry org:classification type:state-ministry ; org:purpose topic:stadtentwicklung ;
                      org:subOrganizationOf o:land-nrw ;
                      skos:prefLabel ?name ; skos:altLabel ?short .
            FILTER(LANG(?name) = "de")
        }""",
    )
    assert [(r["ministry"].value, r["name"].value, r["short"].value) for r in result] == [
        (MINISTRY, "Ministerium für Heimat, Kommunales, Bau und Digitalisierung des Landes Nordrhein-Westfalen", "MHKBD")
    ]


def test_who_supports_the_network(any_store):
    """Who supports (sponsors) the network, and who the AG Stadtumbau?"""
    network = values(any_store, "SELECT ?who WHERE { o:netzwerk-stadtentwicklung-nrw schema:sponsor ?who }", "who")
    assert network == {ID + "organization/kommunale-spitzenverbaende-nrw", ID + "organization/land-nrw"}
    group = values(any_store, "SELECT ?who WHERE { o:ag-stadtumbau schema:sponsor ?who }", "who")
    assert group == {ID + "organization/externe-fachberatungen-ag-stadtumbau"}


def test_how_the_land_funds_the_network(any_store):
    """With what does the Land NRW fund the network?"""
    query = """
        SELECT ?programme WHERE {
            ?grant schema:funder o:land-nrw ; schema:fundedItem o:netzwerk-stadtentwicklung-nrw ;
                   dcterms:subject ?programme .
        }"""
    assert values(any_store, query, "programme") == {ID + "topic/staedtebaufoerderung"}


def test_staedtetag_in_the_coordination_round(any_store):
    """What part does the Städtetag NRW play, and since when is that announced?"""
    result = rows(
        any_store,
        """
        SELECT ?body ?role ?issued WHERE {
            ?membership org:member o:staedtetag-nrw ; org:organization ?body ; org:role ?role ;
                        prov:wasDerivedFrom/dcterms:issued ?issued .
            ?body org:subOrganizationOf o:netzwerk-stadtentwicklung-nrw .
        }""",
    )
    assert [(r["body"].value, r["role"].value, typed(r["issued"])) for r in result] == [
        (
            ID + "organization/koordinierungsrunde-netzwerk-stadtentwicklung-nrw",
            ID + "role/vertretung",
            ("2023-12-13", XSD + "date"),
        )
    ]


def test_board_steers_the_network(any_store):
    """Who steers the network?"""
    query = """
        SELECT ?body WHERE {
            o:netzwerk-stadtentwicklung-nrw prov:wasInfluencedBy ?body .
            ?body org:classification type:board .
        }"""
    assert values(any_store, query, "body") == {ID + "organization/vorstand-netzwerk-stadtentwicklung-nrw"}


# --- provenance of everything ----------------------------------------------------


def test_every_membership_names_its_source(any_store):
    """Does every membership, post and event say where it comes from?"""
    assert not ask(
        any_store,
        """
        ASK {
            { ?fact a org:Membership } UNION { ?fact a org:Post } UNION { ?fact a prov:Activity }
            FILTER NOT EXISTS { ?fact prov:wasDerivedFrom ?source }
        }""",
    )


@pytest.mark.parametrize(
    "source, date",
    [
        ("pressemitteilung-dortmund-2024-12", ("2024-12", XSD + "gYearMonth")),
        ("staedtetag-gruendung", ("2023-12-13", XSD + "date")),
        ("netzwerk-stadtentwicklung-ueber", ("2026-11", XSD + "gYearMonth")),
        ("driburg-news-gruendung", ("2026-11", XSD + "gYearMonth")),
    ],
)
def test_sources_have_title_publisher_date_and_address(any_store, source, date):
    """Which sources does the graph rest on, with title, publisher, date and address?"""
    result = rows(
        any_store,
        f"""
        SELECT ?title ?publisher ?date ?url WHERE {{
            <{ID}source/{source}> dcterms:title ?title ; dcterms:publisher ?publisher ;
                dcterms:date ?date ; schema:url ?url .
            ?publisher a org:Organization .
        }}""",
    )
    assert result, f"source {source} is not described"
    dates = {typed(r["date"]) for r in result}
    assert date in dates
    assert all(r["url"].value.startswith("https://") for r in result)
