"""The named queries: one `.rq` file per question, read once into frozen dataclasses.

A file's name is its route (`who-coordinates.rq` -> `/api/queries/who-coordinates`).
Its leading `#+` lines are a YAML header (summary, description, tags, typed
parameters, pagination, which parameter is the as-of date); the rest is the SPARQL.
This module only reads and checks the files; `graph.describe.named_queries` runs them.

>>> queries = load_queries()
>>> queries["who-coordinates"].as_of
'asOf'
>>> [parameter.type for parameter in queries["who-coordinates"].parameters]
['iri', 'date']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Mapping

import yaml

QUERIES_DIR = Path(__file__).parent
PARAMETER_TYPES = ("iri", "date", "string", "lang-string", "integer", "boolean", "enum")
PAGE_PARAMETER = "page"
PAGE_SIZE_PARAMETER = "pageSize"
RESERVED_NAMES = (PAGE_PARAMETER, PAGE_SIZE_PARAMETER)
TODAY = "today"

_HEADER_KEYS = {"summary", "description", "tags", "parameters", "as_of", "pagination"}
_PARAMETER_KEYS = {"type", "description", "required", "default", "example", "values", "minimum", "maximum", "max_length"}
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_PARAMETER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")


class QueryDefinitionError(ValueError):
    """A `.rq` file whose header is missing something or says something invalid."""


@dataclass(frozen=True)
class QueryParameter:
    """One typed parameter; its name is the SPARQL variable it binds.

    IRI defaults and examples without a scheme are relative to the instance base
    (`<base>/id/`), so the files do not fix the deployment's base IRI.
    """

    name: str
    type: str
    description: str
    required: bool = False
    default: str | int | bool | None = None
    example: str | int | bool | None = None
    values: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 200


@dataclass(frozen=True)
class PageSettings:
    """How a paginated query pages: rows per page by default and at most."""

    default_size: int
    max_size: int = 500


@dataclass(frozen=True)
class NamedQuery:
    """A question: its header and its SPARQL text."""

    name: str
    summary: str
    description: str
    tags: tuple[str, ...]
    parameters: tuple[QueryParameter, ...]
    as_of: str | None
    pagination: PageSettings | None
    sparql: str
    path: Path

    def parameter(self, name: str) -> QueryParameter | None:
        """The parameter of that name, if the query has one."""
        return next((parameter for parameter in self.parameters if parameter.name == name), None)


def parse_query_file(path: Path) -> NamedQuery:
    """Read one `.rq` file; raises QueryDefinitionError naming the file and the problem."""
    text = Path(path).read_text(encoding="utf-8")
    header_lines = []
    for line in text.splitlines():
        if not line.startswith("#+"):
            break
        header_lines.append(line[3:] if line.startswith("#+ ") else line[2:])
    sparql = text.split("\n", len(header_lines))[-1] if header_lines else text
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as error:
        raise QueryDefinitionError(f"{path.name}: the #+ header is not valid YAML: {error}") from None
    return _named_query(Path(path), header, sparql.strip() + "\n")


@lru_cache(maxsize=8)
def load_queries(directory: Path = QUERIES_DIR) -> Mapping[str, NamedQuery]:
    """Every `.rq` file of the directory, by name (read once per directory)."""
    queries = {path.stem: parse_query_file(path) for path in sorted(Path(directory).glob("*.rq"))}
    if not queries:
        raise QueryDefinitionError(f"no named queries (*.rq) in {directory}")
    return queries


def _named_query(path: Path, header: object, sparql: str) -> NamedQuery:
    where = path.name
    if not isinstance(header, dict):
        raise QueryDefinitionError(f"{where}: the #+ header must be a YAML mapping")
    unknown = set(header) - _HEADER_KEYS
    if unknown:
        raise QueryDefinitionError(f"{where}: unknown header keys {sorted(unknown)}; valid: {sorted(_HEADER_KEYS)}")
    if not _NAME.match(path.stem):
        raise QueryDefinitionError(f"{where}: a query's file name must be lower-case words joined by '-'")
    summary = header.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        raise QueryDefinitionError(f"{where}: the header needs a one-line `summary`")
    tags = header.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise QueryDefinitionError(f"{where}: `tags` must be a list of words")
    raw_parameters = header.get("parameters") or {}
    if not isinstance(raw_parameters, dict):
        raise QueryDefinitionError(f"{where}: `parameters` must map names to their definitions")
    parameters = tuple(_parameter(where, name, spec) for name, spec in raw_parameters.items())
    as_of = header.get("as_of")
    if as_of is not None:
        as_of_parameter = next((parameter for parameter in parameters if parameter.name == as_of), None)
        if as_of_parameter is None or as_of_parameter.type != "date":
            raise QueryDefinitionError(f"{where}: `as_of` must name a parameter of type date, not {as_of!r}")
        if as_of_parameter.required or as_of_parameter.default not in (None, TODAY):
            raise QueryDefinitionError(f"{where}: the as-of parameter {as_of!r} defaults to today; give no other default")
    return NamedQuery(
        name=path.stem,
        summary=summary.strip(),
        description=str(header.get("description") or "").strip(),
        tags=tuple(tags),
        parameters=parameters,
        as_of=as_of,
        pagination=_pagination(where, header.get("pagination")),
        sparql=sparql,
        path=path,
    )


def _pagination(where: str, value: object) -> PageSettings | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 500:
        raise QueryDefinitionError(f"{where}: `pagination` is the default page size, an integer from 1 to 500")
    return PageSettings(default_size=value)


def _scalar(value: object) -> str | int | bool | None:
    """YAML reads an unquoted 2025-03-01 as a date: keep header values as written."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


