"""The Mes aides en ligne connector over respx: parsing, paging, errors, 429, idempotent
filing, finding by key, payment requests, changes since, the cached list."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime

import httpx
import pytest
import respx
from mesaides_wire import SIRET, TOKEN, FakeSleep, demande, page

from connectors.cache import RawCache
from connectors.errors import NotFound, RateLimited, UpstreamRefused, UpstreamUnavailable
from connectors.mesaides import LABELS, MesAidesConnector
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
    siret=SIRET, scheme_id="paysdelaloire:investissement-numerique",
    project_title="Logiciel de gestion", requested=15_000,
    expenses=(Expense("Logiciel", 30_000),), planned_start=date(2023, 4, 1),
)  # fmt: skip


async def test_reads_a_demande_into_the_neutral_record(
    router: respx.MockRouter, connector: MesAidesConnector
) -> None:
    router.get("/api/v1/demandes", params={"siret": SIRET}).respond(json=page([demande()]))

    [application] = await connector.applications(SIRET)

    assert application.platform is Platform.MES_AIDES_EN_LIGNE
    assert application.reference == "MAEL-2023-000123"
    assert application.scheme_id == "paysdelaloire:investissement-numerique"
    assert application.status is Lifecycle.ADVANCE_PAID
    assert application.platform_status == "Acompte versé"
    assert (application.requested, application.granted, application.paid) == (15_000, 15_000, 4_500)
    assert application.expenses_from == date(2023, 3, 10)
    assert application.decided_at == date(2023, 4, 16)
    assert application.realisation_deadline == date(2025, 4, 16)
    assert application.proofs_deadline == date(2025, 10, 16)
    assert application.documents[0].kind == "devis"
    payment = application.payments[0]
    assert (payment.kind, payment.status, payment.amount) == (
        PaymentKind.ADVANCE, PaymentStatus.PAID, 4_500,
    )  # fmt: skip
    assert [step.status for step in application.history] == [
        Lifecycle.SUBMITTED, Lifecycle.ADVANCE_PAID,
    ]  # fmt: skip


@pytest.mark.parametrize("label", list(LABELS))
async def test_every_portal_status_is_read(
    router: respx.MockRouter, connector: MesAidesConnector, label: str
) -> None:
    router.get("/api/v1/demandes/MAEL-2023-000001").respond(
        json=demande("MAEL-2023-000001", label, historique=[])
    )

    application = await connector.application("MAEL-2023-000001")

    assert application.status is LABELS[label]
    assert application.platform_status == label


async def test_pages_are_followed_and_sent_newest_first(
    router: respx.MockRouter, connector: MesAidesConnector
) -> None:
    older = demande(
        "MAEL-2021-000001", dates={**demande()["dates"], "depot": "2021-01-05T10:00:00+01:00"}
    )
    route = router.get("/api/v1/demandes")
    route.side_effect = [
        httpx.Response(200, json=page([older], page=1, pages=2)),
        httpx.Response(200, json=page([demande()], page=2, pages=2)),
    ]

    found = await connector.applications(SIRET)

    assert [a.reference for a in found] == ["MAEL-2023-000123", "MAEL-2021-000001"]
    assert [dict(call.request.url.params)["page"] for call in route.calls] == ["1", "2"]
    assert route.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"


async def test_a_fresh_list_is_answered_from_the_cache(
    router: respx.MockRouter, connector: MesAidesConnector
) -> None:
    route = router.get("/api/v1/demandes").respond(json=page([demande()]))

    await connector.applications(SIRET)
    await connector.applications(SIRET)

    assert route.call_count == 1


async def test_unknown_demande_is_not_found(
    router: respx.MockRouter, connector: MesAidesConnector
) -> None:
    router.get("/api/v1/demandes/MAEL-2023-999999").respond(
        404, json={"code": "demande_introuvable", "message": "Demande inconnue"}
    )

    with pytest.raises(NotFound):
        await connector.application("MAEL-2023-999999")


async def test_a_malformed_number_is_not_found_without_a_call(
    router: respx.MockRouter, connector: MesAidesConnector
) -> None:
    with pytest.raises(NotFound):
        await connector.application("../admin")


async def test_a_refusal_is_upstream_refused(
    router: respx.MockRouter, connector: MesAidesConnector
) -> None:
    router.get("/api/v1/demandes").respond(
        401, json={"code": "jeton_invalide", "message": "Jeton invalide"}
    )

    with pytest.raises(UpstreamRefused):
        await connector.applications(SIRET)


async def test_an_unreadable_demande_makes_the_portal_unavailable(
    router: respx.MockRouter, connector: MesAidesConnector
) -> None:
    router.get("/api/v1/demandes").respond(json=page([demande(statut="Archivée")]))

    with pytest.raises(UpstreamUnavailable):
        await connector.applications(SIRET)


async def test_429_waits_retry_after_then_succeeds(
    router: respx.MockRouter, connector: MesAidesConnector, fake_sleep: FakeSleep
) -> None:
    route = router.get("/api/v1/demandes")
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": "1"}, json={"code": "trop_de_requetes"}),
        httpx.Response(200, json=page([demande()])),
    ]

    found = await connector.applications(SIRET)

    assert len(found) == 1
    assert fake_sleep.delays == [1.0]


async def test_429_past_the_retries_is_rate_limited(
    router: respx.MockRouter, connector: MesAidesConnector
) -> None:
    router.get("/api/v1/demandes").respond(429, headers={"Retry-After": "1"})

    with pytest.raises(RateLimited):
        await connector.applications(SIRET)


async def test_stale_list_is_served_when_the_portal_fails(
    router: respx.MockRouter, connector: MesAidesConnector, cache: RawCache
) -> None:
    router.get("/api/v1/demandes").respond(503)
    # a list read earlier, past its TTL but within the stale window
    await cache.set(f"mesaides:siret:{SIRET}", {"items": [demande()]}, ttl=0, stale_ttl=3600)
    reports: list[str] = []

    found = await connector.applications(SIRET, report=reports.append)

    assert [a.reference for a in found] == ["MAEL-2023-000123"]
    assert reports == ["STALE"]


async def test_filing_sends_the_idempotency_key_and_is_retried_on_a_timeout(
    router: respx.MockRouter, connector: MesAidesConnector
) -> None:
    route = router.post("/api/v1/demandes")
    route.side_effect = [
        httpx.ReadTimeout("slow"),
        httpx.Response(200, json=demande("MAEL-2023-000200", "Transmise", cle_idempotence="key-1")),
    ]

    application = await connector.file(NEW, "key-1")

    assert application.reference == "MAEL-2023-000200"
    assert application.idempotency_key == "key-1"
    assert route.call_count == 2
    assert {call.request.headers["Idempotency-Key"] for call in route.calls} == {"key-1"}
    body = json.loads(route.calls[0].request.content)
    assert body["montant_demande"] == "15000.00"
    assert body["depenses"] == [{"libelle": "Logiciel", "montant": "30000.00", "engagee_le": None}]


async def test_a_refused_filing_is_not_retried(
    router: respx.MockRouter, connector: MesAidesConnector
) -> None:
    route = router.post("/api/v1/demandes").respond(
        422, json={"code": "demande_invalide", "message": "montant_demande manquant"}
    )

    with pytest.raises(UpstreamRefused, match="montant_demande"):
        await connector.file(NEW, "key-2")

    assert route.call_count == 1


async def test_filing_forgets_the_company_list(
    router: respx.MockRouter, connector: MesAidesConnector
) -> None:
    listing = router.get("/api/v1/demandes", params={"siret": SIRET}).respond(json=page([]))
    router.post("/api/v1/demandes").respond(201, json=demande("MAEL-2023-000201", "Transmise"))
    await connector.applications(SIRET)

    await connector.file(NEW, "key-3")
    await connector.applications(SIRET)

    assert listing.call_count == 2


async def test_find_by_key_answers_the_demande_or_none(
    router: respx.MockRouter, connector: MesAidesConnector
) -> None:
    route = router.get("/api/v1/demandes")
    route.side_effect = [
        httpx.Response(
            200, json=page([demande("MAEL-2023-000202", "Transmise", cle_idempotence="k")])
        ),
        httpx.Response(200, json=page([])),
    ]

    found = await connector.find_by_key("k")
    missing = await connector.find_by_key("other")

    assert found is not None and found.reference == "MAEL-2023-000202"
    assert missing is None
    assert dict(route.calls[0].request.url.params)["cle_idempotence"] == "k"


async def test_payment_request_is_sent_with_its_key(
    router: respx.MockRouter, connector: MesAidesConnector
) -> None:
    route = router.post("/api/v1/demandes/MAEL-2023-000123/paiements").respond(
        201, json=demande(statut="Demande de paiement transmise")
    )

    application = await connector.request_payment(
        "MAEL-2023-000123", PaymentRequest(PaymentKind.BALANCE, 10_500), "pay-1"
    )

    assert application.status is Lifecycle.PAYMENT_REQUESTED
    assert route.calls[0].request.headers["Idempotency-Key"] == "pay-1"
    assert json.loads(route.calls[0].request.content)["nature"] == "Solde"


async def test_changed_since_lists_every_page_with_the_moment(
    router: respx.MockRouter, connector: MesAidesConnector
) -> None:
    route = router.get("/api/v1/demandes").respond(json=page([demande()]))
    since = datetime(2023, 5, 1, tzinfo=UTC)

    found = await connector.changed_since(since)

    assert [a.reference for a in found] == ["MAEL-2023-000123"]
    assert dict(route.calls[0].request.url.params)["modifiees_depuis"] == since.isoformat()


async def test_a_cached_list_is_parsed_once_into_immutable_records(
    router: respx.MockRouter, connector: MesAidesConnector, monkeypatch: pytest.MonkeyPatch
) -> None:
    router.get("/api/v1/demandes").respond(json=page([demande()]))
    await connector.applications(SIRET)
    parses: list[object] = []
    real = MesAidesConnector._listed
    monkeypatch.setattr(
        MesAidesConnector, "_listed", lambda self, p: parses.append(p) or real(self, p)
    )

    first = await connector.applications(SIRET)
    again = await connector.applications(SIRET)

    assert again is first and len(parses) == 1
    assert isinstance(first, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        first[0].status = Lifecycle.GRANTED  # type: ignore[misc]


async def test_a_list_read_again_after_filing_is_parsed_anew(
    router: respx.MockRouter, connector: MesAidesConnector
) -> None:
    router.get("/api/v1/demandes", params={"siret": SIRET}).mock(side_effect=[
        httpx.Response(200, json=page([])),
        httpx.Response(200, json=page([demande("MAEL-2023-000201", "Transmise")])),
    ])  # fmt: skip
    router.post("/api/v1/demandes").respond(201, json=demande("MAEL-2023-000201", "Transmise"))
    assert await connector.applications(SIRET) == ()
    assert await connector.applications(SIRET) == ()  # the kept parse

    await connector.file(NEW, "key-4")

    assert [a.reference for a in await connector.applications(SIRET)] == ["MAEL-2023-000201"]
