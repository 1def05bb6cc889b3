"""Full dumps of the graph, written by `govgraph build` next to the stores.

`govgraph.nq.gz` holds every named graph (N-Quads, gzip); `govgraph.ttl` the
union of all graphs as Turtle; `govgraph.jsonld` the union as JSON-LD, compacted with
govgraph's @context (embedded, so the file stands alone). Each file is written beside
its final name and renamed into place, so a server never hands out half a dump.
"""

from __future__ import annotations

import gzip
import os
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

from graph.namespaces import PREFIXES
from graph.store.jsonld import jsonld_document

DUMPS_DIR = "dumps"


@dataclass(frozen=True)
class Dump:
    """One downloadable file of the whole dataset."""

    file_name: str
    media_type: str
    compression: str | None
    title: str


DUMPS = (
    Dump("govgraph.nq.gz", "application/n-quads", "application/gzip", "N-Quads (gzip), with the named graphs"),
    Dump("govgraph.ttl", "text/turtle", None, "Turtle, union of all graphs"),
    Dump("govgraph.jsonld", "application/ld+json", None, "JSON-LD compacted with the govgraph context, union of all graphs"),
)


def dumps_dir(data_dir: Path) -> Path:
    """Where the build writes the dumps."""
    return Path(data_dir) / DUMPS_DIR


def dump_path(data_dir: Path, file_name: str) -> Path | None:
    """The path of a dump by file name, None if it is no dump or has not been written."""
    if file_name not in {dump.file_name for dump in DUMPS}:
        return None
    path = dumps_dir(data_dir) / file_name
    return path if path.is_file() else None


def write_dumps(data_dir: Path, nquads: bytes) -> list[Path]:
    """Write every dump from the build's N-Quads; returns the files written."""
    target = dumps_dir(data_dir)
    target.mkdir(parents=True, exist_ok=True)
    quads = list(pyoxigraph.parse(nquads, format=pyoxigraph.RdfFormat.N_QUADS))
    # The store's default graph is the union of the named graphs: the Turtle dump has it, the N-Quads dump need not.
    named = [quad for quad in quads if not isinstance(quad.graph_name, pyoxigraph.DefaultGraph)]
    union = sorted(
        {pyoxigraph.Triple(quad.subject, quad.predicate, quad.object) for quad in quads},
        key=lambda triple: (str(triple.subject), str(triple.predicate), str(triple.object)),
    )
    contents = {
        "govgraph.nq.gz": gzip.compress(pyoxigraph.serialize(named, format=pyoxigraph.RdfFormat.N_QUADS), mtime=0),
        "govgraph.ttl": pyoxigraph.serialize(union, format=pyoxigraph.RdfFormat.TURTLE, prefixes=PREFIXES),
        "govgraph.jsonld": jsonld_document(union),
    }
    written = []
    for name, data in contents.items():
        temporary = target / f".{name}.{os.getpid()}.tmp"
        try:
            temporary.write_bytes(data)
            os.replace(temporary, target / name)
        except OSError:
            temporary.unlink(missing_ok=True)  # a full disk must not keep half a dump
            raise
        written.append(target / name)
    return written
