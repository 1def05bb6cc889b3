"""Hostile SPARQL texts: the deep and long ones that once overflowed the native parser's stack (issue 16).

Each builder makes a text nested (or chained) `levels` deep. At its `refused_size` the endpoint must
answer 400 naming the depth limit; at `ANSWERED_LEVELS` it must answer, and no server process may
die either way. The queries ask for a predicate only these probes write (`<urn:hostile:p>`), so that
their answers stay small whatever else the store holds. Used by the test suite
(tests/test_hostile_input.py) and by `bench/faults.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

ANSWERED_LEVELS = 1_000


def nested_groups(levels: int) -> str:
    return "SELECT * WHERE " + "{ " * levels + "?s <urn:hostile:p> ?o " + "} " * levels


def nested_parentheses(levels: int) -> str:
    return "SELECT * WHERE { ?s <urn:hostile:p> ?o FILTER(" + "(" * levels + "BOUND(?o)" + ")" * levels + ") }"


def unions(branches: int) -> str:
    return "SELECT * WHERE { " + " UNION ".join(["{ ?s <urn:hostile:p> ?o }"] * branches) + " }"


def long_sum(terms: int) -> str:
    return "SELECT (" + " + ".join(["1"] * terms) + " AS ?sum) WHERE {}"


def nested_subqueries(levels: int) -> str:
    return "SELECT * WHERE " + "{ SELECT * WHERE " * levels + "{ ?s <urn:hostile:p> ?o }" + " }" * levels


def nested_not_exists(levels: int) -> str:
    return ("SELECT * WHERE { ?s <urn:hostile:p> ?o "
            + "FILTER NOT EXISTS { ?s <urn:hostile:p> ?o " * levels + "}" * levels + " }")


def nested_blank_nodes(levels: int) -> str:
    return ("CONSTRUCT { ?s <urn:hostile:p> " + "[ <urn:hostile:p> " * levels + "?o" + " ]" * levels
            + " } WHERE { ?s <urn:hostile:p> ?o }")


def update_with_nested_groups(levels: int) -> str:
    return ("INSERT { GRAPH <urn:hostile> { ?s ?p ?o } } WHERE "
            + "{ " * levels + "?s <urn:hostile:none> ?o " + "} " * levels)


def update_with_nested_not_exists(levels: int) -> str:
    return ("DELETE { GRAPH <urn:hostile> { ?s ?p ?o } } WHERE { GRAPH <urn:hostile> { ?s ?p ?o } "
            + "FILTER NOT EXISTS { ?s ?p ?o " * levels + "}" * levels + " }")


def update_with_nested_blank_nodes(levels: int) -> str:
    return ("INSERT DATA { GRAPH <urn:hostile> { <urn:hostile:s> <urn:hostile:p> "
            + "[ <urn:hostile:p> " * levels + "<urn:hostile:o>" + " ]" * levels + " } }")


@dataclass(frozen=True)
class Hostile:
    """One kind of hostile text: its name, whether it is an update, its builder, and the size that must be refused."""

    name: str
    kind: str  # "query" | "update"
    build: Callable[[int], str]
    refused_size: int

    def refused(self) -> str:
        return self.build(self.refused_size)

    def answered(self) -> str:
        return self.build(ANSWERED_LEVELS)


HOSTILE = (
    Hostile("5,000 nested { }", "query", nested_groups, 5_000),
    Hostile("5,000 nested ( ) in a FILTER", "query", nested_parentheses, 5_000),
    Hostile("10,000 UNIONs", "query", unions, 10_000),
    Hostile("a 20,000-term sum", "query", long_sum, 20_000),
    Hostile("3,000 nested subqueries", "query", nested_subqueries, 3_000),
    Hostile("5,000 nested NOT EXISTS", "query", nested_not_exists, 5_000),
    Hostile("5,000 nested [ ]", "query", nested_blank_nodes, 5_000),
    Hostile("an update with 5,000 nested { }", "update", update_with_nested_groups, 5_000),
    Hostile("an update with 5,000 nested NOT EXISTS", "update", update_with_nested_not_exists, 5_000),
    Hostile("an update with 5,000 nested [ ]", "update", update_with_nested_blank_nodes, 5_000),
)
