"""requestPayment through the real schema, over the Mes aides en ligne sandbox: a Pays de la
Loire aid granted on the platform, its advance accepted on a signed and stamped quote, the
rules' refusals with their reasons, one request on the platform whatever the retries."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from starlette.applications import Starlette

from connectors.calendar import hub_today
from connectors.platforms import Lifecycle
from sandbox.platforms.config import PlatformConfig
from tests.conftest import CountingTransport
from tests.platforms import MEMBER, LossyTransport, mesaides_app, store_of, submit

if TYPE_CHECKING:
    from tests.conftest import Run

REFERENT = "pierre.durand@cci-gard.example"
OTHER_COMPANY = "antoine.fabre@menuiserie-fabre.example"
PAY = """
mutation($id: ID!, $kind: PaymentKind!, $invoices: [InvoiceInput!]!) {
  requestPayment(applicationId: $id, kind: $kind, invoices: $invoices) {
    id status paid payments { kind amount status }
  }
}"""
QUOTE = {"reference": "DEVIS-12", "amount": "20000", "signed": True, "stamped": True}


@pytest.fixture
def platform_app(platforms_config: PlatformConfig) -> Starlette:
    return mesaides_app(platforms_config)


@pytest.fixture
def lossy(platform_app: Starlette) -> LossyTransport:
    return LossyTransport(httpx.ASGITransport(app=platform_app))


@pytest.fixture
def mesaides_upstream(lossy: LossyTransport) -> CountingTransport:
    return CountingTransport(lossy)


@pytest.fixture
async def granted(run: Run, platform_app: Starlette) -> str:
    """LEROY's PDL application, filed through the hub and granted €10,000 today: its id."""
    filed = (await submit(run)).data["submitApplication"]
    (await store_of(platform_app)).instruct(
        filed["reference"], now=datetime.now(UTC), status=Lifecycle.GRANTED,
        platform_status="Attribuée", granted=10_000, decided_at=hub_today(),
        expenses_from=hub_today() - timedelta(days=1),
    )  # fmt: skip
    return str(filed["id"])


async def pay(
    run: Run, id_: str, kind: str, invoices: list[dict[str, Any]], as_: str = MEMBER
) -> Any:
    return await run(PAY, as_=as_, variables={"id": id_, "kind": kind, "invoices": invoices})


async def test_the_advance_is_30_percent_on_a_signed_and_stamped_quote(
    run: Run, granted: str, platform_app: Starlette
) -> None:
    result = await pay(run, granted, "ADVANCE", [QUOTE])

    assert result.errors is None, result.errors
    answered = result.data["requestPayment"]
    assert answered["status"] == "PAYMENT_REQUESTED"
    assert answered["payments"] == [{"kind": "ADVANCE", "amount": 3000, "status": "REQUESTED"}]


async def test_an_advance_on_an_unsigned_quote_is_refused_with_the_rule(
    run: Run, granted: str, platform_app: Starlette
) -> None:
    result = await pay(run, granted, "ADVANCE", [{**QUOTE, "signed": False}])

    [error] = result.errors
    assert (error.extensions["code"], error.extensions["rule"]) == (
        "BAD_USER_INPUT", "advance_quote",
    )  # fmt: skip
    assert "signed and stamped" in error.message


async def test_a_balance_on_an_invoice_without_its_stamp_is_refused(run: Run, granted: str) -> None:
    invoice = {"reference": "F-1", "amount": "20000", "paidOn": hub_today().isoformat(),
               "signed": True, "stamped": False}  # fmt: skip

    result = await pay(run, granted, "BALANCE", [invoice])

    [error] = result.errors
    assert error.extensions["rule"] == "invoice_mentions" and "the stamp" in error.message


async def test_an_aid_not_granted_yet_has_no_payment(run: Run, platform_app: Starlette) -> None:
    filed = (await submit(run)).data["submitApplication"]

    result = await pay(run, filed["id"], "ADVANCE", [QUOTE])

    assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"
    assert result.errors[0].extensions["rule"] == "not_granted"


async def test_a_request_whose_answer_was_lost_is_one_request_on_the_platform(
    run: Run, granted: str, platform_app: Starlette, lossy: LossyTransport
) -> None:
    lossy.lose_answers = True
    lost = await pay(run, granted, "ADVANCE", [QUOTE])
    lossy.lose_answers = False
    again = await pay(run, granted, "ADVANCE", [QUOTE])

    assert lost.errors[0].extensions["code"] == "UPSTREAM_UNAVAILABLE"
    assert again.errors[0].extensions["rule"] == "one_advance"  # the platform has it already
    reference = base64.urlsafe_b64decode(granted).decode().rsplit(":", 1)[1]
    payments = (await store_of(platform_app)).get(reference).payments  # type: ignore[union-attr]
    assert [(p.kind.value, p.amount) for p in payments] == [("ADVANCE", 3000)]


@pytest.mark.parametrize("who", [REFERENT, OTHER_COMPANY])
async def test_only_the_companys_members_request_a_payment(
    run: Run, granted: str, who: str
) -> None:
    result = await pay(run, granted, "ADVANCE", [QUOTE], as_=who)

    assert result.errors[0].extensions["code"] == "FORBIDDEN"


async def test_an_unknown_application_is_refused_like_anothers(run: Run) -> None:
    unknown = base64.urlsafe_b64encode(b"Application:DEL:999999").decode()

    for who in (MEMBER, OTHER_COMPANY):
        result = await pay(run, unknown, "ADVANCE", [QUOTE], as_=who)
        assert result.errors[0].extensions["code"] == "FORBIDDEN"
        assert result.errors[0].message == "Not allowed: act for company."
