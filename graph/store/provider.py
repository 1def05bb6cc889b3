"""The one store a server process serves from, shared by every blueprint.

For the embedded backend that is an in-memory copy of the built store (joins run
several times faster there than on disk), reloaded when `govgraph build` swaps in a
new store or an update through the SPARQL endpoint was written to disk. Writers take
an exclusive file lock and bump a generation file; readers copy under a shared lock,
so they never see a write half-done.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from graph.config import Settings
from graph.errors import StoreUnavailable
from graph.store.store import CURRENT_LINK, EmbeddedStore, GraphStore, current_store_path, open_store

LOG = logging.getLogger("govgraph.store")
GENERATION_FILE = "update-generation"
LOCK_FILE = "update.lock"
Generation = tuple


def store_generation(data_dir: Path | str) -> Generation:
    """What identifies the content of the served store: the build swapped in and the updates since."""
    # Plain os.path, not pathlib: this runs before every query and pathlib's parsing dominated it.
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
    """Writers hold the lock exclusively; readers copying the store share it."""
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


class StoreProvider:
    """Hands out the store to serve: a store handed in, the remote store, or the in-memory copy.

    >>> from graph.store.store import EmbeddedStore
    >>> StoreProvider.fixed(EmbeddedStore.in_memory()).get().triple_count()
    0
    """

    def __init__(self, settings: Settings, store: GraphStore | None = None):
        self.settings = settings
        self._store = store
        self._generation: Generation | None = None
        self._follows_builds = store is None and settings.backend == "embedded"
        self._lock = threading.Lock()

    @classmethod
    def fixed(cls, store: GraphStore, settings: Settings | None = None) -> "StoreProvider":
        """A provider that always hands out the given store (tests, benchmarks)."""
        return cls(settings or Settings(), store)

    def get(self) -> GraphStore:
        """The store to use for this request."""
        return self.current()[0]

    def current(self) -> tuple[GraphStore, Generation | None]:
        """The store and the generation it reflects (None when it is not a copy of the built store)."""
        if not self._follows_builds:
            if self._store is None:
                with self._lock:
                    if self._store is None:
                        self._store = open_store(self.settings)
            return self._store, None
        data_dir = self.settings.data_dir
        if self._store is None or store_generation(data_dir) != self._generation:
            with self._lock:
                if self._store is None or store_generation(data_dir) != self._generation:
                    self._store, self._generation = self._copy_to_memory()
        return self._store, self._generation

    def _copy_to_memory(self) -> tuple[EmbeddedStore, Generation]:
        data_dir = self.settings.data_dir
        started = time.monotonic()
        with store_lock(data_dir, exclusive=False):
            generation = store_generation(data_dir)
            memory = EmbeddedStore.open(current_store_path(data_dir), read_only=True).copy_to_memory()
        LOG.info("loaded %d quads into memory in %.2f s", len(memory.engine), time.monotonic() - started)
        return memory, generation
