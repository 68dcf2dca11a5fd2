"""A partner's client keeps no cookie: what one call's answer sets is never sent with the
next call, whoever it is made for; and every partner connector builds its client so."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from connectors.catalogues.connector import _client as catalogue_client
from connectors.del_.config import DelConfig
from connectors.del_.config import create_client as del_client
from connectors.entreprise.config import EntrepriseConfig
from connectors.entreprise.config import create_client as entreprise_client
from connectors.events.connector import EventsConfig
from connectors.events.connector import _client as events_client
from connectors.http.clients import partner_client
from connectors.mesaides.config import MesAidesConfig
from connectors.mesaides.config import create_client as mesaides_client
from connectors.news.connector import NewsConfig
from connectors.news.connector import _client as news_client


def _answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200,
        headers={"Set-Cookie": "session=viewer-a; Path=/"},
        json={"cookie": request.headers.get("cookie")},
    )


async def test_a_cookie_a_partner_sets_is_never_sent_back() -> None:
    async with partner_client(
        base_url="http://partner.test", transport=httpx.MockTransport(_answer)
    ) as client:
        first = await client.get("/for-viewer-a")
        second = await client.get("/for-viewer-b")
        assert first.json() == {"cookie": None}
        assert second.json() == {"cookie": None}
        assert len(client.cookies.jar) == 0


async def test_a_partner_client_is_given_no_cookie_to_send() -> None:
    with pytest.raises(ValueError, match="sends no cookie"):
        partner_client(cookies={"session": "x"})
    async with partner_client() as client:
        with pytest.raises(ValueError, match="sends no cookie"):
            client.cookies = {"session": "x"}  # type: ignore[assignment]


async def test_a_plain_httpx_client_would_send_it_back() -> None:
    """What the partner client prevents (so the test above can fail)."""
    async with httpx.AsyncClient(
        base_url="http://partner.test", transport=httpx.MockTransport(_answer)
    ) as client:
        await client.get("/for-viewer-a")
        assert (await client.get("/for-viewer-b")).json() == {"cookie": "session=viewer-a"}


@pytest.mark.parametrize(
    "made",
    [
        lambda: entreprise_client(
            EntrepriseConfig(base_url="http://e.test", token="t", recipient="20005379100014")
        ),
        lambda: del_client(DelConfig(base_url="http://d.test", token="t")),
        lambda: mesaides_client(MesAidesConfig(base_url="http://m.test", token="t")),
        lambda: catalogue_client("http://c.test"),
        lambda: events_client(EventsConfig(base_url="http://o.test", agenda_uid="1", key="k")),
        lambda: news_client(NewsConfig(base_url="http://n.test")),
    ],
    ids=["api-entreprise", "del", "mes-aides", "catalogues", "events", "news"],
)
async def test_partner_connectors_build_clients_without_cookies(
    made: Callable[[], httpx.AsyncClient],
) -> None:
    client = made()
    try:
        url = client.base_url.join("/x")
        answer = httpx.Response(
            200,
            headers={"Set-Cookie": "session=viewer-a; Path=/"},
            request=httpx.Request("GET", url),
        )
        client.cookies.extract_cookies(answer)  # what httpx does with every answer
        assert len(client.cookies.jar) == 0
    finally:
        await client.aclose()
