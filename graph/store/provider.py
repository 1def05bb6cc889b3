"""The one store a server process serves from, shared by every blueprint.

For the embedded backend that is an in-memory copy of the built store (joins run several
times faster there than on disk). A copy is loaded from the store's *snapshot*, the N-Quads
file of exactly the store's quads that `govgraph build` writes beside its files, or, once an
update has changed the store (the update removes the snapshot), from the store itself, which
is several times slower (RocksDB is read quad by quad), read by a separate Python process so that
no process that forks workers ever opens RocksDB. Writers take an exclusive file lock and
bump a generation file; loaders take a shared lock while they open the store, so they never
see a write half-done.

A copy is never changed. A build or an update makes a new one, loaded while the old one keeps
serving: readers never wait for a load. Under `govgraph serve` the supervisor loads the copies
and forks its workers from them (`StoreProvider.pinned`); a process on its own follows the
store by itself (`StoreProvider(settings)`), and an update it applies is served once its own
new copy is loaded.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pyoxigraph

from graph.config import Settings
from graph.errors import StoreUnavailable
from graph.store.opening import open_store
from graph.store.store import CURRENT_LINK, EmbeddedStore, GraphStore

LOG = logging.getLogger("govgraph.store")
GENERATION_FILE = "update-generation"
LOCK_FILE = "update.lock"
SNAPSHOT_FILE = "serving-snapshot.nq"
RETRY_SECONDS = 5.0  # after a failed load, before the next attempt
Generation = tuple


def store_generation(data_dir: Path | str) -> Generation:
    """What identifies the content of the served store: the build swapped in and the updates since."""
    # Plain os.path, not pathlib: this runs often and pathlib's parsing dominated it.
    data_dir = os.fspath(data_dir)
    try:
        target = os.readlink(os.path.join(data_dir, CURRENT_LINK))
    except OSError:
        target = None
    try:
        stamp = os.stat(os.path.join(data_dir, GENERATION_FILE))
        updates = (stamp.st_ino, stamp.st_mtime_ns)
    except OSError:
        updates = None
    return target, updates


@contextmanager
def store_lock(data_dir: Path, exclusive: bool) -> Iterator[None]:
    """Writers hold the lock exclusively; readers opening the store share it."""
    try:
        handle = open(Path(data_dir) / LOCK_FILE, "a")
    except OSError as error:
        if exclusive:
            raise StoreUnavailable(f"updates need a writable data directory: {error}") from None
        yield  # a data dir we cannot write to has no writer to wait for either
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def bump_generation(data_dir: Path) -> None:
    """Tell every server process that the store on disk changed."""
    # A new inode each time, so that readers comparing (inode, mtime) never miss an update.
    path = Path(data_dir) / GENERATION_FILE
    temporary = path.with_name(f"{GENERATION_FILE}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        temporary.write_text(str(time.time_ns()))
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        # A full disk has no room for a new file, but a new modification time needs none.
        now = time.time_ns()
        try:
            os.utime(path, ns=(now, now))
        except OSError as error:
            raise StoreUnavailable(
                f"the store changed, but the server processes could not be told ({error}); they serve their copy "
                "from before until the next change"
            ) from None


def write_snapshot(store_dir: Path, nquads: bytes | Path) -> None:
    """Keep the N-Quads a store was loaded from beside its files (whole or not at all), for fast copies.

    Only for a store nobody has written to since it was loaded from exactly these quads.
    """
    target = Path(store_dir) / SNAPSHOT_FILE
    temporary = target.with_name(f".{SNAPSHOT_FILE}.{os.getpid()}.tmp")
    if isinstance(nquads, Path):
        try:
            os.link(nquads, temporary)  # a second name for the same file: no copy of a large graph
        except OSError:
            temporary.write_bytes(nquads.read_bytes())
    else:
        temporary.write_bytes(nquads)
    os.replace(temporary, target)


def remove_snapshot(store_dir: Path) -> None:
    """Forget a store's snapshot before the store is changed (the writer holds the exclusive lock)."""
    try:
        os.unlink(Path(store_dir) / SNAPSHOT_FILE)
    except FileNotFoundError:
        pass


