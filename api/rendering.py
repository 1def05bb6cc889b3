"""Rendering pages: Jinja2 templates (autoescaped), links that stay on this server (or lead to http(s) URLs,
never to `javascript:`), the language switch.

Entity IRIs are `<base>/id/…`; a page links them to the path `/id/…` of whatever
host serves it, and ontology terms to `/ontology#Term`.
"""

from __future__ import annotations

from urllib.parse import urlencode

from babel.numbers import format_decimal
from flask import Flask, Response, render_template, request
from jinja2 import pass_context
from jinja2.runtime import Context
from markdown_it import MarkdownIt
from markupsafe import Markup
from werkzeug.exceptions import BadRequest
from werkzeug.http import HTTP_STATUS_CODES

from api.negotiation import LANGUAGES, page_language
from api.store_access import current_settings
from ontology import NAMESPACE, ONTOLOGY_IRI

UI_TEXT = {
    "de": {
        "home": "Start", "sparql": "SPARQL", "api": "REST-API", "dataset": "Datensatz", "ontology": "Ontologie",
        "search": "Suchen", "search_placeholder": "Name, Ort, Gremium …", "types": "Typen", "properties": "Eigenschaften",
        "incoming": "Verweise auf diese Seite", "timeline": "Zeitleiste", "sources": "Quellen", "downloads": "Herunterladen",
        "since": "seit", "until": "bis", "undated": "ohne Datum", "more": "weitere",
        "as_of": "Stand", "certain": "sicher", "possible": "möglich", "not_valid": "nicht gültig",
        "derived": "abgeleitet", "observed": "zuletzt belegt", "as_of_note": "Wie sicher jede Beziehung am gewählten Tag gilt (?asOf=JJJJ-MM-TT ändert den Tag).",
        "municipality": "Gemeinde", "ags": "Amtlicher Gemeindeschlüssel (AGS)", "district": "Kreis",
        "administrative_district": "Regierungsbezirk", "population": "Einwohnerzahl", "wikidata": "Wikidata",
        "kreisfrei": "kreisfrei", "source": "Quelle", "status_404": "Nicht gefunden", "status_400": "Ungültige Anfrage",
        "results": "Treffer", "no_results": "Keine Treffer.", "structure": "Aufbau des Netzwerks",
        "working_groups": "Arbeitsgemeinschaften", "bodies": "Gremien", "supporters": "Unterstützung",
        "coordination": "Koordinierung", "members": "Mitglieder", "former": "Hervorgegangen aus",
        "stand": "Stand: ca.", "attribution": "Datenquelle: Statistisches Bundesamt (Destatis), Gemeindeverzeichnis GV-ISys, dl-de/by-2-0 (geändert)",
        "language": "Sprache", "iri": "IRI", "machine": "Für Programme", "involvement": "Anlassbezogen eingebunden",
        "api_docs": "Dokumentation", "explore": "Netzwerk interaktiv erkunden", "explore_short": "Erkunden",
        "triples": "Tripel", "entities": "Entitäten", "named_graphs": "Benannte Graphen (je Quelle)",
        "search_empty": "Die Suche braucht einen Text, z. B. /search?q=Dortmund",
        "explore_title": "Netzwerk erkunden",
        "explore_intro": "Beziehungen zwischen Organisationen, Gremien, Kommunen und Personen – zu einem Stichtag oder über alle "
                         "Zeiträume. Beziehungen mit unbekanntem Beginn oder Ende gelten als offen. Ein Klick auf einen Knoten "
                         "zeigt seine Beziehungen und Quellen.",
        "explore_view": "Ansicht", "explore_date": "Stichtag", "explore_all_periods": "Alle Zeiträume",
        "explore_search_placeholder": "Name, z. B. Dortmund", "explore_graphic": "Netzwerkgrafik",
        "explore_hint": "Knoten anklicken für Details.",
        "explore_ui": {
            "loading": "lädt …", "no_answer": "Der Server antwortet nicht: ", "error": "Fehler", "nodes": "Knoten",
            "relations": "Beziehungen", "on": "am", "all_periods": "über alle Zeiträume", "download": "Herunterladen: ",
            "undated": "ohne Datum", "from": "ab ", "start_unknown": "Beginn unbekannt", "until": ", bis ",
            "type": "Typ", "ags": "AGS", "district": "Kreis", "administrative_district": "Regierungsbezirk",
            "population": "Einwohner", "open_page": "Seite öffnen", "source": "Quelle: ",
        },
        "sparql_title": "SPARQL-Abfragen", "sparql_endpoint": "SPARQL-1.1-Abfragen an den Graphen unter",
        "sparql_formats": "(GET oder POST; Ergebnisse als SPARQL JSON, XML, CSV, TSV, Turtle, N-Triples, JSON-LD, RDF/XML).",
        "sparql_tabs": "Die %d Reiter enthalten die benannten Abfragen des Projekts, ihre Beispielwerte schon eingesetzt "
                       "(die VALUES-Zeile oben in der Abfrage): ▶ führt sie aus, geänderte Werte fragen nach anderem. "
                       "IRIs in den Ergebnissen führen zur Seite der Entität.",
        "search_too_long": "Der Suchtext ist {length} Zeichen lang; höchstens {limit} sind erlaubt",
        "licence": "Lizenz",
    },
    "en": {
        "home": "Home", "sparql": "SPARQL", "api": "REST API", "dataset": "Dataset", "ontology": "Ontology",
        "search": "Search", "search_placeholder": "name, place, body …", "types": "Types", "properties": "Properties",
        "incoming": "Links to this page", "timeline": "Timeline", "sources": "Sources", "downloads": "Download",
        "since": "since", "until": "until", "undated": "undated", "more": "more",
        "as_of": "As of", "certain": "certain", "possible": "possible", "not_valid": "not valid",
        "derived": "derived", "observed": "last seen", "as_of_note": "How sure each relation holds on the chosen day (?asOf=YYYY-MM-DD changes the day).",
        "municipality": "Municipality", "ags": "Official municipality key (AGS)", "district": "Kreis (district)",
        "administrative_district": "Regierungsbezirk (government region)", "population": "Population", "wikidata": "Wikidata",
        "kreisfrei": "independent city", "source": "Source", "status_404": "Not found", "status_400": "Bad request",
        "results": "results", "no_results": "Nothing found.", "structure": "Structure of the network",
        "working_groups": "Working groups", "bodies": "Bodies", "supporters": "Support",
        "coordination": "Coordination", "members": "Members", "former": "Emerged from",
        "stand": "as of approx.", "attribution": "Data source: Statistisches Bundesamt (Destatis), Gemeindeverzeichnis GV-ISys, dl-de/by-2-0 (modified)",
        "language": "Language", "iri": "IRI", "machine": "For programs", "involvement": "Involved on occasion",
        "api_docs": "documentation", "explore": "Explore the network interactively", "explore_short": "Explore",
        "triples": "triples", "entities": "entities", "named_graphs": "Named graphs (one per source)",
        "search_empty": "the search needs a text, e.g. /search?q=Dortmund",
        "explore_title": "Explore the network",
        "explore_intro": "Relations between organisations, bodies, municipalities and people – on a date or over all "
                         "periods. Relations whose beginning or end is unknown count as open. Click a node for its "
                         "relations and sources.",
        "explore_view": "View", "explore_date": "Date", "explore_all_periods": "All periods",
        "explore_search_placeholder": "name, e.g. Dortmund", "explore_graphic": "Network graphic",
        "explore_hint": "Click a node for details.",
        "explore_ui": {
            "loading": "loading …", "no_answer": "The server does not answer: ", "error": "Error", "nodes": "nodes",
            "relations": "relations", "on": "on", "all_periods": "over all periods", "download": "Download: ",
            "undated": "undated", "from": "from ", "start_unknown": "beginning unknown", "until": ", until ",
            "type": "Type", "ags": "AGS", "district": "Kreis (district)", "administrative_district": "Regierungsbezirk",
            "population": "Population", "open_page": "Open page", "source": "Source: ",
        },
        "sparql_title": "SPARQL queries", "sparql_endpoint": "SPARQL 1.1 queries against the graph at",
        "sparql_formats": "(GET or POST; results as SPARQL JSON, XML, CSV, TSV, Turtle, N-Triples, JSON-LD, RDF/XML).",
        "sparql_tabs": "The %d tabs hold the project's named queries with their example values filled in "
                       "(the VALUES line at the top of each query): ▶ runs one, other values ask about something else. "
                       "IRIs in the results lead to the entity's page.",
        "search_too_long": "the search text is {length} characters long; at most {limit} are allowed",
        "licence": "Licence",
    },
}


