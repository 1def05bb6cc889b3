"""The synthetic graph generator of the benchmarks (bench/synthetic.py), at a small scale."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Dataset, Graph, URIRef

from bench.synthetic import SYNTHETIC_GRAPH, SyntheticGraph, generate
from graph.config import Settings
from graph.build.materialize import materialize
from graph.build.refdata import read_gazetteer
from graph.store import EmbeddedStore
from graph.build.validate import check_shapes
from ontology import ONTOLOGY_FILE

GENERATED_TRIPLES = 1500
MEMBERS = (8, 12)  # small networks keep the OWL-RL cross-check fast
ORG = "http://www.w3.org/ns/org#"
GG = "https://w3id.org/govgraph/ontology#"


@pytest.fixture(scope="module")
def target(graph_store: EmbeddedStore) -> int:
    return graph_store.triple_count() + GENERATED_TRIPLES


@pytest.fixture(scope="module")
def synthetic(built: Settings, target: int, tmp_path_factory: pytest.TempPathFactory) -> SyntheticGraph:
    return generate(built, target, seed=7, land="05", output=tmp_path_factory.mktemp("synthetic") / "small.nq", members_per_network=MEMBERS)


@pytest.fixture(scope="module")
def dataset(synthetic: SyntheticGraph) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.bulk_load(path=str(synthetic.path), format=pyoxigraph.RdfFormat.N_QUADS)
    return store


def select(store: pyoxigraph.Store, sparql: str) -> list[str]:
    prefixes = f"PREFIX org: <{ORG}> PREFIX gg: <{GG}> PREFIX time: <http://www.w3.org/2006/time#> "
    return sorted(str(row[0].value) for row in store.query(prefixes + sparql))


def test_reaches_the_target_size_with_one_network_at_most_too_many(synthetic: SyntheticGraph, target: int, dataset: pyoxigraph.Store) -> None:
    assert target <= synthetic.triples < target + 3 * GENERATED_TRIPLES
    assert len(set((quad.subject, quad.predicate, quad.object) for quad in dataset)) == synthetic.triples
    assert len(list(dataset.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()))) == synthetic.triples  # the union, as built
    assert synthetic.networks >= 1 and synthetic.memberships > 0 and synthetic.coordinations > 0


def test_same_seed_same_graph_other_seed_other_graph(built: Settings, synthetic: SyntheticGraph, target: int, tmp_path: Path) -> None:
    again = generate(built, target, seed=7, land="05", output=tmp_path / "again.nq", members_per_network=MEMBERS)
    other = generate(built, target, seed=8, land="05", output=tmp_path / "other.nq", members_per_network=MEMBERS)
    assert again.path.read_bytes() == synthetic.path.read_bytes()
    assert other.path.read_bytes() != synthetic.path.read_bytes()


def test_members_are_the_real_municipalities_of_the_reference_data(built: Settings, dataset: pyoxigraph.Store) -> None:
    gazetteer = {f"{built.id_base}organization/gemeinde-{m.ags}" for m in read_gazetteer(built.refdata_dir).municipalities}
    members = select(
        dataset,
        f"SELECT DISTINCT ?member WHERE {{ GRAPH <{built.graph_iri(SYNTHETIC_GRAPH)}> {{ ?m org:member ?member }} ?member a gg:Municipality }}",
    )
    assert len(members) >= MEMBERS[0]
    assert set(members) <= gazetteer


def test_relations_have_the_real_graphs_shape(built: Settings, dataset: pyoxigraph.Store) -> None:
    """Memberships carry intervals of xsd:date instants; coordinations are by offices of member municipalities."""
    graph = f"<{built.graph_iri(SYNTHETIC_GRAPH)}>"
    without_begin = select(
        dataset,
        f"SELECT ?m WHERE {{ GRAPH {graph} {{ ?m a org:Membership }} FILTER NOT EXISTS {{ ?m org:memberDuring/time:hasBeginning/time:inXSDDate ?day }} }}",
    )
    assert without_begin == []
    offices_elsewhere = select(
        dataset,
        f"SELECT ?c WHERE {{ GRAPH {graph} {{ ?c a gg:Coordination ; org:member ?office }} "
        f"FILTER NOT EXISTS {{ ?office a gg:MunicipalOffice ; org:subOrganizationOf ?municipality . ?municipality a gg:Municipality }} }}",
    )
    assert offices_elsewhere == []
    sourceless = select(
        dataset,
        f"SELECT ?s WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} FILTER NOT EXISTS {{ ?s a gg:Source }} "
        f"FILTER NOT EXISTS {{ ?s <http://www.w3.org/ns/prov#wasDerivedFrom> ?source . ?source a gg:Source }} }}",
    )
    assert sourceless == []


def test_entailments_are_written_so_no_reasoner_is_needed(built: Settings, synthetic: SyntheticGraph) -> None:
    """OWL-RL (the build's materializer) finds nothing about the generated data that the file lacks."""
    data = Dataset()
    data.parse(synthetic.path, format="nquads")
    generated = Graph()
    for triple in data.graph(URIRef(built.graph_iri(SYNTHETIC_GRAPH))):
        generated.add(triple)
    everything = {(s, p, o) for s, p, o, _ in data.quads((None, None, None, None))}
    entailed = materialize(Graph().parse(ONTOLOGY_FILE, format="turtle"), [generated], built.id_base)
    missing = sorted(str(triple) for triple in entailed if triple not in everything)
    assert missing == []


def test_valid_against_the_shapes(built: Settings, synthetic: SyntheticGraph) -> None:
    data = Dataset()
    data.parse(synthetic.path, format="nquads")
    union = Graph()
    ontology_graph = URIRef(built.graph_iri("ontology"))
    for s, p, o, graph in data.quads((None, None, None, None)):
        if graph != ontology_graph:
            union.add((s, p, o))
    check_shapes([union], Graph().parse(ONTOLOGY_FILE, format="turtle"), {"synthetic": union}, {"synthetic": [synthetic.path]})
