"""Benchmarks of govgraph and its peers, and the synthetic governance graph they run on.

`python -m bench.run` (or `make bench`) runs them all; results go to `bench/results/`
(not in git) and are written up in BENCHMARKS.md.
"""

from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
