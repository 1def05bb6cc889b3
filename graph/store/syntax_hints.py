"""Syntax errors people can act on: the engine's position, and a plain hint where the cause is recognisable.

The engine's own words name grammar rules ("expected one of LATERAL, SERVICE"). Reading the
text with the protocol's tokenizer recognises three common causes: a prefix used but not
declared, a misspelt keyword, and a triple pattern with a term missing. A hint is given only
for a cause at or before the position where the engine stopped; otherwise the engine's words stay.

>>> str(syntax_error(SyntaxError("error at 1:10: expected CONSTRUCT"), "SELEC * WHERE { ?s ?p ?o }"))
'SPARQL query syntax error at line 1, column 1: SELEC is not a SPARQL keyword; did you mean SELECT?'
>>> str(syntax_error(SyntaxError("error at 1:25: expected one of LATERAL, SERVICE, [_]"), "SELECT * WHERE { ?x ?y }"))
'SPARQL query syntax error at line 1, column 18: incomplete triple pattern `?x ?y`: a triple needs a subject, a predicate and an object'
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from graph.errors import QuerySyntaxError
from graph.namespaces import PREFIXES
from graph.store.sparql_protocol import Token, tokenize

KEYWORDS = frozenset(
    """
    BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK WHERE FROM NAMED DISTINCT REDUCED AS OPTIONAL UNION MINUS GRAPH
    SERVICE SILENT FILTER BIND VALUES UNDEF EXISTS NOT IN ORDER GROUP BY HAVING LIMIT OFFSET ASC DESC LATERAL
    INSERT DELETE DATA WITH USING DEFAULT ALL LOAD CLEAR DROP CREATE ADD MOVE COPY INTO TO A TRUE FALSE
    STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE
    ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE
    TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK
    ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR
    TRIPLE SUBJECT PREDICATE OBJECT ISTRIPLE LANGDIR STRLANGDIR HASLANG HASLANGDIR ADJUST
    """.split()
)
UPDATE_KEYWORDS = frozenset("INSERT DELETE WITH LOAD CLEAR DROP CREATE ADD MOVE COPY".split())
# Suggestions also cover the two-word clauses, which people often write as one word.
_SUGGESTIONS = {keyword: keyword for keyword in KEYWORDS if len(keyword) > 2} | {"GROUPBY": "GROUP BY", "ORDERBY": "ORDER BY"}
_TERMS = ("variable", "iri", "pname", "blank", "string")
_ENGINE_POSITION = re.compile(r"error at (\d+):(\d+)")


@dataclass(frozen=True)
class Hint:
    """A recognised cause: where it is (offset in the text) and what to tell the user."""

    offset: int
    message: str


def syntax_error(error: Exception, text: str, kind: str = "query") -> QuerySyntaxError:
    """The engine's syntax error as a QuerySyntaxError, with a plain-language hint where the cause is recognisable."""
    engine = QuerySyntaxError.from_engine(error, kind)
    position = _ENGINE_POSITION.search(str(error))
    limit = _offset(text, int(position[1]), int(position[2])) if position else len(text)
    hint = first_hint(text, limit, kind)
    if hint is None:
        return engine
    line, column = line_and_column(text, hint.offset)
    return QuerySyntaxError(f"SPARQL {kind} syntax error at line {line}, column {column}: {hint.message}", line, column)


def first_hint(text: str, limit: int | None = None, kind: str = "query") -> Hint | None:
    """The earliest recognised cause at or before offset `limit` (the engine's error position), if any."""
    tokens = tokenize(text)
    hints = [
        *_unclosed_strings(tokens),
        *_update_as_query(tokens, kind),
        *_undeclared_prefixes(tokens),
        *_unknown_words(text, tokens),
        *_incomplete_triples(tokens, text),
    ]
    hints = [hint for hint in hints if limit is None or hint.offset <= limit]
    return min(hints, key=lambda hint: hint.offset, default=None)


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of an offset, as the engine counts them."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _offset(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    return sum(len(previous) + 1 for previous in lines[: line - 1]) + column - 1


