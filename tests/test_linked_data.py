"""Dereferencing entity IRIs against `govgraph serve`: content negotiation with curl, parsing with rdflib."""

from __future__ import annotations

import gzip
import html
import json
import re
import subprocess

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, SKOS, XSD

from conftest import BASE, app_on_small_store
from graph.describe import describe

ID = Namespace(BASE + "/id/")
GG = Namespace("https://w3id.org/govgraph/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
TIME = Namespace("http://www.w3.org/2006/time#")
OA = Namespace("http://www.w3.org/ns/oa#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
AG_STADTUMBAU = ID["organization/ag-stadtumbau"]
AMT = ID["organization/amt-fuer-stadterneuerung-dortmund"]
COORDINATION_QUOTE = "Das Amt für Stadterneuerung koordiniert ab 1. Januar 2025 die Arbeit der AG Stadtumbau."

RDF_FORMATS = [
    pytest.param("text/turtle", "ttl", "turtle", id="turtle"),
    pytest.param("application/ld+json", "jsonld", "json-ld", id="jsonld"),
    pytest.param("application/n-triples", "nt", "nt", id="ntriples"),
    pytest.param("application/rdf+xml", "rdf", "xml", id="rdfxml"),
]


def curl(url: str, *headers: str) -> tuple[int, dict[str, str], bytes]:
    """GET with curl; returns status, headers (lower-case names) and body."""
    command = ["curl", "--silent", "--show-error", "--include", "--max-time", "60"]
    for header in headers:
        command += ["--header", header]
    output = subprocess.run(command + [url], capture_output=True, check=True).stdout
    head, _, body = output.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    parsed = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        parsed[name.strip().lower()] = value.strip()
    return status, parsed, body


def parse(body: bytes, rdflib_format: str) -> Graph:
    graph = Graph()
    graph.parse(data=body, format=rdflib_format)
    return graph


@pytest.mark.parametrize("media_type, key, rdflib_format", RDF_FORMATS)
def test_each_rdf_format_describes_the_entity_self_contained(live_server, media_type, key, rdflib_format):
    status, headers, body = curl(f"{live_server}/id/organization/ag-stadtumbau", f"Accept: {media_type}")
    assert status == 200
    assert headers["content-type"].split(";")[0] == media_type
    assert "Accept" in headers["vary"]
    graph = parse(body, rdflib_format)
    assert (AG_STADTUMBAU, SKOS.prefLabel, Literal("AG Stadtumbau", lang="de")) in graph
    # The coordination node, its interval and instant come along (they only exist for this relation) ...
    coordination = next(graph.subjects(ORG.member, AMT))
    assert (coordination, ORG.organization, AG_STADTUMBAU) in graph
    beginning = graph.value(graph.value(coordination, ORG.memberDuring), TIME.hasBeginning)
    assert graph.value(beginning, TIME.inXSDDate) == Literal("2025-01-01", datatype=XSD.date)
    # ... with the quoted sentence, the label of the Amt it links to, and the links pointing here.
    quotes = {str(graph.value(graph.value(citation, OA.hasSelector), OA.exact)) for citation in graph.objects(coordination, GG.citation)}
    assert COORDINATION_QUOTE in quotes
    assert (AMT, SKOS.prefLabel, Literal("Amt für Stadterneuerung der Stadt Dortmund", lang="de")) in graph
    assert (ID["organization/netzwerk-stadtentwicklung-nrw"], ORG.hasSubOrganization, AG_STADTUMBAU) in graph


@pytest.mark.parametrize("media_type, key, rdflib_format", RDF_FORMATS)
def test_format_parameter_overrides_accept(live_server, media_type, key, rdflib_format):
    status, headers, body = curl(f"{live_server}/id/person/sebastian-kroeger?format={key}", "Accept: text/html")
    assert status == 200
    assert headers["content-type"].split(";")[0] == media_type
    assert (ID["person/sebastian-kroeger"], RDF.type, URIRef("http://xmlns.com/foaf/0.1/Person")) in parse(body, rdflib_format)


def test_browsers_get_a_page_with_local_links_and_schema_org(live_server):
    status, headers, body = curl(f"{live_server}/id/organization/ag-stadtumbau", "Accept: text/html,application/xhtml+xml,*/*;q=0.8")
    page = body.decode()
    assert status == 200 and headers["content-type"].startswith("text/html")
    # The IRIs are https://w3id.org/…; the page links them to this server's /id/ paths.
    assert 'href="/id/organization/amt-fuer-stadterneuerung-dortmund"' in page
    embedded = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert embedded["@type"] == "Organization" and embedded["name"] == "AG Stadtumbau" and embedded["@id"] == str(AG_STADTUMBAU)
    for key in ("ttl", "jsonld", "nt", "rdf"):
        assert f'href="/id/organization/ag-stadtumbau?format={key}"' in page


def test_english_by_accept_language_or_switch_german_by_default(live_server):
    url = f"{live_server}/id/organization/ag-stadtumbau"
    assert "<h1>AG Stadtumbau</h1>" in curl(url, "Accept: text/html")[2].decode()
    assert "<h1>Urban Restructuring Working Group</h1>" in curl(url, "Accept: text/html", "Accept-Language: en")[2].decode()
    assert "<h1>Urban Restructuring Working Group</h1>" in curl(url + "?lang=en", "Accept: text/html")[2].decode()
    status, headers, body = curl(url + "?lang=fr", "Accept: text/html")
    assert status == 400 and headers["content-type"].startswith("text/html")  # an error page for the browser
    assert "unknown language 'fr'; valid: de, en" in html.unescape(body.decode())


def test_municipality_page_shows_reference_data(live_server):
    page = curl(f"{live_server}/id/organization/gemeinde-05913000", "Accept: text/html")[2].decode()
    assert "05913000" in page and "Regierungsbezirk Arnsberg" in page
    assert 'href="http://www.wikidata.org/entity/Q1295"' in page
    assert "dl-de/by-2-0" in page
    assert '<dd class="population">588.250 ' in page  # German digit grouping on the German page
    english = curl(f"{live_server}/id/organization/gemeinde-05913000?lang=en", "Accept: text/html")[2].decode()
    assert '<dd class="population">588,250 ' in english


@pytest.mark.parametrize("media_type, key, rdflib_format", RDF_FORMATS)
def test_unknown_iri_is_a_404_in_the_negotiated_format(live_server, media_type, key, rdflib_format):
    status, headers, body = curl(f"{live_server}/id/organization/no-such-thing", f"Accept: {media_type}")
    assert status == 404
    assert headers["content-type"].split(";")[0] == media_type
    graph = parse(body, rdflib_format)
    error = next(graph.subjects(RDF.type, HYDRA.Error))
    assert "no-such-thing" in str(graph.value(error, HYDRA.description))


def test_unknown_iri_is_a_404_page_for_browsers_and_odd_paths_too(live_server):
    status, headers, body = curl(f"{live_server}/id/organization/no-such-thing", "Accept: text/html")
    assert status == 404 and headers["content-type"].startswith("text/html") and b"no-such-thing" in body
    status, _, _ = curl(f"{live_server}/id/%3Cscript%3E%20x", "Accept: text/turtle")
    assert status == 404


def test_unacceptable_media_type_is_406_and_unknown_format_400(live_server):
    status, _, body = curl(f"{live_server}/id/organization/ag-stadtumbau", "Accept: image/png")
    assert status == 406 and b"text/turtle" in body
    status, _, body = curl(f"{live_server}/id/organization/ag-stadtumbau?format=yaml")
    assert status == 400 and b"'yaml'" in body and b"ttl" in body


def test_revalidation_with_etag_and_last_modified_gives_304(live_server):
    url = f"{live_server}/id/organization/ag-stadtumbau"
    status, headers, _ = curl(url, "Accept: text/turtle")
    assert status == 200 and headers["etag"] and headers["last-modified"]
    status, _, body = curl(url, "Accept: text/turtle", f"If-None-Match: {headers['etag']}")
    assert status == 304 and body == b""
    status, _, _ = curl(url, "Accept: text/turtle", f"If-Modified-Since: {headers['last-modified']}")
    assert status == 304
    # Another representation of the same URL is another entity tag.
    other = curl(url, "Accept: application/n-triples", f"If-None-Match: {headers['etag']}")
    assert other[0] == 200


def test_ontology_namespace_serves_documentation_and_rdf(live_server):
    status, headers, body = curl(f"{live_server}/ontology", "Accept: text/html")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b'id="Network"' in body and b'id="WorkingGroup"' in body  # hash IRIs land on their term
    status, headers, body = curl(f"{live_server}/ontology", "Accept: text/turtle")
    graph = parse(body, "turtle")
    assert (GG.Network, RDF.type, OWL.Class) in graph and (GG.Coordination, RDF.type, OWL.Class) in graph


def test_every_kind_of_entity_dereferences(live_server):
    for path in (
        "organization/netzwerk-stadtentwicklung-nrw", "organization/vorstand-netzwerk-stadtentwicklung-nrw",
        "person/sebastian-kroeger", "membership/amt-fuer-stadterneuerung-dortmund-koordinierung-ag-stadtumbau",
        "source/pressemitteilung-dortmund-2024-12", "role/sprecher", "topic/stadtumbau", "organization/kreis-05978",
        "place/regierungsbezirk-059",
    ):
        status, _, body = curl(f"{live_server}/id/{path}", "Accept: application/n-triples")
        assert status == 200, path
        assert (ID[path], None, None) in parse(body, "nt"), path


def test_void_and_dcat_describe_the_dataset(live_server, graph_store):
    status, headers, body = curl(f"{live_server}/.well-known/void")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    graph = parse(body, "turtle")
    dataset = URIRef(BASE + "/dataset")
    assert (dataset, RDF.type, VOID.Dataset) in graph and (dataset, RDF.type, DCAT.Dataset) in graph
    assert int(graph.value(dataset, VOID.triples)) == graph_store.triple_count()
    assert graph.value(dataset, VOID.sparqlEndpoint) == URIRef(f"{live_server}/sparql")
    assert URIRef(f"{live_server}/dumps/govgraph.nq.gz") in set(graph.objects(dataset, VOID.dataDump))
    destatis = URIRef(BASE + "/graph/destatis-gv-isys")
    assert graph.value(destatis, URIRef("http://purl.org/dc/terms/license")) == URIRef("https://www.govdata.de/dl-de/by-2-0")
    assert "Destatis" in str(graph.value(destatis, URIRef("http://creativecommons.org/ns#attributionText")))
    assert ID["source/pressemitteilung-dortmund-2024-12"] in set(graph.objects(dataset, URIRef("http://purl.org/dc/terms/source")))
    jsonld = curl(f"{live_server}/dataset", "Accept: application/ld+json")
    assert (dataset, RDF.type, VOID.Dataset) in parse(jsonld[2], "json-ld")
    assert b"dl-de/by-2-0" in curl(f"{live_server}/dataset", "Accept: text/html")[2]


DCTERMS = Namespace("http://purl.org/dc/terms/")
CC = Namespace("http://creativecommons.org/ns#")
GV_ISYS_PAGE = "https://www.destatis.de/DE/Themen/Laender-Regionen/Regionales/Gemeindeverzeichnis/_inhalt.html"


def test_every_source_has_its_landing_page_and_its_terms(client, graph_store):
    """DCAT: landing pages (Destatis's own page, not a copy), the dataset's licence, and per source a licence or a rights note."""
    graph = parse(client.get("/.well-known/void").data, "turtle")
    dataset = URIRef(BASE + "/dataset")
    assert graph.value(dataset, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert {str(text) for text in graph.objects(dataset, CC.attributionText)} >= {
        "govgraph – Wissensgraph des Netzwerks Stadtentwicklung NRW, CC BY 4.0. "
        "Datenquelle: Statistisches Bundesamt (Destatis), Gemeindeverzeichnis GV-ISys, dl-de/by-2-0 (geändert)"
    }
    sources = {row["s"].value for row in graph_store.query("SELECT ?s WHERE { ?s a <https://w3id.org/govgraph/ontology#Source> }")}
    assert set(map(str, graph.objects(dataset, DCTERMS.source))) == sources
    pages = {str(source): str(page) for source, page in graph.subject_objects(DCAT.landingPage)}
    assert set(pages) == sources
    assert pages[str(ID["source/destatis-gv-isys"])] == GV_ISYS_PAGE
    assert pages[str(ID["source/netzwerk-stadtentwicklung-ueber"])] == "https://www.netzwerk-stadtentwicklung.nrw/das-netzwerk/ueber"
    for subset in graph.objects(dataset, VOID.subset):
        licensed = graph.value(subset, DCTERMS.license) is not None
        assert licensed or graph.value(subset, DCTERMS.rights) is not None, subset
    press_release = URIRef(BASE + "/graph/pressemitteilung-dortmund-2024-12")
    assert graph.value(press_release, DCTERMS.license) is None  # the city states no licence: no licence is invented
    assert "§ 51 UrhG" in str(graph.value(press_release, DCTERMS.rights))
    page = client.get("/dataset", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert GV_ISYS_PAGE in page and "creativecommons.org/licenses/by/4.0" in page


def test_dumps_hold_the_named_graphs_and_the_union(live_server, graph_store):
    status, headers, body = curl(f"{live_server}/dumps/govgraph.nq.gz")
    assert status == 200
    dataset = Dataset()
    dataset.parse(data=gzip.decompress(body), format="nquads")
    graph_names = {str(graph.identifier) for graph in dataset.graphs() if len(graph)}
    assert set(graph_store.named_graphs()) <= graph_names
    status, _, body = curl(f"{live_server}/dumps/govgraph.ttl")
    union = parse(body, "turtle")
    assert (AG_STADTUMBAU, SKOS.prefLabel, Literal("AG Stadtumbau", lang="de")) in union
    assert curl(f"{live_server}/dumps/secrets.txt")[0] == 404


def test_sitemap_lists_entity_pages(live_server):
    status, headers, body = curl(f"{live_server}/sitemap.xml")
    assert status == 200 and headers["content-type"].startswith("application/xml")
    assert f"<loc>{live_server}/id/organization/ag-stadtumbau</loc>".encode() in body
    assert f"<loc>{live_server}/id/organization/gemeinde-05913000</loc>".encode() in body


def test_search_finds_entities_by_label(live_server):
    status, _, body = curl(f"{live_server}/search?q=stadterneuerung", "Accept: text/html")
    assert status == 200 and b'href="/id/organization/amt-fuer-stadterneuerung-dortmund"' in body
    assert curl(f"{live_server}/search?q=", "Accept: text/html")[0] == 400


def test_descriptions_are_the_same_on_both_backends(any_store):
    description = describe(any_store, str(AG_STADTUMBAU))
    subjects = {triple.subject.value for triple in description.triples if hasattr(triple.subject, "value")}
    assert str(AG_STADTUMBAU) in subjects
    assert BASE + "/id/membership/amt-fuer-stadterneuerung-dortmund-koordinierung-ag-stadtumbau/interval" in subjects
    assert describe(any_store, BASE + "/id/organization/no-such-thing").is_empty


def test_named_graphs_dereference_to_their_triples(live_server, graph_store):
    status, headers, body = curl(f"{live_server}/graph/pressemitteilung-dortmund-2024-12", "Accept: text/turtle")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    graph = parse(body, "turtle")
    assert len(graph) == int(next(iter(graph_store.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{BASE}/graph/pressemitteilung-dortmund-2024-12> {{ ?s ?p ?o }} }}"
    )))["n"].value)
    assert curl(f"{live_server}/graph/no-such-graph", "Accept: text/turtle")[0] == 404


OTHER_BASE = "http://data.example.org/gg"
OTHER_BASE_DATA = f"""
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<{OTHER_BASE}/id/organization/unit> a org:Organization ; skos:prefLabel "Einheit"@de ;
    org:subOrganizationOf <{OTHER_BASE}/id/organization/whole> .
<{OTHER_BASE}/id/organization/whole> a org:Organization ; skos:prefLabel "Ganzes"@de .
""".encode()


@pytest.fixture(scope="module")
def other_base_server(settings, tmp_path_factory):
    """The app with a base IRI unlike its own address, on a tiny store of that base (werkzeug, in a thread)."""
    other = settings.with_(base_iri=OTHER_BASE, data_dir=tmp_path_factory.mktemp("other-base"))
    with app_on_small_store(other, OTHER_BASE_DATA, OTHER_BASE + "/graph/tiny") as url:
        yield url


def test_a_configured_base_is_mapped_to_the_servers_paths(other_base_server):
    status, _, body = curl(f"{other_base_server}/id/organization/unit", "Accept: application/n-triples")
    assert status == 200
    graph = parse(body, "nt")
    assert (URIRef(OTHER_BASE + "/id/organization/unit"), ORG.subOrganizationOf, URIRef(OTHER_BASE + "/id/organization/whole")) in graph
    page = curl(f"{other_base_server}/id/organization/unit", "Accept: text/html")[2].decode()
    assert 'href="/id/organization/whole">Ganzes</a>' in page
    assert curl(f"{other_base_server}/id/organization/unknown", "Accept: text/turtle")[0] == 404


def test_network_timeline_has_its_dated_events(live_server):
    page = curl(f"{live_server}/id/organization/netzwerk-stadtentwicklung-nrw", "Accept: text/html")[2].decode()
    timeline = page[page.index('id="timeline"'):page.index('id="properties"')]
    entries = re.findall(r'<li class="timeline-entry">(.*?)</li>', timeline, re.S)
    when = [re.search(r'<p class="when">(.*?)</p>', entry, re.S).group(1) for entry in entries]
    founding = next(i for i, entry in enumerate(entries) if "Gründungsversammlung" in entry)
    assert '<time datetime="2024-01-15">' in when[founding]
    # The merger is dated "2024" by the press release and 2024-01-01 by the network's page: the more precise date shows.
    merger = next(i for i, entry in enumerate(entries) if "Zusammenschluss von fünf Netzwerken" in entry)
    assert merger < founding and '<time datetime="2024-01-01">' in when[merger]
    assert not any('<time datetime="2024">' in text for text in when)


def test_pages_render_the_same_on_the_remote_backend(remote_settings):
    from api import create_app

    client = create_app(remote_settings).test_client()
    page = client.get("/id/organization/ag-stadtumbau", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert COORDINATION_QUOTE in page and "seit <time datetime=\"2025-01-01\">" in page
    home = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'href="/id/organization/ag-stadtumbau">AG Stadtumbau</a>' in home
    turtle = client.get("/id/organization/ag-stadtumbau", headers={"Accept": "text/turtle"})
    assert (AG_STADTUMBAU, SKOS.prefLabel, Literal("AG Stadtumbau", lang="de")) in parse(turtle.data, "turtle")


def test_each_property_value_is_marked_with_the_sources_that_state_it(live_server):
    """The network's page credits 'cooperation partner' to the Forum Baulandmanagement's page, and its label to
    every source that states it (statement-level provenance from the named graphs)."""
    page = curl(f"{live_server}/id/organization/netzwerk-stadtentwicklung-nrw", "Accept: text/html")[2].decode()
    numbers = dict(re.findall(r'<li id="source-(\d+)">\s*<a href="([^"]+)"', page))
    row = re.search(r'<a href="/id/role/kooperationspartner">Kooperationspartner</a>(.*?)</li>', page, re.S).group(1)
    cited = {numbers[number] for number in re.findall(r'href="#source-(\d+)"', row)}
    assert cited == {"/id/source/forum-bauland-netzwerk"}


def test_pages_have_a_favicon(live_server):
    status, _, body = curl(f"{live_server}/", "Accept: text/html")
    icon = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)">', body.decode()).group(1)
    for path in (icon, "/favicon.ico"):
        status, headers, image = curl(live_server + path)
        assert status == 200 and headers["content-type"].startswith("image/svg+xml") and b"<svg" in image


# One URL per GET route of the app (a new route needs one here): what a client without an Accept header asks for.
EVERY_GET_ROUTE = {
    "/": "/",
    "/.well-known/void": "/.well-known/void",
    "/api/analytics/<metric>": "/api/analytics/degree?projection=organizations",
    "/api/docs": "/api/docs",
    "/api/graph/<name>": "/api/graph/organizations.json",
    "/api/map.<image_format>": "/api/map.svg",
    "/api/openapi.json": "/api/openapi.json",
    "/api/queries": "/api/queries",
    "/api/queries/<name>": "/api/queries/who-coordinates?unit=https://w3id.org/govgraph/id/organization/ag-stadtumbau",
    "/context/<version>.jsonld": "/context/1.0.0.jsonld",
    "/dataset": "/dataset",
    "/dumps/<name>": "/dumps/govgraph.ttl",
    "/explore": "/explore",
    "/explore/assets/<path:filename>": "/explore/assets/cytoscape.min.js",
    "/favicon.ico": "/favicon.ico",
    "/graph/<name>": "/graph/pressemitteilung-dortmund-2024-12",
    "/id/<path:path>": "/id/organization/ag-stadtumbau",
    "/ontology": "/ontology",
    "/search": "/search?q=Dortmund",
    "/sitemap.xml": "/sitemap.xml",
    "/sparql": "/sparql?query=ASK%20%7B%7D",
    "/sparql/assets/<path:filename>": "/sparql/assets/yasgui.min.js",
    "/static/<path:filename>": "/static/govgraph.css",
}


def test_no_accept_header_means_any_media_type_everywhere(live_server, app):
    """Python's urlopen sends no Accept header: HTTP reads that as `*/*` (RFC 9110, 12.5.1), never a 406."""
    import urllib.request

    routes = {rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    assert routes == set(EVERY_GET_ROUTE), "give each GET route a URL in EVERY_GET_ROUTE"
    for path in EVERY_GET_ROUTE.values():
        request = urllib.request.Request(live_server + path)
        assert not request.has_header("Accept")
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200, path
    with urllib.request.urlopen(f"{live_server}/id/organization/ag-stadtumbau", timeout=60) as response:
        assert response.headers["Content-Type"].startswith("text/html")  # the first offer, as for */*
    with urllib.request.urlopen(f"{live_server}/.well-known/void", timeout=60) as response:
        assert response.headers["Content-Type"].startswith("text/turtle")
