"""A map of NRW with the member municipalities, coloured by network: PNG or SVG, no tiles.

Every municipality of NRW is a dot at its coordinates from the reference data
(Destatis), tinted by Regierungsbezirk, so the dots draw the Land without any map
tiles from the internet. Each member municipality is a small pie with one slice per
network it belongs to (the co-membership projection decides which memberships count:
all of them, or those that may hold on a date). Members outside NRW are named below
the map. Drawn with matplotlib's object API, like `graph.network.drawing`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Callable

import networkx as nx

from graph.errors import GovgraphError
from graph.network.analytics import project
from graph.network.co_membership import network_lines
from graph.network.relations import Network
from graph.store.store import GraphStore

# Equal distances east-west and north-south at NRW's latitude.
X_SCALE = math.cos(math.radians(51.4))
PIE_RADIUS = 0.028
LABELLED_MEMBERS = 25
# matplotlib's tab10 colours (written out: matplotlib loads only when a map is drawn).
NETWORK_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
REGION_TINTS = ("#e8e8f4", "#e8f4e8", "#f4ece4", "#f4e8f0", "#e4f0f4")
NRW = "05"
ATTRIBUTION = (
    "Koordinaten: Statistisches Bundesamt (Destatis), Gemeindeverzeichnis GV-ISys, dl-de/by-2-0 (geändert), Stand ca. 2020. "
    "Mitgliedschaften: die Quellen in govgraph (Mitgliederlisten, Nennungen, Ämter), keine vollständige Liste."
)

COORDINATES_QUERY = """
PREFIX gg: <https://w3id.org/govgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <http://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?municipality ?ags ?latitude ?longitude ?region ?regionLabel ?stateLabel WHERE {
  ?municipality a gg:Municipality ; org:identifier ?ags ; schema:latitude ?latitude ; schema:longitude ?longitude .
  OPTIONAL { ?municipality gg:inAdministrativeDistrict ?region .
             ?region skos:prefLabel ?regionLabel FILTER(LANGMATCHES(LANG(?regionLabel), "de")) }
  OPTIONAL { ?municipality gg:inState/skos:prefLabel ?stateLabel FILTER(LANGMATCHES(LANG(?stateLabel), "de")) }
}
"""


@dataclass(frozen=True)
class Place:
    """A municipality on the map: where it is and which Regierungsbezirk it lies in."""

    iri: str
    ags: str
    latitude: float
    longitude: float
    region: str | None
    region_label: str | None
    state_label: str | None


def read_places(store: GraphStore) -> dict[str, Place]:
    """Every municipality the graph has coordinates for, by IRI."""
    places = {}
    for row in store.query(COORDINATES_QUERY):
        value = lambda name: row[name].value if row[name] is not None else None  # noqa: E731
        places[row["municipality"].value] = Place(
            row["municipality"].value, row["ags"].value, float(row["latitude"].value), float(row["longitude"].value),
            value("region"), value("regionLabel"), value("stateLabel"),
        )
    return places


def _position(place: Place) -> tuple[float, float]:
    return place.longitude * X_SCALE, place.latitude


class NotANetwork(GovgraphError):
    """A map asked for an organisation that is no network, working group or former network."""

    status = 400


def draw_member_map(
    store: GraphStore,
    network: Network,
    image_format: str = "png",
    organisation: str | None = None,
    as_of: date | None = None,
    link: Callable[[str], str] | None = None,
) -> bytes:
    """The map of all member municipalities, or of those of one network (an AG stands for its former network)."""
    line = None
    if organisation is not None:
        line = network_lines(network).get(organisation)
        if line is None:
            raise NotANetwork(f"{organisation!r} is no network, working group or former network of the graph")
    return member_map(project(network, "co-membership", as_of), network, read_places(store), image_format, line, as_of, link)


def member_map(
    co_membership: nx.Graph,
    network: Network,
    places: dict[str, Place],
    image_format: str = "png",
    only_network: str | None = None,
    as_of: date | None = None,
    link: Callable[[str], str] | None = None,
) -> bytes:
    """Draw the members of the co-membership projection (only those of `only_network`'s line, if given)."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Wedge

    from graph.network.drawing import save_figure

    members = {
        node: data["network_iris"].split()
        for node, data in co_membership.nodes(data=True)
        if only_network is None or only_network in data["network_iris"].split()
    }
    networks = sorted({line for lines in members.values() for line in lines}, key=lambda iri: network.entities[iri].label)
    colour = {line: NETWORK_COLOURS[index % len(NETWORK_COLOURS)] for index, line in enumerate(networks)}
    inside = {iri: lines for iri, lines in members.items() if iri in places and places[iri].ags.startswith(NRW)}
    outside = sorted(network.entities[iri].label + (f" ({places[iri].state_label})" if iri in places and places[iri].state_label else "")
                     for iri in members if iri not in inside)

    figure = Figure(figsize=(11, 11.5), layout="constrained")
    axes, key = figure.subplots(2, 1, height_ratios=(10, 1.5))
    key.set_axis_off()
    axes.set_aspect("equal")
    axes.set_axis_off()
    subject = network.entities[only_network].label if only_network else "der Netzwerke"
    when = f"Stand {as_of.isoformat()}" if as_of else "alle Zeiträume"
    axes.set_title(f"Mitgliedskommunen {subject} – {when}", fontsize=14, loc="left")

    nrw = [place for place in places.values() if place.ags.startswith(NRW)]
    regions = sorted({place.region for place in nrw if place.region})
    for index, region in enumerate(regions):
        in_region = [place for place in nrw if place.region == region]
        xs, ys = zip(*(_position(place) for place in in_region))
        axes.scatter(xs, ys, s=60, color=REGION_TINTS[index % len(REGION_TINTS)], edgecolors="none", zorder=1)
        axes.text(sum(xs) / len(xs), sum(ys) / len(ys) - 0.12, (in_region[0].region_label or "").removeprefix("Regierungsbezirk "),
                  fontsize=11, color="#888888", ha="center", va="center", zorder=2)
    axes.scatter([_position(p)[0] for p in nrw], [_position(p)[1] for p in nrw], s=3, color="#999999", zorder=2)

    for iri, lines in sorted(inside.items()):
        center = _position(places[iri])
        slices = sorted(lines, key=networks.index)
        for number, line in enumerate(slices):
            start, end = 90 + 360 * number / len(slices), 90 + 360 * (number + 1) / len(slices)
            wedge = Wedge(center, PIE_RADIUS, start, end, facecolor=colour[line], edgecolor="#222222", linewidth=0.4, zorder=3)
            wedge.set_gid(f"member-{places[iri].ags}-{number + 1}")
            if link:
                wedge.set_url(link(iri))
            axes.add_patch(wedge)
    by_population = sorted(inside, key=lambda iri: -int(network.entities[iri].attributes.get("population", 0)))
    labelled = inside if len(inside) <= 40 else by_population[:LABELLED_MEMBERS]
    for iri in labelled:
        x, y = _position(places[iri])
        axes.annotate(network.entities[iri].label, (x, y), xytext=(0, -9), textcoords="offset points", ha="center", va="top",
                      fontsize=7, zorder=4, bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.7})

    handles = [Patch(facecolor=colour[line], edgecolor="#222222", label=network.entities[line].label) for line in networks]
    key.legend(handles=handles, title="Netzwerk (ein Teil je Netzwerk)", loc="upper center", ncols=2, fontsize=9, frameon=False)
    notes = [f"{len(inside)} Kommunen in NRW" + (f"; {len(labelled)} beschriftet (die einwohnerstärksten)" if len(labelled) < len(inside) else "")]
    if outside:
        notes.append("Mitglieder außerhalb der Karte: " + ", ".join(outside))
    notes.append(ATTRIBUTION)
    key.text(0, 0, "\n".join(notes), fontsize=7, color="#444444", ha="left", va="bottom", wrap=True, transform=key.transAxes)
    axes.autoscale_view()
    return save_figure(figure, image_format)