def _unclosed_strings(tokens: list[Token]) -> list[Hint]:
    return [Hint(token.start, f"the string that starts here is not closed: a {token.text} is missing")
            for token in tokens if token.kind == "other" and token.text in ('"', "'")][:1]


def _update_as_query(tokens: list[Token], kind: str) -> list[Hint]:
    """An update (INSERT, DELETE, LOAD …) sent where a query belongs."""
    start = next((token for token in tokens if token.keyword not in ("PREFIX", "BASE") and token.kind not in ("pname", "iri")), None)
    if kind != "query" or start is None or start.keyword not in UPDATE_KEYWORDS:
        return []
    return [Hint(start.start, f"{start.text} starts an update, not a query: send it as `update` "
                              "(POST form field, or Content-Type application/sparql-update)")]


def _undeclared_prefixes(tokens: list[Token]) -> list[Hint]:
    declared: set[str] = set()
    hints = []
    for index, token in enumerate(tokens):
        if token.kind != "pname":
            continue
        prefix = token.text.split(":", 1)[0] + ":"
        if index > 0 and tokens[index - 1].keyword == "PREFIX":
            declared.add(prefix)
        elif prefix not in declared:
            known = PREFIXES.get(prefix[:-1])
            fix = f"add PREFIX {prefix} <{known}> at the top" if known else f"declare it with PREFIX {prefix} <…> at the top"
            hints.append(Hint(token.start, f"the prefix {prefix} (in {token.text}) is not declared; {fix}"))
    return hints


def _unknown_words(text: str, tokens: list[Token]) -> list[Hint]:
    hints = []
    for index, token in enumerate(tokens):
        if token.kind != "word" or token.keyword in KEYWORDS:
            continue
        if index > 0 and tokens[index - 1].text == "@":
            continue  # a language tag
        if token.start > 0 and (text[token.start - 1].isdigit() or text[token.start - 1] == "."):
            continue  # the exponent of a number such as 1e3
        match = difflib.get_close_matches(token.keyword, _SUGGESTIONS, n=1, cutoff=0.75)
        suggestion = f"; did you mean {_SUGGESTIONS[match[0]]}?" if match else ""
        hints.append(Hint(token.start, f"{token.text} is not a SPARQL keyword{suggestion}"))
    return hints


def _incomplete_triples(tokens: list[Token], text: str) -> list[Hint]:
    """Triple patterns that end (at `.` or `}`) with fewer than three terms, e.g. `{ ?x ?y }`."""
    hints = []
    run: list[Token] = []  # the terms since the last boundary
    needed = 3  # terms a complete pattern has at this point: 3 after `{` or `.`, 2 after `;`, 1 after `,`
    in_data_block = False
    for index, token in enumerate(tokens):
        if token.keyword == "VALUES":
            in_data_block = True  # VALUES ?x { <a> <b> } lists values, not triples
        if in_data_block:
            in_data_block = token.text != "}"
            run, needed = [], 0
            continue
        if token.kind in _TERMS or token.keyword == "A":
            run.append(token)
        elif token.text in (".", "}", ";", ",") and run and needed and len(run) < needed:
            pattern = text[run[0].start : run[-1].start + len(run[-1].text)]
            hints.append(Hint(run[0].start, f"incomplete triple pattern `{pattern}`: a triple needs a subject, a predicate and an object"))
            run, needed = [], 0
        elif token.text in ("{", ".", "}"):
            run, needed = [], 3
        elif token.text == ";" and run:
            run, needed = [], 2
        elif token.text == "," and run:
            run, needed = [], 1
        elif not _is_annotation(tokens, index):
            run, needed = [], 0  # anything else (paths, functions, numbers, lists): not a simple pattern
    return hints


def _is_annotation(tokens: list[Token], index: int) -> bool:
    """A language tag or datatype following a string (`"x"@de`, `"1"^^xsd:int`) belongs to that string."""
    previous = tokens[index - 1] if index else None
    token = tokens[index]
    if token.text == "@" or token.text == "^":
        return previous is not None and (previous.kind == "string" or previous.text == "^")
    if token.kind == "word":
        return previous is not None and previous.text == "@"
    return False