def _parameter(where: str, name: object, spec: object) -> QueryParameter:
    if not isinstance(name, str) or not _PARAMETER_NAME.match(name) or name in RESERVED_NAMES:
        raise QueryDefinitionError(f"{where}: parameter name {name!r} must be a SPARQL variable name and not one of {RESERVED_NAMES}")
    if not isinstance(spec, dict):
        raise QueryDefinitionError(f"{where}: parameter {name!r} needs a mapping (type, description, …)")
    unknown = set(spec) - _PARAMETER_KEYS
    if unknown:
        raise QueryDefinitionError(f"{where}: parameter {name!r} has unknown keys {sorted(unknown)}; valid: {sorted(_PARAMETER_KEYS)}")
    parameter_type = spec.get("type")
    if parameter_type not in PARAMETER_TYPES:
        raise QueryDefinitionError(f"{where}: parameter {name!r} has type {parameter_type!r}; valid: {', '.join(PARAMETER_TYPES)}")
    values = tuple(str(value) for value in spec.get("values") or ())
    if (parameter_type == "enum") != bool(values):
        raise QueryDefinitionError(f"{where}: parameter {name!r}: `values` lists the choices of an enum, and only of an enum")
    if not isinstance(spec.get("description"), str):
        raise QueryDefinitionError(f"{where}: parameter {name!r} needs a `description`")
    required = spec.get("required", False)
    if required and "default" in spec:
        raise QueryDefinitionError(f"{where}: parameter {name!r} is required, so it cannot have a default")
    if "example" not in spec and "default" not in spec:
        raise QueryDefinitionError(f"{where}: parameter {name!r} needs an `example` (the tests run every query with its examples)")
    return QueryParameter(
        name=name,
        type=parameter_type,
        description=spec["description"].strip(),
        required=bool(required),
        default=_scalar(spec.get("default")),
        example=_scalar(spec.get("example", spec.get("default"))),
        values=values,
        minimum=spec.get("minimum"),
        maximum=spec.get("maximum"),
        max_length=int(spec.get("max_length", 200)),
    )
