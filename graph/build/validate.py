"""Checks a build must pass: every term used is declared, every node fits its SHACL shapes,
and every fact-bearing node names its source in its own source's named graph.

Errors name the node, the shape, what is wrong and the file the node comes from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Mapping

from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

from graph.errors import BuildError
from ontology import SHAPES_FILE

SHAPES_NAMESPACE = URIRef("https://w3id.org/govgraph/ontology/shapes#")
GG_SOURCE = URIRef("https://w3id.org/govgraph/ontology#Source")
# Checked graph by graph: provenance must be stated where the facts are, not somewhere else in the union.
PER_GRAPH_SHAPES = (URIRef(SHAPES_NAMESPACE + "FactBearingNodeShape"),)

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
    """Validate the union of the data (with its entailments) against the SHACL shapes (but the per-graph ones)."""
    union = Graph()
    for graph in graphs:
        for triple in graph:
            union.add(triple)
    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    for shape in PER_GRAPH_SHAPES:
        shapes -= shapes.cbd(shape)  # entailed triples have no source file: provenance is checked per graph
    conforms, report, _ = shacl_validate(union, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    if not conforms:
        _fail(_violations(report, shapes, lambda focus: [name for name, graph in data_graphs.items() if (focus, None, None) in graph], files))


def check_provenance(data_graphs: Mapping[str, Graph], files: Mapping[str, list[Path]]) -> None:
    """Validate each named graph on its own against the provenance shapes (no reasoner; of the other graphs
    only which nodes are sources)."""
    shapes = per_graph_shapes()
    sources = source_declarations(data_graphs.values())
    problems = []
    for name, graph in data_graphs.items():
        conforms, report, _ = shacl_validate(graph + sources, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
        if not conforms:
            problems += _violations(report, shapes, lambda focus, graph_name=name: [graph_name], files)
    if problems:
        _fail(problems)


def source_declarations(graphs: Iterable[Graph]) -> Graph:
    """The `?source a gg:Source` statements of all graphs: a file may derive facts from a source another file describes."""
    declarations = Graph()
    for graph in graphs:
        for triple in graph.triples((None, RDF.type, GG_SOURCE)):
            declarations.add(triple)
    return declarations


def per_graph_shapes() -> Graph:
    """The shapes checked graph by graph (only there), with the prefixes their SPARQL targets declare."""
    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    selected = Graph()
    for node in (*PER_GRAPH_SHAPES, SHAPES_NAMESPACE):
        selected += shapes.cbd(node)
    return selected


def _violations(report: Graph, shapes: Graph, graphs_of: Callable[[object], list[str]], files: Mapping[str, list[Path]]) -> list[str]:
    problems = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(result, SH.resultSeverity) != SH.Violation:
            continue
        focus = report.value(result, SH.focusNode)
        shape = report.value(result, SH.sourceShape)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        value = report.value(result, SH.value)
        where = ", ".join(_origin(files, name) for name in graphs_of(focus))
        detail = f"{focus}: {message}"
        if isinstance(path, URIRef):
            detail += f" (path {path.n3()})"
        if value is not None:
            detail += f" (value {value})"
        shape_name = shapes.value(shape, SH.name) or shape
        problems.append(f"{detail} [shape {shape_name}] in {where or 'entailed data'}")
    return problems


def _fail(problems: list[str]) -> None:
    problems.sort()
    more = f"\n  … and {len(problems) - MAX_REPORTED} more" if len(problems) > MAX_REPORTED else ""
    raise BuildError(f"SHACL validation failed ({len(problems)} violations):\n  " + "\n  ".join(problems[:MAX_REPORTED]) + more)


def _origin(files: Mapping[str, list[Path]], name: str) -> str:
    return " + ".join(str(path) for path in files.get(name, [])) or name
