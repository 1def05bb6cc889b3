"""Read the W3C SPARQL 1.1 test manifests (../shared/conformance) and compare results as the suite specifies.

Used by tests/test_sparql_conformance.py; nothing here is hand-copied from the suite.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from graph.config import SHARED_DIR

SUITE = SHARED_DIR / "conformance" / "w3c-rdf-tests" / "sparql" / "sparql11"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
HTS = rdflib.Namespace("http://www.w3.org/2011/http-statusCodes#")


def _graph(manifest: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())


def _entries(graph: rdflib.Graph) -> list[rdflib.term.Node]:
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    entries = graph.value(manifest, MF.entries)
    return list(Collection(graph, entries)) if entries is not None else []


def _local_path(iri: rdflib.term.Node) -> Path:
    return Path(str(iri).removeprefix("file://"))


def manifests(manifest: Path) -> list[Path]:
    """A manifest and those it includes, recursively."""
    graph = _graph(manifest)
    found = [manifest]
    top = next(graph.subjects(RDF.type, MF.Manifest))
    for include_list in graph.objects(top, MF.include):
        for included in Collection(graph, include_list):
            found += manifests(_local_path(included))
    return found


# --- Protocol tests ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProtocolRequest:
    """One HTTP request of a protocol test and what its response must be."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: tuple[str, ...]  # e.g. ("2xx", "3xx")
    expected_boolean: bool | None
    expected_format: str | None  # "boolean", "tabular", "RDF"


@dataclass(frozen=True)
class ProtocolTest:
    """A protocol test: graphs to load first (IRI -> N-Triples file), then requests in order."""

    name: str
    title: str
    graph_data: dict[str, Path]
    requests: tuple[ProtocolRequest, ...]


def protocol_tests() -> list[ProtocolTest]:
    """Every test of protocol/manifest.ttl, in manifest order."""
    manifest = SUITE / "protocol" / "manifest.ttl"
    graph = _graph(manifest)
    tests = []
    for entry in _entries(graph):
        graph_data = {
            str(graph.value(node, RDFS.label)): _local_path(graph.value(node, UT.graph))
            for node in graph.objects(entry, UT.graphData)
        }
        action = graph.value(entry, MF.action)
        requests = []
        for request in Collection(graph, graph.value(action, HT.requests)):
            headers = {}
            header_list = graph.value(request, HT.headers)
            if header_list is not None:
                for header in Collection(graph, header_list):
                    headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
            body_node = graph.value(request, HT.body)
            body = None
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding)
            response = graph.value(request, HT.resp)
            boolean = graph.value(response, MF.expectedBoolean)
            expected_format = graph.value(response, MF.expectedFormat)
            requests.append(
                ProtocolRequest(
                    method=str(graph.value(request, HT.methodName)),
                    path=str(graph.value(request, HT.absolutePath)),
                    headers=headers,
                    body=body,
                    statuses=tuple(sorted(str(status).removeprefix(str(HTS) + "StatusCode")
                                          for status in graph.objects(response, MF.expectedStatus))),
                    expected_boolean=None if boolean is None else boolean.toPython(),
                    expected_format=None if expected_format is None else str(expected_format),
                )
            )
        tests.append(
            ProtocolTest(str(entry).rsplit("#", 1)[-1], str(graph.value(entry, MF.name)), graph_data, tuple(requests))
        )
    return tests


# --- Query evaluation and syntax tests ---------------------------------------------------------


@dataclass(frozen=True)
class QueryTest:
    """A query test: its kind, query file, dataset files and expected result file."""

    name: str
    kind: str  # "QueryEvaluationTest", "CSVResultFormatTest", "PositiveSyntaxTest11", "NegativeSyntaxTest11"
    query: Path
    data: tuple[Path, ...] = ()
    graph_data: tuple[Path, ...] = ()
    result: Path | None = None
    manifest: Path = field(default=Path())


