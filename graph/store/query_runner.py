"""Evaluate SPARQL for the endpoint: in memory, in parallel threads, with a timeout that holds.

Each server process evaluates on the in-memory copy of the built store that
`graph.store.provider` hands to all blueprints, on a pool of threads (pyoxigraph releases the
GIL). pyoxigraph cannot cancel a running query, so a query that outlives the timeout is
answered with `QueryTimeout` (503) and the runner calls its `on_runaway` hook: under
`govgraph serve` that has the worker process replaced (a fresh worker starts serving, then
this one stops accepting, finishes its other requests and exits, which ends the runaway
evaluation).

Updates are applied to the on-disk store (the durable copy) under an exclusive file lock,
remove the store's snapshot and bump a generation file; the update is answered once the
provider serves a copy that holds it (`StoreProvider.follow_update`), while other requests
keep being answered from the previous copy.

Handing a query to the pool costs a thread switch each way, which on a busy machine is
more than a cheap query itself. So a query the runner has already seen finish within 1%
of the timeout on the same copy (same text, dataset and format) is evaluated on the
request thread: evaluation on an unchanging in-memory copy is deterministic, and such a
query would have to run a hundred times slower to become a runaway. Everything else (a
new query, an update, SERVICE calls, the remote backend) takes the pool.

The engine recurses on the stack of the thread it runs on, and an overflow kills the process.
The pool's threads have stacks sized for GOVGRAPH_MAX_QUERY_DEPTH (`graph.store.large_stacks`);
the request thread's stack is the server's choice, so only shallow queries run there.

>>> Job("query", "ASK {}").default_graphs
()
"""

from __future__ import annotations

import errno
import logging
import re
import threading
import time
from collections import OrderedDict
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TypeVar

import pyoxigraph

from graph import errors
from graph.config import Settings
from graph.store.formats import Format, rdf_format, results_format
from graph.store.large_stacks import LargeStackExecutor, stack_size_for
from graph.store.sparql_protocol import NotAcceptable
from graph.store.provider import StoreProvider, bump_generation, remove_snapshot, store_lock
from graph.store.store import EmbeddedStore, GraphStore, current_store_path
from graph.store.syntax_hints import syntax_error

LOG = logging.getLogger("govgraph.sparql")
FAST_FRACTION = 0.01  # of the timeout: a query known to finish within it may skip the pool
KNOWN_FAST_LIMIT = 10_000  # remembered query fingerprints per process (an integer each)
# Deepest query the request thread may evaluate: well under 1 MB of stack at ~10 KB a level (see large_stacks).
REQUEST_THREAD_MAX_DEPTH = 64
T = TypeVar("T")
# (store, endpoint URL, updates=, federation=, output=) -> the body; `graph.describe` has the one govgraph serves.
DescribeService = Callable[..., bytes]


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
    depth: int | None = None  # the text's syntax depth, when the protocol layer has measured it


@dataclass(frozen=True)
class Outcome:
    """A serialized result, its media type, and the copy of the store that answered (None: not a copy)."""

    body: bytes
    media_type: str
    copy: str | None = None


class ResultTooLarge(errors.GovgraphError):
    """A result that would be larger than the operator's cap."""

    status = 400


class QueryNotEvaluable(errors.GovgraphError):
    """A query the engine parses but refuses to evaluate (e.g. an unknown extension function)."""

    status = 400


