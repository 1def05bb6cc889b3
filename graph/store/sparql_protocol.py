"""What the SPARQL 1.1 Protocol needs to know about a request's text before it is evaluated.

A small tokenizer (strings, IRIs, comments and escapes are kept opaque, as the engine's
parser sees them) answers: which query form is this (for content negotiation), does it
reach out with SERVICE or LOAD (refused unless the operator allow-lists the target: the
engine would otherwise open outbound HTTP connections), how deep is the syntax tree the
engine would build from it (refused beyond a limit: the engine's parser and evaluator
recurse once per level, on the calling thread's stack), and where do the protocol's
`using-graph-uri` / `using-named-graph-uri` parameters go (as USING clauses).

>>> query_form("PREFIX ex: <http://e/> CONSTRUCT WHERE { ?s ?p ?o }")
'CONSTRUCT'
>>> syntax_depth(tokenize("SELECT * { { ?s ?p ?o } UNION { ?o ?p ?s } }"))
4
>>> OutboundPolicy().check("SELECT * { SERVICE <http://127.0.0.1:8080/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
...
graph.errors.QueryRefused: SERVICE <http://127.0.0.1:8080/sparql> is refused: this endpoint does not call other services (the operator may allow-list target URLs in GOVGRAPH_SERVICE_ALLOWLIST)
>>> with_using_clauses("INSERT { ?s a ?t } WHERE { ?s a ?t }", ["http://e/g"], [])
'INSERT { ?s a ?t } USING <http://e/g> WHERE { ?s a ?t }'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Sequence
from urllib.parse import urljoin

import pyoxigraph

from graph.errors import GovgraphError, QueryRefused, QueryTooDeep

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")

_TOKEN = re.compile(
    r"""(?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''"""
    r"""|"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')"""
    r"""|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)"""
    r"""|(?P<comment>\#[^\n\r]*)"""
    r"""|(?P<variable>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)"""
    r"""|(?P<blank>_:(?:[\w-]|\.(?=[\w-]))*)"""
    # A local name may contain escapes such as `\#`, which must not start a comment.
    r"""|(?P<pname>(?:[^\W\d_](?:[\w-]|\.(?=[\w-]))*)?:(?:[\w:%-]|\\\S|\.(?=[\w:%\\-]))*)"""
    r"""|(?P<word>[^\W\d](?:[\w-]*\w)?)"""
    r"""|(?P<escape>\\\S)"""
    r"""|(?P<punct>[{}();,.\[\]])"""
    r"""|(?P<other>\S)""",
    re.S,
)


@dataclass(frozen=True)
class Token:
    """One lexical unit of a query or update: its kind, text and offset."""

    kind: str
    text: str
    start: int

    @property
    def keyword(self) -> str:
        """The upper-cased text of a bare word (SPARQL keywords are case-insensitive), else ''."""
        return self.text.upper() if self.kind == "word" else ""


class NotAcceptable(GovgraphError):
    """No result format the client accepts fits the result of this query."""

    status = 406


def tokenize(text: str) -> list[Token]:
    """The tokens of a SPARQL text, without comments."""
    return [
        Token(match.lastgroup or "other", match.group(), match.start())
        for match in _TOKEN.finditer(text)
        if match.lastgroup != "comment"
    ]


def _skip_prologue(tokens: list[Token], position: int = 0) -> int:
    """The index of the first token after BASE/PREFIX declarations."""
    while position < len(tokens):
        keyword = tokens[position].keyword
        if keyword == "BASE":
            position += 2
        elif keyword == "PREFIX":
            position += 3
        else:
            return position
    return position


