"""Official reference data as RDF: municipalities, Kreise, Regierungsbezirke and their Wikidata items.

Reads the Destatis Gemeindeverzeichnis (GV-ISys) extract and the nwbib-spatial
Wikidata mapping from the reference-data folder (`GOVGRAPH_REFDATA`, default
`../shared/refdata`); nothing of it is stored in this repository.

>>> municipality_slug("05913000")
'organization/gemeinde-05913000'
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, PROV, RDF, SKOS, XSD

GG = Namespace("https://w3id.org/govgraph/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("http://schema.org/")
WIKIDATA = Namespace("http://www.wikidata.org/entity/")

DESTATIS_FILE = "gemeindeverzeichnis-destatis.csv"
WIKIDATA_FILE = "nrw-wikidata.csv"
DESTATIS_SOURCE = "destatis-gv-isys"
WIKIDATA_SOURCE = "nwbib-wikidata"
NRW = "05"
MUNICIPALITY_TYPES = {
    "61": ("kreisfreie-stadt", "kreisfreie Stadt", "independent city"),
    "63": ("stadt", "Stadt (kreisangehörig)", "town (within a district)"),
    "64": ("gemeinde", "Gemeinde (kreisangehörig)", "municipality (within a district)"),
}


@dataclass(frozen=True)
class Municipality:
    """One Gemeinde row of the Gemeindeverzeichnis."""

    ags: str
    name: str
    official_name: str
    type_code: str
    population: int
    area_km2: Decimal
    latitude: Decimal | None
    longitude: Decimal | None
    postal_code: str

    @property
    def district_key(self) -> str:
        """The 5-digit Kreis key (for a kreisfreie Stadt, its own)."""
        return self.ags[:5]

    @property
    def administrative_district_key(self) -> str:
        """The 3-digit Regierungsbezirk key (land + rb)."""
        return self.ags[:3]

    @property
    def is_independent_city(self) -> bool:
        """A kreisfreie Stadt belongs to no Kreis."""
        return self.type_code == "61"


@dataclass(frozen=True)
class Region:
    """A Kreis (5-digit key) or Regierungsbezirk (3-digit key) row."""

    key: str
    name: str


@dataclass(frozen=True)
class Gazetteer:
    """What the Gemeindeverzeichnis says about one Land (or all of Germany)."""

    state_name: str
    administrative_districts: tuple[Region, ...]
    districts: tuple[Region, ...]
    municipalities: tuple[Municipality, ...]


def _number(text: str) -> str:
    return text.replace(" ", "").replace(",", ".").strip()


def read_gazetteer(refdata_dir: Path, land: str | None = NRW) -> Gazetteer:
    """Parse the Destatis CSV; `land=None` reads all of Germany."""
    state_name = "Deutschland"
    administrative: list[Region] = []
    districts: list[Region] = []
    municipalities: list[Municipality] = []
    with open(Path(refdata_dir) / DESTATIS_FILE, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if land and row["land"] != land:
                continue
            record_type, name = row["satzart"], row["gemeindename"]
            if record_type == "10" and land:
                state_name = name
            elif record_type == "20":
                administrative.append(Region(row["land"] + row["rb"], name.removeprefix("Reg.-Bez. ")))
            elif record_type == "40" and row["textkennzeichen"] != "41":
                districts.append(Region(row["land"] + row["rb"] + row["kreis"], name))
            elif record_type == "60":
                municipalities.append(
                    Municipality(
                        ags=row["land"] + row["rb"] + row["kreis"] + row["gemeinde"],
                        name=name.split(",")[0].strip(),
                        official_name=name,
                        type_code=row["textkennzeichen"],
                        population=int(_number(row["bevoelkerung"]) or 0),
                        area_km2=Decimal(_number(row["flaeche"]) or "0"),
                        latitude=Decimal(_number(row["breitengrad"])) if row["breitengrad"] else None,
                        longitude=Decimal(_number(row["laengengrad"])) if row["laengengrad"] else None,
                        postal_code=row["postleitzahl"].strip(),
                    )
                )
    return Gazetteer(state_name, tuple(administrative), tuple(districts), tuple(municipalities))


def read_wikidata_ids(refdata_dir: Path) -> dict[str, str]:
    """Official key (3, 5 or 8 digits) -> Wikidata item id, from the nwbib-spatial mapping."""
    with open(Path(refdata_dir) / WIKIDATA_FILE, encoding="utf-8", newline="") as handle:
        return {row["key"]: row["wikidata"] for row in csv.DictReader(handle) if row["wikidata"]}


def municipality_slug(ags: str) -> str:
    """The path of a municipality's IRI below `<base>/id/`."""
    return f"organization/gemeinde-{ags}"


