"""`govgraph export`, `govgraph analytics`, `govgraph draw`, `govgraph map`: the network analytics from the terminal."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cli.help import READING_THE_STORE, epilog
from graph.network import (
    FORMAT_NAMES,
    METRICS,
    PROJECTIONS,
    Table,
    compare,
    draw_member_map,
    ego_network,
    export as export_graph,
    metric_table,
    project,
    read_network,
)
from graph.time import parse_date
from graph.store import open_store

if TYPE_CHECKING:
    import networkx as nx

    from cli.main import Context


class DateType(click.ParamType):
    """A full date, YYYY-MM-DD."""

    name = "YYYY-MM-DD"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_date(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


DATE = DateType()
projection_option = click.option(
    "--projection", "-p", type=click.Choice(PROJECTIONS), default="organizations", show_default=True, help="Which network."
)
as_of_option = click.option("--as-of", type=DATE, help="Only relations valid on this date (default: all periods).")
ego_option = click.option("--ego", metavar="IRI", help="Only this node's neighbourhood (its ego network).")
radius_option = click.option("--radius", type=click.IntRange(min=1), default=1, show_default=True, help="Steps around --ego.")
output_option = click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True), default="-", help="File to write (- for stdout).")


def _graph(obj: Context, projection: str, as_of: date | None, ego: str | None, radius: int) -> nx.Graph:
    graph = project(read_network(open_store(obj.settings, in_memory=True)), projection, as_of)
    return ego_network(graph, ego, radius) if ego else graph


def _write(data: bytes, output: str) -> None:
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        Path(output).write_bytes(data)
        click.echo(f"wrote {len(data)} bytes to {output}", err=True)


def _format_from(output: str, chosen: str | None) -> str:
    if chosen:
        return chosen
    for name in sorted(FORMAT_NAMES, key=len, reverse=True):  # "nodes.csv" before "csv"
        if output.lower().endswith("." + name):
            return name
    raise click.UsageError(f"give --format (one of {', '.join(FORMAT_NAMES)}) or an output file with such an extension")


@click.command(epilog=epilog(
    READING_THE_STORE,
    "govgraph export --projection organizations --as-of 2025-03-01 --format gexf -o network.gexf",
    "govgraph export -p people -o people.graphml",
))
@projection_option
@as_of_option
@click.option("--format", "-f", "format_name", type=click.Choice(FORMAT_NAMES), help="Export format (default: from the file extension).")
@output_option
@ego_option
@radius_option
@click.pass_obj
def export(obj: Context, projection: str, as_of: date | None, format_name: str | None, output: str, ego: str | None, radius: int) -> None:
    """Write a projection as GraphML, GEXF, JSON, Cytoscape.js JSON, CSV, DOT, PNG or SVG."""
    chosen = _format_from(output, format_name)
    _write(export_graph(_graph(obj, projection, as_of, ego, radius), chosen), output)


@click.command(epilog=epilog(READING_THE_STORE, "govgraph draw -p governance --as-of 2025-03-01 -o report.png"))
@projection_option
@as_of_option
@click.option("--format", "-f", "format_name", type=click.Choice(["png", "svg"]), help="Picture format (default: from the file extension, else png).")
@output_option
@ego_option
@radius_option
@click.pass_obj
def draw(obj: Context, projection: str, as_of: date | None, format_name: str | None, output: str, ego: str | None, radius: int) -> None:
    """Draw a projection for a report: colours by type, legend, labels."""
    chosen = format_name or ("svg" if output.lower().endswith(".svg") else "png")
    _write(export_graph(_graph(obj, projection, as_of, ego, radius), chosen), output)


@click.command("map", epilog=epilog(READING_THE_STORE, "govgraph map --network https://w3id.org/govgraph/id/organization/netzwerk-innenstadt-nrw --as-of 2023-06-01 -o innenstadt.svg"))
@click.option("--network", metavar="IRI", help="Only the members of this network, working group or former network (default: all).")
@as_of_option
@click.option("--format", "-f", "format_name", type=click.Choice(["png", "svg"]), help="Picture format (default: from the file extension, else png).")
@output_option
@click.pass_obj
def member_map(obj: Context, network: str | None, as_of: date | None, format_name: str | None, output: str) -> None:
    """Draw NRW with the member municipalities at their coordinates, coloured by network (no map tiles)."""
    chosen = format_name or ("svg" if output.lower().endswith(".svg") else "png")
    store = open_store(obj.settings, in_memory=True)
    _write(draw_member_map(store, read_network(store), chosen, network, as_of), output)


def text_table(table: Table) -> str:
    """Columns padded to their widest cell (long cells cut), then the notes."""
    cells = [[_cell(row.get(column)) for column in table.columns] for row in table.rows]
    widths = [max([len(column)] + [len(row[index]) for row in cells]) for index, column in enumerate(table.columns)]
    lines = ["  ".join(column.ljust(width) for column, width in zip(table.columns, widths)).rstrip()]
    lines.append("  ".join("-" * width for width in widths))
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in cells]
    lines.append(f"({len(cells)} rows; {', '.join(f'{key}: {value}' for key, value in table.notes.items())})")
    return "\n".join(lines)


def _cell(value: object, limit: int = 60) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@click.command(epilog=epilog(
    READING_THE_STORE,
    "govgraph analytics betweenness -p organizations --samples 200 --format csv",
    "govgraph analytics changes -p governance --from 2024-10-01 --to 2025-03-01",
))
@click.argument("metric", type=click.Choice(METRICS + ("changes",)))
@click.option("--projection", "-p", type=click.Choice(PROJECTIONS), help="Which network (default: governance for chains, else organizations).")
@as_of_option
@click.option("--node", metavar="IRI", help="chains: start from this node (default: every municipality, office and person).")
@click.option("--samples", type=click.IntRange(min=1), help="betweenness: estimate from this many source nodes.")
@click.option("--from", "before", type=DATE, help="changes: the earlier date.")
@click.option("--to", "after", type=DATE, help="changes: the later date.")
@click.option("--format", "-f", "format_name", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.pass_obj
def analytics(obj: Context, metric: str, projection: str | None, as_of: date | None, node: str | None, samples: int | None,
              before: date | None, after: date | None, format_name: str) -> None:
    """Compute a metric (degree, betweenness, pagerank, brokerage, components, communities, chains) or the changes between two dates."""
    if metric == "changes" and (not (before and after) or as_of):
        raise click.UsageError("changes compares two dates: give --from DATE and --to DATE (not --as-of)")
    if metric != "changes" and (before or after):
        raise click.UsageError(f"--from/--to are for changes; {metric} takes --as-of")
    network = read_network(open_store(obj.settings, in_memory=True))
    if metric == "changes":
        table = compare(network, projection or "organizations", before, after)  # type: ignore[arg-type]
    else:
        table = metric_table(network, metric, projection, as_of, node=node, samples=samples)
    if format_name == "json":
        click.echo(json.dumps(table.to_json(), ensure_ascii=False, indent=1))
    elif format_name == "csv":
        click.echo(table.to_csv(), nl=False)
    else:
        click.echo(text_table(table))


COMMANDS = (export, analytics, draw, member_map)
