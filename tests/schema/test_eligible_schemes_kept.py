"""A company's eligible schemes through the compiled path, request after request: the
answer of each verdict is kept by the verdict's name (``SchemeVerdict.kept_as``), and every
answer is the one graphql-core gives, for every viewer, until the verdicts change."""

from __future__ import annotations

from typing import Any

import pytest
from cachetools import LRUCache

from auth.identity import Authenticator
from auth.tokens import DevTokenIssuer
from auth.viewer import ANONYMOUS, Viewer
from gateway.errors import HubSchema
from resolvers import schemes
from resolvers.context import Context, Services
from tests.execution_paths import ExecutionPath

LEROY = "84215637400014"
ELIGIBLE = """
query($siret: String!) { company(siret: $siret) { eligibleSchemes {
  scheme { id title kind } verdict missing criteria { name outcome value detail missing } } } }
"""
VIEWERS = [None, "claire.leroy@leroy-sas.example", "pierre.durand@cci-gard.example",
           "julien.garcia@bge-occitanie.example", "helene.vidal@laregion.example"]  # fmt: skip


async def _viewer(services: Services, issuer: DevTokenIssuer, email: str | None) -> Viewer:
    if email is None:
        return ANONYMOUS
    token = issuer.issue(subject=email, email=email)
    return await Authenticator(issuer, services.hub, services.directory).viewer(f"Bearer {token}")


async def test_kept_answers_are_graphql_cores_for_every_viewer_until_the_verdicts_change(
    schema: HubSchema,
    services: Services,
    issuer: DevTokenIssuer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compiled, core = ExecutionPath("compiled"), ExecutionPath("graphql-core")
    variables = {"siret": LEROY}
    for round_ in range(2):
        if round_:  # new verdicts (as a new day, a new aid or a new catalogue would make)
            monkeypatch.setattr(schemes, "_VERDICTS", LRUCache(maxsize=200))
        for email in VIEWERS:
            viewer = await _viewer(services, issuer, email)
            expected = await core.execute(schema, ELIGIBLE, viewer, services, "core", variables)
            for attempt in range(3):  # the bytes the HTTP view sends, the kept ones included
                answer = await compiled.execute(
                    schema, ELIGIBLE, viewer, services, f"kept-{attempt}", variables
                )
                assert answer.data == expected.data, (email, attempt)
                assert bool(answer.errors) == bool(expected.errors)
            if (expected.data or {}).get("company", {}).get("eligibleSchemes"):  # tier 2
                first = await _verdicts(schema, viewer, services, variables)
                second = await _verdicts(schema, viewer, services, variables)
                assert first[0] is second[0]  # the second plan run hands out the first's
    assert compiled.answered_by_plan >= 2 * 3 * 3  # the three tier-2 viewers, three times, twice


async def _verdicts(
    schema: HubSchema, viewer: Viewer, services: Services, variables: dict[str, str]
) -> Any:
    """The verdicts of the plan's answer, not encoded (its kept answers as they are kept)."""
    context = Context.create(viewer, services, "kept-data")
    answer = await schema.compiled.answer(ELIGIBLE, None, variables, viewer, context)
    assert answer is not None
    return answer["data"]["company"]["eligibleSchemes"]
