"""The query runner's fast path: a query already seen to finish quickly on the same store skips the pool.

Runs on the real built store, followed the way `govgraph serve` follows it (through the `current` link).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from graph.config import Settings
from graph.store.provider import StoreProvider, bump_generation
from graph.store import Job, QueryRunner, current_store_path

QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <http://www.w3.org/ns/org#Membership> }"


@pytest.fixture()
def followed(built: Settings, tmp_path: Path) -> Settings:
    """A data dir of its own whose `current` points at the built store (so its generation can be bumped)."""
    os.symlink(current_store_path(built.data_dir).resolve(), tmp_path / "current")
    return built.with_(data_dir=tmp_path)


def test_a_query_is_known_fast_after_it_finished_quickly(followed: Settings):
    runner = QueryRunner(followed, StoreProvider(followed), threads=1)
    job = Job("query", QUERY)
    assert not runner.known_fast(job)
    first = runner.run(job)
    assert runner.known_fast(job)
    assert runner.run(job) == first
    assert b'"n"' in first.body


def test_a_known_fast_query_is_answered_while_the_pool_is_busy(followed: Settings):
    runner = QueryRunner(followed, StoreProvider(followed), threads=1)
    job = Job("query", QUERY)
    runner.run(job)
    release = threading.Event()
    runner._executor.submit(release.wait)  # the pool's only thread is now taken
    try:
        assert runner.run(job).body  # answered on this thread
        assert not runner.known_fast(Job("query", QUERY + " LIMIT 1"))  # a new query would have to wait for the pool
    finally:
        release.set()


def test_fast_means_within_one_percent_of_the_timeout(followed: Settings):
    runner = QueryRunner(followed.with_(query_timeout=30), StoreProvider(followed))
    slow = Job("query", "SELECT (COUNT(*) AS ?n) { ?a a ?t . ?b a ?u }")  # ~8M pairs: about a second, not 0.3 s
    runner.run(slow)
    assert not runner.known_fast(slow)


def test_dataset_format_and_text_are_part_of_what_is_known(followed: Settings):
    runner = QueryRunner(followed, StoreProvider(followed))
    runner.run(Job("query", QUERY))
    assert not runner.known_fast(Job("query", QUERY, default_graphs=("https://w3id.org/govgraph/graph/ontology",)))
    assert not runner.known_fast(Job("query", QUERY, results_format="xml"))
    assert not runner.known_fast(Job("query", QUERY.replace("Membership", "Post")))


def test_a_new_copy_of_the_store_forgets_what_was_fast(followed: Settings):
    provider = StoreProvider(followed)
    runner = QueryRunner(followed, provider)
    job = Job("query", QUERY)
    runner.run(job)
    bump_generation(followed.data_dir)  # what an update through the endpoint does
    provider.refresh()  # what the update then waits for: the new copy
    assert not runner.known_fast(job)


def test_service_calls_and_updates_always_take_the_pool(followed: Settings):
    runner = QueryRunner(followed, StoreProvider(followed))
    mentions_service = Job("query", 'SELECT ("service" AS ?word) {}')
    runner.run(mentions_service)
    assert not runner.known_fast(mentions_service)
    assert not runner.known_fast(Job("update", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"))


def test_a_store_handed_in_is_never_assumed_unchanged(built: Settings, graph_store):
    runner = QueryRunner(built, StoreProvider.fixed(graph_store, built))
    job = Job("query", QUERY)
    runner.run(job)
    assert not runner.known_fast(job)