def query_form(text: str | list[Token]) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE; None when the text does not start like a query."""
    tokens = tokenize(text) if isinstance(text, str) else text
    position = _skip_prologue(tokens)
    if position < len(tokens) and tokens[position].keyword in QUERY_FORMS:
        return tokens[position].keyword
    return None


@dataclass(frozen=True)
class OutboundPolicy:
    """Which URLs SERVICE (in queries) and LOAD (in updates) may reach: none unless allow-listed.

    An entry matches a target URL exactly, or as a prefix when it ends with `*`.
    """

    allowlist: tuple[str, ...] = ()
    base_iri: str | None = None

    def allows(self, url: str) -> bool:
        """Whether the operator allow-listed this target URL."""
        return any(url == entry or entry.endswith("*") and url.startswith(entry[:-1]) for entry in self.allowlist)

    def check(self, text: str | list[Token]) -> None:
        """Raise QueryRefused for any SERVICE or LOAD whose target is not allow-listed."""
        tokens = tokenize(text) if isinstance(text, str) else text
        if not any(token.keyword in ("SERVICE", "LOAD") for token in tokens):
            return  # nothing reaches out: no need to resolve the prologue's IRIs
        prefixes: dict[str, str] = {}
        base = self.base_iri or ""
        for index, token in enumerate(tokens):
            keyword = token.keyword
            if keyword == "BASE" and index + 1 < len(tokens) and tokens[index + 1].kind == "iri":
                base = urljoin(base, tokens[index + 1].text[1:-1])
            elif keyword == "PREFIX" and index + 2 < len(tokens) and tokens[index + 2].kind == "iri":
                prefixes[tokens[index + 1].text] = urljoin(base, tokens[index + 2].text[1:-1])
            elif keyword in ("SERVICE", "LOAD"):
                target_index = index + 1
                if target_index < len(tokens) and tokens[target_index].keyword == "SILENT":
                    target_index += 1
                target = tokens[target_index] if target_index < len(tokens) else None
                url = _resolve(target, prefixes, base)
                if url is None or not self.allows(url):
                    shown = f"<{url}>" if url else (target.text if target else "")
                    action = "does not call other services" if keyword == "SERVICE" else "does not load data from URLs"
                    raise QueryRefused(
                        f"{keyword} {shown} is refused: this endpoint {action} "
                        "(the operator may allow-list target URLs in GOVGRAPH_SERVICE_ALLOWLIST)"
                    )


# Tokens that put a node of the engine's syntax tree above what precedes them at their level: UNION
# branches, group elements folded into joins (OPTIONAL, MINUS, BIND, GRAPH, SERVICE, VALUES), sub-selects.
NESTING_KEYWORDS = frozenset({"UNION", "OPTIONAL", "MINUS", "BIND", "GRAPH", "SERVICE", "VALUES", "SELECT"})
EXPRESSION_OPERATORS = frozenset("|&!=<>+-*/^")  # inside ( ): every operator is a node over its operands
PATH_OPERATORS = frozenset("|/^!")  # inside { } and [ ]: property path sequences, alternatives, inverses
TWO_CHARACTER_OPERATORS = frozenset({"||", "&&", "<=", ">=", "!=", "^^"})


def syntax_depth(tokens: list[Token]) -> int:
    """An upper bound on the depth of the syntax tree the engine builds from these tokens.

    Each bracket `{ ( [` nests one level; at each level, every operand chained to the ones before it
    (a UNION branch, an operator, a group element or sub-select, a second FILTER) adds one more,
    since the engine folds chains into binary nodes. Flat lists (triples, VALUES rows, arguments,
    the operations of an update) add nothing. One pass, no recursion.
    """
    levels: list[list[int]] = [[0, 0, 0]]  # per open bracket: [chained operands, deepest child, FILTERs]
    brackets: list[str] = [""]
    previous: Token | None = None
    for token in tokens:
        text, level = token.text, levels[-1]
        if token.kind == "punct" and text in "{([":
            if text == "{" and previous is not None and previous.text == "}" and brackets[-1] == "{":
                level[0] += 1  # a group right after a group: joined to it
            levels.append([0, 0, 0])
            brackets.append(text)
        elif token.kind == "punct" and text in "})]":
            if len(levels) > 1:
                _close_level(levels)
                brackets.pop()
        elif token.keyword in NESTING_KEYWORDS:
            level[0] += 1
        elif token.keyword == "FILTER":
            level[0] += 1 if level[2] else 0  # the FILTERs of a group are joined by &&
            level[2] += 1
        elif token.kind == "other" and text in (EXPRESSION_OPERATORS if brackets[-1] == "(" else PATH_OPERATORS):
            if not _continues_operator(previous, token):
                level[0] += 1
        previous = token
    while len(levels) > 1:
        _close_level(levels)
    return levels[0][0] + levels[0][1]


def _close_level(levels: list[list[int]]) -> None:
    chained, deepest, _ = levels.pop()
    levels[-1][1] = max(levels[-1][1], 1 + chained + deepest)


def _continues_operator(previous: Token | None, token: Token) -> bool:
    """The second character of `||`, `&&`, `<=`, `!=`, `^^`…, or the `^^` of a typed literal: no node of its own."""
    if previous is None:
        return False
    if token.text == "^" and previous.kind == "string":
        return True
    return previous.start + 1 == token.start and previous.text + token.text in TWO_CHARACTER_OPERATORS


def check_depth(tokens: list[Token], max_depth: int, kind: str = "query") -> int:
    """The syntax depth of a query or update; QueryTooDeep (400) beyond `max_depth`."""
    depth = syntax_depth(tokens)
    if depth > max_depth:
        raise QueryTooDeep(
            f"the {kind} is nested too deeply: its syntax tree would be about {depth} levels deep, more than the limit "
            f"of {max_depth} (GOVGRAPH_MAX_QUERY_DEPTH); each nested group or bracket, UNION branch, operator and "
            "group element counts a level (a VALUES block or IN list instead of long chains of UNION or || keeps it flat)"
        )
    return depth


@dataclass(frozen=True)
class CheckedQuery:
    """What the endpoint needs to know about a query text that passed the checks."""

    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE; None when it does not start like a query
    depth: int  # its syntax depth (see `syntax_depth`)


MEMO_MAX_CHARS = 20_000  # longer texts are analysed afresh each time, which keeps the memo small


def checked_query(text: str, policy: OutboundPolicy, max_depth: int) -> CheckedQuery:
    """The form and depth of query `text`, after `policy` has checked its SERVICE calls (QueryRefused)
    and its depth is found within `max_depth` (QueryTooDeep).

    Remembered for recent texts: clients repeat their queries, and lexing a query costs more
    than evaluating a cheap one.
    """
    if len(text) > MEMO_MAX_CHARS:
        return _checked_query(text, policy, max_depth)
    return _remembered_query(text, policy, max_depth)


def _checked_query(text: str, policy: OutboundPolicy, max_depth: int) -> CheckedQuery:
    tokens = _tokens(text)
    depth = check_depth(tokens, max_depth)
    policy.check(tokens)
    check_engine_extensions(tokens)
    return CheckedQuery(query_form(tokens), depth)


_remembered_query = functools.lru_cache(maxsize=512)(_checked_query)


def check_update(text: str, policy: OutboundPolicy, max_depth: int) -> None:
    """Check an update's depth (QueryTooDeep) and its LOAD targets (QueryRefused) before the engine sees it."""
    tokens = tokenize(text)
    check_depth(tokens, max_depth, "update")
    policy.check(tokens)
    check_engine_extensions(tokens)


