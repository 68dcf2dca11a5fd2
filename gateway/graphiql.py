"""GraphiQL, served by the gateway itself from assets installed at build time (no CDN)."""

from __future__ import annotations

import functools
import html
import json
from importlib.resources import files
from pathlib import Path
from string import Template

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

__all__ = [
    "ASSETS",
    "DEFAULT_QUERY",
    "STATIC_DIR",
    "STATIC_PREFIX",
    "graphiql_csp",
    "graphiql_html",
    "graphiql_routes",
]

STATIC_DIR = Path(__file__).parent / "static" / "graphiql"
STATIC_PREFIX = "/static/graphiql"

# What `web/copy-assets.sh` puts in STATIC_DIR and the page loads (licences aside).
ASSETS = (
    "graphiql.min.css",
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphiql.min.js",
    "graphiql-init.js",
)

DEFAULT_QUERY = """\
# Company LEROY by SIRET. To sign in, pick a persona (top right,
# sandbox mode) or add a header {"Authorization": "Bearer <token>"};
# `.venv/bin/hub-gateway token pierre.durand@cci-gard.example`
query CompanySheet {
  company(siret: "84215637400014") {
    siret name naf { code label } address { city postalCode } viewerAccess
    representatives { name email }
    referent { status agent { name structure { name } } }
    turnover { year amount }
  }
}
"""

# Scripts only from the gateway. Inline styles are allowed: GraphiQL's dialogs inject
# <style> elements; fonts and icons are data: URIs inside graphiql.min.css.
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline';"
    " img-src 'self' data:; font-src 'self' data:; connect-src 'self';"
    " base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@functools.cache
def _template() -> Template:
    source = files("gateway").joinpath("templates", "graphiql.html").read_text(encoding="utf-8")
    return Template(source)


def _json_for_script(value: object) -> str:
    """JSON that can sit inside a <script> element: no `</script>` or `<!--` can close it."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def graphiql_html(
    endpoint: str = "/graphql",
    static_prefix: str = STATIC_PREFIX,
    *,
    personas_url: str | None = None,
) -> str:
    """The GraphiQL page: it queries `endpoint` (subscriptions over graphql-transport-ws on
    the same path) and loads its assets from `static_prefix`. With `personas_url` (sandbox
    mode), a persona picker fills the Authorization header from that JSON list.

    `endpoint` must be on the page's origin for `graphiql_csp()` to let GraphiQL reach it.
    """
    config = {"endpoint": endpoint, "defaultQuery": DEFAULT_QUERY, "personasUrl": personas_url}
    return _template().substitute(
        static_prefix=html.escape(static_prefix.rstrip("/")),
        config=_json_for_script(config),
    )


def graphiql_csp() -> str:
    """The Content-Security-Policy header value to serve `graphiql_html()` with."""
    return _CSP


def graphiql_routes(static_dir: Path = STATIC_DIR) -> list[BaseRoute]:
    """The route serving GraphiQL's assets at STATIC_PREFIX.

    A missing `static_dir` (assets not built: `make assets`) does not stop the app; the assets
    then answer 404.
    """
    return [Mount(STATIC_PREFIX, StaticFiles(directory=static_dir, check_dir=False))]
