"""Running a named query: typed parameters bound as RDF terms, as-of dates, pages.

Values from users never become query text: each one is checked against its
declared type and turned into an RDF term, which the store binds by a VALUES
block at the start of the WHERE group, written by pyoxigraph's own term serializer. A wrong value raises `ParameterError` (400)
naming the parameter and what would be valid.

As of a date (README "Time"): the queries list a relation on D when it may hold
then (`gg:possiblyFrom` <= D <= `gg:possiblyUntil`, which the build derives from
the stated bounds and the organisations' lifetimes) and say how sure the answer
is (`certainty`: "certain" inside a `gg:certainDuring` period, else "possible";
`reason`; `observedOn`), all computed once by `graph.time` at build time.
When no date is given, the as-of date is today in NRW (Europe/Berlin),
computed per call.

>>> from queries import load_queries
>>> query = load_queries()["who-coordinates"]
>>> bound = bind_arguments(query, {"unit": "https://w3id.org/govgraph/id/organization/ag-stadtumbau",
...                                "asOf": "2025-03-01"}, id_base="https://w3id.org/govgraph/id/")
>>> str(bound.terms["asOf"])
'"2025-03-01"^^<http://www.w3.org/2001/XMLSchema#date>'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Callable, Mapping, Sequence

import pyoxigraph

from graph.errors import GovgraphError
from graph.store.store import GraphStore, QueryResult, Term, bind_values
from graph.time import today_in_nrw
from queries import PAGE_PARAMETER, PAGE_SIZE_PARAMETER, TODAY, NamedQuery, QueryDefinitionError, QueryParameter, load_queries

XSD = "http://www.w3.org/2001/XMLSchema#"
MAX_PAGE = 100_000
_INTEGER = re.compile(r"^[+-]?[0-9]{1,18}$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_INTEGER_TYPES = {XSD + name for name in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
_NUMBER_TYPES = {XSD + "decimal", XSD + "double", XSD + "float"}

Arguments = Mapping[str, "str | Sequence[str]"]


class ParameterError(GovgraphError):
    """A parameter value of the wrong type, an unknown parameter or a missing required one."""

    status = 400

    def __init__(self, message: str, parameter: str):
        super().__init__(message)
        self.parameter = parameter


class UnknownQuery(GovgraphError):
    """No named query of that name."""

    status = 404


@dataclass(frozen=True)
class BoundArguments:
    """The typed terms to bind, the as-of date in force and the page asked for."""

    terms: dict[str, Term]
    as_of: date | None
    page: int
    page_size: int | None


@dataclass(frozen=True)
class QueryShape:
    """What a query returns: its form (SELECT, CONSTRUCT, ASK) and, for SELECT, its columns."""

    form: str
    columns: tuple[str, ...]

    @property
    def is_graph(self) -> bool:
        """CONSTRUCT/DESCRIBE: the answer is RDF, not a table."""
        return self.form == "CONSTRUCT"


@dataclass
class NamedAnswer:
    """One run of a named query: the engine's result (read it once) and how it was asked."""

    query: NamedQuery
    arguments: BoundArguments
    result: QueryResult
    has_next_page: bool


def find_query(name: str, queries: Mapping[str, NamedQuery] | None = None) -> NamedQuery:
    """The named query, or UnknownQuery listing the valid names."""
    queries = load_queries() if queries is None else queries
    if name not in queries:
        raise UnknownQuery(f"no named query {name!r}; valid: {', '.join(queries)}")
    return queries[name]


def resolve_iri(value: str, id_base: str) -> str:
    """Header IRIs without a scheme are relative to the instance base (`<base>/id/`)."""
    return value if _SCHEME.match(value) else id_base + value


def example_arguments(query: NamedQuery, id_base: str) -> dict[str, str]:
    """The header's example value of every parameter, as a client would send it."""
    return {parameter.name: example_text(parameter, id_base) for parameter in query.parameters if parameter.example is not None}


def example_text(parameter: QueryParameter, id_base: str) -> str:
    """One parameter's example as request text (IRIs made absolute, booleans lower-case)."""
    return _as_text(parameter, parameter.example, id_base)