@dataclass(frozen=True)
class MemoryCopy:
    """An in-memory copy of the built store: never changed once loaded.

    `identity` names this copy (its generation and when it was loaded): two copies of one
    generation may list unordered results in different orders, one copy always in the same.
    """

    store: EmbeddedStore
    generation: Generation
    identity: str
    source: str  # "snapshot" or "store"
    seconds: float


def load_memory_copy(data_dir: Path) -> MemoryCopy:
    """Copy the current store into memory: from its snapshot when there is one, else from the store itself."""
    started = time.monotonic()
    snapshot = None
    with store_lock(data_dir, exclusive=False):
        generation = store_generation(data_dir)
        if generation[0] is None or not (Path(data_dir) / generation[0]).is_dir():
            raise StoreUnavailable(f"no store at {Path(data_dir) / CURRENT_LINK}: run `govgraph build` first")
        path = (Path(data_dir) / generation[0]).resolve()
        try:
            # Once open, the snapshot stays readable even if an update removes it: it holds this generation.
            snapshot = open(path / SNAPSHOT_FILE, "rb")
        except FileNotFoundError:
            memory = EmbeddedStore(_copied_by_another_process(path), path)
    if snapshot is not None:
        with snapshot:
            memory = EmbeddedStore(_loaded(snapshot), path)
    seconds = time.monotonic() - started
    identity = hashlib.blake2b(repr((generation, time.time_ns(), os.getpid())).encode(), digest_size=8).hexdigest()
    source = "snapshot" if snapshot is not None else "store"
    LOG.info("loaded %d quads into memory from the %s in %.2f s", len(memory.engine), source, seconds)
    return MemoryCopy(memory, generation, identity, source, seconds)


# Run by a fresh interpreter: the store's quads as N-Quads on stdout.
_DUMP_STORE = "import sys, pyoxigraph; pyoxigraph.Store.read_only(sys.argv[1]).dump(sys.stdout.buffer, pyoxigraph.RdfFormat.N_QUADS)"