def district_slug(key: str) -> str:
    """The path of a Kreis's IRI below `<base>/id/`."""
    return f"organization/kreis-{key}"


def administrative_district_slug(key: str) -> str:
    """The path of a Regierungsbezirk (the territory) below `<base>/id/`."""
    return f"place/regierungsbezirk-{key}"


def district_government_slug(key: str) -> str:
    """The path of a Bezirksregierung (the authority) below `<base>/id/`."""
    return f"organization/bezirksregierung-{key}"


STATE_SLUG = "organization/land-nrw"


def _district_label(name: str) -> str:
    lowered = name.lower()
    return name if "kreis" in lowered or lowered.startswith("städteregion") else f"Kreis {name}"


def gazetteer_graph(gazetteer: Gazetteer, id_base: str, reference_year: str) -> Graph:
    """The Destatis facts as triples; every node derives from the Destatis source."""
    ids = Namespace(id_base)
    source = ids[f"source/{DESTATIS_SOURCE}"]
    graph = Graph()
    state = ids[STATE_SLUG]
    year = Literal(reference_year, datatype=XSD.gYear)

    def describe(node: URIRef, rdf_type: URIRef, label_de: str, label_en: str | None = None) -> None:
        graph.add((node, RDF.type, rdf_type))
        graph.add((node, SKOS.prefLabel, Literal(label_de, lang="de")))
        if label_en:
            graph.add((node, SKOS.prefLabel, Literal(label_en, lang="en")))
        graph.add((node, PROV.wasDerivedFrom, source))

    describe(state, GG.State, gazetteer.state_name, "North Rhine-Westphalia" if gazetteer.state_name == "Nordrhein-Westfalen" else None)
    for code, (slug, label_de, label_en) in MUNICIPALITY_TYPES.items():
        concept = ids[f"municipality-type/{slug}"]
        describe(concept, SKOS.Concept, label_de, label_en)
        graph.add((concept, SKOS.notation, Literal(code)))
        graph.add((concept, SKOS.inScheme, ids["municipality-type"]))
    describe(ids["municipality-type"], SKOS.ConceptScheme, "Gemeindetypen (Destatis Textkennzeichen)", "Municipality types (Destatis text codes)")

    for region in gazetteer.administrative_districts:
        territory, authority = ids[administrative_district_slug(region.key)], ids[district_government_slug(region.key)]
        describe(territory, GG.AdministrativeDistrict, f"Regierungsbezirk {region.name}", f"Government region of {region.name}")
        graph.add((territory, ORG.identifier, Literal(region.key)))
        graph.add((territory, GG.inState, state))
        describe(authority, GG.DistrictGovernment, f"Bezirksregierung {region.name}", f"District Government of {region.name}")
        graph.add((authority, GG.responsibleFor, territory))
        graph.add((authority, GG.inState, state))
    for region in gazetteer.districts:
        district = ids[district_slug(region.key)]
        describe(district, GG.District, _district_label(region.name))
        graph.add((district, ORG.identifier, Literal(region.key)))
        graph.add((district, GG.inAdministrativeDistrict, ids[administrative_district_slug(region.key[:3])]))
        graph.add((district, GG.inState, state))
    for municipality in gazetteer.municipalities:
        _describe_municipality(graph, ids, municipality, state, year, source)
    return graph


