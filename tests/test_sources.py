"""The curated source files: quotes are verbatim, the press release is cited completely,
every file speaks only for its own source, and the histories of the former networks
(`*-chronik.ttl`, facts W13-W22) only for the member sources that state them."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

REPO = Path(__file__).resolve().parent.parent
SOURCES_DIR = REPO / "graph" / "sources"
SEED_FILE = Path(os.environ.get("GOVGRAPH_SEED") or REPO.parent / "shared" / "seed" / "000_860421c42e9470fd.txt")
MEMBER_SOURCES = Path(os.environ.get("GOVGRAPH_MEMBER_SOURCES") or REPO.parent / "shared" / "sources") / "network-member-sources.csv"
ID = "https://w3id.org/govgraph/id/"
PRESS_RELEASE = "pressemitteilung-dortmund-2024-12"

GG = Namespace("https://w3id.org/govgraph/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
PROV = Namespace("http://www.w3.org/ns/prov#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("http://schema.org/")

# Sentences of the press release that state no fact, with the reason.
FACT_FREE_SENTENCES = {
    "Hintergrund": "a section heading: it introduces the background paragraphs and states nothing itself",
}

# Classes whose instances carry facts: in the press-release file each must cite its sentence.
FACT_CLASSES = [
    ORG.Membership, GG.Coordination, GG.PossibleInvolvement, ORG.Post, GG.Merger, GG.Appointment,
    GG.Support, GG.MembershipFee, GG.Proposal, SCHEMA.MonetaryAmount,
]


def sentences(text: str) -> list[str]:
    """The press release's sentences and headings, in order (a period after a digit ends none)."""
    result = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            result += [part for part in re.split(r"(?<=[^\d\s][.!?])\s+", line) if part]
    return result


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED_FILE.is_file():
        pytest.fail(f"press release not found at {SEED_FILE}: set GOVGRAPH_SEED to the seed file")
    return SEED_FILE.read_text(encoding="utf-8")


def parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle", publicID=ID)


@pytest.fixture(scope="module")
def press_release() -> Graph:
    return parse(SOURCES_DIR / f"{PRESS_RELEASE}.ttl")


def cited_quotes(graph: Graph) -> dict[URIRef, str]:
    """Quote node -> its exact text, for every quote some fact cites."""
    return {
        quote: str(graph.value(graph.value(quote, OA.hasSelector), OA.exact))
        for quote in set(graph.objects(None, GG.citation))
    }


def test_sentence_splitting_keeps_dates_whole(seed_text):
    assert "Das Amt für Stadterneuerung koordiniert ab 1. Januar 2025 die Arbeit der AG Stadtumbau." in sentences(seed_text)


def test_every_quote_is_verbatim(press_release, seed_text):
    exact = [str(text) for text in press_release.objects(None, OA.exact)]
    assert exact, "the press-release file has no quotes"
    missing = [text for text in exact if text not in seed_text]
    assert missing == [], f"quotes not found verbatim in {SEED_FILE}"


def test_every_quote_is_a_whole_sentence(press_release, seed_text):
    whole = set(sentences(seed_text))
    partial = [str(text) for text in press_release.objects(None, OA.exact) if str(text) not in whole]
    assert partial == []


def test_every_fact_stating_sentence_is_cited(press_release, seed_text):
    cited = set(cited_quotes(press_release).values())
    uncited = [s for s in sentences(seed_text) if s not in cited and s not in FACT_FREE_SENTENCES]
    assert uncited == [], "sentences of the press release that no fact cites"


def test_fact_free_sentences_exist_and_are_not_cited(press_release, seed_text):
    assert set(FACT_FREE_SENTENCES) <= set(sentences(seed_text))
    assert not set(FACT_FREE_SENTENCES) & set(cited_quotes(press_release).values())


def test_every_quote_is_cited_and_points_to_the_press_release(press_release):
    quotes = set(press_release.subjects(RDF.type, OA.SpecificResource))
    assert quotes == set(cited_quotes(press_release))
    for quote in quotes:
        assert press_release.value(quote, OA.hasSource) == URIRef(ID + f"source/{PRESS_RELEASE}")


@pytest.mark.parametrize("fact_class", FACT_CLASSES, ids=lambda term: term.split("#")[-1].split("/")[-1])
def test_press_release_facts_cite_their_sentence(press_release, fact_class):
    uncited = [fact for fact in press_release.subjects(RDF.type, fact_class) if (fact, GG.citation, None) not in press_release]
    assert uncited == []


