"""Helpers for the tests that file on the platform sandboxes: a transport that loses the
platform's answers (the filing arrives, the answer times out), and the sandboxes' stores."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import httpx
from starlette.applications import Starlette

from sandbox.del_ import create_app as create_del
from sandbox.mesaides import create_app as create_mesaides
from sandbox.platforms.config import DEL_TOKEN, MESAIDES_TOKEN, PlatformConfig
from sandbox.platforms.store import Store

if TYPE_CHECKING:
    from tests.conftest import Run

__all__ = [
    "COLLABORATOR",
    "LEROY",
    "MEMBER",
    "PDL",
    "LossyTransport",
    "application_input",
    "del_app",
    "mesaides_app",
    "store_of",
    "submit",
]

LEROY = "84215637400014"
MEMBER = "claire.leroy@leroy-sas.example"
COLLABORATOR = "thomas.blanc@cabinet-blanc.example"
PDL = "paysdelaloire:investissement-numerique"

SUBMIT = """
mutation($input: SubmitApplicationInput!, $key: String!) {
  submitApplication(input: $input, idempotencyKey: $key) {
    id platform reference status platformStatus requested projectTitle
  }
}"""


class LossyTransport(httpx.AsyncBaseTransport):
    """Passes requests on; while ``lose_answers``, a POST reaches the platform and its answer
    is lost (``ReadTimeout``); while ``down``, nothing reaches it (``ConnectTimeout``)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.lose_answers = False
        self.down = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectTimeout("the platform is down", request=request)
        response = await self.inner.handle_async_request(request)
        if self.lose_answers and request.method == "POST" and _is_write(request):
            await response.aread()
            raise httpx.ReadTimeout("the answer was lost", request=request)
        return response


def _is_write(request: httpx.Request) -> bool:
    """A filing or a payment request (DEL's reads are POSTs of queries too)."""
    if request.url.path.startswith("/api/v1/demandes"):
        return True
    return b"mutation" in request.content


def mesaides_app(config: PlatformConfig) -> Starlette:
    return create_mesaides(replace(config, token=MESAIDES_TOKEN))


def del_app(config: PlatformConfig) -> Starlette:
    return create_del(replace(config, token=DEL_TOKEN))


async def store_of(app: Starlette) -> Store:
    if hasattr(app.state, "store"):
        found: Store = await app.state.store.get()
        return found
    store: Store = app.state.world.store
    return store


def application_input(**changes: Any) -> dict[str, Any]:
    later = (date.today() + timedelta(days=10)).isoformat()
    given: dict[str, Any] = {
        "schemeId": PDL,
        "siret": LEROY,
        "projectTitle": "Un ERP pour l'atelier",
        "expenses": [{"amount": "20000", "category": "software", "committedOn": later}],
        "plannedStart": later,
    }
    return {**given, **changes}


async def submit(run: Run, key: str = "k-1", as_: str = MEMBER, **changes: Any) -> Any:
    return await run(SUBMIT, as_=as_, variables={"input": application_input(**changes), "key": key})