# CommonMark without raw HTML: any HTML in a text is shown escaped, never passed through.
_MARKDOWN = MarkdownIt("commonmark", {"html": False})


def markdown_html(text: str | None) -> Markup:
    """A Markdown text (the OpenAPI document's descriptions) as safe HTML.

    >>> str(markdown_html("Use `asOf` <script>"))
    '<p>Use <code>asOf</code> &lt;script&gt;</p>\\n'
    """
    return Markup(_MARKDOWN.render(text or ""))


@pass_context
def localized_number(context: Context, value: int | float | str) -> str:
    """A number as the page's language writes it (English 588,250; German 588.250), by Babel's CLDR data."""
    return format_decimal(value, locale=context.get("language") or LANGUAGES[0])


def register_template_helpers(app: Flask) -> None:
    """Filters every template may use."""
    app.add_template_filter(markdown_html, "markdown")
    app.add_template_filter(localized_number, "number")


LINKABLE_SCHEMES = ("http://", "https://")


def local_href(iri: str | None) -> str | None:
    """Where a link to `iri` should point: this server for the graph's own IRIs, the IRI itself when it is
    http(s), else nowhere (None): the data may hold any IRI, `javascript:…` too, and a link must never run it."""
    if iri is None:
        return None
    root = request.script_root
    if iri == ONTOLOGY_IRI:
        return f"{root}/ontology"
    if iri.startswith(NAMESPACE):
        return f"{root}/ontology#{iri[len(NAMESPACE):]}"
    base = current_settings().base_iri + "/"
    if iri.startswith(base) and not iri.startswith(base + "/"):  # `//…` would leave this host
        path = f"{root}/{iri[len(base):]}"
        if "lang" in request.args and path.startswith(f"{root}/id/"):
            return f"{path}?{urlencode({'lang': page_language()})}"
        return path
    return iri if iri.lower().startswith(LINKABLE_SCHEMES) else None


