"""Reference data: all NRW municipalities, Kreise and Regierungsbezirke, with official keys and Wikidata."""

from __future__ import annotations

from graph.build.refdata import read_gazetteer, read_wikidata_ids

PREFIXES = """
PREFIX gg: <https://w3id.org/govgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


def _count(store, pattern: str) -> int:
    rows = list(store.query(PREFIXES + f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}"))
    return int(rows[0]["n"].value)


def test_the_gazetteer_has_every_nrw_unit(settings):
    gazetteer = read_gazetteer(settings.refdata_dir)
    assert len(gazetteer.municipalities) == 396
    assert sum(m.is_independent_city for m in gazetteer.municipalities) == 22
    assert len(gazetteer.districts) == 31
    assert len(gazetteer.administrative_districts) == 5
    assert "Städteregion Aachen" in {district.name for district in gazetteer.districts}


NRW = "<https://w3id.org/govgraph/id/organization/land-nrw>"


def test_the_graph_counts_396_municipalities_31_kreise_5_regierungsbezirke(graph_store):
    assert _count(graph_store, f"?x a gg:Municipality ; gg:inState {NRW}") == 396
    assert _count(graph_store, "?x a gg:District") == 31
    assert _count(graph_store, "?x a gg:AdministrativeDistrict") == 5
    assert _count(graph_store, "?x a gg:DistrictGovernment ; gg:responsibleFor ?territory") == 5


def test_dortmund_has_its_ags_population_and_wikidata_item(graph_store):
    rows = list(
        graph_store.query(
            PREFIXES
            + """SELECT ?label ?population ?wikidata ?rb WHERE {
                ?x org:identifier "05913000" ; skos:prefLabel ?label ; gg:population ?population ;
                   owl:sameAs ?wikidata ; gg:inAdministrativeDistrict/skos:prefLabel ?rb .
                FILTER(lang(?rb) = "de") }"""
        )
    )
    assert [(r["label"].value, r["population"].value, r["wikidata"].value, r["rb"].value) for r in rows] == [
        ("Dortmund", "588250", "http://www.wikidata.org/entity/Q1295", "Regierungsbezirk Arnsberg")
    ]


def test_every_identifier_is_an_eight_digit_plain_string(graph_store):
    rows = list(graph_store.query(PREFIXES + f"SELECT ?ags WHERE {{ ?x a gg:Municipality ; gg:inState {NRW} ; org:identifier ?ags }}"))
    assert len(rows) == 396
    assert all(len(r["ags"].value) == 8 and r["ags"].value.isdigit() for r in rows)
    assert {r["ags"].datatype.value for r in rows} == {"http://www.w3.org/2001/XMLSchema#string"}


def test_wikidata_links_for_all_but_steinfurt(graph_store, settings):
    assert "05566084" not in read_wikidata_ids(settings.refdata_dir)
    assert _count(graph_store, "?x a gg:Municipality ; owl:sameAs ?item") == 395
    assert _count(graph_store, '?x org:identifier "05566084" ; owl:sameAs ?item') == 0


def test_kreisangehoerige_municipalities_lie_in_a_kreis(graph_store):
    assert _count(graph_store, f"?x a gg:Municipality ; gg:inState {NRW} ; gg:inDistrict ?kreis") == 396 - 22
    rows = list(graph_store.query(PREFIXES + 'SELECT ?kreis WHERE { ?x org:identifier "05334002" ; gg:inDistrict/skos:prefLabel ?kreis }'))
    assert [r["kreis"].value for r in rows] == ["Städteregion Aachen"]


def test_refdata_facts_derive_from_the_destatis_source_with_its_licence(graph_store):
    rows = list(
        graph_store.query(
            PREFIXES
            + """PREFIX dcterms: <http://purl.org/dc/terms/>
            SELECT DISTINCT ?licence WHERE {
                ?x org:identifier "05913000" ; prov:wasDerivedFrom ?source . ?source dcterms:license ?licence }"""
        )
    )
    assert [r["licence"].value for r in rows] == ["https://www.govdata.de/dl-de/by-2-0"]


def test_the_one_member_outside_nrw_is_buerstadt_in_hessen(graph_store):
    """Bürstadt (Hessen) was a member of the Forum Baulandmanagement NRW: its node comes from
    the Destatis file like the others, in its own Land, without Kreis or Regierungsbezirk."""
    rows = list(graph_store.query(PREFIXES + f"""
        SELECT ?ags ?label ?land ?latitude WHERE {{
          ?x a gg:Municipality ; org:identifier ?ags ; skos:prefLabel ?label ; gg:inState/skos:prefLabel ?land ;
             <http://schema.org/latitude> ?latitude ; prov:wasDerivedFrom ?source .
          FILTER NOT EXISTS {{ ?x gg:inState {NRW} }}
          FILTER NOT EXISTS {{ ?x gg:inDistrict|gg:inAdministrativeDistrict ?region }} }}"""))
    assert [(r["ags"].value, r["label"].value, r["land"].value, r["latitude"].value) for r in rows] == [
        ("06431005", "Bürstadt", "Hessen", "49.640366")
    ]
