"""`govgraph serve`'s start-up time and memory per process on a data dir, on its own.

    python -m bench.startup bench/results/data-synthetic-1000k [--workers 2]

Starts `govgraph serve` as a user does, times it to its first answered query, reads the memory
of the supervisor and each worker (RSS, PSS, private; `/proc/PID/smaps_rollup`), has every
worker run the benchmark's heavy queries once (cold texts), and reads the memory again: how
much of the shared copy each worker has made its own.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import requests

from bench import RESULTS_DIR
from bench.processes import child_pids
from bench.sparql_endpoints import DORTMUND, QUERIES, BenchDataset, GovgraphServer, TextSource

HEAVY = ("coordinates", "aggregate", "date_filter", "property_path", "construct")


def memory_table(server: GovgraphServer) -> list[str]:
    return [f"| {name} | {memory['rss']:,.0f} | {memory['pss']:,.0f} | {memory['private']:,.0f} |"
            for name, memory in server.memory().items()]


def main() -> None:
    parser = argparse.ArgumentParser(description="Start-up time and memory of govgraph serve.")
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    os.environ["GOVGRAPH_HTTP_WORKERS"] = str(args.workers)
    dataset = BenchDataset(args.data_dir.name, Path(), 0, args.data_dir.resolve(), "https://w3id.org/govgraph/id/", (DORTMUND,))
    server = GovgraphServer()
    print(f"load average {os.getloadavg()[0]:.1f}")
    server.start(dataset, RESULTS_DIR / "logs")
    try:
        print(f"first answer {server.startup_seconds:.1f} s after the start")
        lines = ["| process | RSS MB | PSS MB | private MB |", "|---|---|---|---|"]
        print("\n".join(["after start:", *lines, *memory_table(server)]))
        workers = len(child_pids(server.process.pid))
        for query in (query for query in QUERIES if query.name in HEAVY):
            texts = TextSource(query, dataset, "cold", 10**12)
            for _ in range(2 * workers):  # new connections: both workers get some
                response = requests.post(server.url, data={"query": texts()}, headers={"Accept": query.accept}, timeout=300)
                print(f"  {query.name}: {response.status_code} in {response.elapsed.total_seconds():.2f} s")
        print("\n".join(["after the heavy queries:", *lines, *memory_table(server)]))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