def link_to(iri: str | None) -> Markup:
    """The ` href="…"` of an anchor to `iri` (see `local_href`), or nothing, so that an IRI which is no
    http(s) URL shows as text and is never a link: `<a{{ link_to(value.iri) }}>{{ value.text }}</a>`."""
    target = local_href(iri)
    return Markup(' href="{}"').format(target) if target else Markup("")


def with_query(**changes: str | None) -> str:
    """This page's URL with some query parameters changed (None removes one)."""
    arguments = {key: value for key, value in request.args.items()}
    for key, value in changes.items():
        if value is None:
            arguments.pop(key, None)
        else:
            arguments[key] = value
    return request.path + ("?" + urlencode(arguments) if arguments else "")


def render(template: str, status: int = 200, language: str | None = None, **context: object) -> Response:
    """Render a page in the reader's language."""
    language = language or page_language()
    body = render_template(
        template,
        language=language,
        languages=LANGUAGES,
        text=UI_TEXT[language],
        link_to=link_to,
        with_query=with_query,
        **context,
    )
    return Response(body, status=status, mimetype="text/html")


def render_error_page(status: int, message: str) -> Response:
    """An error as a page in the site's layout (German when the error is the ?lang= parameter itself)."""
    try:
        language = page_language()
    except BadRequest:
        language = LANGUAGES[0]
    title = UI_TEXT[language].get(f"status_{status}") or HTTP_STATUS_CODES.get(status, "Error")
    return render("error.html", status=status, language=language, status_code=status, title=title, message=message)
