"""Settings from environment variables, with safe defaults.

>>> Settings.from_env({"GOVGRAPH_BASE_IRI": "http://localhost:5000/"}).base_iri
'http://localhost:5000'
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_ROOT.parent / "shared"
DEFAULT_BASE_IRI = "https://w3id.org/govgraph"


def default_cache_bytes() -> int:
    """The result cache's default size per server process: 1/32 of the machine's memory, at most 1 GiB."""
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        memory = 4 * 1024**3
    return min(memory // 32, 1024**3)


def _default_data_dir(environ: Mapping[str, str]) -> Path:
    xdg = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "govgraph"


@dataclass(frozen=True)
class Settings:
    """Everything the build, the store and the app need to know about their environment."""

    data_dir: Path = field(default_factory=lambda: _default_data_dir(os.environ))
    base_iri: str = DEFAULT_BASE_IRI
    refdata_dir: Path = SHARED_DIR / "refdata"
    sources_dir: Path = REPO_ROOT / "graph" / "sources"
    member_sources_dir: Path = SHARED_DIR / "sources"
    seed_file: Path = SHARED_DIR / "seed" / "000_860421c42e9470fd.txt"
    refdata_reference_year: str = "2020"
    backend: str = "embedded"
    remote_query_url: str | None = None
    remote_update_url: str | None = None
    remote_store_url: str | None = None
    remote_default_graph: str | None = None
    remote_user: str | None = None
    remote_password: str | None = None
    remote_token: str | None = None
    query_timeout: float = 30.0
    update_timeout: float = 120.0
    update_token: str | None = None
    service_allowlist: tuple[str, ...] = ()
    max_result_bytes: int = 64 * 1024 * 1024
    max_query_depth: int = 4000
    cache_bytes: int = field(default_factory=default_cache_bytes)
    cache_max_age: int = 0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        """Read GOVGRAPH_* variables; unset ones keep their defaults."""
        env = os.environ if environ is None else environ
        settings = cls(data_dir=Path(env.get("GOVGRAPH_DATA_DIR") or _default_data_dir(env)))
        overrides: dict[str, object] = {}
        if env.get("GOVGRAPH_BASE_IRI"):
            overrides["base_iri"] = env["GOVGRAPH_BASE_IRI"]
        if env.get("GOVGRAPH_REFDATA"):
            overrides["refdata_dir"] = Path(env["GOVGRAPH_REFDATA"])
        if env.get("GOVGRAPH_SOURCES"):
            overrides["sources_dir"] = Path(env["GOVGRAPH_SOURCES"])
        if env.get("GOVGRAPH_MEMBER_SOURCES"):
            overrides["member_sources_dir"] = Path(env["GOVGRAPH_MEMBER_SOURCES"])
        if env.get("GOVGRAPH_SEED"):
            overrides["seed_file"] = Path(env["GOVGRAPH_SEED"])
        if env.get("GOVGRAPH_REFDATA_YEAR"):
            overrides["refdata_reference_year"] = env["GOVGRAPH_REFDATA_YEAR"]
        if env.get("GOVGRAPH_STORE"):
            overrides["backend"] = env["GOVGRAPH_STORE"]
        for name in ("remote_query_url", "remote_update_url", "remote_store_url", "remote_default_graph",
                     "remote_user", "remote_password", "remote_token"):
            value = env.get("GOVGRAPH_" + name.upper())
            if value:
                overrides[name] = value
        if env.get("GOVGRAPH_QUERY_TIMEOUT"):
            overrides["query_timeout"] = float(env["GOVGRAPH_QUERY_TIMEOUT"])
        if env.get("GOVGRAPH_UPDATE_TIMEOUT"):
            overrides["update_timeout"] = float(env["GOVGRAPH_UPDATE_TIMEOUT"])
        if env.get("GOVGRAPH_UPDATE_TOKEN"):
            overrides["update_token"] = env["GOVGRAPH_UPDATE_TOKEN"]
        if env.get("GOVGRAPH_SERVICE_ALLOWLIST"):
            overrides["service_allowlist"] = tuple(env["GOVGRAPH_SERVICE_ALLOWLIST"].replace(",", " ").split())
        if env.get("GOVGRAPH_MAX_RESULT_BYTES"):
            overrides["max_result_bytes"] = int(env["GOVGRAPH_MAX_RESULT_BYTES"])
        if env.get("GOVGRAPH_MAX_QUERY_DEPTH"):
            overrides["max_query_depth"] = int(env["GOVGRAPH_MAX_QUERY_DEPTH"])
        if env.get("GOVGRAPH_CACHE_BYTES"):
            overrides["cache_bytes"] = int(env["GOVGRAPH_CACHE_BYTES"])
        if env.get("GOVGRAPH_CACHE_MAX_AGE"):
            overrides["cache_max_age"] = int(env["GOVGRAPH_CACHE_MAX_AGE"])
        return settings.with_(**overrides)

    def with_(self, **changes: object) -> "Settings":
        """A copy with some settings changed (base IRIs lose a trailing slash)."""
        updated = replace(self, **changes)  # type: ignore[arg-type]
        if updated.backend not in ("embedded", "remote"):
            raise ValueError(f"GOVGRAPH_STORE must be 'embedded' or 'remote', not {updated.backend!r}")
        object.__setattr__(updated, "base_iri", updated.base_iri.rstrip("/"))
        return updated

    @property
    def id_base(self) -> str:
        """The base against which the curated sources' relative IRIs resolve."""
        return self.base_iri + "/id/"

    def graph_iri(self, name: str) -> str:
        """The IRI of the named graph holding one source's facts."""
        return f"{self.base_iri}/graph/{name}"
