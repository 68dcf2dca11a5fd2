"""The applications floor (every company's list read straight from both platforms): a read
whose pooled connection the platform dropped is sent once more and counted; any other
failure fails the sample and names its platform and cause."""

from __future__ import annotations

import httpx
import respx

from bench.applications import PlatformFloor

MESAIDES = "http://mesaides.test"
DEL = "http://del.test"
SIRETS = ["84215637400014", "35600000000048"]


async def test_a_read_whose_connection_was_dropped_is_sent_again_and_counted() -> None:
    with respx.mock(assert_all_called=True) as mock:
        demandes = mock.get(f"{MESAIDES}/api/v1/demandes").mock(
            side_effect=[httpx.ReadError("connection reset"), *[httpx.Response(200, json=[])] * 2]
        )
        dossiers = mock.post(f"{DEL}/api/v2/graphql").mock(
            side_effect=[
                httpx.RemoteProtocolError("server disconnected"),
                *[httpx.Response(200, json={"data": {}})] * 2,
            ]
        )
        async with PlatformFloor(MESAIDES, DEL, SIRETS) as floor:
            _, failure = await floor.sample()
    assert failure is None
    assert floor.sent_again == 2
    assert demandes.call_count == 3 and dossiers.call_count == 3
    assert {c.request.url.params["siret"] for c in demandes.calls} == set(SIRETS)


async def test_a_failed_answer_or_a_second_drop_fails_the_sample_and_says_why() -> None:
    with respx.mock() as mock:
        mock.get(f"{MESAIDES}/api/v1/demandes").mock(return_value=httpx.Response(503))
        dossiers = mock.post(f"{DEL}/api/v2/graphql").mock(
            side_effect=httpx.ReadError("connection reset")
        )
        async with PlatformFloor(MESAIDES, DEL, SIRETS[:1]) as floor:
            _, failure = await floor.sample()
    assert failure == "mesaides: HTTP 503; del: client: ReadError"
    assert floor.sent_again == 1
    assert dossiers.call_count == 2
