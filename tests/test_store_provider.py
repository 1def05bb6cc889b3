"""In-memory copies of the built store: loaded from the build's snapshot, never blocking readers while reloading."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from graph.config import Settings
from graph.store import Job, QueryRunner, StoreProvider, current_store_path, load_memory_copy, save_snapshot_of
from graph.store.provider import SNAPSHOT_FILE

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:provider-test> { ?s ?p ?o } }"
INSERT = "INSERT DATA { GRAPH <urn:provider-test> { <urn:a> <urn:b> <urn:c> } }"


@pytest.fixture()
def own_store(built: Settings, tmp_path: Path) -> Settings:
    """A data dir with a private copy of the built store (snapshot included), so that tests may update it."""
    stores = tmp_path / "stores"
    shutil.copytree(current_store_path(built.data_dir).resolve(), stores / "built")
    os.symlink(Path("stores") / "built", tmp_path / "current")
    return built.with_(data_dir=tmp_path)


def _count(provider: StoreProvider) -> int:
    rows = list(provider.get().query(COUNT))
    return int(rows[0]["n"].value)


def test_the_build_writes_a_snapshot_that_copies_load_from(built: Settings):
    assert (current_store_path(built.data_dir) / SNAPSHOT_FILE).is_file()
    copy = load_memory_copy(built.data_dir)
    assert copy.source == "snapshot"
    on_disk = StoreProvider.fixed(copy.store).get().triple_count()
    assert on_disk == copy.store.triple_count() > 10_000


def test_an_update_removes_the_snapshot_until_a_copy_of_the_updated_store_is_saved(own_store: Settings):
    runner = QueryRunner(own_store, StoreProvider(own_store), threads=1)
    runner.run(Job("update", INSERT))
    assert not (current_store_path(own_store.data_dir) / SNAPSHOT_FILE).exists()
    from_store = load_memory_copy(own_store.data_dir)
    assert from_store.source == "store" and _count(StoreProvider.fixed(from_store.store)) == 1
    assert save_snapshot_of(from_store, own_store.data_dir)
    from_snapshot = load_memory_copy(own_store.data_dir)
    assert from_snapshot.source == "snapshot" and _count(StoreProvider.fixed(from_snapshot.store)) == 1


def test_an_update_is_served_as_soon_as_it_is_answered(own_store: Settings):
    provider = StoreProvider(own_store)
    runner = QueryRunner(own_store, provider, threads=1)
    assert _count(provider) == 0
    runner.run(Job("update", INSERT))
    assert _count(provider) == 1


def test_an_update_has_its_own_time_limit(own_store: Settings):
    """The read limit does not bound an update (opening the on-disk store alone takes a good part of a second);
    GOVGRAPH_UPDATE_TIMEOUT does."""
    from graph.errors import QueryTimeout

    provider = StoreProvider(own_store)
    QueryRunner(own_store.with_(query_timeout=1e-9), provider, threads=1).run(Job("update", INSERT))
    assert _count(provider) == 1
    runner = QueryRunner(own_store.with_(update_timeout=1e-9), provider, threads=1)
    with pytest.raises(QueryTimeout, match="GOVGRAPH_UPDATE_TIMEOUT"):
        runner.run(Job("update", INSERT.replace("<urn:c>", "<urn:d>")))


def test_a_copy_loaded_from_the_store_leaves_rocksdb_out_of_the_loading_process(own_store: Settings):
    """The supervisor forks its workers after loading: RocksDB's background threads (`rocksdb:low`, `rocksdb:high`)
    do not survive a fork, and an update in a worker forked from a process that had opened the store once hung
    until its timeout. So a copy is read from the store by another process."""
    import subprocess
    import sys

    (current_store_path(own_store.data_dir) / SNAPSHOT_FILE).unlink()
    check = (
        "import glob, sys; from pathlib import Path; from graph.store import load_memory_copy; "
        "copy = load_memory_copy(Path(sys.argv[1])); "
        "threads = {open(name).read().strip() for name in glob.glob('/proc/self/task/*/comm')}; "
        "print(copy.source, len(copy.store.engine), sorted(name for name in threads if name.startswith('rocksdb')))"
    )
    result = subprocess.run([sys.executable, "-c", check, str(own_store.data_dir)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    source, quads, rocksdb_threads = result.stdout.split(" ", 2)
    assert source == "store" and int(quads) > 10_000 and rocksdb_threads.strip() == "[]"


def test_readers_keep_the_old_copy_while_the_new_one_loads(own_store: Settings):
    provider = StoreProvider(own_store)
    old = provider.current()[1]
    other = StoreProvider(own_store)  # another process's update: this provider only sees the disk change
    QueryRunner(own_store, other, threads=1).run(Job("update", INSERT))
    assert provider.current()[1] == old  # starts the load in the background and answers at once, from the old copy
    assert _count(provider) == 0
    deadline = time.monotonic() + 60
    while provider.current()[1] == old and time.monotonic() < deadline:
        time.sleep(0.05)
    assert provider.current()[1] != old and _count(provider) == 1
