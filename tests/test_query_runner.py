"""The query runner's fast path: a query already seen to finish quickly on the same store skips the pool.

Runs on the real built store, followed the way `govgraph serve` follows it (through the `current` link).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from graph.config import Settings
from graph.store.provider import StoreProvider, bump_generation
from graph.store import Job, QueryRunner, current_store_path, tokenize
from graph.store.sparql_protocol import syntax_depth

QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <http://www.w3.org/ns/org#Membership> }"


def query_job(text: str, **options) -> Job:
    """A query job as the endpoint makes it, with the depth its checks measured."""
    return Job("query", text, depth=syntax_depth(tokenize(text)), **options)


@pytest.fixture()
def followed(built: Settings, tmp_path: Path) -> Settings:
    """A data dir of its own whose `current` points at the built store (so its generation can be bumped)."""
    os.symlink(current_store_path(built.data_dir).resolve(), tmp_path / "current")
    return built.with_(data_dir=tmp_path)


def test_a_query_is_known_fast_after_it_finished_quickly(followed: Settings):
    runner = QueryRunner(followed, StoreProvider(followed), threads=1)
    job = query_job(QUERY)
    assert not runner.known_fast(job)
    first = runner.run(job)
    assert runner.known_fast(job)
    assert runner.run(job) == first
    assert b'"n"' in first.body


def test_a_known_fast_query_is_answered_while_the_pool_is_busy(followed: Settings):
    runner = QueryRunner(followed, StoreProvider(followed), threads=1)
    job = query_job(QUERY)
    runner.run(job)
    release = threading.Event()
    runner._executor.submit(release.wait)  # the pool's only thread is now taken
    try:
        assert runner.run(job).body  # answered on this thread
        assert not runner.known_fast(query_job(QUERY + " LIMIT 1"))  # a new query would have to wait for the pool
    finally:
        release.set()


def test_fast_means_within_one_percent_of_the_timeout(followed: Settings):
    runner = QueryRunner(followed.with_(query_timeout=30), StoreProvider(followed))
    slow = query_job("SELECT (COUNT(*) AS ?n) { ?a a ?t . ?b a ?u }")  # ~8M pairs: about a second, not 0.3 s
    runner.run(slow)
    assert not runner.known_fast(slow)


def test_dataset_format_and_text_are_part_of_what_is_known(followed: Settings):
    runner = QueryRunner(followed, StoreProvider(followed))
    runner.run(query_job(QUERY))
    assert not runner.known_fast(query_job(QUERY, default_graphs=("https://w3id.org/govgraph/graph/ontology",)))
    assert not runner.known_fast(query_job(QUERY, results_format="xml"))
    assert not runner.known_fast(query_job(QUERY.replace("Membership", "Post")))


def test_a_new_copy_of_the_store_forgets_what_was_fast(followed: Settings):
    provider = StoreProvider(followed)
    runner = QueryRunner(followed, provider)
    job = query_job(QUERY)
    runner.run(job)
    bump_generation(followed.data_dir)  # what an update through the endpoint does
    provider.refresh()  # what the update then waits for: the new copy
    assert not runner.known_fast(job)


def test_service_calls_and_updates_always_take_the_pool(followed: Settings):
    runner = QueryRunner(followed, StoreProvider(followed))
    mentions_service = query_job('SELECT ("service" AS ?word) {}')
    runner.run(mentions_service)
    assert not runner.known_fast(mentions_service)
    assert not runner.known_fast(Job("update", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"))


def test_a_store_handed_in_is_never_assumed_unchanged(built: Settings, graph_store):
    runner = QueryRunner(built, StoreProvider.fixed(graph_store, built))
    job = query_job(QUERY)
    runner.run(job)
    assert not runner.known_fast(job)


def test_a_deep_query_always_takes_the_pool(followed: Settings):
    """The request thread's stack is the server's choice: a deep query is evaluated on the pool's large stacks."""
    runner = QueryRunner(followed, StoreProvider(followed))
    deep = query_job("SELECT * WHERE " + "{ " * 100 + "?s a <http://www.w3.org/ns/org#Membership> " + "} " * 100)
    runner.run(deep)
    assert not runner.known_fast(deep)
    unmeasured = Job("query", QUERY)
    runner.run(unmeasured)
    assert not runner.known_fast(unmeasured)


def test_the_pool_evaluates_a_query_as_deep_as_the_limit():
    """Stacks sized for the limit: 4,000 levels of the costliest construct (nested NOT EXISTS) parse and run.

    In a process of its own: a stack overflow in the engine kills the process (SIGSEGV), not just the query.
    """
    script = textwrap.dedent("""
        from graph.config import Settings
        from graph.store import EmbeddedStore, Job, QueryRunner, StoreProvider, tokenize
        from graph.store.sparql_protocol import syntax_depth

        store = EmbeddedStore.in_memory()
        store.load_graph(b"<urn:s> <urn:p> <urn:o> .", None)
        levels = 3998
        text = "ASK { ?s ?p ?o " + "FILTER NOT EXISTS { ?s ?p ?o " * levels + "}" * levels + " }"
        assert syntax_depth(tokenize(text)) <= 4000
        runner = QueryRunner(Settings(max_query_depth=4000), StoreProvider.fixed(store), threads=1)
        print(runner.run(Job("query", text, depth=4000)).body.decode())
    """)
    answer = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert answer.returncode == 0, answer.stderr[-2000:]
    assert '"boolean":true' in answer.stdout.replace(" ", "")
