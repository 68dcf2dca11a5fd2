"""A scheme's eligibility as the graph answers it: its criteria are read from the engine's
own results (``CriterionCheck`` has no copy of them), every field of the GraphQL type by the
same name on the record."""

from __future__ import annotations

from dataclasses import fields

import strawberry

from resolvers.eligibility_records import CriterionResult, Outcome, SchemeVerdict, Verdict
from schema.eligibility import CriterionCheck, SchemeEligibility
from tests.resolvers.test_eligibility import scheme


def test_every_field_of_a_criterion_check_is_an_attribute_of_the_engines_result() -> None:
    checked = {field.python_name for field in CriterionCheck.__strawberry_definition__.fields}
    assert checked <= {field.name for field in fields(CriterionResult)}


async def test_a_verdicts_criteria_are_answered_from_the_engines_results() -> None:
    verdict = SchemeVerdict(
        scheme(),
        Verdict.UNKNOWN,
        (
            CriterionResult("openDates", Outcome.MET, "2026-11-23", "open (no closing date)"),
            CriterionResult("headcount", Outcome.UNKNOWN, None, "under 50 staff", ("staff",)),
        ),
        ("staff",),
    )

    @strawberry.type
    class Query:
        @strawberry.field
        def eligibility(self) -> SchemeEligibility:
            return SchemeEligibility.of(verdict)

    result = await strawberry.Schema(query=Query).execute(
        "{ eligibility { verdict criteria { name outcome value detail missing } missing } }"
    )

    assert result.errors is None, result.errors
    criteria = [
        {"name": "openDates", "outcome": "MET", "value": "2026-11-23",
         "detail": "open (no closing date)", "missing": []},
        {"name": "headcount", "outcome": "UNKNOWN", "value": None, "detail": "under 50 staff",
         "missing": ["staff"]},
    ]  # fmt: skip
    assert result.data == {
        "eligibility": {"verdict": "UNKNOWN", "criteria": criteria, "missing": ["staff"]}
    }
