"""GraphiQL in headless Chromium, with the network closed to everything but the gateway: a
query with a token, the sandbox persona picker, a subscription over the page's websocket."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import Locator, Page, Route, async_playwright
from starlette.types import ASGIApp

from gateway.app import create_app, dev_issuer
from gateway.graphiql import ASSETS, STATIC_DIR
from gateway.settings import Settings
from tests.conftest import CountingTransport
from tests.servers import serving

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


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, dev_secret_file=tmp_path / "secret")


@pytest.fixture
def graphiql_app(settings: Settings, upstream: CountingTransport) -> ASGIApp:
    """The real gateway; API Entreprise is the sandbox, in-process (the browser only ever
    talks to the gateway)."""
    sandbox = httpx.AsyncClient(
        base_url="http://sandbox.test",
        transport=upstream,
        headers={"Authorization": "Bearer sandbox-token"},
    )
    return create_app(settings, entreprise_client=sandbox)


@pytest.fixture
async def gateway_url(graphiql_app: ASGIApp) -> AsyncIterator[str]:
    async with serving(graphiql_app) as url:
        yield url


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


_SHEET = 'query Sheet { company(siret: "84215637400014") { name turnover { year amount } } }'
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


async def test_graphiql_runs_a_query_with_the_referents_token(
    page: Page, gateway_url: str, network: _ClosedNetwork, settings: Settings
) -> None:
    token = dev_issuer(settings).issue(
        subject="pierre.durand@cci-gard.example", email="pierre.durand@cci-gard.example"
    )
    headers = json.dumps({"Authorization": f"Bearer {token}"})
    await page.goto(f"{gateway_url}/graphql")
    await _editor(page, _HEADERS_EDITOR).wait_for()

    await _set_editor_text(page, _QUERY_EDITOR, _SHEET)
    await _set_editor_text(page, _HEADERS_EDITOR, headers)
    # GraphiQL takes in an edit (the operation name, the headers) after a debounce, then
    # stores it: the headers are stored only because the page sets shouldPersistHeaders.
    await page.wait_for_function(
        "([query, headers]) => localStorage.getItem('graphiql:query') === query"
        " && localStorage.getItem('graphiql:headers') === headers",
        arg=[_SHEET, headers],
    )
    await page.locator(".graphiql-execute-button").click()

    response_pane = page.locator(".graphiql-response")
    # The tier-2 turnover shows: the token reached the gateway and opened the referent's view.
    await response_pane.get_by_text("3412000").wait_for()
    text = await response_pane.inner_text()
    assert "LEROY SAS" in text and "FORBIDDEN" not in text
    assert network.refused == []


_PERSONA = "select[aria-label=Persona]"
_EXECUTE = ".graphiql-execute-button"


async def _run_as(page: Page, persona: str, query: str) -> None:
    """Picks a persona, types the query and runs it, once GraphiQL has taken both in."""
    await page.locator(_PERSONA).select_option(persona)
    await _set_editor_text(page, _QUERY_EDITOR, query)
    await page.wait_for_function(
        "query => localStorage.getItem('graphiql:query') === query"
        " && (localStorage.getItem('graphiql:headers') || '').includes('Bearer ')",
        arg=query,
    )
    await page.locator(_EXECUTE).click()


async def test_graphiql_persona_picker_signs_in_and_shows_each_viewers_tier(
    page: Page, gateway_url: str, network: _ClosedNetwork
) -> None:
    await page.goto(f"{gateway_url}/graphql")
    await page.locator(_PERSONA).wait_for()
    response_pane = page.locator(".graphiql-response")

    # An agent of another structure: tier 1 on LEROY, its turnover refused.
    await _run_as(page, "network-agent", _SHEET)
    await response_pane.get_by_text("FORBIDDEN").wait_for()
    assert "3412000" not in await response_pane.inner_text()

    # LEROY's accepted referent: the tier-2 turnover shows.
    await _run_as(page, "referent", _SHEET)
    await response_pane.get_by_text("3412000").wait_for()
    assert "FORBIDDEN" not in await response_pane.inner_text()
    headers = json.loads(await _editor_text(page, _HEADERS_EDITOR))
    assert list(headers) == ["Authorization"] and headers["Authorization"].startswith("Bearer ")
    assert network.refused == []


async def test_graphiql_runs_a_subscription_and_shows_its_events(
    page: Page, gateway_url: str, network: _ClosedNetwork, settings: Settings
) -> None:
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    sent: list[str] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(str(frame))))
    await page.goto(f"{gateway_url}/graphql")
    await page.locator(_PERSONA).wait_for()

    await _run_as(page, "administrator", "subscription Live { notifications { kind } }")
    async with asyncio.timeout(20):
        while not any('"subscribe"' in frame for frame in sent):
            await asyncio.sleep(0.05)
    # LEROY's mandataire asks to change referent: the administrator is told, live.
    claire = "claire.leroy@leroy-sas.example"
    token = dev_issuer(settings).issue(subject=claire, email=claire)
    ask = 'mutation { requestReferentChange(siret: "84215637400014", message: "Plus proche") }'
    async with httpx.AsyncClient(base_url=gateway_url) as client:
        answer = await client.post(
            "/graphql", json={"query": ask}, headers={"Authorization": f"Bearer {token}"}
        )
    assert "errors" not in answer.json(), answer.text

    response_pane = page.locator(".graphiql-response")
    await response_pane.get_by_text("REFERENT_CHANGE_REQUESTED").wait_for()
    assert any('"connection_init"' in frame and "Bearer " in frame for frame in sent)
    assert network.refused == []
    assert console_errors == []
