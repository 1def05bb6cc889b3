"""The govgraph ontology and SHACL shapes, as files: this module only gives their paths."""

from pathlib import Path

ONTOLOGY_DIR = Path(__file__).parent
ONTOLOGY_FILE = ONTOLOGY_DIR / "govgraph.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
NAMESPACE = "https://w3id.org/govgraph/ontology#"
ONTOLOGY_IRI = "https://w3id.org/govgraph/ontology"
