"""The load client shared by every system: N concurrent clients, a bounded number of requests.

Each client is a thread; over HTTP each thread has its own `requests.Session` (keep-alive),
in process each thread calls the engine directly. A cell stops issuing requests when its
request budget or its time cap is used up; requests in flight are allowed to finish.
"""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass
from typing import Callable

import requests

CLIENTS = 8


@dataclass(frozen=True)
class CellResult:
    """What one (system, dataset, query) cell measured."""

    requests: int
    errors: int
    seconds: float
    latencies_ms: tuple[float, ...]
    capped_by_time: bool
    first_error: str = ""

    @property
    def throughput(self) -> float:
        """Successful requests per second over the wall time of the cell."""
        return (self.requests - self.errors) / self.seconds if self.seconds else 0.0

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def p99_ms(self) -> float:
        """The 99th percentile (nearest rank); with few requests this is the slowest one."""
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(round(0.99 * len(ordered) + 0.5)) - 1)]


def run_cell(make_worker: Callable[[], Callable[[], None]], max_requests: int, max_seconds: float, clients: int = CLIENTS) -> CellResult:
    """Run `clients` threads, each calling its own worker until the shared budget is spent.

    `make_worker` is called once per thread (e.g. to open a session) and returns the
    function that performs one request, raising on any failure.
    """
    lock = threading.Lock()
    issued = 0
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + max_seconds
    capped = False

    def client() -> None:
        nonlocal issued, capped
        worker = make_worker()
        while True:
            with lock:
                if issued >= max_requests:
                    return
                if time.monotonic() >= deadline:
                    capped = True
                    return
                issued += 1
            started = time.perf_counter()
            try:
                worker()
            except Exception as error:  # any failure counts as an error of this cell
                with lock:
                    errors.append(f"{type(error).__name__}: {error}"[:300])
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return CellResult(issued, len(errors), seconds, tuple(latencies), capped, errors[0] if errors else "")


def merge_cells(parts: list[CellResult]) -> CellResult:
    """One cell from the rounds it was measured in: their requests, time and latencies together."""
    return CellResult(
        sum(part.requests for part in parts),
        sum(part.errors for part in parts),
        sum(part.seconds for part in parts),
        tuple(latency for part in parts for latency in part.latencies_ms),
        any(part.capped_by_time for part in parts),
        next((part.first_error for part in parts if part.first_error), ""),
    )


def http_worker_factory(url: str, texts: Callable[[], str], accept: str, timeout: float = 300.0) -> Callable[[], Callable[[], None]]:
    """Workers that POST the next query text (SPARQL 1.1 Protocol, form-encoded) and read the whole body."""

    def make_worker() -> Callable[[], None]:
        session = requests.Session()

        def one_request() -> None:
            response = session.post(url, data={"query": texts()}, headers={"Accept": accept}, timeout=timeout)
            if response.status_code != 200:
                raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
            if not response.content:
                raise RuntimeError("empty body")

        return one_request

    return make_worker
