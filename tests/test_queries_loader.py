"""The loader of `queries/*.rq`: headers into frozen dataclasses, bad headers refused with a clear message."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from graph.describe import query_shape
from queries import QUERIES_DIR, QueryDefinitionError, load_queries, parse_query_file

QUERY_FILES = sorted(QUERIES_DIR.glob("*.rq"))
REQUIRED_QUESTIONS = {
    "who-coordinates", "what-coordinates", "members", "board-composition", "person-posts",
    "municipality-memberships", "network-structure", "merger", "supporters",
    "non-member-municipalities", "organization-timeline", "entity-sources", "label-search",
}


def test_the_questions_of_the_issue_are_all_there():
    assert REQUIRED_QUESTIONS <= set(load_queries())


def test_who_coordinates_takes_a_unit_and_an_as_of_date():
    query = load_queries()["who-coordinates"]
    assert [(parameter.name, parameter.type, parameter.required) for parameter in query.parameters] == [
        ("unit", "iri", True),
        ("asOf", "date", False),
    ]
    assert query.as_of == "asOf"


@pytest.mark.parametrize("path", QUERY_FILES, ids=[path.stem for path in QUERY_FILES])
def test_every_query_file_parses_and_binds_its_parameters(path: Path):
    query = parse_query_file(path)
    shape = query_shape(query)  # raises on a syntax error or a parameter that could not be bound
    assert query.summary and query.sparql.strip()
    if shape.form == "SELECT":
        assert {parameter.name for parameter in query.parameters} <= set(shape.columns)


def test_a_query_is_frozen():
    query = load_queries()["who-coordinates"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        query.summary = "changed"  # type: ignore[misc]


def test_queries_that_change_over_time_take_an_as_of_date():
    timeless = {"network-structure", "merger", "organization-timeline", "entity-sources", "entity-provenance", "label-search",
                "network-growth", "municipality-networks"}  # timelines: every date at once
    # Analyses of the real network: over all time unless an asOf date is given.
    all_time_by_default = {"network-overlaps", "multi-network-members", "members-by-region", "office-holders"}
    for name, query in load_queries().items():
        if name in all_time_by_default:
            parameter = query.parameter("asOf")
            assert query.as_of is None and parameter.type == "date" and not parameter.required and parameter.default is None, name
        elif name not in timeless:
            assert query.as_of == "asOf", name


def _write(directory: Path, header: str, sparql: str = "SELECT ?x WHERE { BIND(1 AS ?x) }") -> Path:
    path = directory / "a-query.rq"
    path.write_text("".join(f"#+ {line}\n" for line in header.strip().splitlines()) + sparql, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("description: no summary", "summary"),
        ("summary: s\nparameters:\n  x:\n    type: float\n    description: d\n    example: 1", "type 'float'"),
        ("summary: s\nparameters:\n  x:\n    type: iri\n    description: d", "needs an `example`"),
        ("summary: s\nparameters:\n  x:\n    type: enum\n    description: d\n    example: a", "`values`"),
        ("summary: s\nparameters:\n  page:\n    type: integer\n    description: d\n    example: 1", "parameter name 'page'"),
        ("summary: s\nas_of: day\nparameters:\n  day:\n    type: string\n    description: d\n    example: x", "`as_of` must name a parameter of type date"),
        ("summary: s\npagination: 0", "pagination"),
        ("summary: s\nsurprise: 1", "unknown header keys ['surprise']"),
        ("summary: [unclosed", "not valid YAML"),
    ],
)
def test_a_bad_header_is_refused_naming_the_file_and_the_problem(tmp_path: Path, header: str, message: str):
    path = _write(tmp_path, header)
    with pytest.raises(QueryDefinitionError) as error:
        parse_query_file(path)
    assert "a-query.rq" in str(error.value) and message in str(error.value)


def test_unquoted_yaml_dates_stay_as_written(tmp_path: Path):
    path = _write(tmp_path, "summary: s\nparameters:\n  day:\n    type: date\n    description: d\n    example: 2025-03-01")
    assert parse_query_file(path).parameters[0].example == "2025-03-01"


def test_a_parameter_outside_the_projection_is_refused(tmp_path: Path):
    path = _write(tmp_path, "summary: s\nparameters:\n  x:\n    type: string\n    description: d\n    example: a",
                  "SELECT ?y WHERE { BIND(?x AS ?y) }")
    with pytest.raises(QueryDefinitionError, match="SELECT projection"):
        query_shape(parse_query_file(path))


def test_bound_of_a_parameter_is_refused(tmp_path: Path):
    path = _write(tmp_path, "summary: s\nparameters:\n  x:\n    type: string\n    description: d\n    example: a",
                  "SELECT ?x ?y WHERE { BIND(BOUND(?x) AS ?y) }")
    with pytest.raises(QueryDefinitionError, match=r"BOUND\(\?x\)"):
        query_shape(parse_query_file(path))


def test_an_empty_directory_is_an_error(tmp_path: Path):
    with pytest.raises(QueryDefinitionError, match="no named queries"):
        load_queries(tmp_path)
