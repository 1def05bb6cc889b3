"""The benchmark harness's own arithmetic: cells measured in rounds, wrk's report, the scale report."""

from __future__ import annotations

import pytest

from bench.capacity import parse_wrk_output
from bench.load import CellResult, merge_cells

# wrk 4.1's report with --latency, as printed against govgraph on this project's machine.
WRK_REPORT = """Running 3s test @ http://127.0.0.1:40111/sparql?query=ASK%20%7B%7D
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     7.05ms    4.63ms  30.44ms   76.56%
    Req/Sec   527.33    102.18   730.00     68.33%
  Latency Distribution
     50%    7.66ms
     75%    9.12ms
     90%   12.80ms
     99%   30.44ms
  3150 requests in 3.00s, 703.61KB read
  Non-2xx or 3xx responses: 2
Requests/sec:   1049.12
Transfer/sec:    234.48KB
"""


def test_rounds_merge_into_one_cell():
    first = CellResult(requests=10, errors=1, seconds=2.0, latencies_ms=(1.0, 2.0), capped_by_time=False)
    second = CellResult(requests=5, errors=0, seconds=1.0, latencies_ms=(3.0,), capped_by_time=True, first_error="HTTP 503")
    merged = merge_cells([first, second])
    assert (merged.requests, merged.errors, merged.seconds) == (15, 1, 3.0)
    assert merged.throughput == pytest.approx(14 / 3.0)
    assert merged.p50_ms == 2.0
    assert merged.capped_by_time and merged.first_error == "HTTP 503"


def test_wrk_report_is_read_with_its_units():
    result = parse_wrk_output("govgraph", "ask", WRK_REPORT)
    assert result.throughput == 1049.12
    assert (result.p50_ms, result.p99_ms) == (7.66, 30.44)
    assert result.non_2xx == 2
    fast = parse_wrk_output("oxigraph", "ask", WRK_REPORT.replace("7.66ms", "301.00us").replace("30.44ms", "1.2s"))
    assert (fast.p50_ms, fast.p99_ms) == (pytest.approx(0.301), 1200.0)


def test_scale_report_names_the_fastest_engine_and_every_disagreement():
    from bench.scale import MIX, EngineResult, Load, disagreements, report_markdown
    from graph.config import REPO_ROOT

    def result(engine: str, milliseconds: float, answers: int) -> EngineResult:
        return EngineResult(
            engine, 1000, triples=1000, loads=[Load("bulk", 2.0, 10.0)], rss_mb=100.0,
            latency_ms={query: [milliseconds, milliseconds * 3, milliseconds * 2] for query in MIX},
            answers={query: answers for query in MIX}, projection_s=[1.0], projection="3 nodes, 2 edges",
        )

    fast, slow = result("pyoxigraph", 1.0, 5), result("virtuoso", 10.0, 6)
    assert fast.median_ms(MIX[0]) == 2.0
    assert disagreements([fast, slow]) == [f"1,000 triples, {query}: pyoxigraph 5, virtuoso 6" for query in MIX]
    report = report_markdown([fast, slow], REPO_ROOT / "docs" / "chart.png")
    assert "| 1,000 | " + " | ".join(["pyoxigraph"] * (len(MIX) + 2)) + " |" in report
    assert "](docs/chart.png)" in report
