"""Evaluate SPARQL for the endpoint: in memory, in parallel threads, with a timeout that holds.

Each server process keeps an in-memory copy of the built store (joins run several times
faster there than on disk) and evaluates on a pool of threads (pyoxigraph releases the
GIL). pyoxigraph cannot cancel a running query, so a query that outlives the timeout is
answered with `QueryTimeout` (503) and the runner calls its `on_runaway` hook: under
`govgraph serve` that retires the whole gunicorn worker process (it stops accepting,
finishes its other requests, then exits, which ends the runaway evaluation) while the
other workers keep serving and gunicorn starts a fresh one.

Updates are applied to the on-disk store (the durable copy) under an exclusive file lock
and then bump a generation file; every process compares the generation before each job
and reloads its in-memory copy when it changed (as it does when `govgraph build` swaps
`current`).

>>> Job("query", "ASK {}").default_graphs
()
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pyoxigraph

from graph import errors
from graph.config import Settings
from graph.formats import Format, rdf_format, results_format
from graph.sparql_protocol import NotAcceptable
from graph.store import EmbeddedStore, GraphStore, current_store_path, open_store

LOG = logging.getLogger("govgraph.sparql")
GENERATION_FILE = "update-generation"
LOCK_FILE = "update.lock"


@dataclass(frozen=True)
class Job:
    """One thing to evaluate: a query, an update, or the service description (base_iri = endpoint URL)."""

    kind: str  # "query" | "update" | "service-description"
    text: str = ""
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    base_iri: str | None = None
    results_format: str | None = "json"
    rdf_format: str | None = "turtle"


@dataclass(frozen=True)
class Outcome:
    """A serialized result and its media type."""

    body: bytes
    media_type: str


class ResultTooLarge(errors.GovgraphError):
    """A result that would be larger than the operator's cap."""

    status = 400


class QueryNotEvaluable(errors.GovgraphError):
    """A query the engine parses but refuses to evaluate (e.g. an unknown extension function)."""

    status = 400


def store_generation(data_dir: Path) -> tuple:
    """What identifies the content of the served store: the build swapped in and the updates since."""
    try:
        target = os.readlink(current_store_path(data_dir))
    except OSError:
        target = None
    try:
        stamp = os.stat(Path(data_dir) / GENERATION_FILE)
        updates = (stamp.st_ino, stamp.st_mtime_ns)
    except OSError:
        updates = None
    return target, updates


