"""A full or a read-only disk, for real: a small tmpfs mounted for each test (root only; CI runs as root).

`govgraph build` says what it could not write, and why, in one line; an update on a full disk is a 507
in the client's format, changes nothing, and leaves nothing behind that would eat the space left.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pyoxigraph
import pytest
import requests

from conftest import UPDATE_TOKEN, serve_govgraph, stop

GOVGRAPH = str(Path(sys.executable).parent / "govgraph")
AUTHORIZATION = {"Authorization": f"Bearer {UPDATE_TOKEN}"}


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs of the test's own."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"mounting a tmpfs needs root (CI runs as root): {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


def fill(disk: Path, leave: int) -> Path:
    """Fill the disk with a file of zeros, leaving `leave` bytes free; returns the file."""
    filler = disk / "filler"
    with open(filler, "wb") as handle:
        try:
            while True:
                handle.write(bytes(64 * 1024))
                handle.flush()
        except OSError:
            pass
    os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


def free_bytes(disk: Path) -> int:
    return os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize


def build_command(data_dir: Path) -> subprocess.CompletedProcess:
    """`govgraph build` into `data_dir` (reference data as configured for the tests)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GOVGRAPH_") or key == "GOVGRAPH_REFDATA"}
    return subprocess.run([GOVGRAPH, "--data-dir", str(data_dir), "build"], capture_output=True, text=True, env=env,
                          timeout=600)


def test_a_build_on_a_full_disk_says_so_in_one_line_and_leaves_no_store(small_disk):
    data_dir = small_disk / "data"
    result = build_command(data_dir)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(f"error: cannot write the new store {data_dir}/stores/build-")
    assert "No space left on device" in last_line
    assert list((data_dir / "stores").iterdir()) == []  # the half-written store is gone
    assert not (data_dir / "current").exists()


def test_a_build_on_a_read_only_disk_says_so_in_one_line(small_disk):
    data_dir = small_disk / "data"
    data_dir.mkdir()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    result = build_command(data_dir)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (f"error: cannot write the data directory {data_dir}: "
                                     f"Read-only file system: {data_dir}/build.lock")


@pytest.fixture
def server_on_small_disk(small_disk, tmp_path):
    """`govgraph serve` on a store on the small disk, holding one triple; yields (URL, disk, store path)."""
    store_path = small_disk / "stores" / "empty"
    store_path.parent.mkdir()
    store = pyoxigraph.Store(str(store_path))
    store.update('INSERT DATA { GRAPH <urn:disk> { <urn:disk:s> <urn:disk:p> "before" } }')
    del store  # closed: the server's updates open it themselves
    (small_disk / "current").symlink_to(Path("stores") / "empty")
    url, process = serve_govgraph(small_disk, tmp_path, GOVGRAPH_UPDATE_TOKEN=UPDATE_TOKEN)
    try:
        yield url + "/sparql", small_disk, store_path
    finally:
        stop(process)


def test_an_update_on_a_full_disk_is_a_507_and_leaves_nothing_behind(server_on_small_disk):
    sparql, disk, store_path = server_on_small_disk
    filler = fill(disk, leave=300 * 1024)
    # About 700 KB of text: more than the space left once RocksDB has written its indexes and log.
    update = "INSERT DATA { GRAPH <urn:disk> { " + " ".join(
        f'<urn:disk:s{index}> <urn:disk:p> "{"x" * 100}{index}" .' for index in range(5000)) + " } }"
    headers = {**AUTHORIZATION, "Content-Type": "application/sparql-update"}
    free_after_each = []
    for attempt in range(3):
        response = requests.post(sparql, data=update.encode(), headers=headers, timeout=60)
        assert response.status_code == 507, response.text
        assert "the update was not applied: the disk of the store" in response.text
        assert "No space left on device" in response.text
        free_after_each.append(free_bytes(disk))
    response = requests.post(sparql, data=update.encode(), headers={**headers, "Accept": "application/json"}, timeout=60)
    assert response.status_code == 507 and response.json()["ok"] is False and response.json()["status"] == 507
    # RocksDB rotated its info log on every attempt (~140 KB each): those logs are gone, the free space holds.
    assert list(store_path.glob("LOG.old.*")) == []
    assert free_after_each[-1] >= free_after_each[0] - 16 * 1024, free_after_each
    assert not any(path.name.endswith(".tmp") for path in disk.iterdir())

    filler.unlink()  # room again: updates work, and what was stored before is still there
    small = 'INSERT DATA { GRAPH <urn:disk> { <urn:disk:s> <urn:disk:p> "after" } }'
    assert requests.post(sparql, data={"update": small}, headers=AUTHORIZATION, timeout=60).status_code == 204
    ask = 'ASK { GRAPH <urn:disk> { <urn:disk:s> <urn:disk:p> "before", "after" } FILTER NOT EXISTS { GRAPH <urn:disk> { <urn:disk:s0> ?p ?o } } }'
    assert requests.get(sparql, params={"query": ask}, timeout=10).json()["boolean"]
