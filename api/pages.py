"""Pages for people that are no single entity: the network's home page and the search."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request, send_from_directory
from werkzeug.exceptions import BadRequest

from api.negotiation import conditional, page_language
from api.rendering import UI_TEXT, render
from api.store_access import current_settings, current_store
from graph.describe import store_modified
from graph.network import network_overviews, search

pages = Blueprint("pages", __name__)

MAX_SEARCH_LENGTH = 200


@pages.get("/")
def home() -> Response:
    """The network's structure as a readable overview, with the search box and links for programs."""
    overviews = network_overviews(current_store(), page_language())
    schema_org = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": "govgraph",
        "url": request.url_root,
        "about": [{"@id": overview.network.iri, "@type": "Organization", "name": overview.network.label} for overview in overviews],
    }
    return conditional(render("home.html", overviews=overviews, schema_org=schema_org), store_modified(current_settings()))


@pages.get("/search")
def search_page() -> Response:
    """Entities whose label contains the query text."""
    query = request.args.get("q", "").strip()
    text = UI_TEXT[page_language()]
    if not query:
        raise BadRequest(text["search_empty"])
    if len(query) > MAX_SEARCH_LENGTH:
        raise BadRequest(text["search_too_long"].format(length=len(query), limit=MAX_SEARCH_LENGTH))
    results = search(current_store(), query, current_settings().id_base, page_language())
    return render("search.html", query=query, results=results)


@pages.get("/favicon.ico")
def favicon() -> Response:
    """The site's icon where browsers look for it by default (pages also link it)."""
    return send_from_directory(current_app.static_folder or "static", "favicon.svg", mimetype="image/svg+xml", max_age=86400)
