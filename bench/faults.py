"""Fault probes against a live `govgraph serve` on 127.0.0.1 (issue 16): kill -9 during updates and builds,
a storm of runaway queries, a soak, and hostile input; bounded in time and count, one table at the end.

    .venv/bin/python -m bench.faults                    # about 10 minutes on 2 cores
    .venv/bin/python -m bench.faults --quick            # about 3 minutes

It builds the real graph into `bench/results/data-faults` (once), starts `govgraph serve` there with an
update token and GOVGRAPH_QUERY_TIMEOUT=3, and drives it with plain HTTP clients. It knows nothing of
the server underneath `govgraph serve`: workers are the server process's children (Linux /proc), a
restart is a child id not seen before, memory is the resident size of the server and its children.
Results go to `bench/results/faults.json` and `faults.md`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import requests

from bench.hostile_inputs import HOSTILE
from bench.processes import child_processes, free_port, start_server, stop, venv_executable, wait_until_answering

RESULTS = Path(__file__).resolve().parent / "results"
TOKEN = "faults-token"
AUTHORIZATION = {"Authorization": f"Bearer {TOKEN}"}
TIMEOUT = 3  # GOVGRAPH_QUERY_TIMEOUT of the server under test
ORG = "https://w3id.org/govgraph/id/organization/"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = f"ASK {{ <{ORG}ag-stadtumbau> ?p ?o }}"
SOAK_REQUESTS = [  # (method, path, params, headers): what portals, researchers and people ask for
    ("GET", "/sparql", {"query": CHEAP}, {}),
    ("GET", "/sparql", {"query": "SELECT ?o WHERE { ?s a <http://www.w3.org/ns/org#Membership> ; "
                                 "<http://www.w3.org/ns/org#member> ?o } LIMIT 50"}, {"Accept": "text/csv"}),
    ("GET", "/id/organization/ag-stadtumbau", {}, {"Accept": "text/html"}),
    ("GET", "/id/organization/gemeinde-05913000", {}, {"Accept": "text/turtle"}),
    ("GET", "/api/queries/who-coordinates", {"unit": ORG + "ag-stadtumbau", "asOf": "2025-03-01"}, {}),
    ("GET", "/api/queries/members", {"organization": ORG + "netzwerk-stadtentwicklung-nrw"}, {}),
    ("GET", "/", {}, {}),
]


@dataclass
class ProbeResult:
    """One row of the table."""

    probe: str
    requests: int = 0
    errors: int = 0
    p50_ms: float | None = None
    p99_ms: float | None = None
    worker_restarts: int = 0
    memory_start_mb: float = 0.0
    memory_end_mb: float = 0.0
    notes: list[str] = field(default_factory=list)


Probe = Callable[[ProbeResult], None]


class Server:
    """`govgraph serve` under test, and a watch on its worker processes."""

    def __init__(self, data_dir: Path, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {key: value for key, value in os.environ.items() if not key.startswith("GOVGRAPH_")}
        env.update(GOVGRAPH_DATA_DIR=str(data_dir), GOVGRAPH_UPDATE_TOKEN=TOKEN, GOVGRAPH_QUERY_TIMEOUT=str(TIMEOUT))
        if os.environ.get("GOVGRAPH_REFDATA"):
            env["GOVGRAPH_REFDATA"] = os.environ["GOVGRAPH_REFDATA"]
        command = [venv_executable("govgraph"), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        self.process = start_server(command, log, env)
        wait_until_answering(self.url + "/sparql", self.process, log)
        self.seen: set[int] = set(self.workers())
        self._watching = True
        self._watch = threading.Thread(target=self._watch_workers, daemon=True)
        self._watch.start()

    def workers(self) -> set[int]:
        return child_processes(self.process.pid)

    def _watch_workers(self) -> None:
        while self._watching:
            try:
                self.seen |= self.workers()
            except OSError:
                pass
            time.sleep(0.1)

    def memory_mb(self) -> float:
        """Resident memory of the server and its workers."""
        total = 0
        for pid in {self.process.pid, *self.workers()}:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
        return round(total / 1024, 1)

    def close(self) -> None:
        self._watching = False
        stop(self.process)


def timed(method: str, url: str, **options) -> tuple[int | None, float]:
    """(status or None for a connection error, seconds)."""
    started = time.monotonic()
    try:
        status = requests.request(method, url, timeout=options.pop("timeout", 60), **options).status_code
    except requests.RequestException:
        status = None
    return status, time.monotonic() - started


def percentiles(seconds: list[float], result: ProbeResult) -> None:
    if seconds:
        ordered = sorted(seconds)
        result.p50_ms = round(statistics.median(ordered) * 1000, 1)
        result.p99_ms = round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1)


def run_probe(server: Server, name: str, probe: Probe) -> ProbeResult:
    """Run one probe and fill in what every row has: worker restarts and memory at its start and end."""
    result = ProbeResult(name, memory_start_mb=server.memory_mb())
    wait_until_answering(server.url + "/sparql", server.process, Path(os.devnull))
    seen_before = set(server.seen)
    print(f"-- {name}", flush=True)
    probe(result)
    time.sleep(1)
    result.worker_restarts = len(server.seen - seen_before)
    result.memory_end_mb = server.memory_mb()
    print(f"   {asdict(result)}", flush=True)
    return result


Work = Callable[[int], tuple[bool, float | None]]


def clients(count: int, seconds: float, work: Work) -> tuple[int, int, list[float]]:
    """`count` clients calling work(client) until `seconds` pass; (requests, errors, latencies)."""
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    totals = {"requests": 0, "errors": 0}
    latencies: list[float] = []

    def client(number: int) -> None:
        while time.monotonic() < deadline:
            ok, latency = work(number)
            with lock:
                totals["requests"] += 1
                totals["errors"] += 0 if ok else 1
                if latency is not None:
                    latencies.append(latency)

    with ThreadPoolExecutor(count) as pool:
        list(pool.map(client, range(count)))
    return totals["requests"], totals["errors"], latencies


def soak(server: Server, seconds: float) -> Probe:
    def probe(result: ProbeResult) -> None:
        def work(number: int) -> tuple[bool, float]:
            method, path, params, headers = random.choice(SOAK_REQUESTS)
            status, latency = timed(method, server.url + path, params=params, headers=headers)
            return status == 200, latency

        result.requests, result.errors, latencies = clients(8, seconds, work)
        percentiles(latencies, result)
        result.notes.append(f"8 clients, {seconds:g} s, {len(SOAK_REQUESTS)} kinds of request")
    return probe


def with_bystander(server: Server, result: ProbeResult, attack: Callable[[], None]) -> None:
    """Run `attack` while one client keeps asking a cheap query; the row's latencies are the bystander's."""
    done = threading.Event()
    latencies: list[float] = []
    failures = 0

    def bystander() -> None:
        nonlocal failures
        while not done.is_set():
            status, latency = timed("GET", server.url + "/sparql", params={"query": CHEAP}, timeout=30)
            latencies.append(latency)
            failures += status != 200
            time.sleep(0.05)

    thread = threading.Thread(target=bystander)
    thread.start()
    try:
        attack()
    finally:
        done.set()
        thread.join()
    result.requests += len(latencies)
    result.errors += failures
    percentiles(latencies, result)
    result.notes.append(f"p50/p99: a bystander's cheap query ({failures} of {len(latencies)} failed)")


def hostile(server: Server, rounds: int) -> Probe:
    def probe(result: ProbeResult) -> None:
        cases: list[tuple[str, dict, set[int | None]]] = []
        for item in HOSTILE:
            cases.append((item.kind, {item.kind: item.refused()}, {400}))
            # On the real graph some thousand-level texts outgrow the result cap (400) or the timeout (503): fine.
            cases.append((item.kind, {item.kind: item.answered()}, {200, 204, 400, 503}))
        cases += [
            ("query", {"query": CHEAP, "default-graph-uri": "not an iri"}, {400}),
            ("query", {"query": CHEAP, "named-graph-uri": "relative"}, {400}),
            ("query", {"query": "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"}, {400}),
            ("update", {"update": "LOAD <http://127.0.0.1:9/data.ttl>"}, {400}),
            ("query", {"query": "SELECT * WHERE {\n ?s ?p }"}, {400}),
        ]
        unexpected: list[str] = []

        def attack() -> None:
            for _ in range(rounds):
                for kind, data, expected in cases:
                    status, _ = timed("POST", server.url + "/sparql", data=data, headers=AUTHORIZATION)
                    result.requests += 1
                    if status not in expected:
                        result.errors += 1
                        unexpected.append(f"{status} for {str(data)[:60]}")
                for path in ("/id/organization/ag-stadtumbau", "/dataset", "/ontology"):  # no Accept header
                    status, _ = timed("GET", server.url + path, headers={"Accept": None})
                    result.requests += 1
                    result.errors += status != 200

        with_bystander(server, result, attack)
        result.notes.append(f"{rounds} rounds of {len(cases) + 3} hostile requests; unexpected: {unexpected[:3]}")
    return probe


def runaway_storm(server: Server, seconds: float) -> Probe:
    def probe(result: ProbeResult) -> None:
        answers: list[tuple[int | None, float]] = []

        def attack() -> None:
            def work(number: int) -> tuple[bool, None]:
                status, latency = timed("POST", server.url + "/sparql", data={"query": RUNAWAY}, timeout=60)
                answers.append((status, latency))
                return status == 503 and latency <= TIMEOUT + 2, None

            total, late, _ = clients(2, seconds, work)
            result.requests += total
            result.errors += late

        with_bystander(server, result, attack)
        runaway_seconds = sorted(latency for _, latency in answers)
        if runaway_seconds:
            median = statistics.median(runaway_seconds)
            result.notes.append(f"{len(answers)} runaways (2 clients): 503 after {median:.1f} s (p50), "
                                f"{runaway_seconds[-1]:.1f} s (max); errors: no 503 within timeout + 2 s")
    return probe


def kill_during_updates(server: Server, kills: int) -> Probe:
    def probe(result: ProbeResult) -> None:
        acknowledged: list[int] = []
        attempted: list[int] = []
        counter = iter(range(10**9))
        stop_writing = threading.Event()
        latencies: list[float] = []

        def writer() -> None:
            while not stop_writing.is_set():
                number = next(counter)
                attempted.append(number)
                parts = ", ".join(str(part) for part in range(50))
                triples = f"<urn:faults:u{number}> <urn:faults:part> {parts}"
                update = f"INSERT DATA {{ GRAPH <urn:faults:updates> {{ {triples} }} }}"
                status, latency = timed("POST", server.url + "/sparql", data={"update": update}, headers=AUTHORIZATION)
                latencies.append(latency)
                if status == 204:
                    acknowledged.append(number)

        writers = [threading.Thread(target=writer) for _ in range(4)]
        for thread in writers:
            thread.start()
        for _ in range(kills):
            time.sleep(random.uniform(0.5, 1.5))
            workers = sorted(server.workers())
            if workers:
                os.kill(random.choice(workers), signal.SIGKILL)
        time.sleep(2)
        stop_writing.set()
        for thread in writers:
            thread.join()
        wait_until_answering(server.url + "/sparql", server.process, Path(os.devnull))
        time.sleep(2)  # a fresh worker's copy
        count_query = ("SELECT ?s (COUNT(?o) AS ?n) WHERE { GRAPH <urn:faults:updates> { ?s <urn:faults:part> ?o } } "
                       "GROUP BY ?s")
        counts = requests.post(server.url + "/sparql", data={"query": count_query}, timeout=60,
                               headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
        stored = {int(row["s"]["value"].rsplit("u", 1)[1]): int(row["n"]["value"]) for row in counts}
        partial = [number for number, count in stored.items() if count != 50]
        lost = [number for number in acknowledged if number not in stored]
        result.requests = len(attempted)
        result.errors = len(partial) + len(lost)
        percentiles(latencies, result)
        result.notes.append(f"{kills} workers killed (SIGKILL) during 4 writers' updates; {len(acknowledged)} "
                            f"acknowledged, {len(stored)} stored, {len(partial)} partial, {len(lost)} acknowledged but lost")
    return probe


def kill_during_builds(server: Server, data_dir: Path, build_seconds: float, kills: int) -> Probe:
    def probe(result: ProbeResult) -> None:
        env = {**os.environ, "GOVGRAPH_DATA_DIR": str(data_dir)}
        stages = [build_seconds * (0.4 + 0.55 * index / max(1, kills - 1)) for index in range(kills)]
        latencies: list[float] = []
        for stage in stages:
            build = subprocess.Popen([venv_executable("govgraph"), "build"], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(stage)
            build.send_signal(signal.SIGKILL)
            build.wait()
            for _ in range(5):  # the server keeps answering from the store it served
                status, latency = timed("GET", server.url + "/sparql", params={"query": CHEAP})
                result.requests += 1
                result.errors += status != 200
                latencies.append(latency)
            result.errors += not (data_dir / "current").is_dir()  # still a complete store to serve
        finished = subprocess.run([venv_executable("govgraph"), "build"], env=env, capture_output=True, text=True)
        result.requests += 1
        result.errors += finished.returncode != 0
        leftovers = [path.name for path in (data_dir / "stores").iterdir() if path.name.endswith(".partial")]
        result.errors += len(leftovers)
        time.sleep(3)  # the workers follow the new build
        status, latency = timed("GET", server.url + "/sparql", params={"query": CHEAP})
        result.requests += 1
        result.errors += status != 200
        percentiles(latencies + [latency], result)
        killed_at = ", ".join(f"{stage:.0f}" for stage in stages)
        result.notes.append(f"{kills} builds killed at {killed_at} s of ~{build_seconds:.0f} s; "
                            f"then a full build: exit {finished.returncode}, {len(leftovers)} partial stores left, "
                            f"{len(list((data_dir / 'stores').iterdir()))} stores kept")
    return probe


def prepared_data_dir(data_dir: Path) -> float:
    """Build the real graph into `data_dir`; returns how long a build takes."""
    started = time.monotonic()
    env = {**os.environ, "GOVGRAPH_DATA_DIR": str(data_dir)}
    subprocess.run([venv_executable("govgraph"), "build"], env=env, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def table(results: list[ProbeResult]) -> str:
    lines = ["| probe | requests | errors | p50 ms | p99 ms | worker restarts | memory start → end (MB) | notes |",
             "|---|---:|---:|---:|---:|---:|---|---|"]
    for row in results:
        lines.append(f"| {row.probe} | {row.requests} | {row.errors} | {row.p50_ms} | {row.p99_ms} | "
                     f"{row.worker_restarts} | {row.memory_start_mb} → {row.memory_end_mb} | {'; '.join(row.notes)} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short soak and storm, fewer kills")
    parser.add_argument("--soak-seconds", type=float, default=None)
    parser.add_argument("--data-dir", type=Path, default=RESULTS / "data-faults")
    arguments = parser.parse_args()
    quick = arguments.quick
    soak_seconds = arguments.soak_seconds or (30 if quick else 120)
    random.seed(16)
    RESULTS.mkdir(parents=True, exist_ok=True)
    print(f"building the graph into {arguments.data_dir}", flush=True)
    build_seconds = prepared_data_dir(arguments.data_dir)
    server = Server(arguments.data_dir, RESULTS / "faults-serve.log")
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    load = os.getloadavg()
    try:
        results = [
            run_probe(server, "soak", soak(server, soak_seconds)),
            run_probe(server, "hostile input", hostile(server, rounds=1 if quick else 3)),
            run_probe(server, "runaway storm", runaway_storm(server, 15 if quick else 30)),
            run_probe(server, "kill -9 during updates", kill_during_updates(server, 4 if quick else 12)),
            run_probe(server, "kill -9 during builds", kill_during_builds(server, arguments.data_dir, build_seconds,
                                                                         2 if quick else 6)),
        ]
    finally:
        server.close()
    report = (f"Run {started}, load average at start {load[0]:.1f}; `govgraph serve` defaults, "
              f"GOVGRAPH_QUERY_TIMEOUT={TIMEOUT}.\n\n{table(results)}\n")
    (RESULTS / "faults.md").write_text(report)
    (RESULTS / "faults.json").write_text(json.dumps([asdict(row) for row in results], indent=2))
    print(report)


if __name__ == "__main__":
    main()
