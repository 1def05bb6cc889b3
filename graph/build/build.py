"""sources -> validated RDF -> store, atomically.

The build parses the ontology and the curated source files, imports the
reference data, materializes the OWL-RL entailments a plain SPARQL client needs,
validates everything with SHACL, and only then loads a fresh store beside the
old one and swaps the `current` link. A failed build leaves the served store
untouched, and says why in one line (a full or read-only disk too).

A store is loaded under a name ending in `.partial` and renamed when it is complete, so
a store left by a build that was killed is never taken for a complete one (never served,
never counted among the old stores kept); the next build removes it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import pyoxigraph
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import PROV, RDF

from graph.build import members, refdata
from graph.config import Settings
from graph.build.dumps import write_dumps
from graph.errors import BuildError
from graph.build.materialize import materialize
from graph.build.temporal import derive_time
from graph.store.provider import write_snapshot
from graph.store.opening import remote_store
from graph.store.store import CURRENT_LINK, current_store_path
from graph.build.validate import check_declared_terms, check_provenance, check_shapes
from ontology import ONTOLOGY_FILE

ONTOLOGY_GRAPH = "ontology"
INFERRED_GRAPH = "inferred"
TIME_GRAPH = "time"
KEPT_OLD_STORES = 2
PARTIAL_SUFFIX = ".partial"

GG_SOURCE = URIRef("https://w3id.org/govgraph/ontology#Source")

Progress = Callable[[str], None]


@dataclass
class SourceGraphs:
    """The parsed inputs: one rdflib graph per named graph, and the files each came from."""

    graphs: dict[str, Graph] = field(default_factory=dict)
    files: dict[str, list[Path]] = field(default_factory=dict)

    def add(self, name: str, graph: Graph, origin: Path) -> None:
        if name in self.graphs:
            self.graphs[name] += graph
        else:
            self.graphs[name] = graph
        self.files.setdefault(name, []).append(origin)


@dataclass(frozen=True)
class BuildReport:
    """What a build produced."""

    store_path: Path | None
    triples_by_graph: dict[str, int]
    inferred_triples: int
    seconds: float

    @property
    def total_triples(self) -> int:
        """Quads over all named graphs."""
        return sum(self.triples_by_graph.values())


def parse_turtle(path: Path, base: str) -> Graph:
    """Parse one Turtle file; a syntax error names the file and line."""
    graph = Graph()
    try:
        graph.parse(path, format="turtle", publicID=base)
    except Exception as error:  # rdflib raises several parser exception types
        raise BuildError(f"{path}: Turtle syntax error: {' '.join(str(error).split())}") from None
    return graph


def collect_inputs(settings: Settings, progress: Progress) -> SourceGraphs:
    """Parse the ontology and the curated sources and import the reference data."""
    inputs = SourceGraphs()
    inputs.add(ONTOLOGY_GRAPH, parse_turtle(ONTOLOGY_FILE, settings.id_base), ONTOLOGY_FILE)
    source_files = sorted(Path(settings.sources_dir).glob("*.ttl"))
    if not source_files:
        raise BuildError(f"no source files (*.ttl) in {settings.sources_dir}")
    for path in source_files:
        inputs.add(path.stem, parse_turtle(path, settings.id_base), path)
    progress(f"parsed the ontology and {len(source_files)} source files")

    refdata_dir = Path(settings.refdata_dir)
    if not (refdata_dir / refdata.DESTATIS_FILE).is_file():
        raise BuildError(f"reference data not found in {refdata_dir}: set GOVGRAPH_REFDATA (see README)")
    gazetteer = refdata.read_gazetteer(refdata_dir)
    inputs.add(
        refdata.DESTATIS_SOURCE,
        refdata.gazetteer_graph(gazetteer, settings.id_base, settings.refdata_reference_year),
        refdata_dir / refdata.DESTATIS_FILE,
    )
    wikidata = refdata.wikidata_graph(gazetteer, refdata.read_wikidata_ids(refdata_dir), settings.id_base)
    inputs.add(refdata.WIKIDATA_SOURCE, wikidata, refdata_dir / refdata.WIKIDATA_FILE)
    progress(
        f"imported {len(gazetteer.municipalities)} municipalities, {len(gazetteer.districts)} Kreise, "
        f"{len(gazetteer.administrative_districts)} Regierungsbezirke"
    )
    curated = Graph()
    for path in source_files:
        curated += inputs.graphs[path.stem]
    member_dir = Path(settings.member_sources_dir)
    imported = members.member_graphs(
        member_dir, refdata_dir, gazetteer, curated, inputs.graphs[ONTOLOGY_GRAPH], settings.id_base, settings.refdata_reference_year
    )
    for name, graph in sorted(imported.graphs.items()):
        inputs.add(name, graph, member_dir / members.MEMBERS_FILE)
    progress(f"imported {len(imported.row_nodes)} rows of member evidence into {len(imported.graphs)} source graphs")
    return inputs


def prepare(settings: Settings, progress: Progress) -> SourceGraphs:
    """Parse, materialize and validate; raises BuildError naming what is wrong."""
    inputs = collect_inputs(settings, progress)
    ontology = inputs.graphs[ONTOLOGY_GRAPH]
    data_graphs = {name: graph for name, graph in inputs.graphs.items() if name != ONTOLOGY_GRAPH}

    check_declared_terms(ontology, data_graphs, inputs.files)
    link_graphs_to_sources(data_graphs, settings)
    started = time.monotonic()
    check_provenance(data_graphs, inputs.files)
    progress(f"checked the provenance of each source's facts in {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    progress("materializing the OWL-RL entailments …")
    inferred = materialize(ontology, data_graphs.values(), settings.id_base, progress)
    inputs.add(INFERRED_GRAPH, inferred, ONTOLOGY_FILE)
    progress(f"materialized {len(inferred)} entailed triples (OWL-RL) in {time.monotonic() - started:.1f} s")

    started = time.monotonic()
    derived = derive_time(data_graphs, inferred, ontology)
    inputs.add(TIME_GRAPH, derived, ONTOLOGY_FILE)
    check_declared_terms(ontology, {TIME_GRAPH: derived}, inputs.files)
    progress(f"derived {len(derived)} triples about time (lifetimes, bounds, observations, certainty) in {time.monotonic() - started:.1f} s")

    started = time.monotonic()
    check_shapes(list(data_graphs.values()) + [inferred, derived], ontology, data_graphs, inputs.files)
    progress(f"validated against the SHACL shapes in {time.monotonic() - started:.1f} s")
    return inputs


def link_graphs_to_sources(data_graphs: dict[str, Graph], settings: Settings) -> None:
    """Say in each source's named graph that the graph derives from that source (`<graph> prov:wasDerivedFrom <source>`),
    so that the source stating any one triple is one GRAPH pattern away."""
    for name, graph in data_graphs.items():
        sources = set(graph.subjects(RDF.type, GG_SOURCE))
        if len(sources) == 1:
            graph.add((URIRef(settings.graph_iri(name)), PROV.wasDerivedFrom, sources.pop()))


def union_graph(inputs: SourceGraphs) -> Graph:
    """Every triple once: the store's default graph, so plain queries see no duplicates
    where several sources state the same triple."""
    union = Graph()
    for graph in inputs.graphs.values():
        for triple in graph:
            union.add(triple)
    return union


def to_nquads(inputs: SourceGraphs, settings: Settings) -> bytes:
    """The named graphs (IRIs under `<base>/graph/`) plus their union as the default graph, as N-Quads."""
    dataset = Dataset()
    for triple in union_graph(inputs):
        dataset.default_graph.add(triple)
    for name, graph in inputs.graphs.items():
        named = dataset.graph(URIRef(settings.graph_iri(name)))
        for triple in graph:
            named.add(triple)
    return dataset.serialize(format="nquads", encoding="utf-8")


def build(settings: Settings, progress: Progress = lambda message: None) -> BuildReport:
    """Build the graph into a new store and swap it in; the old store keeps serving on failure."""
    started = time.monotonic()
    data_dir = Path(settings.data_dir)
    with _writing(f"the data directory {data_dir}"):
        data_dir.mkdir(parents=True, exist_ok=True)
        lock = open(data_dir / "build.lock", "w")
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(f"another build is running in {data_dir}") from None
        inputs = prepare(settings, progress)
        nquads = to_nquads(inputs, settings)
        counts = {settings.graph_iri(name): len(graph) for name, graph in inputs.graphs.items()}
        if settings.backend == "remote":
            _replace_remote(settings, inputs, counts, progress)
            store_path = None
        else:
            store_path = _load_new_store(data_dir, nquads, progress)
            with _writing(f"the link {data_dir / CURRENT_LINK}"):
                _swap_current(data_dir, store_path)
            _prune_old_stores(data_dir, store_path)
        progress(f"loaded {sum(counts.values())} triples in {len(counts)} named graphs")
        with _writing(f"the dumps in {data_dir} (the new store is served)"):
            written = write_dumps(data_dir, nquads)
        progress(f"wrote the dumps {', '.join(str(path) for path in written)}")
    return BuildReport(store_path, counts, len(inputs.graphs[INFERRED_GRAPH]), time.monotonic() - started)


@contextmanager
def _writing(what: str) -> Iterator[None]:
    """A failure to write (full or read-only disk, permissions) as a one-line BuildError naming what and why."""
    try:
        yield
    except OSError as error:
        # Python's errors say "[Errno 28] No space left on device: '/path'"; the store engine's name the path in the text.
        cause = f"{error.strerror}: {error.filename}" if error.strerror and error.filename else " ".join(str(error).split())
        raise BuildError(f"cannot write {what}: {cause}") from None


def validate(settings: Settings, progress: Progress = lambda message: None) -> SourceGraphs:
    """Everything the build checks, without touching any store."""
    return prepare(settings, progress)


def _load_new_store(data_dir: Path, nquads: bytes, progress: Progress) -> Path:
    stores = data_dir / "stores"
    path = stores / f"build-{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 1_000_000:06d}"
    partial = path.with_name(path.name + PARTIAL_SUFFIX)
    try:
        with _writing(f"the new store {path}"):
            stores.mkdir(exist_ok=True)
            _write_store(partial, nquads)
            partial.rename(path)  # complete now; RocksDB keeps no absolute paths
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    progress(f"wrote the store to {path}")
    return path


def _write_store(path: Path, nquads: bytes) -> None:
    """Load and close a new on-disk store (closing releases RocksDB's lock before the swap), with its snapshot."""
    store = pyoxigraph.Store(str(path))
    store.bulk_load(nquads, format=pyoxigraph.RdfFormat.N_QUADS)
    store.optimize()
    store.flush()
    write_snapshot(path, nquads)  # servers copy the store into memory from it, several times faster


def _swap_current(data_dir: Path, store_path: Path) -> None:
    """Point `current` at the new store with one atomic rename."""
    temporary = data_dir / f"{CURRENT_LINK}.{os.getpid()}.tmp"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    try:
        os.symlink(os.path.relpath(store_path, data_dir), temporary)
        os.replace(temporary, data_dir / CURRENT_LINK)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise


def _prune_old_stores(data_dir: Path, current: Path) -> None:
    """Keep the newest few older complete stores (servers may still read them), remove the rest.

    Stores still named `*.partial` were left by killed builds (this build holds the build lock, so
    no other is writing): they are removed and never counted among the stores kept.
    """
    stores = [path for path in (data_dir / "stores").iterdir() if path != current]
    for path in stores:
        if path.name.endswith(PARTIAL_SUFFIX):
            shutil.rmtree(path, ignore_errors=True)
    older = sorted(path for path in stores if not path.name.endswith(PARTIAL_SUFFIX))
    for path in older[:-KEPT_OLD_STORES]:
        shutil.rmtree(path, ignore_errors=True)


def _replace_remote(settings: Settings, inputs: SourceGraphs, counts: dict[str, int], progress: Progress) -> None:
    store = remote_store(settings)
    for graph_iri in set(store.named_graphs()) - set(counts):
        if graph_iri.startswith(settings.base_iri + "/graph/"):
            store.drop_graph(graph_iri)
    for name, graph in inputs.graphs.items():
        store.replace_graph(graph.serialize(format="nt", encoding="utf-8"), settings.graph_iri(name))
    store.replace_graph(union_graph(inputs).serialize(format="nt", encoding="utf-8"), None)
    progress(f"replaced {len(inputs.graphs)} graphs on {settings.remote_store_url}")


def current_store_exists(settings: Settings) -> bool:
    """Whether a build has produced a store to serve."""
    return current_store_path(settings.data_dir).is_dir()

