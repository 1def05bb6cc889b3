"""Checks a build must pass: every term used is declared, every node fits its SHACL shapes.

Errors name the node, the shape, what is wrong and the file the node comes from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Mapping

from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

from graph.errors import BuildError
from ontology import SHAPES_FILE

DECLARATION_TYPES = {
    OWL.Class,
    RDFS.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    RDF.Property,
}
MAX_REPORTED = 20


def declared_terms(ontology: Graph) -> set[URIRef]:
    """Classes and properties the ontology declares (its own and the reused ones)."""
    return {subject for kind in DECLARATION_TYPES for subject in ontology.subjects(RDF.type, kind)}


def check_declared_terms(ontology: Graph, data_graphs: Mapping[str, Graph], files: Mapping[str, list[Path]]) -> None:
    """Fail when a data file uses a predicate or class the ontology does not declare."""
    declared = declared_terms(ontology) | {RDF.type}
    problems = []
    for name, graph in data_graphs.items():
        used = set(graph.predicates()) | set(graph.objects(None, RDF.type))
        for term in sorted(used - declared):
            problems.append(f"{_origin(files, name)}: uses {term}, which the ontology does not declare")
    if problems:
        raise BuildError("undeclared terms:\n  " + "\n  ".join(problems[:MAX_REPORTED]))


def check_shapes(graphs: Iterable[Graph], ontology: Graph, data_graphs: Mapping[str, Graph], files: Mapping[str, list[Path]]) -> None:
    """Validate the union of the data (with its entailments) against the SHACL shapes."""
    union = Graph()
    for graph in graphs:
        for triple in graph:
            union.add(triple)
    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    conforms, report, _ = shacl_validate(union, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    if conforms:
        return
    problems = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(result, SH.resultSeverity) != SH.Violation:
            continue
        focus = report.value(result, SH.focusNode)
        shape = report.value(result, SH.sourceShape)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        value = report.value(result, SH.value)
        where = ", ".join(_origin(files, name) for name, graph in data_graphs.items() if (focus, None, None) in graph)
        detail = f"{focus}: {message}"
        if path is not None:
            detail += f" (path {path.n3() if hasattr(path, 'n3') else path})"
        if value is not None:
            detail += f" (value {value})"
        shape_name = shapes.value(shape, SH.name) or shape
        problems.append(f"{detail} [shape {shape_name}] in {where or 'entailed data'}")
    if problems:
        problems.sort()
        more = f"\n  … and {len(problems) - MAX_REPORTED} more" if len(problems) > MAX_REPORTED else ""
        raise BuildError(f"SHACL validation failed ({len(problems)} violations):\n  " + "\n  ".join(problems[:MAX_REPORTED]) + more)


def _origin(files: Mapping[str, list[Path]], name: str) -> str:
    return " + ".join(str(path) for path in files.get(name, [])) or name
