"""Plain-text tables of SELECT/ASK results, for the terminal."""

from __future__ import annotations

import pyoxigraph

from graph.store.store import QueryResult


def term_text(term: object) -> str:
    """A term as a person reads it: IRIs bare, literals by their value and language."""
    if term is None:
        return ""
    if isinstance(term, pyoxigraph.Literal):
        return f"{term.value}@{term.language}" if term.language else term.value
    if isinstance(term, pyoxigraph.BlankNode):
        return f"_:{term.value}"
    return term.value  # type: ignore[attr-defined]


def text_table(result: QueryResult) -> str:
    """Columns padded to their widest cell; ASK prints yes/no.

    >>> store = pyoxigraph.Store()
    >>> print(text_table(store.query('SELECT ?x WHERE { VALUES ?x { "a" "bc" } }')))
    x
    --
    a
    bc
    (2 rows)
    """
    if isinstance(result, pyoxigraph.QueryBoolean):
        return "yes" if bool(result) else "no"
    names = [variable.value for variable in result.variables]
    rows = [[term_text(solution[name]) for name in names] for solution in result]
    widths = [max([len(name)] + [len(row[index]) for row in rows]) for index, name in enumerate(names)]
    lines = ["  ".join(name.ljust(width) for name, width in zip(names, widths)).rstrip()]
    lines.append("  ".join("-" * width for width in widths))
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)
