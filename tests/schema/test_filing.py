"""submitApplication through the real schema, over the platform sandboxes (in process): the
checks' refusals as BAD_USER_INPUT, idempotency, an unanswered filing left UNCONFIRMED and
settled by the reconciliation job, one dossier whatever happens."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.conftest import CountingTransport, Run

LEROY = "84215637400014"
MEMBER = "claire.leroy@leroy-sas.example"
PDL = "paysdelaloire:investissement-numerique"

SUBMIT = """
mutation($input: SubmitApplicationInput!, $key: String!) {
  submitApplication(input: $input, idempotencyKey: $key) {
    id platform reference status platformStatus requested projectTitle
  }
}"""


def application_input(**changes: Any) -> dict[str, Any]:
    later = (date.today() + timedelta(days=10)).isoformat()
    given: dict[str, Any] = {
        "schemeId": PDL,
        "siret": LEROY,
        "projectTitle": "Un ERP pour l'atelier",
        "expenses": [{"amount": "20000", "category": "software", "committedOn": later}],
        "plannedStart": later,
    }
    return {**given, **changes}


async def test_a_member_files_an_application_on_the_schemes_platform(run: Run) -> None:
    result = await run(SUBMIT, as_=MEMBER, variables={"input": application_input(), "key": "k1"})

    assert result.errors is None, result.errors
    filed = result.data["submitApplication"]  # type: ignore[index]
    assert filed["status"] == "SUBMITTED"
    assert filed["requested"] == 10000
