"""The inputs part of submitApplication / requestPayment convert into the rules' records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from resolvers.payment_rules import Invoice
from resolvers.submission_rules import check_submission
from schema.application_inputs import (
    DeMinimisDeclarationInput,
    InvoiceInput,
    PaymentKind,
    SubmitApplicationInput,
)
from schema.eligibility import ExpenseInput


def test_a_graphql_application_reaches_the_submission_rules() -> None:
    given = SubmitApplicationInput(
        scheme_id=strawberry.ID(" paysdelaloire:investissement-numerique "),
        siret="84215637400014",
        project_title="ERP",
        expenses=[ExpenseInput(amount=Decimal(20_000), category="software",
                               committed_on=date(2021, 3, 5))],
        planned_start=date(2021, 3, 10),
        de_minimis_declaration=[DeMinimisDeclarationInput(
            grantor="Région", amount=Decimal(5000), granted_on=date(2020, 1, 2),
            regulation="EU 1407/2013")],
    )  # fmt: skip
    submission = given.to_submission()
    assert submission.expenses[0].committed_on == date(2021, 3, 5)
    verdict = check_submission(submission, deposited_on=date(2021, 3, 1))
    assert verdict.requested == Decimal(10_000)
    assert verdict.de_minimis_remaining == Decimal(185_000)


def test_the_inputs_build_into_a_schema_with_their_enum() -> None:
    @strawberry.type
    class Query:
        @strawberry.field
        def kind(self, kind: PaymentKind, invoices: list[InvoiceInput]) -> str:
            first = invoices[0].to_invoice()
            assert first == Invoice("F-1", Decimal(12), date(2022, 1, 10), True, False)
            return kind.value

        @strawberry.field
        def submit(self, input: SubmitApplicationInput) -> str:
            return input.to_submission().project_title

    schema = strawberry.Schema(query=Query)
    result = schema.execute_sync(
        'query { kind(kind: BALANCE, invoices: [{reference: "F-1", amount: "12", '
        'paidOn: "2022-01-10", stamped: true}]) }'
    )
    assert result.errors is None and result.data == {"kind": "BALANCE"}
    sdl = schema.as_str()
    assert "enum PaymentKind" in sdl and "input SubmitApplicationInput" in sdl
    assert "deMinimisDeclaration: [DeMinimisDeclarationInput!]" in sdl
