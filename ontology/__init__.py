"""The govgraph ontology, SHACL shapes and JSON-LD context, as files: this module only gives their paths."""

from pathlib import Path

ONTOLOGY_DIR = Path(__file__).parent
ONTOLOGY_FILE = ONTOLOGY_DIR / "govgraph.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
NAMESPACE = "https://w3id.org/govgraph/ontology#"
ONTOLOGY_IRI = "https://w3id.org/govgraph/ontology"
# The JSON-LD @context of govgraph's documents: versioned, a published version never changes.
CONTEXT_VERSION = "1.0.0"
CONTEXT_FILE = ONTOLOGY_DIR / f"context-{CONTEXT_VERSION}.jsonld"
