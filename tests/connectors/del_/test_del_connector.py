"""The DEL connector over respx: GraphQL documents, parsing, cursor paging, GraphQL and HTTP
errors, 429, idempotent mutations, finding by key, payments, changes since."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime

import httpx
import pytest
import respx
from del_wire import PATH, SIRET, TOKEN, FakeSleep, connection, dossier

from connectors.del_ import DelConnector
from connectors.errors import NotFound, RateLimited, UpstreamRefused, UpstreamUnavailable
from connectors.platforms import (
    Expense,
    Lifecycle,
    NewApplication,
    PaymentKind,
    PaymentRequest,
    PaymentStatus,
    Platform,
)

NEW = NewApplication(
    siret=SIRET, scheme_id="region:parcours-industrie-du-futur",
    project_title="Diagnostic", requested=20_000, expenses=(Expense("Conseil", 40_000),),
)  # fmt: skip
STATES = [
    ("en_construction", None, Lifecycle.SUBMITTED),
    ("en_construction", "Pièces manquantes", Lifecycle.INCOMPLETE),
    ("en_instruction", None, Lifecycle.UNDER_REVIEW),
    ("en_instruction", "Dossier complet", Lifecycle.ACKNOWLEDGED),
    ("accepte", None, Lifecycle.GRANTED),
    ("accepte", "Demande de paiement reçue", Lifecycle.PAYMENT_REQUESTED),
    ("accepte", "Avance versée", Lifecycle.ADVANCE_PAID),
    ("accepte", "Soldé", Lifecycle.CLOSED),
    ("refuse", None, Lifecycle.REJECTED),
    ("sans_suite", None, Lifecycle.WITHDRAWN),
]


def sent(route: respx.Route, n: int = 0) -> dict:  # type: ignore[type-arg]
    return json.loads(route.calls[n].request.content)  # type: ignore[no-any-return]


async def test_reads_a_dossier_into_the_neutral_record(
    router: respx.MockRouter, connector: DelConnector
) -> None:
    route = router.post(PATH).respond(json={"data": {"dossier": dossier()}})

    application = await connector.application("4021")

    assert application.platform is Platform.DEL
    assert application.reference == "4021"
    assert application.siret == SIRET
    assert application.scheme_id == "region:parcours-industrie-du-futur"
    assert application.status is Lifecycle.ADVANCE_PAID
    assert application.platform_status == "accepte · Avance versée"
    assert (application.requested, application.granted, application.paid) == (
        20_000,
        20_000,
        14_000,
    )
    assert application.decided_at == date(2022, 4, 16)
    assert application.expenses_from == date(2022, 2, 15)
    assert application.documents[0].name == "devis.pdf"
    assert application.payments[0].kind is PaymentKind.ADVANCE
    assert application.payments[0].status is PaymentStatus.PAID
    assert [h.status for h in application.history] == [
        Lifecycle.SUBMITTED, Lifecycle.UNDER_REVIEW, Lifecycle.GRANTED,
    ]  # fmt: skip
    assert sent(route)["variables"] == {"number": 4021}
    assert route.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize(("state", "suivi", "status"), STATES)
async def test_every_dossier_state_is_read(
    router: respx.MockRouter, connector: DelConnector, state: str, suivi: str | None,
    status: Lifecycle,
) -> None:  # fmt: skip
    router.post(PATH).respond(json={"data": {"dossier": dossier(7, state, suivi)}})

    assert (await connector.application("7")).status is status


async def test_cursor_pages_are_followed_newest_first(
    router: respx.MockRouter, connector: DelConnector
) -> None:
    route = router.post(PATH)
    older = dossier(12, dateDepot="2020-01-01T10:00:00+01:00")
    route.side_effect = [
        httpx.Response(200, json=connection([older], end="c1")),
        httpx.Response(200, json=connection([dossier(40)])),
    ]

    found = await connector.applications(SIRET)

    assert [a.reference for a in found] == ["40", "12"]
    assert sent(route, 0)["variables"] == {"siret": SIRET, "first": 2, "after": None}
    assert sent(route, 1)["variables"]["after"] == "c1"


async def test_unknown_dossier_is_not_found(
    router: respx.MockRouter, connector: DelConnector
) -> None:
    router.post(PATH).respond(json={
        "data": None,
        "errors": [{"message": "Dossier not found", "extensions": {"code": "not_found"}}],
    })  # fmt: skip

    with pytest.raises(NotFound):
        await connector.application("999")


async def test_a_non_numeric_number_is_not_found_without_a_call(connector: DelConnector) -> None:
    with pytest.raises(NotFound):
        await connector.application("MAEL-1")


async def test_another_graphql_error_is_a_refusal(
    router: respx.MockRouter, connector: DelConnector
) -> None:
    router.post(PATH).respond(json={"errors": [{"message": "Field 'x' doesn't exist"}]})

    with pytest.raises(UpstreamRefused):
        await connector.applications(SIRET)


async def test_a_5xx_past_the_retries_is_unavailable(
    router: respx.MockRouter, connector: DelConnector
) -> None:
    route = router.post(PATH).respond(503)

    with pytest.raises(UpstreamUnavailable):
        await connector.applications(SIRET)

    assert route.call_count == 3


async def test_429_waits_retry_after(
    router: respx.MockRouter, connector: DelConnector, fake_sleep: FakeSleep
) -> None:
    route = router.post(PATH)
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": "1"}),
        httpx.Response(200, json=connection([dossier()])),
    ]

    assert len(await connector.applications(SIRET)) == 1
    assert fake_sleep.delays == [1.0]


async def test_429_past_the_retries_is_rate_limited(
    router: respx.MockRouter, connector: DelConnector
) -> None:
    router.post(PATH).respond(429, headers={"Retry-After": "1"})

    with pytest.raises(RateLimited):
        await connector.applications(SIRET)


async def test_deposit_carries_the_key_and_is_retried_after_a_timeout(
    router: respx.MockRouter, connector: DelConnector
) -> None:
    route = router.post(PATH)
    answer = {"data": {"dossierDeposer": {"dossier": dossier(50, "en_construction", None,
                                                             idempotencyKey="k-1"),
                                          "errors": None}}}  # fmt: skip
    route.side_effect = [httpx.ReadTimeout("slow"), httpx.Response(200, json=answer)]

    application = await connector.file(NEW, "k-1")

    assert application.reference == "50"
    assert application.status is Lifecycle.SUBMITTED
    assert route.call_count == 2
    variables = sent(route)["variables"]["input"]
    assert variables["idempotencyKey"] == "k-1"
    assert variables["dispositif"] == "region:parcours-industrie-du-futur"
    assert {"label": "Montant sollicité", "value": "20000.00"} in variables["champs"]


async def test_a_deposit_refused_by_del_says_why(
    router: respx.MockRouter, connector: DelConnector
) -> None:
    router.post(PATH).respond(json={"data": {"dossierDeposer": {
        "dossier": None, "errors": [{"message": "La démarche est close"}]}}})  # fmt: skip

    with pytest.raises(UpstreamRefused, match="close"):
        await connector.file(NEW, "k-2")


async def test_find_by_key_answers_the_dossier_or_none(
    router: respx.MockRouter, connector: DelConnector
) -> None:
    route = router.post(PATH)
    route.side_effect = [
        httpx.Response(200, json={"data": {"dossierByIdempotencyKey": dossier(51)}}),
        httpx.Response(200, json={"data": {"dossierByIdempotencyKey": None}}),
    ]

    found = await connector.find_by_key("k")
    missing = await connector.find_by_key("nope")

    assert found is not None and found.reference == "51"
    assert missing is None


async def test_payment_request_sends_the_nature_and_key(
    router: respx.MockRouter, connector: DelConnector
) -> None:
    route = router.post(PATH).respond(json={"data": {"dossierDemanderPaiement": {
        "dossier": dossier(4021, "accepte", "Demande de paiement reçue"), "errors": []}}})  # fmt: skip

    application = await connector.request_payment(
        "4021", PaymentRequest(PaymentKind.BALANCE, 6_000), "pay-1"
    )

    assert application.status is Lifecycle.PAYMENT_REQUESTED
    variables = sent(route)["variables"]["input"]
    assert (variables["nature"], variables["montant"], variables["idempotencyKey"]) == (
        "solde", "6000.00", "pay-1",
    )  # fmt: skip


async def test_changed_since_passes_the_moment_oldest_change_first(
    router: respx.MockRouter, connector: DelConnector
) -> None:
    route = router.post(PATH).respond(json=connection([
        dossier(2, dateDerniereModification="2022-07-01T10:00:00+02:00"),
        dossier(1, dateDerniereModification="2022-06-01T10:00:00+02:00"),
    ]))  # fmt: skip
    since = datetime(2022, 5, 1, tzinfo=UTC)

    found = await connector.changed_since(since)

    assert [a.reference for a in found] == ["1", "2"]
    assert sent(route)["variables"]["updatedSince"] == since.isoformat()


async def test_a_cached_list_is_parsed_once_into_immutable_records(
    router: respx.MockRouter, connector: DelConnector, monkeypatch: pytest.MonkeyPatch
) -> None:
    route = router.post(PATH).respond(json=connection([dossier(40)]))
    await connector.applications(SIRET)
    parses: list[object] = []
    real = DelConnector._listed
    monkeypatch.setattr(DelConnector, "_listed", lambda self, p: parses.append(p) or real(self, p))

    first = await connector.applications(SIRET)
    again = await connector.applications(SIRET)

    assert again is first and len(parses) == 1 and route.call_count == 1
    assert isinstance(first, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        first[0].status = Lifecycle.GRANTED  # type: ignore[misc]
