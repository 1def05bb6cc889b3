"""Content negotiation for linked data: one URL, HTML for people and RDF for machines.

The `?format=` parameter overrides the Accept header; werkzeug's parsed Accept
header picks among the offered media types (no header counts as `*/*`: the first offer);
what cannot be satisfied is a 406. JSON-LD is compacted with the context this server publishes,
or expanded when the client asks for the profile `http://www.w3.org/ns/json-ld#expanded` (in
Accept, or `?profile=expanded`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from flask import Response, request
from werkzeug.exceptions import BadRequest, NotAcceptable
from werkzeug.http import parse_options_header

from graph.store import COMPACTED, CONTEXT_PATH, EXPANDED, Format, rdf_format
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
JSONLD = "application/ld+json"
JSONLD_PROFILES = {"expanded": EXPANDED, "compacted": COMPACTED, EXPANDED: EXPANDED, COMPACTED: COMPACTED}


def negotiate(offers: tuple[Offer, ...] = OFFERS) -> Offer:
    """The representation for this request; 400 for an unknown ?format=, 406 when nothing fits."""
    by_key = {offer.key: offer for offer in offers}
    requested = request.args.get("format")
    if requested is not None:
        if requested not in by_key:
            raise BadRequest(f"unknown format {requested!r}; valid: {', '.join(by_key)}")
        return _with_jsonld_profile(by_key[requested], by_key[requested].media_type)
    if not request.accept_mimetypes:  # no Accept header: any type will do (RFC 9110), the first offered
        return _with_jsonld_profile(offers[0], offers[0].media_type)
    variants = accepted_jsonld_variants() if "jsonld" in by_key else []
    candidates = [offer.media_type for offer in offers] + [alias for alias, key in ALIASES.items() if key in by_key] + variants
    best = request.accept_mimetypes.best_match(candidates)
    if best is None:
        raise NotAcceptable(
            f"none of the media types in Accept ({request.headers.get('Accept', '')}) is available here; "
            f"available: {', '.join(offer.media_type for offer in offers)} (or ?format={'|'.join(by_key)})"
        )
    key = "jsonld" if best in variants else ALIASES.get(best)
    offer = by_key[key] if key else next(offer for offer in offers if offer.media_type == best)
    return _with_jsonld_profile(offer, best)


def accepted_jsonld_variants() -> list[str]:
    """The client's application/ld+json entries with parameters (a profile): werkzeug matches those only verbatim."""
    return [value for value, _ in request.accept_mimetypes if value != JSONLD and parse_options_header(value)[0] == JSONLD]


def jsonld_format(accepted: str) -> Format:
    """JSON-LD as this request asks for it: expanded for `?profile=expanded` or an Accept profile naming
    `…json-ld#expanded` first; else compacted with the context published on this server."""
    requested = request.args.get("profile")
    if requested is not None:
        if requested not in JSONLD_PROFILES:
            raise BadRequest(f"unknown JSON-LD profile {requested!r}; valid: expanded, compacted (or {EXPANDED}, {COMPACTED})")
        expanded = JSONLD_PROFILES[requested] == EXPANDED
    else:
        known = [profile for profile in parse_options_header(accepted)[1].get("profile", "").split() if profile in (EXPANDED, COMPACTED)]
        expanded = bool(known) and known[0] == EXPANDED
    return replace(rdf_format("jsonld"), context=None if expanded else context_url(), expanded=expanded)


def jsonld_media_type(output: Format) -> str:
    """The Content-Type of a JSON-LD answer, naming its form."""
    return f'{JSONLD}; profile="{EXPANDED if output.expanded else COMPACTED}"'


def context_url() -> str:
    """Where this server publishes the JSON-LD context its documents name."""
    return request.url_root + CONTEXT_PATH


def _with_jsonld_profile(offer: Offer, accepted: str) -> Offer:
    if offer.key != "jsonld":
        return offer
    output = jsonld_format(accepted)
    return replace(offer, rdf=output, media_type=jsonld_media_type(output))


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
