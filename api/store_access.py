"""How request handlers reach the store, the query runner and settings (always through `graph`'s interface)."""

from __future__ import annotations

import threading

from flask import Flask, current_app

from graph.config import Settings
from graph.describe import service_description
from graph.store import GraphStore, QueryRunner

_runner_lock = threading.Lock()


def current_store() -> GraphStore:
    """The store this app serves."""
    return current_app.extensions["govgraph_store"].get()


def current_settings() -> Settings:
    """The settings this app was created with."""
    return current_app.config["GOVGRAPH_SETTINGS"]


def query_runner() -> QueryRunner:
    """This server process's query runner (in-memory copy, evaluation threads, timeout), made on first use."""
    runner = current_app.extensions.get("govgraph_query_runner")
    if runner is None:
        with _runner_lock:
            runner = current_app.extensions.get("govgraph_query_runner")
            if runner is None:
                runner = current_app.extensions["govgraph_query_runner"] = QueryRunner(
                    current_settings(), current_app.extensions["govgraph_store"], describe_service=service_description
                )
    return runner


def install_query_runner(app: Flask, runner: QueryRunner) -> None:
    """Use this runner (e.g. one sized to the server's threads, with a runaway hook) instead of the default."""
    app.extensions["govgraph_query_runner"] = runner
