"""GraphiQL in headless Chromium, with the network closed to everything but the gateway."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import strawberry
import uvicorn
from playwright.async_api import Locator, Page, Route, async_playwright
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route as StarletteRoute
from starlette.types import ASGIApp
from strawberry.asgi import GraphQL

from gateway.graphiql import ASSETS, STATIC_DIR, graphiql_csp, graphiql_html, graphiql_routes

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not CHROMIUM.is_file(), reason=f"{CHROMIUM} is missing (`make browser` installs it)"
    ),
    pytest.mark.skipif(
        not all((STATIC_DIR / name).is_file() for name in ASSETS),
        reason=f"GraphiQL assets are not built in {STATIC_DIR} (`make assets`)",
    ),
]


@strawberry.type
class _Query:
    @strawberry.field
    def hello(self, info: strawberry.Info) -> str:
        authorization = info.context["request"].headers.get("authorization")
        return f"Hello, {authorization or 'anonymous'}!"


@pytest.fixture
def graphiql_app() -> ASGIApp:
    """The app under test: GraphiQL on GET /graphql, its assets, and a GraphQL endpoint."""

    async def graphiql_page(request: Request) -> HTMLResponse:
        return HTMLResponse(graphiql_html(), headers={"Content-Security-Policy": graphiql_csp()})

    schema = strawberry.Schema(query=_Query)
    return Starlette(
        routes=[
            StarletteRoute("/graphql", graphiql_page, methods=["GET"]),
            StarletteRoute("/graphql", GraphQL(schema, graphql_ide=None), methods=["POST"]),
            *graphiql_routes(STATIC_DIR),
        ]
    )


@pytest.fixture
async def gateway_url(graphiql_app: ASGIApp) -> AsyncIterator[str]:
    config = uvicorn.Config(graphiql_app, host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    async with asyncio.timeout(10):
        while not server.started:
            if serving.done():
                serving.result()  # raises what stopped the server
            await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await serving


class _ClosedNetwork:
    """Lets requests reach the gateway only; records every other one, and aborts it."""

    def __init__(self, gateway_url: str) -> None:
        self._gateway = urlsplit(gateway_url).netloc
        self.refused: list[str] = []

    async def handle(self, route: Route) -> None:
        url = route.request.url
        if urlsplit(url).scheme == "data" or urlsplit(url).netloc == self._gateway:
            await route.continue_()
        else:
            self.refused.append(url)
            await route.abort("blockedbyclient")


@pytest.fixture
def network(gateway_url: str) -> _ClosedNetwork:
    return _ClosedNetwork(gateway_url)


@pytest.fixture
async def page(network: _ClosedNetwork) -> AsyncIterator[Page]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page()
            await page.route("**/*", network.handle)
            yield page
        finally:
            await browser.close()


_GREETING = "query Greeting { hello }"
_HEADERS = '{"Authorization": "Bearer test-token"}'
_QUERY_EDITOR = ".graphiql-query-editor"
_HEADERS_EDITOR = ".graphiql-editor-tool[aria-label=Headers]"


def _editor(page: Page, selector: str) -> Locator:
    """The visible CodeMirror 5 editor under `selector` (hidden ones stay in the DOM)."""
    return page.locator(f"{selector} .CodeMirror").filter(visible=True)


async def _editor_text(page: Page, selector: str) -> str:
    text: str = await _editor(page, selector).evaluate("e => e.CodeMirror.getValue()")
    return text


async def _set_editor_text(page: Page, selector: str, text: str) -> None:
    await _editor(page, selector).evaluate("(e, text) => e.CodeMirror.setValue(text)", text)


async def test_graphiql_loads_offline_under_its_csp_with_the_demo_query(
    page: Page, gateway_url: str, network: _ClosedNetwork
) -> None:
    # A load refused by the page's CSP never becomes a request: Chromium logs it as an error.
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    response = await page.goto(f"{gateway_url}/graphql")

    assert response is not None and response.ok
    await _editor(page, _QUERY_EDITOR).wait_for()
    assert "query CompanySheet" in await _editor_text(page, _QUERY_EDITOR)
    await _editor(page, _HEADERS_EDITOR).wait_for()
    assert network.refused == []
    assert console_errors == []


async def test_graphiql_runs_a_query_with_the_authorization_header(
    page: Page, gateway_url: str, network: _ClosedNetwork
) -> None:
    await page.goto(f"{gateway_url}/graphql")
    await _editor(page, _HEADERS_EDITOR).wait_for()

    await _set_editor_text(page, _QUERY_EDITOR, _GREETING)
    await _set_editor_text(page, _HEADERS_EDITOR, _HEADERS)
    # GraphiQL takes in an edit (the operation name, the headers) after a debounce, then
    # stores it: the headers are stored only because the page sets shouldPersistHeaders.
    await page.wait_for_function(
        "([query, headers]) => localStorage.getItem('graphiql:query') === query"
        " && localStorage.getItem('graphiql:headers') === headers",
        arg=[_GREETING, _HEADERS],
    )
    await page.locator(".graphiql-execute-button").click()

    response_pane = page.locator(".graphiql-response")
    await response_pane.get_by_text("Hello, Bearer test-token!").wait_for()
    assert network.refused == []
