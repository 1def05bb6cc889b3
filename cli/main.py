"""The `govgraph` console command: builds things and hands them over, nothing more."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from cli.help import BUILDING, ENVIRONMENT, READING_THE_STORE, epilog
from graph.config import Settings
from graph.errors import GovgraphError
from graph.store import (
    check_depth, is_graph_result, open_store, rdf_format, results_format, run_on_large_stack, serialize, stack_size_for,
    text_table, tokenize,
)

QUERY_FORMATS = ["table", "json", "csv", "tsv", "xml", "turtle", "ntriples", "jsonld", "rdfxml"]


class Context:
    """Settings shared by the subcommands."""

    def __init__(self, settings: Settings):
        self.settings = settings


def _progress(started: float):
    def report(message: str) -> None:
        click.echo(f"[{time.monotonic() - started:6.1f} s] {message}", err=True)

    return report


DATA_DIR_HELP = "Where stores are kept (default: $GOVGRAPH_DATA_DIR, else $XDG_DATA_HOME/govgraph)."


def _data_dir_after_the_command(ctx: click.Context, param: click.Parameter, data_dir: Path | None) -> None:
    """`govgraph build --data-dir X` means the same as `govgraph --data-dir X build`."""
    if data_dir is not None:
        context = ctx.find_object(Context)
        context.settings = context.settings.with_(data_dir=data_dir)


class GovgraphGroup(click.Group):
    """The subcommands: each also takes the group's options after its name, and lists its whole summary."""

    def add_command(self, command: click.Command, name: str | None = None) -> None:
        command.params.append(click.Option(
            ["--data-dir"], type=click.Path(file_okay=False, path_type=Path), expose_value=False,
            callback=_data_dir_after_the_command, help=DATA_DIR_HELP,
        ))
        if command.short_help is None and command.help:
            command.short_help = command.help.strip().splitlines()[0]  # click would cut it at 45 characters
        super().add_command(command, name)


@click.group(
    cls=GovgraphGroup,
    context_settings={"max_content_width": 110},
    epilog=epilog(tuple(ENVIRONMENT), "govgraph build && govgraph serve --port 8000", "govgraph --data-dir /srv/govgraph stats"),
)
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), envvar="GOVGRAPH_DATA_DIR", help=DATA_DIR_HELP)
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None) -> None:
    """govgraph: the governance knowledge graph of the Netzwerk Stadtentwicklung NRW.

    Options such as --data-dir go before or after the command's name.
    """
    settings = Settings.from_env()
    if data_dir:
        settings = settings.with_(data_dir=data_dir)
    ctx.obj = Context(settings)


@cli.command(epilog=epilog(
    ("GOVGRAPH_DATA_DIR", *BUILDING, "GOVGRAPH_STORE", "GOVGRAPH_REMOTE_QUERY_URL", "GOVGRAPH_REMOTE_UPDATE_URL", "GOVGRAPH_REMOTE_STORE_URL"),
    "govgraph build --data-dir /srv/govgraph",
))
@click.pass_obj
def build(obj: Context) -> None:
    """Parse, materialize, validate and load the graph; swap it in only when valid."""
    from graph.build import build as run_build

    report = run_build(obj.settings, _progress(time.monotonic()))
    where = report.store_path or obj.settings.remote_store_url
    click.echo(f"built {report.total_triples} triples ({report.inferred_triples} entailed) into {where} in {report.seconds:.1f} s")


@cli.command(epilog=epilog(BUILDING, "GOVGRAPH_SOURCES=my-sources govgraph validate"))
@click.pass_obj
def validate(obj: Context) -> None:
    """Run every check of the build without writing a store."""
    from graph.build import validate as run_validate

    inputs = run_validate(obj.settings, _progress(time.monotonic()))
    click.echo(f"valid: {sum(len(graph) for graph in inputs.graphs.values())} triples in {len(inputs.graphs)} graphs")


@cli.command(epilog=epilog(
    READING_THE_STORE,
    "govgraph query 'SELECT ?class (COUNT(*) AS ?n) WHERE { ?s a ?class } GROUP BY ?class'",
    "govgraph query --format csv - < question.rq > answer.csv",
))
@click.argument("sparql")
@click.option("--format", "output", type=click.Choice(QUERY_FORMATS), default="table", show_default=True)
@click.pass_obj
def query(obj: Context, sparql: str, output: str) -> None:
    """Run a SPARQL query against the built graph (use - to read it from stdin)."""
    if sparql == "-":
        sparql = sys.stdin.read()
    settings = obj.settings
    check_depth(tokenize(sparql), settings.max_query_depth)
    store = open_store(settings)
    # The engine parses and evaluates on the calling thread's stack: one sized for the depth limit.
    run_on_large_stack(lambda: _print_answer(store.query(sparql), output), stack_size_for(settings.max_query_depth))


def _print_answer(result, output: str) -> None:
    if output == "table":
        if is_graph_result(result):
            click.echo(serialize(result, rdf_format("turtle")).decode(), nl=False)
        else:
            click.echo(text_table(result))
        return
    graph_result = is_graph_result(result)
    if graph_result and output in ("json", "csv", "tsv", "xml"):
        raise click.UsageError(f"--format {output} is for SELECT/ASK; a CONSTRUCT/DESCRIBE result needs turtle, ntriples, jsonld or rdfxml")
    if not graph_result and output in ("turtle", "ntriples", "jsonld", "rdfxml"):
        raise click.UsageError(f"--format {output} is for CONSTRUCT/DESCRIBE; a SELECT/ASK result needs table, json, csv, tsv or xml")
    chosen = rdf_format(output) if graph_result else results_format(output)
    sys.stdout.buffer.write(serialize(result, chosen))
    sys.stdout.flush()


@cli.command(epilog=epilog(READING_THE_STORE, "govgraph stats --data-dir /srv/govgraph"))
@click.pass_obj
def stats(obj: Context) -> None:
    """Triples per named graph, entities per class."""
    from graph.describe import graph_statistics

    statistics = graph_statistics(open_store(obj.settings))
    click.echo(f"{statistics.triples} triples in the union graph, {statistics.entities} entities")
    click.echo("\nnamed graph\ttriples")
    for graph_iri, count in statistics.triples_by_graph.items():
        click.echo(f"{graph_iri}\t{count}")
    click.echo("\nclass\tinstances")
    for class_iri, count in statistics.instances_by_class.items():
        click.echo(f"{class_iri}\t{count}")


from cli.serve import serve  # noqa: E402 - registered after the group exists

cli.add_command(serve)

from cli.ask import ask  # noqa: E402 - registered after the group exists

cli.add_command(ask)

from cli.analytics import COMMANDS as ANALYTICS_COMMANDS  # noqa: E402 - registered after the group exists

for command in ANALYTICS_COMMANDS:
    cli.add_command(command)


def main() -> None:
    """Entry point: domain errors become a one-line message and exit status 1."""
    try:
        cli(standalone_mode=True)
    except GovgraphError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