def example_sparql(query: NamedQuery, id_base: str, today: Callable[[], date] = today_in_nrw) -> str:
    """The query's text with its example (else default) values bound in a VALUES block, ready to run as it is.

    >>> text = example_sparql(load_queries()["who-coordinates"], "https://w3id.org/govgraph/id/")
    >>> [line.strip() for line in text.splitlines() if line.lstrip().startswith("VALUES")]
    ['VALUES (?unit ?asOf) { (<https://w3id.org/govgraph/id/organization/ag-stadtumbau> "2025-03-01"^^<http://www.w3.org/2001/XMLSchema#date>) }']
    """
    bound = bind_arguments(query, example_arguments(query, id_base), id_base=id_base, today=today)
    if not bound.terms:
        return query.sparql
    return bind_values(query.sparql, bound.terms, note="The query's example values: change them to ask about something else.")


def default_text(parameter: QueryParameter, id_base: str) -> str | None:
    """One parameter's default as request text, or None (no default, or today's date)."""
    if parameter.default is None or parameter.default == TODAY:
        return None
    return _as_text(parameter, parameter.default, id_base)


def _as_text(parameter: QueryParameter, value: object, id_base: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if parameter.type == "iri":
        return resolve_iri(str(value), id_base)
    return str(value)


def bind_arguments(
    query: NamedQuery,
    arguments: Arguments,
    *,
    id_base: str,
    today: Callable[[], date] = today_in_nrw,
) -> BoundArguments:
    """Check every argument against the query's header and turn it into an RDF term."""
    values = {name: [value] if isinstance(value, str) else list(value) for name, value in arguments.items()}
    known = [parameter.name for parameter in query.parameters]
    if query.pagination:
        known += [PAGE_PARAMETER, PAGE_SIZE_PARAMETER]
    for name, given in values.items():
        if name not in known:
            valid = ", ".join(known) or "none"
            raise ParameterError(f"unknown parameter {name!r} for query {query.name!r}; valid parameters: {valid}", name)
        if len(given) != 1:
            raise ParameterError(f"parameter {name!r} was given {len(given)} times; give it once", name)
    single = {name: given[0] for name, given in values.items()}

    terms: dict[str, Term] = {}
    for parameter in query.parameters:
        text = single.get(parameter.name)
        if text is None:
            if parameter.required:
                raise ParameterError(
                    f"missing required parameter {parameter.name!r} ({describe_type(parameter)}), "
                    f"e.g. {parameter.name}={example_text(parameter, id_base)}",
                    parameter.name,
                )
            if parameter.name == query.as_of:
                text = today().isoformat()
            else:
                text = default_text(parameter, id_base)
            if text is None:
                continue  # optional without default: the variable stays unbound
        terms[parameter.name] = parameter_term(parameter, text)

    as_of = date.fromisoformat(terms[query.as_of].value) if query.as_of else None
    page, page_size = 1, None
    if query.pagination:
        page = _page_number(single.get(PAGE_PARAMETER, "1"), PAGE_PARAMETER, 1, MAX_PAGE)
        page_size = _page_number(
            single.get(PAGE_SIZE_PARAMETER, str(query.pagination.default_size)),
            PAGE_SIZE_PARAMETER,
            1,
            query.pagination.max_size,
        )
    return BoundArguments(terms, as_of, page, page_size)


def describe_type(parameter: QueryParameter) -> str:
    """What a valid value of this parameter looks like, for error messages."""
    if parameter.type == "iri":
        return "an absolute IRI without spaces, e.g. https://w3id.org/govgraph/id/organization/ag-stadtumbau"
    if parameter.type == "date":
        return "a date YYYY-MM-DD"
    if parameter.type == "integer":
        low = "" if parameter.minimum is None else f" ≥ {parameter.minimum}"
        high = "" if parameter.maximum is None else f" ≤ {parameter.maximum}"
        return f"an integer{low}{high}"
    if parameter.type == "boolean":
        return "true or false"
    if parameter.type == "enum":
        return "one of " + ", ".join(parameter.values)
    if parameter.type == "lang-string":
        return f"text with a language tag, text@de (at most {parameter.max_length} characters)"
    return f"text of 1 to {parameter.max_length} characters"


def parameter_term(parameter: QueryParameter, text: str) -> Term:
    """The RDF term for one parameter value, or ParameterError saying what would be valid."""

    def invalid(reason: str) -> ParameterError:
        shown = text if len(text) <= 80 else text[:79] + "…"
        return ParameterError(f"invalid value {shown!r} for parameter {parameter.name!r}: {reason}; expected {describe_type(parameter)}", parameter.name)

    kind = parameter.type
    if kind == "iri":
        if not _SCHEME.match(text):
            raise invalid("not an absolute IRI")
        try:
            return pyoxigraph.NamedNode(text)
        except ValueError as error:
            raise invalid(str(error)) from None
    if kind == "date":
        try:
            if not _DATE.match(text):
                raise ValueError("not of the form YYYY-MM-DD")
            day = date.fromisoformat(text)
        except ValueError as error:
            raise invalid(str(error)) from None
        return pyoxigraph.Literal(day.isoformat(), datatype=pyoxigraph.NamedNode(XSD + "date"))
    if kind == "integer":
        if not _INTEGER.match(text):
            raise invalid("not an integer")
        number = int(text)
        if (parameter.minimum is not None and number < parameter.minimum) or (parameter.maximum is not None and number > parameter.maximum):
            raise invalid("out of range")
        return pyoxigraph.Literal(str(number), datatype=pyoxigraph.NamedNode(XSD + "integer"))
    if kind == "boolean":
        if text not in ("true", "false"):
            raise invalid("not a boolean")
        return pyoxigraph.Literal(text, datatype=pyoxigraph.NamedNode(XSD + "boolean"))
    if kind == "enum":
        if text not in parameter.values:
            raise invalid("not one of the choices")
        return pyoxigraph.Literal(text)
    if "\x00" in text:  # no text needs it, and Virtuoso cuts a text at it
        raise invalid("contains U+0000")
    if kind == "lang-string":
        content, separator, language = text.rpartition("@")
        if not separator or not content.strip():
            raise invalid("no text@language")
        if len(content) > parameter.max_length:
            raise invalid("too long")
        try:
            return pyoxigraph.Literal(content, language=language)
        except ValueError as error:
            raise invalid(str(error)) from None
    if not text:
        raise invalid("empty")
    if len(text) > parameter.max_length:
        raise invalid("too long")
    return pyoxigraph.Literal(text)


def _page_number(text: str, name: str, low: int, high: int) -> int:
    if not _INTEGER.match(text) or not low <= int(text) <= high:
        raise ParameterError(f"invalid value {text[:80]!r} for parameter {name!r}: expected an integer from {low} to {high}", name)
    return int(text)


def run_named_query(
    store: GraphStore,
    query: NamedQuery,
    arguments: Arguments,
    *,
    id_base: str,
    today: Callable[[], date] = today_in_nrw,
) -> NamedAnswer:
    """Bind the arguments and run the query on any backend; one page of it when it pages."""
    return run_bound_query(store, query, bind_arguments(query, arguments, id_base=id_base, today=today))


def run_bound_query(store: GraphStore, query: NamedQuery, bound: BoundArguments) -> NamedAnswer:
    """Run a query with arguments already checked by `bind_arguments`.

    A page is asked for with one row more than it holds: that row tells whether another page exists.
    """
    lists = list_columns(query)
    if bound.page_size is None:
        result = store.query(query.sparql, substitutions=bound.terms)
        if lists and isinstance(result, pyoxigraph.QuerySolutions):
            result = _solutions(result.variables, _bindings(result), lists)
        return NamedAnswer(query, bound, result, False)
    offset = (bound.page - 1) * bound.page_size  # integers checked by bind_arguments
    result = store.query(f"{query.sparql}LIMIT {bound.page_size + 1} OFFSET {offset}\n", substitutions=bound.terms)
    rows = _bindings(result)
    page = _solutions(result.variables, rows[: bound.page_size], lists)
    return NamedAnswer(query, bound, page, len(rows) > bound.page_size)


_LIST_COLUMN = re.compile(r'GROUP_CONCAT\s*\((?:\s*DISTINCT\b)?[^;]*;\s*separator\s*=\s*"([^"]*)"\s*\)\s*AS\s+\?(\w+)', re.I)


@lru_cache(maxsize=None)
def list_columns(query: NamedQuery) -> dict[str, str]:
    """The columns a GROUP_CONCAT fills, with their separators.

    SPARQL leaves the order of a GROUP_CONCAT open, and engines differ (Virtuoso, pyoxigraph): the
    items come sorted, so an answer is the same on every backend and from one build to the next.
    Over no values, pyoxigraph leaves it unbound and Virtuoso gives "": it is unbound on both.
    """
    return {column: separator for separator, column in _LIST_COLUMN.findall(query.sparql)}


def _bindings(result: pyoxigraph.QuerySolutions) -> list[dict]:
    """The rows of a result as SPARQL JSON bindings (read once: the result is consumed)."""
    return json.loads(result.serialize(format=pyoxigraph.QueryResultsFormat.JSON))["results"]["bindings"]


def _solutions(variables: Sequence[pyoxigraph.Variable], rows: list[dict], lists: Mapping[str, str]) -> pyoxigraph.QuerySolutions:
    """A result of these rows: the items of each list column sorted, an empty list unbound (as pyoxigraph leaves it)."""
    for row in rows:
        for column, separator in lists.items():
            if column not in row:
                continue
            if row[column]["value"] == "":
                del row[column]
            elif separator:
                row[column]["value"] = separator.join(sorted(row[column]["value"].split(separator)))
    document = {"head": {"vars": [variable.value for variable in variables]}, "results": {"bindings": rows}}
    return pyoxigraph.parse_query_results(json.dumps(document).encode(), pyoxigraph.QueryResultsFormat.JSON)


@lru_cache(maxsize=None)
def query_shape(query: NamedQuery) -> QueryShape:
    """The form and columns of a query, read by evaluating it on an empty store (also checks its syntax).

    Raises QueryDefinitionError when a parameter could not be bound the same way on both
    backends: pyoxigraph binds only variables of the SELECT projection, and it folds
    BOUND(?parameter) to false before substituting (test `COALESCE(STR(?p), "") = ""`).
    """
    for parameter in query.parameters:
        if re.search(rf"BOUND\s*\(\s*\?{parameter.name}\s*\)", query.sparql, re.IGNORECASE):
            raise QueryDefinitionError(f"{query.path.name}: BOUND(?{parameter.name}) of a parameter is always false in pyoxigraph")
    sparql = query.sparql + ("LIMIT 1 OFFSET 0\n" if query.pagination else "")
    try:
        result = pyoxigraph.Store().query(sparql)
    except SyntaxError as error:
        raise QueryDefinitionError(f"{query.path.name}: {error}") from None
    if isinstance(result, pyoxigraph.QueryTriples):
        return QueryShape("CONSTRUCT", ())
    if isinstance(result, pyoxigraph.QueryBoolean):
        return QueryShape("ASK", ())
    columns = tuple(variable.value for variable in result.variables)
    missing = [parameter.name for parameter in query.parameters if parameter.name not in columns]
    if missing:
        raise QueryDefinitionError(f"{query.path.name}: parameters {missing} must be in the SELECT projection to be bound")
    return QueryShape("SELECT", columns)


def json_value(term: object) -> str | int | float | bool | None:
    """A term as a plain JSON value: IRIs and texts as strings, numbers and booleans typed."""
    if term is None:
        return None
    if isinstance(term, pyoxigraph.BlankNode):
        return "_:" + term.value
    if isinstance(term, pyoxigraph.Literal):
        datatype = term.datatype.value
        try:
            if datatype in _INTEGER_TYPES:
                return int(term.value)
            if datatype in _NUMBER_TYPES:
                return float(term.value)
        except ValueError:
            return term.value  # an ill-typed literal stays text
        if datatype == XSD + "boolean":
            return term.value in ("true", "1")
        return term.value
    return term.value  # type: ignore[attr-defined]


def answer_records(result: pyoxigraph.QuerySolutions) -> tuple[list[str], list[dict[str, object]]]:
    """The columns and one object per row (every column present, unbound ones null)."""
    columns = [variable.value for variable in result.variables]
    rows = [{column: json_value(solution[column]) for column in columns} for solution in result]
    return columns, rows
