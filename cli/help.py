"""What every `--help` says besides the options: the environment variables a command reads, and an example."""

from __future__ import annotations

# Each variable once, with what it means (README: Configuration, SPARQL endpoint).
ENVIRONMENT = {
    "GOVGRAPH_DATA_DIR": "where stores and dumps are kept (default: $XDG_DATA_HOME/govgraph); --data-dir overrides it",
    "GOVGRAPH_BASE_IRI": "base of the instance IRIs and graph names (default: https://w3id.org/govgraph)",
    "GOVGRAPH_REFDATA": "folder of the reference CSV files (default: ../shared/refdata)",
    "GOVGRAPH_REFDATA_YEAR": "reference year of the Destatis figures (default: 2020)",
    "GOVGRAPH_SOURCES": "folder of the curated source files (default: graph/sources)",
    "GOVGRAPH_STORE": "embedded (default) or remote (a SPARQL 1.1 server)",
    "GOVGRAPH_REMOTE_QUERY_URL": "the remote server's query endpoint",
    "GOVGRAPH_REMOTE_UPDATE_URL": "the remote server's update endpoint",
    "GOVGRAPH_REMOTE_STORE_URL": "the remote server's Graph Store Protocol endpoint",
    "GOVGRAPH_REMOTE_DEFAULT_GRAPH": "the named graph holding the union, for a server without a default graph (Virtuoso)",
    "GOVGRAPH_REMOTE_USER": "user name for the remote server (basic or digest, as it asks)",
    "GOVGRAPH_REMOTE_PASSWORD": "password for GOVGRAPH_REMOTE_USER",
    "GOVGRAPH_REMOTE_TOKEN": "bearer token for the remote server (instead of a user)",
    "GOVGRAPH_HTTP_WORKERS": "worker processes (default: 2); --workers overrides it",
    "GOVGRAPH_QUERY_TIMEOUT": "seconds a query, update, export or analysis may run (default: 30)",
    "GOVGRAPH_UPDATE_TOKEN": "bearer token that SPARQL updates need (unset: updates are off)",
    "GOVGRAPH_SERVICE_ALLOWLIST": "URLs that SERVICE and LOAD may reach (default: none)",
    "GOVGRAPH_MAX_RESULT_BYTES": "largest result before a 400 asks for a LIMIT (default: 64 MiB)",
}
READING_THE_STORE = ("GOVGRAPH_DATA_DIR", "GOVGRAPH_STORE", "GOVGRAPH_REMOTE_QUERY_URL")
BUILDING = ("GOVGRAPH_BASE_IRI", "GOVGRAPH_REFDATA", "GOVGRAPH_REFDATA_YEAR", "GOVGRAPH_SOURCES")


def epilog(variables: tuple[str, ...], *examples: str) -> str:
    """The help's closing text: the variables (unwrapped, as click's `\\b` keeps them) and the examples.

    >>> print(epilog(("GOVGRAPH_STORE",), "govgraph stats"))
    \b
    Environment:
      GOVGRAPH_STORE  embedded (default) or remote (a SPARQL 1.1 server)
    <BLANKLINE>
    \b
    Example:
      govgraph stats
    """
    width = max(len(name) for name in variables)
    lines = ["\b", "Environment:", *(f"  {name.ljust(width)}  {ENVIRONMENT[name]}" for name in variables)]
    lines += ["", "\b", "Example:" if len(examples) == 1 else "Examples:", *(f"  {example}" for example in examples)]
    return "\n".join(lines)
