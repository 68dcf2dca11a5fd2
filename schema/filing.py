"""Filing an application and requesting a payment: the two mutations (the company's members
only, ``ACT_FOR_COMPANY``) on the inputs of ``schema.application_inputs``. The logic is in
``resolvers.submissions`` and ``resolvers.payments``. ``kind`` is the graph's one
``PaymentKind`` (``schema.applications``'), converted to the rules' own."""

from __future__ import annotations

from typing import Any

import strawberry

from auth.actions import Action, Allowed
from connectors.platforms import PaymentKind
from resolvers import payment_rules
from resolvers.context import Info
from resolvers.payments import request_payment
from resolvers.submissions import submit_application
from schema.application_inputs import InvoiceInput, SubmitApplicationInput
from schema.applications import Application

__all__ = ["FilingMutation"]


def _mutation(description: str) -> Any:
    return strawberry.mutation(
        description=description, directives=[Allowed(action=Action.ACT_FOR_COMPANY)]
    )


@strawberry.type
class FilingMutation:
    @_mutation(
        "File an application on the scheme's platform (DEL or Mes aides en ligne) after the "
        "hub's checks (each refusal a BAD_USER_INPUT with its reason). The same "
        "idempotencyKey returns the same application; an unanswered filing is UNCONFIRMED "
        "until the hub finds it on the platform."
    )
    async def submit_application(
        self, info: Info, input: SubmitApplicationInput, idempotency_key: str
    ) -> Application:
        record = await submit_application(info, input.to_submission(), idempotency_key)
        return Application(record=record)

    @_mutation(
        "Request an advance, the balance or a single payment of a granted aid, per the "
        "scheme's rules (a refusal is a BAD_USER_INPUT with the rule's reason). Sending the "
        "same request again does not request twice."
    )
    async def request_payment(
        self,
        info: Info,
        application_id: strawberry.ID,
        kind: PaymentKind,
        invoices: list[InvoiceInput],
        phase: int | None = None,
    ) -> Application:
        record = await request_payment(
            info,
            str(application_id),
            payment_rules.PaymentKind(kind.value),
            [i.to_invoice() for i in invoices],
            phase,
        )
        return Application(record=record)
