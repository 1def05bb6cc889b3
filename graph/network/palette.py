"""Colours and names of node types and relations, shared by the drawings and the interactive page."""

from __future__ import annotations

PROJECTION_TITLES = {
    "organizations": "Organisationsnetz",
    "people": "Personen und Organisationen",
    "municipalities": "Kommunen und ihre gemeinsamen Mitgliedschaften",
    "co-membership": "Kommunen nach gemeinsamen Netzwerken",
    "governance": "Organisationen und Personen",
}
# relation -> (German legend label, colour, line style): each relation keeps its look in every picture.
RELATION_STYLES = {
    "sub-organisation": ("Teil von", "#7f7f7f", "solid"),
    "membership": ("Mitgliedschaft", "#1f77b4", "solid"),
    "coordination": ("Koordinierung", "#d62728", "solid"),
    "involvement": ("mögliche Einbindung", "#9467bd", "dashed"),
    "support": ("Unterstützung", "#2ca02c", "dashed"),
    "funding": ("Förderung", "#bcbd22", "dashed"),
    "steering": ("Steuerung", "#8c564b", "solid"),
    "replaces": ("Nachfolge von", "#e377c2", "dotted"),
    "post": ("Funktion", "#ff7f0e", "solid"),
    "head": ("Leitung", "#ff7f0e", "dashed"),
    "co-membership": ("gemeinsame Mitgliedschaft", "#17becf", "solid"),
}
# type -> colour: related types share a hue (network bodies green/red, municipal blue, state purple).
TYPE_COLOURS = {
    "Network": "#2ca02c", "WorkingGroup": "#98df8a", "Board": "#d62728", "CoordinationRound": "#ff9896",
    "SteeringCircle": "#c49c94", "Municipality": "#1f77b4", "MunicipalOffice": "#aec7e8", "Administration": "#9edae5",
    "CouncilBody": "#17becf", "OrganizationalUnit": "#c7c7c7", "FormerNetwork": "#bcbd22", "Person": "#ff7f0e",
    "StateMinistry": "#9467bd", "DistrictGovernment": "#c5b0d5", "State": "#8c564b",
    "MunicipalUmbrellaAssociation": "#e377c2", "ExpertConsultancy": "#f7b6d2", "Organization": "#7f7f7f", "District": "#dbdb8d",
}
