"""Filing an application and requesting a payment: the inputs and the two mutations (the
company's members only, ``ACT_FOR_COMPANY``). The logic is in ``resolvers.submissions`` and
``resolvers.payments``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import strawberry

from auth.actions import Action, Allowed
from connectors.platforms import PaymentKind
from resolvers import payment_rules, submission_rules
from resolvers.context import Info
from resolvers.payments import request_payment
from resolvers.submissions import submit_application
from schema.applications import Application
from schema.eligibility import ExpenseInput

__all__ = [
    "DeMinimisDeclarationInput",
    "FilingMutation",
    "InvoiceInput",
    "SubmitApplicationInput",
]


@strawberry.input(description="A public aid received under a de minimis regulation, declared.")
class DeMinimisDeclarationInput:
    grantor: str
    amount: Decimal = strawberry.field(description="Euros (gross grant equivalent).")
    granted_on: date
    regulation: str | None = strawberry.field(
        default=None, description="`EU 2023/2831`, `1407/2013` or the agricultural `1408/2013`."
    )


@strawberry.input(description="An application for an aid, checked by the hub before it goes.")
class SubmitApplicationInput:
    scheme_id: strawberry.ID
    siret: str
    project_title: str
    expenses: list[ExpenseInput]
    planned_start: date | None = None
    de_minimis_declaration: list[DeMinimisDeclarationInput] = strawberry.field(default_factory=list)
    phase: int | None = strawberry.field(
        default=None, description="The scheme's phase, for schemes funded phase by phase."
    )

    def to_submission(self) -> submission_rules.Submission:
        return submission_rules.Submission(
            scheme_id=str(self.scheme_id).strip(),
            siret=self.siret,
            project_title=self.project_title,
            expenses=tuple(
                submission_rules.SubmittedExpense(
                    e.amount, e.category, e.days, e.committed_on, e.invoiced_on
                )
                for e in self.expenses
            ),
            planned_start=self.planned_start,
            de_minimis_declaration=tuple(
                submission_rules.DeclaredAid(a.grantor, a.amount, a.granted_on, a.regulation)
                for a in self.de_minimis_declaration
            ),
            phase=self.phase,
        )


@strawberry.input(description="An invoice (or, for an advance, the signed quote) sent with it.")
class InvoiceInput:
    reference: str
    amount: Decimal = strawberry.field(description="Euros excluding VAT.")
    paid_on: date | None = None
    stamped: bool = False
    signed: bool = False

    def to_invoice(self) -> payment_rules.Invoice:
        return payment_rules.Invoice(
            self.reference, self.amount, self.paid_on, self.stamped, self.signed
        )


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