def _copied_by_another_process(path: Path) -> pyoxigraph.Store:
    """The store's quads in memory, read from the on-disk store by a fresh Python process.

    A process that forks workers must never open RocksDB itself: its background threads do not
    survive a fork, and an update in a worker forked afterwards could wait for them forever.
    """
    child = subprocess.Popen([sys.executable, "-c", _DUMP_STORE, str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    memory = pyoxigraph.Store()
    broken = None
    try:
        memory.bulk_load(input=child.stdout, format=pyoxigraph.RdfFormat.N_QUADS)
    except SyntaxError as error:  # the dump broke off
        broken = str(error)
    finally:
        child.stdout.close()
        complaint = child.stderr.read().decode(errors="replace").strip()
        child.wait()
    if child.returncode != 0 or broken:
        reason = complaint.splitlines()[-1] if complaint else broken or f"exit status {child.returncode}"
        raise StoreUnavailable(f"could not read the store {path}: {reason}")
    return memory


def _loaded(snapshot) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    descriptor = f"/proc/self/fd/{snapshot.fileno()}"
    if os.path.exists(descriptor):  # Linux: pyoxigraph reads the open file itself, without Python in between
        store.bulk_load(path=descriptor, format=pyoxigraph.RdfFormat.N_QUADS)
    else:
        store.bulk_load(input=snapshot, format=pyoxigraph.RdfFormat.N_QUADS)
    return store


def save_snapshot_of(copy: MemoryCopy, data_dir: Path) -> bool:
    """Write a copy loaded from the store itself as the store's snapshot, if the store has not changed since."""
    store_dir = (Path(data_dir) / copy.generation[0]).resolve()
    temporary = store_dir / f".{SNAPSHOT_FILE}.{os.getpid()}.tmp"
    copy.store.engine.dump(output=str(temporary), format=pyoxigraph.RdfFormat.N_QUADS)
    with store_lock(data_dir, exclusive=True):
        if store_generation(data_dir) == copy.generation:
            os.replace(temporary, store_dir / SNAPSHOT_FILE)
            return True
    temporary.unlink()
    return False


class StoreProvider:
    """Hands out the store to serve: a store handed in, the remote store, or an in-memory copy.

    >>> from graph.store.store import EmbeddedStore
    >>> StoreProvider.fixed(EmbeddedStore.in_memory()).get().triple_count()
    0
    """

    def __init__(self, settings: Settings, store: GraphStore | None = None):
        self.settings = settings
        self._store = store
        self._copy: MemoryCopy | None = None
        self._follows_builds = store is None and settings.backend == "embedded"
        self._pinned = False
        self._after_update: Callable[[], None] | None = None
        self._lock = threading.Lock()  # held briefly: opening the remote store, starting a load
        self._load_lock = threading.Lock()  # held while a copy loads; readers never take it
        self._loading: threading.Thread | None = None
        self._retry_after = 0.0

    @classmethod
    def fixed(cls, store: GraphStore, settings: Settings | None = None) -> "StoreProvider":
        """A provider that always hands out the given store (tests, benchmarks)."""
        return cls(settings or Settings(), store)

    @classmethod
    def pinned(cls, settings: Settings, copy: MemoryCopy | None, after_update: Callable[[], None]) -> "StoreProvider":
        """A provider serving one copy (None: no store built yet) and never loading another.

        Whoever made the copy replaces the process when the store changes; `after_update` returns
        once an update applied here is served (see `follow_update`).
        """
        provider = cls(settings)
        provider._copy, provider._pinned, provider._after_update = copy, True, after_update
        return provider

    def get(self) -> GraphStore:
        """The store to use for this request."""
        return self.current()[0]

    def current(self) -> tuple[GraphStore, str | None]:
        """The store and the identity of its copy (None when it is not a copy of the built store)."""
        copy = self._copy
        if not self._follows_builds:
            if self._store is None:
                with self._lock:
                    if self._store is None:
                        self._store = open_store(self.settings)
            return self._store, None
        if copy is None:
            if self._pinned:
                raise StoreUnavailable(f"no store at {Path(self.settings.data_dir) / CURRENT_LINK}: run `govgraph build` first")
            copy = self._first_copy()
        elif not self._pinned and self._loading is None and store_generation(self.settings.data_dir) != copy.generation:
            self._load_in_background()
        return copy.store, copy.identity

    @property
    def copy(self) -> MemoryCopy | None:
        """The copy being served, if any."""
        return self._copy

    def follow_update(self) -> None:
        """Return once an update this process applied is served (the process's own new copy, or the supervisor's).

        The update is durable already: a copy that cannot be loaded now is logged, not raised.
        """
        try:
            if self._pinned:
                if self._after_update is not None:
                    self._after_update()
            elif self._follows_builds:
                self.refresh()
        except Exception as error:
            LOG.warning("an update was applied, but the new copy is not served yet: %s", error)

    def refresh(self) -> None:
        """Load the store as it is now, unless the copy already is; readers keep the old copy meanwhile."""
        with self._load_lock:
            if self._copy is None or store_generation(self.settings.data_dir) != self._copy.generation:
                self._copy = load_memory_copy(self.settings.data_dir)

    def _first_copy(self) -> MemoryCopy:
        with self._load_lock:
            if self._copy is None:
                self._copy = load_memory_copy(self.settings.data_dir)
            return self._copy

    def _load_in_background(self) -> None:
        with self._lock:
            if self._loading is not None or time.monotonic() < self._retry_after:
                return
            self._loading = threading.Thread(target=self._reload, name="govgraph-reload", daemon=True)
            self._loading.start()

    def _reload(self) -> None:
        try:
            self.refresh()
        except Exception as error:  # keep serving the old copy; try again later
            LOG.warning("could not load the changed store (%s); serving the previous copy", error)
            self._retry_after = time.monotonic() + RETRY_SECONDS
        finally:
            self._loading = None
