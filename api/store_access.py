"""How request handlers reach the store and settings (always through `graph`'s interface)."""

from __future__ import annotations

from flask import current_app

from graph.config import Settings
from graph.store import GraphStore


def current_store() -> GraphStore:
    """The store this app serves."""
    return current_app.extensions["govgraph_store"].get()


def current_settings() -> Settings:
    """The settings this app was created with."""
    return current_app.config["GOVGRAPH_SETTINGS"]