# Virtuoso's own functions and procedures (bif:sleep, bif:file_to_string, sql:…), reachable from SPARQL.
ENGINE_FUNCTION_NAMESPACES = ("bif:", "sql:", "http://www.openlinksw.com/schemas/bif#")


def check_engine_extensions(tokens: list[Token]) -> None:
    """Refuse what is no SPARQL 1.1 but an engine's extension: Virtuoso's DEFINE pragmas (which can make it
    fetch URLs) and its built-in functions and SQL procedures (which can reach its files and database).

    >>> check_engine_extensions(tokenize("SELECT (<bif:sleep>(9) AS ?x) {}"))
    Traceback (most recent call last):
    ...
    graph.errors.QueryRefused: <bif:sleep> is refused: it names a built-in function of Virtuoso, not of SPARQL 1.1
    """
    for token in tokens:
        if token.keyword == "DEFINE":
            raise QueryRefused("DEFINE is refused: it is a Virtuoso pragma, not SPARQL 1.1")
        name = token.text[1:-1] if token.kind == "iri" else token.text if token.kind == "pname" else ""
        if name.lower().startswith(ENGINE_FUNCTION_NAMESPACES):
            raise QueryRefused(f"{token.text} is refused: it names a built-in function of Virtuoso, not of SPARQL 1.1")


class InvalidGraphIri(GovgraphError):
    """A protocol parameter that should name a graph by an absolute IRI but does not."""

    status = 400


def checked_graph_iris(parameter: str, values: Sequence[str]) -> tuple[str, ...]:
    """The values of a dataset parameter (`default-graph-uri`, …), each an absolute IRI; InvalidGraphIri (400) if not.

    >>> checked_graph_iris("named-graph-uri", ["not an iri"])
    Traceback (most recent call last):
    ...
    graph.store.sparql_protocol.InvalidGraphIri: named-graph-uri must be an absolute IRI, not 'not an iri'
    """
    for value in values:
        try:
            pyoxigraph.NamedNode(value)
        except ValueError:
            raise InvalidGraphIri(f"{parameter} must be an absolute IRI, not {value[:200]!r}") from None
    return tuple(values)


def _tokens(text: str) -> list[Token]:
    """The tokens of a text, remembered for recent short texts (the form check and `repeatable` both need them)."""
    return _remembered_tokens(text) if len(text) <= MEMO_MAX_CHARS else tokenize(text)


