"""schemathesis hooks for tests/integration/test_schemathesis.py (loaded by ``st run``
through ``SCHEMATHESIS_HOOKS``): the gateway may refuse (FORBIDDEN, NOT_FOUND, BAD_USER_INPUT
are its answers, not failures), it must never fail."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

# Amounts in euros are the Decimal scalar (a JSON string such as "20000.50"): valid ones,
# negative and absurd ones, and strings that are no number at all.
schemathesis.graphql.scalar(
    "Decimal",
    st.sampled_from(["20000", "4999.99", "0", "-5", "1e12", "NaN", "abc"]).map(nodes.String),
)

# A file (Upload) comes only as a multipart part, never inside a JSON document: the one
# literal a JSON request can hold is null (refused by validation for `Upload!`).
schemathesis.graphql.scalar("Upload", st.just(nodes.Null))


@schemathesis.check
def no_server_error(ctx: Any, response: Any, case: Any) -> None:
    """No 5xx, a JSON body for every GraphQL answer, and no masked unexpected error."""
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}")
    if response.status_code != 200:
        return
    body = response.json()
    codes = {
        (error.get("extensions") or {}).get("code")
        for error in body.get("errors") or ()
        if isinstance(error, dict)
    }
    if "INTERNAL_SERVER_ERROR" in codes:
        raise AssertionError(f"unexpected error: {body['errors']}")
