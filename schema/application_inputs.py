"""The inputs of ``submitApplication`` and ``requestPayment``: types only, each with the
conversion into the plain records the pure rules read (``resolvers.submission_rules``,
``resolvers.payment_rules``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from resolvers import payment_rules, submission_rules
from schema.eligibility import ExpenseInput

__all__ = [
    "DeMinimisDeclarationInput",
    "InvoiceInput",
    "PaymentKind",
    "SubmitApplicationInput",
]

strawberry.enum(
    payment_rules.PaymentKind,
    description="ADVANCE: the advance the scheme allows; BALANCE: the rest, on the proofs; "
    "SINGLE: the whole aid at once, when the scheme pays it so.",
)
PaymentKind = payment_rules.PaymentKind


@strawberry.input(description="A public aid the company received under a de minimis regulation.")
class DeMinimisDeclarationInput:
    grantor: str
    amount: Decimal = strawberry.field(description="Gross grant equivalent, in euros.")
    granted_on: date
    regulation: str | None = strawberry.field(
        default=None, description="EU 2023/2831, EU 1407/2013 or the agricultural EU 1408/2013."
    )

    def to_aid(self) -> submission_rules.DeclaredAid:
        return submission_rules.DeclaredAid(
            self.grantor, self.amount, self.granted_on, self.regulation
        )


@strawberry.input(description="An application to an aid scheme, checked before it is sent.")
class SubmitApplicationInput:
    scheme_id: strawberry.ID
    siret: str
    project_title: str
    expenses: list[ExpenseInput]
    planned_start: date | None = strawberry.field(
        default=None, description="When the project is to start (after the application)."
    )
    de_minimis_declaration: list[DeMinimisDeclarationInput] | None = strawberry.field(
        default=None, description="The de minimis aids received over the last three years."
    )
    phase: int | None = strawberry.field(
        default=None, description="The phase applied for, for a scheme funded phase by phase."
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
            de_minimis_declaration=tuple(aid.to_aid() for aid in self.de_minimis_declaration or ()),
            phase=self.phase,
        )


@strawberry.input(
    description="An invoice sent with a payment request (for an advance on a quote: the quote "
    "or order)."
)
class InvoiceInput:
    reference: str
    amount: Decimal = strawberry.field(description="In euros excluding VAT.")
    paid_on: date | None = strawberry.field(default=None, description="The payment date.")
    stamped: bool = strawberry.field(default=False, description="Carries the company's stamp.")
    signed: bool = strawberry.field(
        default=False, description="Signed by the person entitled to (« autorité compétente »)."
    )

    def to_invoice(self) -> payment_rules.Invoice:
        return payment_rules.Invoice(
            self.reference, self.amount, self.paid_on, self.stamped, self.signed
        )