def _describe_municipality(graph: Graph, ids: Namespace, municipality: Municipality, state: URIRef, year: Literal, source: URIRef, in_nrw: bool = True) -> None:
    """A municipality's Destatis facts; Kreis and Regierungsbezirk only in NRW (the graph has no others)."""
    node = ids[municipality_slug(municipality.ags)]
    graph.add((node, RDF.type, GG.Municipality))
    graph.add((node, SKOS.prefLabel, Literal(municipality.name, lang="de")))
    graph.add((node, PROV.wasDerivedFrom, source))
    graph.add((node, SKOS.altLabel, Literal(municipality.official_name, lang="de")))
    graph.add((node, ORG.identifier, Literal(municipality.ags)))
    if municipality.type_code in MUNICIPALITY_TYPES:
        graph.add((node, GG.municipalityType, ids[f"municipality-type/{MUNICIPALITY_TYPES[municipality.type_code][0]}"]))
    graph.add((node, GG.population, Literal(municipality.population, datatype=XSD.integer)))
    graph.add((node, GG.populationYear, year))
    graph.add((node, GG.area, Literal(municipality.area_km2, datatype=XSD.decimal)))
    if municipality.latitude is not None and municipality.longitude is not None:
        graph.add((node, SCHEMA.latitude, Literal(municipality.latitude, datatype=XSD.decimal)))
        graph.add((node, SCHEMA.longitude, Literal(municipality.longitude, datatype=XSD.decimal)))
    if municipality.postal_code:
        graph.add((node, SCHEMA.postalCode, Literal(municipality.postal_code)))
    if in_nrw:
        if not municipality.is_independent_city:
            graph.add((node, GG.inDistrict, ids[district_slug(municipality.district_key)]))
        graph.add((node, GG.inAdministrativeDistrict, ids[administrative_district_slug(municipality.administrative_district_key)]))
    graph.add((node, GG.inState, state))


def find_municipality(refdata_dir: Path, name: str, state_name: str) -> tuple[Municipality, str, str] | None:
    """The one municipality called `name` (short name) in the Land called `state_name`, with the Land's key and name."""
    states = {}
    with open(Path(refdata_dir) / DESTATIS_FILE, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["satzart"] == "10":
                states[row["land"]] = row["gemeindename"]
    land = next((key for key, value in states.items() if value == state_name), None)
    if land is None:
        return None
    found = [m for m in read_gazetteer(refdata_dir, land).municipalities if m.name == name]
    return (found[0], land, states[land]) if len(found) == 1 else None


def outside_municipality_graph(municipality: Municipality, land: str, state_name: str, id_base: str, reference_year: str) -> Graph:
    """A municipality outside NRW that is a member of an NRW network, with its Land (Destatis facts)."""
    ids = Namespace(id_base)
    source = ids[f"source/{DESTATIS_SOURCE}"]
    graph = Graph()
    state = ids[f"organization/land-{land}"]
    graph.add((state, RDF.type, GG.State))
    graph.add((state, SKOS.prefLabel, Literal(state_name, lang="de")))
    graph.add((state, ORG.identifier, Literal(land)))
    graph.add((state, PROV.wasDerivedFrom, source))
    _describe_municipality(graph, ids, municipality, state, Literal(reference_year, datatype=XSD.gYear), source, in_nrw=False)
    return graph


def wikidata_graph(gazetteer: Gazetteer, wikidata_ids: dict[str, str], id_base: str) -> Graph:
    """owl:sameAs links to Wikidata for the municipalities, Kreise and Regierungsbezirke known to the mapping."""
    ids = Namespace(id_base)
    source = ids[f"source/{WIKIDATA_SOURCE}"]
    graph = Graph()
    nodes = [(m.ags, ids[municipality_slug(m.ags)]) for m in gazetteer.municipalities]
    nodes += [(d.key, ids[district_slug(d.key)]) for d in gazetteer.districts]
    nodes += [(r.key, ids[administrative_district_slug(r.key)]) for r in gazetteer.administrative_districts]
    for key, node in nodes:
        if key in wikidata_ids:
            graph.add((node, OWL.sameAs, WIKIDATA[wikidata_ids[key]]))
            graph.add((node, PROV.wasDerivedFrom, source))
    return graph
