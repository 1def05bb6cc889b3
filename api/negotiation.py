"""Content negotiation for linked data: one URL, HTML for people and RDF for machines.

The `?format=` parameter overrides the Accept header; werkzeug's parsed Accept
header picks among the offered media types; what cannot be satisfied is a 406.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import Response, request
from werkzeug.exceptions import BadRequest, NotAcceptable

from graph.store import Format, rdf_format
from graph.time import parse_date, today_in_nrw


@dataclass(frozen=True)
class Offer:
    """One representation a linked-data URL can take."""

    key: str
    media_type: str
    rdf: Format | None
    title: str


OFFERS = (
    Offer("html", "text/html", None, "HTML"),
    Offer("ttl", "text/turtle", rdf_format("turtle"), "Turtle"),
    Offer("jsonld", "application/ld+json", rdf_format("jsonld"), "JSON-LD"),
    Offer("nt", "application/n-triples", rdf_format("ntriples"), "N-Triples"),
    Offer("rdf", "application/rdf+xml", rdf_format("rdfxml"), "RDF/XML"),
)
# Media types clients also send for these formats.
ALIASES = {
    "application/xhtml+xml": "html",
    "application/x-turtle": "ttl",
    "application/json": "jsonld",
    "text/plain": "nt",
}
LANGUAGES = ("de", "en")


def negotiate(offers: tuple[Offer, ...] = OFFERS) -> Offer:
    """The representation for this request; 400 for an unknown ?format=, 406 when nothing fits."""
    by_key = {offer.key: offer for offer in offers}
    requested = request.args.get("format")
    if requested is not None:
        if requested not in by_key:
            raise BadRequest(f"unknown format {requested!r}; valid: {', '.join(by_key)}")
        return by_key[requested]
    if not request.accept_mimetypes:  # no Accept header: any type will do (RFC 9110), the first offered
        return offers[0]
    candidates = [offer.media_type for offer in offers] + [alias for alias, key in ALIASES.items() if key in by_key]
    best = request.accept_mimetypes.best_match(candidates)
    if best is None:
        raise NotAcceptable(
            f"none of the media types in Accept ({request.headers.get('Accept', '')}) is available here; "
            f"available: {', '.join(offer.media_type for offer in offers)} (or ?format={'|'.join(by_key)})"
        )
    key = ALIASES.get(best)
    return by_key[key] if key else next(offer for offer in offers if offer.media_type == best)


def page_language() -> str:
    """German unless ?lang= or the Accept-Language header asks for English; 400 for other ?lang= values."""
    requested = request.args.get("lang")
    if requested is not None:
        if requested not in LANGUAGES:
            raise BadRequest(f"unknown language {requested!r}; valid: {', '.join(LANGUAGES)}")
        return requested
    return request.accept_languages.best_match(LANGUAGES, default="de") or "de"


def page_date() -> date:
    """The date a page answers for: ?asOf=YYYY-MM-DD, else today in NRW; 400 for anything else."""
    requested = request.args.get("asOf")
    if requested is None:
        return today_in_nrw()
    try:
        return parse_date(requested)
    except ValueError as error:
        raise BadRequest(f"asOf: {error}") from None


def conditional(response: Response, last_modified: datetime | None = None) -> Response:
    """Add Last-Modified and Vary (`api.http_caching` adds the ETag and answers 304 when the client's copy is current)."""
    if last_modified is not None:
        response.last_modified = last_modified
    response.vary.add("Accept")
    response.vary.add("Accept-Language")
    return response
