"""The bench's direct reads of the submission platforms (the applications floor): a read
whose pooled connection the platform dropped is sent once more and counted; any other
failure is the read's answer, not hidden."""

from __future__ import annotations

import httpx
import pytest
import respx

from bench.platforms import PlatformClients

MESAIDES = "http://mesaides.test"
DEL = "http://del.test"
SIRET = "84215637400014"


async def test_a_read_whose_connection_was_dropped_is_sent_again_and_counted() -> None:
    with respx.mock(assert_all_called=True) as mock:
        demandes = mock.get(f"{MESAIDES}/api/v1/demandes").mock(
            side_effect=[httpx.ReadError("connection reset"), httpx.Response(200, json=[])]
        )
        dossiers = mock.post(f"{DEL}/api/v2/graphql").mock(
            side_effect=[
                httpx.RemoteProtocolError("server disconnected"),
                httpx.Response(200, json={"data": {}}),
            ]
        )
        async with PlatformClients(MESAIDES, DEL) as clients:
            assert await clients.mesaides(SIRET) is None
            assert await clients.del_(SIRET) is None
            assert clients.sent_again == 2
    assert demandes.call_count == 2 and dossiers.call_count == 2
    assert demandes.calls.last.request.url.params["siret"] == SIRET


async def test_a_failed_answer_or_a_second_drop_is_not_sent_again_and_not_hidden() -> None:
    with respx.mock() as mock:
        mock.get(f"{MESAIDES}/api/v1/demandes").mock(return_value=httpx.Response(503))
        dossiers = mock.post(f"{DEL}/api/v2/graphql").mock(
            side_effect=httpx.ReadError("connection reset")
        )
        async with PlatformClients(MESAIDES, DEL) as clients:
            assert await clients.mesaides(SIRET) == "HTTP 503"
            with pytest.raises(httpx.ReadError):
                await clients.del_(SIRET)
            assert clients.sent_again == 1
    assert dossiers.call_count == 2
