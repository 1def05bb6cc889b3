"""`govgraph serve`'s process model against the real server on 127.0.0.1: runaways never leave the server
without a worker accepting, readers are answered while workers reload, a killed worker is replaced, and
SIGTERM is a graceful shutdown."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from conftest import UPDATE_TOKEN, serve_govgraph

AUTHORIZATION = {"Authorization": f"Bearer {UPDATE_TOKEN}"}
TIMEOUT = 2  # GOVGRAPH_QUERY_TIMEOUT of the writable server
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:serve> { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o } }"
CHEAP = "ASK { GRAPH <urn:serve> { <urn:s1> ?p ?o } }"


@pytest.fixture(scope="module")
def sparql(writable_server):
    url = writable_server.url + "/sparql"
    triples = " ".join(f"<urn:s{index}> <urn:p> {index} ." for index in range(60))
    response = requests.post(url, data={"update": f"INSERT DATA {{ GRAPH <urn:serve> {{ {triples} }} }}"}, headers=AUTHORIZATION)
    assert response.status_code == 204, response.text
    return url


class Prober:
    """A client asking a cheap query every 50 ms in a thread; records (status, seconds) of each answer."""

    def __init__(self, sparql: str):
        self.sparql = sparql
        self.answers: list[tuple[int, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._probe, daemon=True)

    def _probe(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                status = requests.get(self.sparql, params={"query": CHEAP}, timeout=10).status_code
            except requests.RequestException:
                status = 0
            self.answers.append((status, time.monotonic() - started))
            time.sleep(0.05)

    def __enter__(self) -> "Prober":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _workers_replaced_for_runaways(log: Path) -> set[str]:
    return set(re.findall(r"worker (\d+) ran a query past the timeout", log.read_text()))


def test_concurrent_runaways_get_their_503_in_time_while_other_clients_are_answered(sparql, writable_server):
    """Issue 16: two runaways at once used to retire both workers and stall the server for seconds."""
    already = _workers_replaced_for_runaways(writable_server.log)
    with Prober(sparql) as prober:
        for _ in range(4):  # waves of concurrent runaways, until runaways hit both workers at once
            with ThreadPoolExecutor(4) as pool:
                started = time.monotonic()
                waves = list(pool.map(lambda _: _timed_post(sparql, RUNAWAY), range(4)))
            assert all(status == 503 and seconds < TIMEOUT + 2 for status, seconds in waves), waves
            assert time.monotonic() - started < TIMEOUT + 2
            if len(_workers_replaced_for_runaways(writable_server.log) - already) >= 2:
                break
        time.sleep(TIMEOUT + 1)  # the replaced workers finish and exit meanwhile
    assert len(_workers_replaced_for_runaways(writable_server.log) - already) >= 2
    assert prober.answers and all(status == 200 and seconds < TIMEOUT for status, seconds in prober.answers), prober.answers


def _timed_post(sparql: str, query: str) -> tuple[int, float]:
    started = time.monotonic()
    response = requests.post(sparql, data={"query": query}, timeout=30)
    return response.status_code, time.monotonic() - started


def test_readers_are_answered_from_the_old_copy_while_updates_reload_the_workers(sparql):
    """Issue 16: query p99 rose to seconds while each worker reloaded its copy after an update."""
    with Prober(sparql) as prober:
        for number in range(6):
            update = f"INSERT DATA {{ GRAPH <urn:serve-updates> {{ <urn:u{number}> <urn:p> {number} }} }}"
            assert requests.post(sparql, data={"update": update}, headers=AUTHORIZATION, timeout=30).status_code == 204
            # Answered once every worker serves it:
            count = "SELECT (COUNT(*) AS ?n) { GRAPH <urn:serve-updates> { ?s ?p ?o } }"
            for _ in range(4):
                rows = requests.get(sparql, params={"query": count}, timeout=10).json()["results"]["bindings"]
                assert rows[0]["n"]["value"] == str(number + 1), (number, rows)
    latencies = sorted(seconds for _, seconds in prober.answers)
    assert all(status == 200 for status, _ in prober.answers), prober.answers
    assert latencies[-1] < 1.0, latencies[-5:]


def _live_workers(log: Path) -> list[int]:
    pids = [int(pid) for pid in re.findall(r"Spawning worker-\d+ with PID: (\d+)", log.read_text())]
    return [pid for pid in pids if Path(f"/proc/{pid}").exists() and _is_running(pid)]


def _is_running(pid: int) -> bool:
    return Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0] not in ("Z", "X")


def test_a_killed_worker_is_replaced_while_the_other_serves(sparql, writable_server):
    victim = _live_workers(writable_server.log)[0]
    with Prober(sparql) as prober:
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while f"worker {victim} exited unexpectedly" not in writable_server.log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)
    assert f"worker {victim} exited unexpectedly" in writable_server.log.read_text()
    assert len(_live_workers(writable_server.log)) == 2
    # A connection the killed worker had accepted is lost with it; every other answer is a 200.
    assert sum(status != 200 for status, _ in prober.answers) <= 1, prober.answers


def test_sigterm_finishes_the_requests_in_flight_then_exits(built, tmp_path):
    url, process = serve_govgraph(built.data_dir, tmp_path)
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a a ?t . ?b a ?u . FILTER(?t = ?u) }"
    with ThreadPoolExecutor(1) as pool:
        in_flight = pool.submit(requests.post, url + "/sparql", data={"query": slow}, timeout=60)
        time.sleep(0.3)
        process.send_signal(signal.SIGTERM)
        response = in_flight.result()
    assert response.status_code == 200 and response.json()["results"]["bindings"][0]["n"]["value"]
    assert process.wait(timeout=30) == 0
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/sparql", timeout=2)
    assert "Granian shutdown completed" in (tmp_path / "serve.log").read_text()


def test_a_second_server_cannot_take_a_port_in_use(live_server, built):
    """granian's own sockets (SO_REUSEPORT) would let it share the port unnoticed."""
    port = live_server.rsplit(":", 1)[1]
    second = subprocess.run(
        [str(Path(sys.executable).parent / "govgraph"), "serve", "--port", port],
        capture_output=True, text=True, timeout=60, env={**os.environ, "GOVGRAPH_DATA_DIR": str(built.data_dir)},
    )
    assert second.returncode == 1
    assert second.stderr.strip().endswith(f"error: cannot listen on 127.0.0.1:{port}: Address already in use")