class ServiceCallFailed(errors.GovgraphError):
    """A SERVICE call the policy allowed failed on the way (unknown host, refused connection, bad answer)."""

    status = 502


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
    """Evaluates jobs on the process's served store (see `graph.store.provider`)."""

    def __init__(self, settings: Settings, provider: StoreProvider, describe_service: DescribeService | None = None):
        self.settings = settings
        self.provider = provider
        self.describe_service = describe_service
        self._descriptions: dict[tuple, Outcome] = {}

    def query(self, job: Job, store: GraphStore, copy: str | None = None) -> Outcome:
        """Evaluate a query on `store` (the served store when the job was taken, copy `copy`) and serialize its result."""
        result = self._evaluate(job, store)
        graph_result = isinstance(result, pyoxigraph.QueryTriples)
        chosen = _chosen_format(job, graph_result)
        buffer = _CappedBuffer(self.settings.max_result_bytes)
        try:
            result.serialize(buffer, format=chosen.engine_format)
        except OSError as error:  # the in-memory store reads no files: only a SERVICE call does I/O
            raise ServiceCallFailed(f"a SERVICE call of the query failed: {error}") from None
        except (ValueError, RuntimeError, TypeError) as error:
            raise QueryNotEvaluable(f"the query cannot be evaluated: {error}") from None
        finally:
            del result  # dropped on this thread, not with the traceback on another (pyoxigraph forbids that)
        return Outcome(b"".join(buffer.parts), chosen.media_type, copy)

    def _evaluate(self, job: Job, store: GraphStore):
        if not isinstance(store, EmbeddedStore):
            return store.query(job.text, default_graph_uris=job.default_graphs, named_graph_uris=job.named_graphs)
        memory = store.engine
        options: dict = {"base_iri": job.base_iri}
        try:
            if job.default_graphs or job.named_graphs:
                # The protocol's dataset replaces FROM/FROM NAMED; a dataset without default graphs has an empty one.
                # Otherwise the store's default graph applies, which the build fills with the union of the named graphs.
                options["default_graph"] = [pyoxigraph.NamedNode(iri) for iri in job.default_graphs]
                options["named_graphs"] = [pyoxigraph.NamedNode(iri) for iri in job.named_graphs]
            return memory.query(job.text, **options)
        except SyntaxError as error:
            raise syntax_error(error, job.text) from None
        except OSError as error:
            raise ServiceCallFailed(f"a SERVICE call of the query failed: {error}") from None
        except (ValueError, RuntimeError, TypeError) as error:
            raise QueryNotEvaluable(f"the query cannot be evaluated: {error}") from None

    def update(self, job: Job) -> Outcome:
        """Apply an update to the durable store (or the remote one) and tell every process."""
        if self.settings.backend == "remote":
            self.provider.get().update(job.text)
            return Outcome(b"", "text/plain")
        data_dir = self.settings.data_dir
        with store_lock(data_dir, exclusive=True):
            path = current_store_path(data_dir).resolve()
            if not path.is_dir():
                raise errors.StoreUnavailable(f"no store at {path}: run `govgraph build` first")
            remove_snapshot(path)  # it no longer holds the store's content
            try:
                _apply_update(path, job)
            finally:
                _remove_rotated_logs(path)
            bump_generation(data_dir)
        return Outcome(b"", "text/plain")

    def service_description(self, job: Job) -> Outcome:
        """The service description, made once per copy of the store, endpoint URL and format."""
        if self.describe_service is None:
            raise errors.GovgraphError("this query runner was made without a service description")
        store, copy = self.provider.current()
        key = (copy, job.base_iri, job.rdf_format)
        cached = self._descriptions.get(key)
        if cached is None:
            output = _chosen_format(job, graph_result=True)
            body = self.describe_service(
                store,
                job.base_iri or "",
                updates=bool(self.settings.update_token),
                federation=bool(self.settings.service_allowlist),
                output=output,
            )
            cached = self._descriptions[key] = Outcome(body, output.media_type, copy)
        return cached


def _apply_update(path: Path, job: Job) -> None:
    """Open the durable store, apply the update in one transaction (RocksDB's write-ahead log), close it."""
    try:
        disk = pyoxigraph.Store(str(path))
        try:
            disk.update(job.text, base_iri=job.base_iri)
        finally:
            del disk
    except SyntaxError as error:
        raise syntax_error(error, job.text, "update") from None
    except OSError as error:
        raise _update_failure(error, path) from None
    except (ValueError, RuntimeError, TypeError) as error:
        raise QueryNotEvaluable(f"the update cannot be applied: {error}") from None


_NO_SPACE = re.compile(r"no space left on device|disk quota exceeded", re.IGNORECASE)


def _update_failure(error: OSError, path: Path) -> errors.GovgraphError:
    """507 for a full disk (the client may retry once there is room), 503 for another failure to write the store,
    502 for a LOAD that failed on the way. RocksDB's errors carry no errno; their text starts with "IO error"."""
    cause = " ".join(str(error).split())
    if error.errno in (errno.ENOSPC, errno.EDQUOT) or _NO_SPACE.search(cause):
        return errors.StorageFull(f"the update was not applied: the disk of the store {path} is full ({cause})")
    if error.errno is not None or cause.startswith("IO error"):
        return errors.StoreUnavailable(f"the update was not applied: the store {path} cannot be written ({cause})")
    return ServiceCallFailed(f"the update was not applied: a LOAD of it failed ({cause})")


def _remove_rotated_logs(path: Path) -> None:
    """Remove RocksDB's rotated info logs (`LOG.old.*`, ~140 KB): each opening of the store for an update,
    applied or not, rotates one, and left alone they would fill the disk. They are diagnostics, never data."""
    for log in path.glob("LOG.old.*"):
        log.unlink(missing_ok=True)


def _chosen_format(job: Job, graph_result: bool) -> Format:
    name = job.rdf_format if graph_result else job.results_format
    if name is None:
        kind = "CONSTRUCT/DESCRIBE" if graph_result else "SELECT/ASK"
        valid = "Turtle, N-Triples, JSON-LD, RDF/XML, N-Quads, TriG" if graph_result else "SPARQL JSON, SPARQL XML, CSV, TSV"
        raise NotAcceptable(f"no format the request accepts fits a {kind} result; this endpoint offers {valid}")
    return rdf_format(name) if graph_result else results_format(name)