QUERY_KINDS = ("QueryEvaluationTest", "CSVResultFormatTest", "PositiveSyntaxTest11", "NegativeSyntaxTest11")


def query_tests(*manifest_files: Path) -> list[QueryTest]:
    """The query tests of these manifests (and their includes), in manifest order."""
    tests = []
    for manifest_file in manifest_files:
        for manifest in manifests(manifest_file):
            graph = _graph(manifest)
            for entry in _entries(graph):
                kinds = [str(kind).removeprefix(str(MF)) for kind in graph.objects(entry, RDF.type)]
                kind = next((kind for kind in kinds if kind in QUERY_KINDS), None)
                if kind is None:
                    continue
                action = graph.value(entry, MF.action)
                name = f"{manifest.parent.name}/{str(entry).rsplit('#', 1)[-1]}"
                if kind.endswith("SyntaxTest11"):
                    tests.append(QueryTest(name, kind, _local_path(action), manifest=manifest))
                    continue
                result = graph.value(entry, MF.result)
                tests.append(
                    QueryTest(
                        name,
                        kind,
                        _local_path(graph.value(action, QT.query)),
                        tuple(sorted(_local_path(data) for data in graph.objects(action, QT.data))),
                        tuple(sorted(_local_path(data) for data in graph.objects(action, QT.graphData))),
                        _local_path(result) if result is not None else None,
                        manifest,
                    )
                )
    return tests


RDF_PARSE_FORMATS = {".ttl": pyoxigraph.RdfFormat.TURTLE, ".nt": pyoxigraph.RdfFormat.N_TRIPLES,
                     ".rdf": pyoxigraph.RdfFormat.RDF_XML}
RESULT_PARSE_FORMATS = {".srx": pyoxigraph.QueryResultsFormat.XML, ".srj": pyoxigraph.QueryResultsFormat.JSON,
                        ".tsv": pyoxigraph.QueryResultsFormat.TSV}


def as_ntriples(data_file: Path, label_prefix: str) -> str:
    """A data file as N-Triples lines, blank nodes relabelled so that files never share one."""
    triples = pyoxigraph.parse(path=str(data_file), format=RDF_PARSE_FORMATS[data_file.suffix], base_iri=data_file.as_uri())
    lines = []
    for triple in triples:
        terms = [
            pyoxigraph.BlankNode(f"{label_prefix}{term.value}") if isinstance(term, pyoxigraph.BlankNode) else term
            for term in (triple.subject, triple.predicate, triple.object)
        ]
        lines.append(f"{terms[0]} {terms[1]} {terms[2]} .")
    return "\n".join(lines)


# --- Comparing results -------------------------------------------------------------------------


def solutions(results: pyoxigraph.QuerySolutions) -> tuple[list[str], list[dict[str, object]]]:
    """Variables and rows of a SELECT result, rows as {variable: term}."""
    variables = [variable.value for variable in results.variables]
    rows = []
    for solution in results:
        row = {}
        for variable in variables:
            value = solution[variable]
            if value is not None:
                row[variable] = value
        rows.append(row)
    return variables, rows


NUMERIC_TYPES = {
    "http://www.w3.org/2001/XMLSchema#" + name
    for name in ("integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
                 "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong")
}


def _same_term(actual: object, expected: object) -> bool:
    """Term equality, except that numbers of one datatype compare by value ("1.0" and "1" as xsd:decimal)."""
    if actual == expected:
        return True
    if isinstance(actual, pyoxigraph.Literal) and isinstance(expected, pyoxigraph.Literal):
        datatype = actual.datatype.value
        if datatype == expected.datatype.value and datatype in NUMERIC_TYPES:
            try:
                return float(actual.value) == float(expected.value)
            except ValueError:
                return False
    return False


RS = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")