@contextmanager
def store_lock(data_dir: Path, exclusive: bool) -> Iterator[None]:
    """Writers hold the lock exclusively; readers copying the store share it, so they never see a write half-done."""
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    with open(Path(data_dir) / LOCK_FILE, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _bump_generation(data_dir: Path) -> None:
    # A new inode each time, so that readers comparing (inode, mtime) never miss an update.
    path = Path(data_dir) / GENERATION_FILE
    temporary = path.with_name(f"{GENERATION_FILE}.{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.write_text(str(time.time_ns()))
    os.replace(temporary, path)


class _CappedBuffer:
    """A write target for pyoxigraph's serializers that stops at the result size cap."""

    def __init__(self, limit: int):
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise ResultTooLarge(
                f"the result is larger than the cap of {self.limit} bytes (GOVGRAPH_MAX_RESULT_BYTES): "
                "add a LIMIT or narrow the pattern"
            )
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: the parts are joined when the serializer is done."""


class ServingStore:
    """The store one server process evaluates on: an in-memory copy of the built store, or the remote store."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._remote: GraphStore | None = open_store(settings) if settings.backend == "remote" else None
        self._memory: pyoxigraph.Store | None = None
        self._generation: tuple | None = None
        self._reload_lock = threading.Lock()
        self._descriptions: dict[tuple, Outcome] = {}

    def current(self) -> tuple[pyoxigraph.Store, tuple]:
        """The in-memory copy, reloaded first if a build or an update changed the store on disk."""
        data_dir = self.settings.data_dir
        if self._memory is None or store_generation(data_dir) != self._generation:
            with self._reload_lock:
                if self._memory is None or store_generation(data_dir) != self._generation:
                    self._reload()
        assert self._memory is not None
        return self._memory, self._generation  # type: ignore[return-value]

    def _reload(self) -> None:
        data_dir = self.settings.data_dir
        started = time.monotonic()
        with store_lock(data_dir, exclusive=False):
            generation = store_generation(data_dir)
            disk = EmbeddedStore.open(current_store_path(data_dir), read_only=True)
            try:
                # A dump and a load, both in Rust, copy several times faster than iterating quads in Python.
                dump = disk.engine.dump(format=pyoxigraph.RdfFormat.N_QUADS)
            finally:
                disk.close()
        memory = pyoxigraph.Store()
        memory.load(dump, format=pyoxigraph.RdfFormat.N_QUADS)
        self._memory, self._generation = memory, generation
        LOG.info("loaded %d quads into memory in %.2f s", len(memory), time.monotonic() - started)

    def run(self, job: Job) -> Outcome:
        """Evaluate one job and serialize its result."""
        if job.kind == "update":
            return self._update(job)
        if job.kind == "service-description":
            return self._service_description(job)
        result = self._query(job)
        graph_result = isinstance(result, pyoxigraph.QueryTriples)
        chosen = _chosen_format(job, graph_result)
        buffer = _CappedBuffer(self.settings.max_result_bytes)
        try:
            result.serialize(buffer, format=chosen.engine_format)
        except (ValueError, RuntimeError, TypeError) as error:
            raise QueryNotEvaluable(f"the query cannot be evaluated: {error}") from None
        return Outcome(b"".join(buffer.parts), chosen.media_type)

    def _query(self, job: Job):
        if self._remote is not None:
            return self._remote.query(job.text, default_graph_uris=job.default_graphs, named_graph_uris=job.named_graphs)
        memory, _ = self.current()
        options: dict = {"base_iri": job.base_iri}
        if job.default_graphs or job.named_graphs:
            # The protocol's dataset replaces FROM/FROM NAMED; a dataset without default graphs has an empty one.
            # Otherwise the store's default graph applies, which the build fills with the union of the named graphs.
            options["default_graph"] = [pyoxigraph.NamedNode(iri) for iri in job.default_graphs]
            options["named_graphs"] = [pyoxigraph.NamedNode(iri) for iri in job.named_graphs]
        try:
            return memory.query(job.text, **options)
        except SyntaxError as error:
            raise errors.QuerySyntaxError.from_engine(error) from None
        except (ValueError, RuntimeError, TypeError) as error:
            raise QueryNotEvaluable(f"the query cannot be evaluated: {error}") from None

    def _update(self, job: Job) -> Outcome:
        if self._remote is not None:
            self._remote.update(job.text)
            return Outcome(b"", "text/plain")
        data_dir = self.settings.data_dir
        with store_lock(data_dir, exclusive=True):
            path = current_store_path(data_dir).resolve()
            if not path.is_dir():
                raise errors.StoreUnavailable(f"no store at {path}: run `govgraph build` first")
            disk = pyoxigraph.Store(str(path))
            try:
                disk.update(job.text, base_iri=job.base_iri)  # one transaction, in RocksDB's write-ahead log
            except SyntaxError as error:
                raise errors.QuerySyntaxError.from_engine(error, "update") from None
            except (ValueError, RuntimeError, TypeError) as error:
                raise QueryNotEvaluable(f"the update cannot be applied: {error}") from None
            finally:
                del disk
            _bump_generation(data_dir)
        return Outcome(b"", "text/plain")

    def _service_description(self, job: Job) -> Outcome:
        from graph.service_description import service_description

        if self._remote is not None:
            store, generation = self._remote, None
        else:
            memory, generation = self.current()
            store = EmbeddedStore(memory)
        key = (generation, job.base_iri, job.rdf_format)
        cached = self._descriptions.get(key)
        if cached is None:
            output = _chosen_format(job, graph_result=True)
            body = service_description(
                store,
                job.base_iri or "",
                updates=bool(self.settings.update_token),
                federation=bool(self.settings.service_allowlist),
                output=output,
            )
            cached = self._descriptions[key] = Outcome(body, output.media_type)
        return cached


def _chosen_format(job: Job, graph_result: bool) -> Format:
    name = job.rdf_format if graph_result else job.results_format
    if name is None:
        kind = "CONSTRUCT/DESCRIBE" if graph_result else "SELECT/ASK"
        valid = "Turtle, N-Triples, JSON-LD, RDF/XML, N-Quads, TriG" if graph_result else "SPARQL JSON, SPARQL XML, CSV, TSV"
        raise NotAcceptable(f"no format the request accepts fits a {kind} result; this endpoint offers {valid}")
    return rdf_format(name) if graph_result else results_format(name)


class QueryRunner:
    """Runs jobs on a thread pool with a timeout; a runaway is reported to `on_runaway`."""

    def __init__(self, settings: Settings, threads: int = 8, on_runaway: Callable[[], None] | None = None):
        self.settings = settings
        self.store = ServingStore(settings)
        self.on_runaway = on_runaway
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="govgraph-eval")

    def warm_up(self) -> None:
        """Load the in-memory copy now rather than on the first request (no store yet is not an error here)."""
        if self.settings.backend == "embedded":
            try:
                self.store.current()
            except errors.GovgraphError as error:
                LOG.warning("%s", error)

    def run(self, job: Job) -> Outcome:
        """Evaluate a job; QueryTimeout (503) when it takes longer than GOVGRAPH_QUERY_TIMEOUT."""
        limit = self.settings.query_timeout
        future = self._executor.submit(self.store.run, job)
        try:
            return future.result(timeout=limit)
        except FutureTimeout:
            what = "update" if job.kind == "update" else "query"
            LOG.warning("a %s ran longer than %g s: %s", what, limit, job.text[:500])
            # A remote query ends by itself (its HTTP request has the same timeout); a local one must be killed.
            if self.on_runaway is not None and self.settings.backend == "embedded":
                self.on_runaway()
            raise errors.QueryTimeout(
                f"the {what} ran longer than the limit of {limit:g} s and was stopped (GOVGRAPH_QUERY_TIMEOUT)"
            ) from None