class QueryRunner:
    """Runs jobs on a thread pool with a timeout (a runaway is reported to `on_runaway`), known-fast queries directly."""

    def __init__(
        self,
        settings: Settings,
        provider: StoreProvider,
        threads: int = 8,
        on_runaway: Callable[[], None] | None = None,
        describe_service: DescribeService | None = None,
    ):
        self.settings = settings
        self.store = ServingStore(settings, provider, describe_service)
        self.on_runaway = on_runaway
        self._executor = LargeStackExecutor(threads, stack_size_for(settings.max_query_depth), thread_name_prefix="govgraph-eval")
        self._known_fast: OrderedDict[int, None] = OrderedDict()
        self._known_fast_lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the in-memory copy now rather than on the first request (no store yet is not an error here)."""
        if self.settings.backend == "embedded":
            try:
                self.store.provider.current()
            except errors.GovgraphError as error:
                LOG.warning("%s", error)

    def run(self, job: Job) -> Outcome:
        """Evaluate a job; QueryTimeout (503) when it takes longer than GOVGRAPH_QUERY_TIMEOUT (an update: GOVGRAPH_UPDATE_TIMEOUT)."""
        if job.kind == "update":
            outcome = self._in_pool(lambda: self.store.update(job), "update", job.text)
            # Outside the pool: waiting until the new copy is served is no runaway.
            self.store.provider.follow_update()
            return outcome
        if job.kind == "service-description":
            return self._in_pool(lambda: self.store.service_description(job), "query", "the service description")
        # One look at the served store: the fingerprint and the evaluation are then about the same copy.
        store, copy = self.store.provider.current()
        fingerprint = self._fingerprint(job, copy)
        if fingerprint is not None and self._is_known_fast(fingerprint):
            return self.store.query(job, store, copy)
        started = time.monotonic()
        outcome = self._in_pool(lambda: self.store.query(job, store, copy), "query", job.text)
        if fingerprint is not None and time.monotonic() - started < self.settings.query_timeout * FAST_FRACTION:
            self._remember_fast(fingerprint)
        return outcome

    def known_fast(self, job: Job) -> bool:
        """Whether this job would now be evaluated on the calling thread, without the pool."""
        fingerprint = self._fingerprint(job, self.store.provider.current()[1])
        return fingerprint is not None and self._is_known_fast(fingerprint)

    def _fingerprint(self, job: Job, copy: str | None) -> int | None:
        """What identifies a query's cost: the job and the copy it runs on; None when it must always take the pool."""
        # SERVICE waits on another server (no bound from earlier runs); a remote store has its own HTTP timeout;
        # a deep query needs the pool's large stacks.
        if job.kind != "query" or self.settings.backend != "embedded" or "SERVICE" in job.text.upper():
            return None
        if job.depth is None or job.depth > REQUEST_THREAD_MAX_DEPTH:
            return None
        if copy is None:  # a store handed in from outside may change without notice
            return None
        # Python's hash of strings is keyed per process: a 64-bit value no client can aim a collision at.
        return hash((copy, job))

    def _is_known_fast(self, fingerprint: int) -> bool:
        with self._known_fast_lock:
            if fingerprint not in self._known_fast:
                return False
            self._known_fast.move_to_end(fingerprint)
            return True

    def _remember_fast(self, fingerprint: int) -> None:
        with self._known_fast_lock:
            self._known_fast[fingerprint] = None
            while len(self._known_fast) > KNOWN_FAST_LIMIT:
                self._known_fast.popitem(last=False)

    def call(self, evaluate: Callable[[], T], what: str, description: str) -> T:
        """Run `evaluate` (a query evaluated to the end, an analysis) in the pool, under the same timeout.

        `what` names it in the 503's message ("query", "analysis"); `description` goes to the log.
        """
        return self._in_pool(evaluate, what, description)

    def _in_pool(self, evaluate: Callable[[], T], what: str, description: str) -> T:
        # An update is authorised work whose cost includes opening the on-disk store: it has its own, longer limit.
        limit, variable = (
            (self.settings.update_timeout, "GOVGRAPH_UPDATE_TIMEOUT") if what == "update" else (self.settings.query_timeout, "GOVGRAPH_QUERY_TIMEOUT")
        )
        started = time.monotonic()
        future = self._executor.submit(evaluate)
        try:
            result = future.result(timeout=limit)
        except FutureTimeout:
            LOG.warning("a %s ran longer than %g s: %s", what, limit, description[:500])
            # A remote query ends by itself (its HTTP request has the same timeout); a local one must be killed.
            if self.on_runaway is not None and self.settings.backend == "embedded":
                self.on_runaway()
            raise errors.QueryTimeout(
                f"the {what} ran longer than the limit of {limit:g} s and was stopped ({variable})"
            ) from None
        # The pool may finish before this thread looks (a busy machine): the limit holds all the same for
        # reads. An update that was applied is reported as applied.
        if what != "update" and time.monotonic() - started > limit:
            raise errors.QueryTimeout(f"the {what} ran longer than the limit of {limit:g} s ({variable})")
        return result
