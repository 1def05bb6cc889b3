"""The build room: curated sources and reference data -> materialized, validated RDF -> a new store,
swapped in atomically (build aside, then one rename), and the dumps written beside it."""

from graph.build.build import build, validate
from graph.build.dumps import DUMPS, dump_path

__all__ = ["DUMPS", "build", "dump_path", "validate"]