def _oxigraph_term(term: rdflib.term.Node) -> object:
    if isinstance(term, rdflib.URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return pyoxigraph.BlankNode(str(term))
    if term.language:
        return pyoxigraph.Literal(str(term), language=term.language)
    if term.datatype:
        return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
    return pyoxigraph.Literal(str(term))


def result_set_graph(path: Path) -> bool | tuple[list[str], list[dict[str, object]]] | None:
    """An expected SELECT/ASK result written as an RDF graph (rs:ResultSet); None if the file is a plain graph."""
    graph = rdflib.Graph().parse(path, format={".ttl": "turtle", ".rdf": "xml"}.get(path.suffix, "turtle"),
                                 publicID=path.as_uri())
    result_set = next(graph.subjects(RDF.type, RS.ResultSet), None)
    if result_set is None:
        return None
    boolean = graph.value(result_set, RS.boolean)
    if boolean is not None:
        return bool(boolean.toPython())
    variables = [str(variable) for variable in graph.objects(result_set, RS.resultVariable)]
    rows = []
    for solution in graph.objects(result_set, RS.solution):
        rows.append({
            str(graph.value(binding, RS.variable)): _oxigraph_term(graph.value(binding, RS.value))
            for binding in graph.objects(solution, RS.binding)
        })
    return variables, rows


def _is_blank(term: object) -> bool:
    return isinstance(term, pyoxigraph.BlankNode) or isinstance(term, str) and term.startswith("_:")


def _label(term: object) -> str:
    return term.value if isinstance(term, pyoxigraph.BlankNode) else str(term)


def rows_match(actual: list[dict], expected: list[dict], ordered: bool = False) -> bool:
    """Equal as multisets (or sequences) of rows, up to a consistent renaming of blank nodes."""
    if len(actual) != len(expected):
        return False
    if ordered:
        return _match_sequence(actual, expected, {}, {})
    return _match_multiset(list(actual), list(expected), {}, {})


def _match_row(actual: dict, expected: dict, forward: dict, backward: dict) -> tuple[dict, dict] | None:
    if actual.keys() != expected.keys():
        return None
    forward, backward = dict(forward), dict(backward)
    for variable, expected_term in expected.items():
        actual_term = actual[variable]
        if _is_blank(expected_term) or _is_blank(actual_term):
            if not (_is_blank(expected_term) and _is_blank(actual_term)):
                return None
            a, e = _label(actual_term), _label(expected_term)
            if forward.get(a, e) != e or backward.get(e, a) != a:
                return None
            forward[a], backward[e] = e, a
        elif not _same_term(actual_term, expected_term):
            return None
    return forward, backward


def _match_sequence(actual: list, expected: list, forward: dict, backward: dict) -> bool:
    for actual_row, expected_row in zip(actual, expected):
        mapped = _match_row(actual_row, expected_row, forward, backward)
        if mapped is None:
            return False
        forward, backward = mapped
    return True


def _match_multiset(actual: list, expected: list, forward: dict, backward: dict) -> bool:
    if not expected:
        return True
    expected_row, rest = expected[0], expected[1:]
    for index, actual_row in enumerate(actual):
        mapped = _match_row(actual_row, expected_row, forward, backward)
        if mapped is not None and _match_multiset(actual[:index] + actual[index + 1:], rest, *mapped):
            return True
    return False


def csv_rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a SPARQL CSV result (CSV carries no datatypes: compared as strings)."""
    reader = list(csv.reader(io.StringIO(text)))
    header, rows = reader[0], reader[1:]
    return header, [{name: value for name, value in zip(header, row) if value != ""} for row in rows]


def graphs_isomorphic(actual: bytes, actual_format: str, expected_file: Path) -> bool:
    """Whether two RDF graphs are isomorphic (rdflib's canonical comparison)."""
    from rdflib.compare import isomorphic

    got = rdflib.Graph().parse(data=actual, format=actual_format)
    expected_format = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml"}[expected_file.suffix]
    want = rdflib.Graph().parse(expected_file, format=expected_format, publicID=expected_file.as_uri())
    return isomorphic(got, want)


# --- One verdict for a query test, from a response body (over HTTP or from pyoxigraph in process) ---

QUERY_RESULTS_MEDIA_TYPES = {
    "application/sparql-results+json": pyoxigraph.QueryResultsFormat.JSON,
    "application/sparql-results+xml": pyoxigraph.QueryResultsFormat.XML,
    "text/tab-separated-values": pyoxigraph.QueryResultsFormat.TSV,
    "text/csv": pyoxigraph.QueryResultsFormat.CSV,
}
_ACCEPT_FOR_RESULT_FILE = {
    ".srx": "application/sparql-results+xml",
    ".srj": "application/sparql-results+json",
    ".tsv": "text/tab-separated-values",
    ".csv": "text/csv",
}


def expected_media_type(test: QueryTest) -> str:
    """The media type to ask for: the expected file's own format, JSON for rs:ResultSet graphs, else N-Triples."""
    assert test.result is not None
    if test.result.suffix in _ACCEPT_FOR_RESULT_FILE:
        return _ACCEPT_FOR_RESULT_FILE[test.result.suffix]
    if result_set_graph(test.result) is not None:
        return "application/sparql-results+json"
    return "application/n-triples"


def result_matches(test: QueryTest, body: bytes, media_type: str) -> bool:
    """Whether a result equals the expected one as the suite compares them.

    Solutions as multisets up to blank node renaming; graphs by isomorphism; CSV (no datatypes)
    as strings. Numbers of one datatype compare by value: Oxigraph keeps numeric literals in
    canonical form ("1.0"^^xsd:decimal comes back as "1").
    """
    assert test.result is not None
    if test.result.suffix == ".csv":
        expected_header, expected_rows = csv_rows(test.result.read_text(encoding="utf-8"))
        actual_header, actual_rows = csv_rows(body.decode("utf-8"))
        return set(actual_header) == set(expected_header) and rows_match(actual_rows, expected_rows)
    if media_type == "application/n-triples":
        return graphs_isomorphic(body, "nt", test.result)
    actual = pyoxigraph.parse_query_results(body, QUERY_RESULTS_MEDIA_TYPES[media_type])
    if test.result.suffix in RESULT_PARSE_FORMATS:
        parsed = pyoxigraph.parse_query_results(path=str(test.result), format=RESULT_PARSE_FORMATS[test.result.suffix])
        expected = bool(parsed) if isinstance(parsed, pyoxigraph.QueryBoolean) else solutions(parsed)
    else:
        expected = result_set_graph(test.result)
    if isinstance(expected, bool):
        return isinstance(actual, pyoxigraph.QueryBoolean) and bool(actual) is expected
    if isinstance(actual, pyoxigraph.QueryBoolean):
        return False
    actual_variables, actual_rows = solutions(actual)
    return set(actual_variables) == set(expected[0]) and rows_match(actual_rows, expected[1])


def evaluate_in_process(test: QueryTest, query: str, default_graphs: list[str], named_graphs: list[str]) -> bool:
    """The verdict for pyoxigraph itself, without the server: loads the test's files into a fresh store."""
    store = pyoxigraph.Store()
    for path in {*test.data, *test.graph_data}:
        store.load(path=str(path), format=RDF_PARSE_FORMATS[path.suffix], base_iri=path.as_uri(),
                   to_graph=pyoxigraph.NamedNode(path.as_uri()))
    options: dict = {}
    if default_graphs or named_graphs:
        options = {"default_graph": [pyoxigraph.NamedNode(iri) for iri in default_graphs],
                   "named_graphs": [pyoxigraph.NamedNode(iri) for iri in named_graphs]}
    try:
        result = store.query(query, **options)
    except (SyntaxError, RuntimeError, ValueError):
        return False
    if test.result is None:
        return True
    media_type = expected_media_type(test)
    if isinstance(result, pyoxigraph.QueryTriples):
        return result_matches(test, result.serialize(format=pyoxigraph.RdfFormat.N_TRIPLES), media_type)
    return result_matches(test, result.serialize(format=QUERY_RESULTS_MEDIA_TYPES[media_type]), media_type)