HISTORY_FILES = sorted(SOURCES_DIR.glob("*-chronik.ttl"))
SOURCE_FILES = sorted(set(SOURCES_DIR.glob("*.ttl")) - set(HISTORY_FILES))


@pytest.mark.parametrize("path", SOURCE_FILES, ids=lambda path: path.stem)
def test_file_describes_its_own_source(path):
    graph = parse(path)
    assert (URIRef(ID + f"source/{path.stem}"), RDF.type, GG.Source) in graph


@pytest.mark.parametrize("path", [p for p in SOURCE_FILES if p.stem != PRESS_RELEASE], ids=lambda path: path.stem)
def test_web_sources_speak_only_for_themselves(path):
    """A web-source file derives its facts from its own page only, never from the press release."""
    graph = parse(path)
    own = URIRef(ID + f"source/{path.stem}")
    others = {source for source in graph.objects(None, PROV.wasDerivedFrom) if source != own}
    assert others == set()
    assert (None, GG.citation, None) not in graph
    assert URIRef(ID + f"source/{PRESS_RELEASE}") not in set(graph.all_nodes())


def test_there_are_histories_of_the_five_former_networks():
    assert len(HISTORY_FILES) >= 5


@pytest.mark.parametrize("path", HISTORY_FILES, ids=lambda path: path.stem)
def test_histories_speak_only_for_member_sources(path):
    """A history derives each fact from sources of network-member-sources.csv (or a curated web
    page that is one of them), never from the press release, and describes no source itself."""
    with open(MEMBER_SOURCES, encoding="utf-8", newline="") as handle:
        member_sources = {URIRef(ID + f"source/{row['id'].lower()}") for row in csv.DictReader(handle)}
    web_pages = {URIRef(ID + f"source/{other.stem}") for other in SOURCE_FILES if other.stem != PRESS_RELEASE}
    graph = parse(path)
    cited = set(graph.objects(None, PROV.wasDerivedFrom))
    assert cited and cited <= member_sources | web_pages
    assert (None, GG.citation, None) not in graph
    assert set(graph.subjects(RDF.type, GG.Source)) == set()


@pytest.mark.parametrize("path", HISTORY_FILES, ids=lambda path: path.stem)
def test_every_fact_of_a_history_names_its_source(path):
    graph = parse(path)
    fact_classes = FACT_CLASSES + [GG.Founding, GG.Agreement, GG.Decision, GG.Observation, SCHEMA.QuantitativeValue, GG.FeeSchedule]
    unsourced = [fact for fact_class in fact_classes for fact in graph.subjects(RDF.type, fact_class) if (fact, PROV.wasDerivedFrom, None) not in graph]
    assert unsourced == []


@pytest.mark.parametrize("path", SOURCE_FILES, ids=lambda path: path.stem)
def test_every_fact_bearing_node_names_its_source_in_its_own_file(path):
    """The provenance shape, on the file alone (of the other files only which nodes are sources):
    a source stated for the same node elsewhere in the union does not count here."""
    from pyshacl import validate

    from graph.build.validate import per_graph_shapes, source_declarations

    data = parse(path) + source_declarations(parse(other) for other in SOURCE_FILES)
    conforms, _, text = validate(data, shacl_graph=per_graph_shapes(), inference="none", advanced=True)
    assert conforms, text


def test_the_provenance_shape_sees_a_relation_without_a_source_and_a_cited_fact_with_one():
    from pyshacl import validate
    from rdflib.namespace import SH

    from graph.build.validate import per_graph_shapes

    data = Graph().parse(
        format="turtle",
        publicID=ID,
        data="""
        @prefix org: <http://www.w3.org/ns/org#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix gg: <https://w3id.org/govgraph/ontology#> . @prefix oa: <http://www.w3.org/ns/oa#> .
        <source/s> a gg:Source .
        <organization/named-only> a gg:WorkingGroup ; skos:prefLabel "Nur benannt"@de .
        <organization/unsourced> a gg:WorkingGroup ; org:unitOf <organization/n> .
        <organization/cited> a gg:WorkingGroup ; org:unitOf <organization/n> ; gg:citation <quote/1> .
        <quote/1> a oa:SpecificResource ; oa:hasSource <source/s> .
        <organization/not-from-a-source> a gg:WorkingGroup ; org:unitOf <organization/n> ;
            <http://www.w3.org/ns/prov#wasDerivedFrom> <organization/n> .
        """,
    )
    conforms, report, _ = validate(data, shacl_graph=per_graph_shapes(), inference="none", advanced=True)
    assert not conforms
    assert {str(focus) for focus in report.objects(None, SH.focusNode)} == {ID + "organization/unsourced", ID + "organization/not-from-a-source"}
