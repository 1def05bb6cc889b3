"""Linked data: every entity IRI `<base>/id/…` and the ontology namespace dereference here.

Same URL for people and machines: HTML pages or Turtle, JSON-LD, N-Triples,
RDF/XML by content negotiation (`?format=` overrides), with ETag/Last-Modified
revalidation and a 404 in the negotiated format for IRIs the graph does not know.
JSON-LD names the versioned @context published at `/context/<version>.jsonld`.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Flask, Response, send_file
from werkzeug.exceptions import NotFound

from api.negotiation import OFFERS, Offer, conditional, negotiate, page_date, page_language
from api.rendering import render, render_error_page
from api.store_access import current_settings, current_store
from graph.describe import describe, entity_view, error_document, membership_view, named_graph_rdf, ontology_html, store_modified
from ontology import CONTEXT_FILE, CONTEXT_VERSION

linked_data = Blueprint("linked_data", __name__)

# Characters an IRI path keeps as they are; anything else in a request path is percent-encoded.
IRI_PATH_SAFE = "/:@!$&'()*+,;=-._~"


@linked_data.get("/id/<path:path>")
def entity(path: str) -> Response:
    """An entity of the graph, as a page or as its self-contained RDF description."""
    offer = negotiate()
    settings = current_settings()
    iri = settings.id_base + quote(path, safe=IRI_PATH_SAFE)
    store = current_store()
    description = describe(store, iri)
    if description.is_empty:
        return not_found(offer, f"the graph does not know <{iri}>")
    if offer.rdf is None:
        view = entity_view(store, description, page_language(), page_date())
        memberships = membership_view(store, iri, page_language())
        response = render("entity.html", view=view, memberships=memberships, membership_text=MEMBERSHIP_TEXT[page_language()], downloads=DOWNLOADS)
    else:
        response = Response(description.serialize(offer.rdf), mimetype=offer.media_type)
    return conditional(response, store_modified(settings))


@linked_data.get("/ontology")
def ontology() -> Response:
    """The ontology namespace: pyLODE documentation for browsers, the ontology for RDF clients."""
    offer = negotiate()
    settings = current_settings()
    if offer.rdf is None:
        response = Response(ontology_html(), mimetype="text/html")
    else:
        data = named_graph_rdf(current_store(), settings.graph_iri("ontology"), offer.rdf)
        if data is None:
            return not_found(offer, "the ontology is not loaded: run `govgraph build`")
        response = Response(data, mimetype=offer.media_type)
    return conditional(response, store_modified(settings))


@linked_data.get("/graph/<name>")
def named_graph(name: str) -> Response:
    """A named graph `<base>/graph/<name>` (one source's facts): its triples, or a page linking them."""
    offer = negotiate()
    settings = current_settings()
    iri = settings.graph_iri(quote(name, safe=IRI_PATH_SAFE))
    store = current_store()
    if iri not in store.named_graphs():
        return not_found(offer, f"the dataset has no named graph <{iri}>")
    if offer.rdf is None:
        response = render("graph.html", graph_iri=iri, source_iri=settings.id_base + "source/" + name, downloads=DOWNLOADS)
    else:
        response = Response(named_graph_rdf(store, iri, offer.rdf), mimetype=offer.media_type)
    return conditional(response, store_modified(settings))


@linked_data.get("/context/<version>.jsonld")
def jsonld_context(version: str) -> Response:
    """The JSON-LD @context of govgraph's documents; a published version never changes."""
    if version != CONTEXT_VERSION:
        raise NotFound(f"no JSON-LD context version {version!r}; published: /context/{CONTEXT_VERSION}.jsonld")
    return send_file(CONTEXT_FILE, mimetype="application/ld+json", max_age=86400, conditional=True)


def not_found(offer: Offer, message: str) -> Response:
    """A 404 in the negotiated format: a page, or an RDF hydra:Error."""
    if offer.rdf is None:
        response = render_error_page(404, message)
    else:
        response = Response(error_document(404, "Not Found", message, offer.rdf), status=404, mimetype=offer.media_type)
    response.vary.add("Accept")
    return response


# The membership sections of entity pages (templates/_memberships.html).
MEMBERSHIP_TEXT = {
    "de": {
        "members": "Mitglieder laut den Quellen", "memberships": "Netzwerke im Zeitverlauf", "member": "Mitglied",
        "network": "Netzwerk", "relation": "Beziehung", "role": "Rolle", "evidence": "Belege", "period": "Zeitraum",
        "possible": "möglich", "undated": "ohne Datum", "map": "Karte der Mitgliedskommunen",
        "map_note": "Jede Kommune an ihren Koordinaten (Destatis); ein Farbteil je Netzwerk, dem sie laut den Quellen angehört.",
        "evidence_note": "Ein Beleg gilt für sein Datum (so genau wie die Quelle), nicht „seit“ oder „bis“.",
        "count": "Mitglieder",
    },
    "en": {
        "members": "Members according to the sources", "memberships": "Networks over time", "member": "Member",
        "network": "Network", "relation": "Relation", "role": "Role", "evidence": "Evidence", "period": "Period",
        "possible": "possible", "undated": "undated", "map": "Map of the member municipalities",
        "map_note": "Each municipality at its coordinates (Destatis); one colour per network it belongs to according to the sources.",
        "evidence_note": "A piece of evidence holds for its date (as precise as the source), not “since” or “until”.",
        "count": "members",
    },
}

DOWNLOADS = tuple((offer.key, offer.title, offer.media_type) for offer in OFFERS if offer.rdf)


def register_linked_data_pages(app: Flask) -> None:
    """The linked-data feature: entity and ontology URLs, the home page and search, the dataset description."""
    from api.dataset import dataset
    from api.pages import pages

    for blueprint in (linked_data, pages, dataset):
        app.register_blueprint(blueprint)
