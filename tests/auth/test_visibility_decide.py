"""``VisibleTo.decide``: the permission's answer given at once when the viewer's access to
the company is already known in the request (the compiled execution's fast path), else an
awaitable of the same answer; ``has_permission`` (graphql-core's path) answers the same."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

from auth.tiers import Access, Tier
from auth.viewer import Viewer, ViewerKind
from auth.visibility import VisibleTo

AGENT = Viewer(
    ViewerKind.AGENT, account_id="a", agent_id="g", structure_id="s", network_member=True
)
SIRET = "84215637400014"
COMPANY_TIERS = (Tier.PUBLIC_IF_DIFFUSIBLE, Tier.TIER1, Tier.TIER2, Tier.PROJECT_GROUP)


@dataclass
class FakeContext:
    viewer: Viewer
    access: Access
    known: bool
    in_group: bool = False
    asked: int = 0
    reads: list[tuple[str, str, Access, bool]] = field(default_factory=list)

    async def company_access(self, siret: str) -> Access:
        self.asked += 1
        self.known = True
        return self.access

    def known_company_access(self, siret: str) -> Access | None:
        return self.access if self.known else None

    async def company_diffusible(self, siret: str) -> bool | None:
        return False

    async def may_see_agent_contact(self, agent_id: str) -> bool:
        return False

    async def in_project_group(self, siret: str) -> bool:
        return self.in_group

    def record_tier2_read(
        self, siret: str, field: str, access: Access, *, group: bool = False
    ) -> None:
        self.reads.append((siret, field, access, group))


def _info(context: FakeContext) -> Any:
    return SimpleNamespace(context=context, field_name="turnover")


async def _answer(decided: object) -> object:
    return await decided if inspect.isawaitable(decided) else decided  # type: ignore[misc]


def test_a_known_access_is_answered_at_once_and_a_tier2_read_recorded_at_once() -> None:
    context = FakeContext(AGENT, Access.TIER2, known=True)

    decided = VisibleTo(Tier.TIER2).decide(SimpleNamespace(siret=SIRET), _info(context))

    assert decided is True
    assert context.reads == [(SIRET, "turnover", Access.TIER2, False)]
    assert context.asked == 0


def test_a_known_access_below_the_tier_is_refused_at_once_and_nothing_recorded() -> None:
    context = FakeContext(AGENT, Access.TIER1, known=True)

    assert VisibleTo(Tier.TIER2).decide(SimpleNamespace(siret=SIRET), _info(context)) is False
    assert context.reads == []


async def test_an_unknown_access_is_worked_out_then_answered() -> None:
    context = FakeContext(AGENT, Access.TIER2, known=False)

    decided = VisibleTo(Tier.TIER2).decide(SimpleNamespace(siret=SIRET), _info(context))

    assert inspect.isawaitable(decided)
    assert await decided is True
    assert context.asked == 1
    assert context.reads == [(SIRET, "turnover", Access.TIER2, False)]


async def test_an_agent_of_a_project_group_reads_below_tier2_audited_as_a_group_member() -> None:
    context = FakeContext(AGENT, Access.TIER1, known=True, in_group=True)

    decided = VisibleTo(Tier.PROJECT_GROUP).decide(SimpleNamespace(siret=SIRET), _info(context))

    assert await _answer(decided) is True
    assert context.reads == [(SIRET, "turnover", Access.TIER1, True)]


@pytest.mark.parametrize(
    ("access", "in_group", "granted", "reads"),
    [
        (
            Access.TIER2,
            False,
            True,
            [("turnover", Access.TIER2, False), ("equity", Access.TIER2, False)],
        ),
        (
            Access.TIER1,
            True,
            True,
            [("turnover", Access.TIER1, True), ("equity", Access.TIER1, True)],
        ),
        (Access.TIER1, False, False, []),
    ],
)
async def test_one_decision_for_several_fields_records_each_granted_field(
    access: Access, in_group: bool, granted: bool, reads: list[tuple[str, Access, bool]]
) -> None:
    """``decide_fields``: what a plan asks once per company for all its fields of a tier;
    each field granted is in the audit, as if each had been asked alone."""
    permission = VisibleTo(Tier.PROJECT_GROUP)
    for known in (True, False):
        context = FakeContext(AGENT, access, known=known, in_group=in_group)
        decided = permission.decide_fields(
            SimpleNamespace(siret=SIRET), context, ("turnover", "equity")
        )
        assert await _answer(decided) is granted
        assert context.reads == [(SIRET, *read) for read in reads]


def test_permissions_of_one_tier_share_their_decision_and_others_do_not() -> None:
    assert VisibleTo(Tier.TIER2).decision_key == VisibleTo(Tier.TIER2).decision_key
    assert VisibleTo(Tier.TIER2).decision_key != VisibleTo(Tier.TIER1).decision_key


@pytest.mark.parametrize("tier", COMPANY_TIERS)
@pytest.mark.parametrize("access", list(Access))
@pytest.mark.parametrize("in_group", [False, True])
async def test_decide_and_has_permission_give_the_same_answer_and_record_the_same_reads(
    tier: Tier, access: Access, in_group: bool
) -> None:
    """Both ways: each tier of a company's field, for every access, known or not."""
    permission = VisibleTo(tier)
    source = SimpleNamespace(siret=SIRET)
    answers = []
    for known in (True, False):
        decided_in = FakeContext(AGENT, access, known=known, in_group=in_group)
        asked_in = FakeContext(AGENT, access, known=known, in_group=in_group)
        decided = await _answer(permission.decide(source, _info(decided_in)))
        asked = await permission.has_permission(source, _info(asked_in))
        assert decided is asked
        assert decided_in.reads == asked_in.reads
        answers.append(decided)
    assert answers[0] is answers[1]
