"""`govgraph ask`: the named queries from the command line, typed like the REST API."""

from __future__ import annotations

import json
import sys

import click

from cli.help import READING_THE_STORE, epilog
from graph.store import open_store, rdf_format, results_format, serialize, text_table
from graph.describe import ParameterError, answer_records, find_query, query_shape, run_named_query
from queries import load_queries

ASK_FORMATS = ["table", "json", "csv", "turtle", "jsonld"]


def _arguments(pairs: tuple[str, ...]) -> dict[str, list[str]]:
    arguments: dict[str, list[str]] = {}
    for pair in pairs:
        name, separator, value = pair.partition("=")
        if not separator or not name:
            raise click.BadParameter(f"{pair!r} is not of the form name=value", param_hint="--param")
        arguments.setdefault(name, []).append(value)
    return arguments


def _query_list() -> str:
    """Every named query with its summary and parameters (`?` = optional), for `ask` without a name and `ask --help`."""
    lines = []
    for query in load_queries().values():
        parameters = ", ".join(f"{p.name}{'' if p.required else '?'}:{p.type}" for p in query.parameters)
        lines.append(f"{query.name:28} {query.summary} ({parameters})")
    return "\n".join(lines)


@click.command(epilog="\b\nQueries:\n" + "\n".join("  " + line for line in _query_list().splitlines()) + "\n\n" + epilog(
    (*READING_THE_STORE, "GOVGRAPH_BASE_IRI"),
    "govgraph ask who-coordinates -p unit=organization/ag-stadtumbau -p asOf=2025-03-01",
    "govgraph ask members -p organization=organization/netzwerk-stadtentwicklung-nrw --format csv",
))
@click.argument("name", required=False)
@click.option("--param", "-p", "pairs", multiple=True, metavar="NAME=VALUE", help="A parameter of the query (repeatable).")
@click.option("--format", "output", type=click.Choice(ASK_FORMATS), default="table", show_default=True)
@click.pass_obj
def ask(obj, name: str | None, pairs: tuple[str, ...], output: str) -> None:
    """Run the named query NAME (without NAME: list the queries)."""
    if name is None:
        click.echo(_query_list())
        return
    query = find_query(name)
    is_graph = query_shape(query).is_graph
    if is_graph and output in ("json", "csv"):
        raise click.UsageError(f"{name} answers with RDF: use --format table, turtle or jsonld")
    if not is_graph and output in ("turtle", "jsonld"):
        raise click.UsageError(f"{name} answers with a table: use --format table, json or csv")
    settings = obj.settings
    try:
        answer = run_named_query(open_store(settings), query, _arguments(pairs), id_base=settings.id_base)
    except ParameterError as error:
        raise click.BadParameter(str(error), param_hint="--param") from None
    if is_graph:
        chosen = rdf_format("jsonld" if output == "jsonld" else "turtle")
        sys.stdout.buffer.write(serialize(answer.result, chosen))
    elif output == "table":
        click.echo(text_table(answer.result))
    elif output == "csv":
        sys.stdout.buffer.write(serialize(answer.result, results_format("csv")))
    else:
        columns, rows = answer_records(answer.result)
        as_of = answer.arguments.as_of.isoformat() if answer.arguments.as_of else None
        click.echo(json.dumps({"query": name, "asOf": as_of, "columns": columns, "rows": rows}, ensure_ascii=False, indent=2))
    if answer.has_next_page:
        click.echo(f"(more rows: add --param page={answer.arguments.page + 1})", err=True)
    sys.stdout.flush()
