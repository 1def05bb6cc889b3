"""Starting and stopping the servers under test: 127.0.0.1 only, random free ports, logs to files."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Mapping

import requests


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def venv_executable(name: str) -> str:
    """A console script of this environment (the venv's bin beside the interpreter), else from PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else (shutil.which(name) or name)


def start_server(command: list[str], log_file: Path, env: Mapping[str, str] | None = None) -> subprocess.Popen:
    """Start a server with its output going to a log file (a pipe nobody reads would block it)."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_file, "wb")
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=dict(env) if env else None)


def wait_until_answering(url: str, process: subprocess.Popen, log_file: Path, seconds: float = 120.0) -> None:
    """Poll until the server answers any HTTP status; fail with the tail of its log."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {log_file.read_text(errors='replace')[-2000:]}")
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"server at {url} did not answer within {seconds} s: {log_file.read_text(errors='replace')[-2000:]}")


def wait_until_serving(url: str, process: subprocess.Popen, log_file: Path, seconds: float = 120.0) -> None:
    """Poll until the SPARQL endpoint answers `ASK {}` with 200 (a server may answer errors before its store is in).

    Not the bare URL: that is the service description, which counts the whole graph.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {log_file.read_text(errors='replace')[-2000:]}")
        try:
            if requests.get(url, params={"query": "ASK {}"}, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    stop(process)
    raise RuntimeError(f"server at {url} answered no query within {seconds} s: {log_file.read_text(errors='replace')[-2000:]}")


def child_pids(pid: int) -> list[int]:
    """The process's children (Linux)."""
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(child) for child in (task / "children").read_text().split()]
    return children


def process_memory(pid: int) -> dict[str, float]:
    """MB of a process's resident set, its proportional share of shared pages (PSS) and its private pages (Linux)."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0]) / 1024
    return {"rss": fields["Rss"], "pss": fields["Pss"], "private": fields["Private_Clean"] + fields["Private_Dirty"]}


def stop(process: subprocess.Popen) -> None:
    """Terminate a server process we started and reap it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def child_processes(process_id: int) -> set[int]:
    """The ids of a process's children (a server's workers), from Linux's /proc."""
    children: set[int] = set()
    for task in Path(f"/proc/{process_id}/task").iterdir():
        children.update(int(pid) for pid in (task / "children").read_text().split())
    return children
