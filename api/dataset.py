"""The dataset described for machines (VoID, DCAT) and people, its dumps and a sitemap."""

from __future__ import annotations

from xml.sax.saxutils import escape

from flask import Blueprint, Response, request, send_file
from werkzeug.exceptions import NotFound

from api.negotiation import OFFERS, conditional, negotiate, page_language
from api.rendering import local_href, render
from api.store_access import current_settings, current_store
from graph.describe import (
    DatasetSummary,
    dataset_description,
    dataset_iri,
    dataset_summary,
    entity_iris,
    serialize_description,
    store_modified,
)
from graph.build import DUMPS, dump_path

dataset = Blueprint("dataset", __name__)

# At /.well-known/void a client that accepts anything gets Turtle; a browser still gets the page.
RDF_FIRST = tuple(sorted(OFFERS, key=lambda offer: offer.key != "ttl"))


@dataset.get("/.well-known/void")
def void() -> Response:
    """The VoID/DCAT description, Turtle unless the client asks for another RDF format (or HTML)."""
    return _description(default_rdf=True)


@dataset.get("/dataset")
def dataset_page() -> Response:
    """The same description at the dataset's own address: a page for browsers, RDF for clients."""
    return _description(default_rdf=False)


def _description(default_rdf: bool) -> Response:
    settings = current_settings()
    offer = negotiate(RDF_FIRST if default_rdf else OFFERS)
    store = current_store()
    if offer.rdf is None:
        summary = dataset_summary(store, settings, page_language())
        response = render("dataset.html", summary=summary, dumps=DUMPS, schema_org=_schema_org(summary))
    else:
        triples = dataset_description(store, settings, request.url_root)
        response = Response(serialize_description(triples, offer.rdf), mimetype=offer.media_type)
    return conditional(response, store_modified(settings))


def _schema_org(summary: DatasetSummary) -> dict:
    """The dataset page's schema.org Dataset (downloads and sources)."""
    root = request.url_root.rstrip("/")
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": dataset_iri(current_settings()),
        "name": "govgraph",
        "url": request.base_url,
        "dateModified": summary.modified,
        "distribution": [
            {"@type": "DataDownload", "contentUrl": f"{root}/dumps/{dump.file_name}", "encodingFormat": dump.media_type} for dump in DUMPS
        ],
        "isBasedOn": [source.landing_page for source in summary.sources if source.landing_page],
        "license": summary.licence,
        "creditText": summary.attribution,
    }


@dataset.get("/dumps/<name>")
def dump(name: str) -> Response:
    """A full dump written by `govgraph build`."""
    path = dump_path(current_settings().data_dir, name)
    if path is None:
        valid = ", ".join(d.file_name for d in DUMPS)
        raise NotFound(f"no dump {name!r} here (dumps: {valid}; `govgraph build` writes them)")
    media_type = next(d.compression or d.media_type for d in DUMPS if d.file_name == name)
    return send_file(path, mimetype=media_type, as_attachment=True, download_name=name, conditional=True)


@dataset.get("/sitemap.xml")
def sitemap() -> Response:
    """Every entity page of the graph, for search engines."""
    host = request.host_url.rstrip("/")
    urls = [host + str(local_href(iri)) for iri in entity_iris(current_store(), current_settings())]
    body = render_sitemap(urls)
    return conditional(Response(body, mimetype="application/xml"), store_modified(current_settings()))


def render_sitemap(urls: list[str]) -> str:
    """The sitemap protocol's XML (the URLs are ASCII paths; escaped anyway)."""
    entries = "".join(f"<url><loc>{escape(url)}</loc></url>" for url in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>\n'
