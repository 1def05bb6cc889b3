"""Hand out the store to serve, following `govgraph build`'s swaps of the `current` link."""

from __future__ import annotations

import os
import threading

from graph.config import Settings
from graph.store import GraphStore, current_store_path, open_store


class StoreProvider:
    """One shared store per process; reopened when a new build has been swapped in.

    >>> from graph.store import EmbeddedStore
    >>> StoreProvider.fixed(EmbeddedStore.in_memory()).get().triple_count()
    0
    """

    def __init__(self, settings: Settings, store: GraphStore | None = None):
        self.settings = settings
        self._store = store
        self._opened_target: str | None = None
        self._follow_builds = store is None and settings.backend == "embedded"
        self._lock = threading.Lock()

    @classmethod
    def fixed(cls, store: GraphStore, settings: Settings | None = None) -> "StoreProvider":
        """A provider that always hands out the given store (tests, benchmarks)."""
        return cls(settings or Settings(), store)

    def get(self) -> GraphStore:
        """The store to use for this request."""
        if self._follow_builds:
            target = self._current_target()
            if target != self._opened_target:
                with self._lock:
                    if target != self._opened_target:
                        self._store = open_store(self.settings, read_only=True)
                        self._opened_target = target
        elif self._store is None:
            self._store = open_store(self.settings)
        assert self._store is not None
        return self._store

    def _current_target(self) -> str | None:
        link = current_store_path(self.settings.data_dir)
        try:
            return os.readlink(link)
        except OSError:
            return None
