"""Which store the settings select: the last built embedded store, or the remote server."""

from __future__ import annotations

from graph.config import Settings
from graph.errors import GovgraphError
from graph.store.remote import RemoteStore
from graph.store.store import EmbeddedStore, GraphStore, current_store_path


def open_store(settings: Settings, read_only: bool = True, in_memory: bool = False) -> GraphStore:
    """The store the settings select: the last built embedded store (optionally copied into memory,
    for work that reads much of the graph), or the remote one."""
    if settings.backend == "remote":
        return remote_store(settings)
    store = EmbeddedStore.open(current_store_path(settings.data_dir), read_only=read_only)
    return store.copy_to_memory() if in_memory else store


def remote_store(settings: Settings) -> RemoteStore:
    """The remote server of the GOVGRAPH_REMOTE_* settings."""
    if not settings.remote_query_url:
        raise GovgraphError("GOVGRAPH_STORE=remote needs GOVGRAPH_REMOTE_QUERY_URL")
    return RemoteStore(
        settings.remote_query_url,
        settings.remote_update_url,
        settings.remote_store_url,
        timeout=settings.query_timeout,
        update_timeout=settings.update_timeout,
        user=settings.remote_user,
        password=settings.remote_password,
        token=settings.remote_token,
        default_graph=settings.remote_default_graph,
        graph_prefix=settings.graph_iri(""),
    )