_remembered_tokens = functools.lru_cache(maxsize=64)(tokenize)

# Functions whose value changes from one evaluation to the next (SPARQL 1.1, 17.4).
VOLATILE_FUNCTIONS = frozenset({"NOW", "RAND", "UUID", "STRUUID", "BNODE"})


def repeatable(text: str) -> bool:
    """Whether the same query on the same data always gives the same answer: no NOW(), RAND(), UUID(),
    STRUUID() or BNODE(), and no SERVICE (another server's data). Only such answers may be kept for reuse.

    >>> repeatable("SELECT ?s { ?s ?p ?o } LIMIT 3"), repeatable('SELECT (now() AS ?t) {}')
    (True, False)
    """
    if len(text) > MEMO_MAX_CHARS:
        return _repeatable(text)
    return _remembered_repeatable(text)


def _repeatable(text: str) -> bool:
    return not any(token.keyword in VOLATILE_FUNCTIONS or token.keyword == "SERVICE" for token in _tokens(text))


_remembered_repeatable = functools.lru_cache(maxsize=512)(_repeatable)


def _resolve(token: Token | None, prefixes: dict[str, str], base: str) -> str | None:
    """The absolute URL a SERVICE/LOAD target names; None for a variable or anything else."""
    if token is None:
        return None
    if token.kind == "iri":
        return urljoin(base, token.text[1:-1])
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        namespace = prefixes.get(prefix + ":")
        if namespace is not None and "\\" not in local:
            return namespace + local
    return None


class DatasetConflict(GovgraphError):
    """using-graph-uri/using-named-graph-uri together with USING or WITH in the update."""

    status = 400


def with_using_clauses(update: str, using_graphs: Sequence[str], using_named_graphs: Sequence[str]) -> str:
    """Put the protocol's dataset into every DELETE/INSERT … WHERE operation as USING clauses.

    `DELETE WHERE { P }` becomes `DELETE { P } USING … WHERE { P }`, its long form.
    """
    if not using_graphs and not using_named_graphs:
        return update
    tokens = tokenize(update)
    for token in tokens:
        if token.keyword in ("USING", "WITH"):
            raise DatasetConflict(
                f"the update has a {token.keyword} clause and the request has using-graph-uri/using-named-graph-uri "
                "parameters: give the dataset one way only"
            )
    clauses = " ".join([f"USING <{iri}>" for iri in using_graphs] + [f"USING NAMED <{iri}>" for iri in using_named_graphs])
    insertions: list[tuple[int, int, str]] = []  # (start, end, replacement) on the original text
    for operation in _operations(tokens):
        position = _skip_prologue(operation)
        if position >= len(operation) or operation[position].keyword not in ("DELETE", "INSERT"):
            continue
        following = operation[position + 1] if position + 1 < len(operation) else None
        if following is not None and following.keyword == "DATA":
            continue
        if operation[position].keyword == "DELETE" and following is not None and following.keyword == "WHERE":
            pattern = _group_text(update, operation, position + 2)
            insertions.append((operation[position].start, _group_end(operation, position + 2),
                               f"DELETE {pattern} {clauses} WHERE {pattern}"))
            continue
        where = _top_level_where(operation, position)
        if where is not None:
            insertions.append((where.start, where.start, clauses + " "))
    for start, end, replacement in sorted(insertions, reverse=True):
        update = update[:start] + replacement + update[end:]
    return update


def _operations(tokens: list[Token]) -> list[list[Token]]:
    """Split an update request into its operations at top-level semicolons."""
    operations: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.text in ("{", "(", "["):
            depth += 1
        elif token.text in ("}", ")", "]"):
            depth -= 1
        if depth == 0 and token.text == ";":
            operations.append([])
        else:
            operations[-1].append(token)
    return [operation for operation in operations if operation]


def _top_level_where(operation: list[Token], position: int) -> Token | None:
    depth = 0
    for token in operation[position:]:
        if token.text == "{":
            depth += 1
        elif token.text == "}":
            depth -= 1
        elif depth == 0 and token.keyword == "WHERE":
            return token
    return None


def _group_end(operation: list[Token], open_index: int) -> int:
    """The offset just after the group that opens at `operation[open_index]`."""
    depth = 0
    for token in operation[open_index:]:
        if token.text == "{":
            depth += 1
        elif token.text == "}":
            depth -= 1
            if depth == 0:
                return token.start + 1
    return operation[-1].start + len(operation[-1].text)


def _group_text(text: str, operation: list[Token], open_index: int) -> str:
    return text[operation[open_index].start : _group_end(operation, open_index)]
