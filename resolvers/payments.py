"""``requestPayment``: an advance, a balance or a single payment of a granted aid.

Only the company's members: anyone else is refused (FORBIDDEN) alike for an application that
exists and for an unknown id, so that the answer does not reveal which ids exist. The seeds' payment rules (``resolvers.payment_rules``) decide the
amount or refuse with their reason (``BAD_USER_INPUT``). The platform is sent the request with
an idempotency key derived from its content, so a retried call (same application, kind and
invoices) is one request on the platform.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from decimal import Decimal

from graphql import GraphQLError

from auth.actions import Action, require
from auth.viewer import ViewerKind
from connectors.calendar import hub_today
from connectors.errors import ConnectorError, UpstreamRefused
from connectors.platforms import Application, PaymentRequest, PaymentStatus
from connectors.platforms import Invoice as PlatformInvoice
from connectors.platforms import PaymentKind as PlatformPaymentKind
from resolvers.aid_estimate_inputs import UnknownScheme
from resolvers.aid_refusals import AidRuleError, bad_user_input
from resolvers.applications import application as find_application
from resolvers.context import Info
from resolvers.errors import BAD_USER_INPUT, FORBIDDEN, NOT_FOUND, UPSTREAM_UNAVAILABLE, coded_error
from resolvers.payment_rules import (
    GrantedAid,
    Invoice,
    PaymentKind,
    PaymentRecord,
    check_payment_request,
)
from resolvers.submissions import connector_for

__all__ = ["payment_key", "request_payment"]


def payment_key(application: Application, kind: PaymentKind, invoices: Sequence[Invoice]) -> str:
    """The platform's idempotency key of a payment request: its content, hashed."""
    content = {
        "platform": application.platform.value,
        "reference": application.reference,
        "kind": kind.value,
        "invoices": sorted(
            [i.reference.strip().casefold(), str(i.amount), str(i.paid_on), i.stamped, i.signed]
            for i in invoices
        ),
    }
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    return f"hub-pay-{digest[:48]}"


async def request_payment(
    info: Info,
    application_id: str,
    kind: PaymentKind,
    invoices: Sequence[Invoice],
    phase: int | None = None,
) -> Application:
    context = info.context
    viewer = context.viewer
    if viewer.kind is ViewerKind.ANONYMOUS or viewer.partner is not None:
        require(Action.ACT_FOR_COMPANY, viewer)  # UNAUTHENTICATED / FORBIDDEN, nothing read
    try:
        application = await find_application(info, application_id)
    except ConnectorError:
        raise coded_error(
            "The platform is unavailable; nothing was requested. Try again later.",
            UPSTREAM_UNAVAILABLE,
        ) from None
    except GraphQLError as error:
        if (error.extensions or {}).get("code") not in (NOT_FOUND, FORBIDDEN):
            raise
        application = None  # unknown, or not the viewer's to see: refused alike
    facts = None if application is None else await context.loaders.facts.load(application.siret)
    require(Action.ACT_FOR_COMPANY, viewer, facts=facts)  # its referent sees it, may not act
    assert application is not None  # no facts, no member: refused above
    connector = connector_for(context.services, application.platform)
    reference = application.reference
    if application.scheme_id is None or application.granted is None:
        raise coded_error(
            "A payment is requested for a granted aid (« dès réception de l'arrêté officiel "
            "d'attribution de l'aide »).",
            BAD_USER_INPUT,
            rule="not_granted",
        )
    grant = GrantedAid(
        scheme_id=application.scheme_id,
        granted=Decimal(application.granted),
        decided_on=application.decided_at,
        expenses_from=application.expenses_from,
        phase=phase,
    )
    previous = [
        PaymentRecord(
            PaymentKind(p.kind.value), Decimal(p.amount), p.status is PaymentStatus.REFUSED
        )
        for p in application.payments
    ]
    try:
        verdict = check_payment_request(
            grant, kind, invoices, requested_on=hub_today(), previous=previous
        )
    except AidRuleError as refused:
        raise bad_user_input(refused) from None
    except UnknownScheme:
        raise coded_error(
            "The hub has no payment rules for this scheme: request it on the platform.",
            BAD_USER_INPUT,
        ) from None
    request = PaymentRequest(
        kind=PlatformPaymentKind(kind.value),
        amount=int(verdict.amount),
        invoices=tuple(
            PlatformInvoice(i.reference.strip(), int(i.amount), i.paid_on, i.stamped, i.signed)
            for i in invoices
        ),
    )
    try:
        return await connector.request_payment(
            reference, request, payment_key(application, kind, invoices)
        )
    except UpstreamRefused as refused:
        raise coded_error(
            f"The platform refused the payment request: {refused.message}", BAD_USER_INPUT
        ) from None
    except ConnectorError:
        raise coded_error(
            "The platform did not answer: send the same request again (it will not be counted "
            "twice).",
            UPSTREAM_UNAVAILABLE,
        ) from None
