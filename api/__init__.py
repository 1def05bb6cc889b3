"""The Flask app: SPARQL endpoint, REST API of named queries, linked data, analytics.

`create_app(settings)` never reads `sys.argv`; the CLI and the tests build the
settings and hand them over. One blueprint per feature, one error envelope.
"""

from __future__ import annotations

from flask import Flask

from api.cors import register_cors
from api.errors import register_error_handlers
from api.http_caching import register_http_caching
from api.result_cache import ResultCache
from api.rendering import register_template_helpers
from graph.config import Settings
from graph.store import GraphStore, StoreProvider


def create_app(settings: Settings | None = None, store: GraphStore | None = None, provider: StoreProvider | None = None) -> Flask:
    """Build the app for the given settings; pass `store` to serve a store you opened yourself, or the `provider`
    of the store to serve (`govgraph serve` hands each worker one for the copy it was forked with)."""
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["GOVGRAPH_SETTINGS"] = settings
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    app.extensions["govgraph_store"] = provider = provider or StoreProvider(settings, store)
    register_error_handlers(app)
    register_template_helpers(app)
    register_http_caching(app)
    app.wsgi_app = ResultCache(app.wsgi_app, lambda: provider.current()[1], settings.cache_bytes)  # type: ignore[method-assign]
    register_cors(app, read_by_post=("sparql.endpoint",))  # SPARQL queries may come by POST; updates never get CORS
    # Blueprints, one per feature:
    from api.linked_data import register_linked_data_pages; register_linked_data_pages(app)  # noqa: E702
    from api.analytics import bp as analytics_blueprint; app.register_blueprint(analytics_blueprint)  # noqa: E702
    from api.sparql import bp as sparql_blueprint; app.register_blueprint(sparql_blueprint)  # noqa: E702
    from api.queries import blueprint as queries_blueprint; app.register_blueprint(queries_blueprint)  # noqa: E702
    return app
