"""The access rules on their own: each kind of viewer, both ways."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from auth.relations import access_without_facts, company_access, may_see_agent_contact
from auth.tiers import Access, Tier, allows
from auth.viewer import ANONYMOUS, Viewer, ViewerKind
from connectors.hubdb import AssignmentRecord, CompanyFacts

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def _facts(status: str | None = "ACCEPTED") -> CompanyFacts:
    referent = None
    if status is not None:
        referent = AssignmentRecord(
            id="as-1",
            siret="84215637400014",
            agent_id="durand",
            structure_id="cci-gard",
            status=status,
            requested_at=NOW,
            answered_at=None,
            due_at=None,
            reminded_at=None,
        )
    return CompanyFacts(
        siret="84215637400014",
        registered=True,
        members={"acc-claire": "MANDATAIRE", "acc-thomas": "COLLABORATOR"},
        people=(),
        referent=referent,
    )


def _agent(agent_id: str, structure: str, *, network: bool = True) -> Viewer:
    return Viewer(
        kind=ViewerKind.AGENT,
        account_id=f"acc-{agent_id}",
        agent_id=agent_id,
        structure_id=structure,
        network_member=network,
    )


ADMIN = Viewer(
    kind=ViewerKind.ADMIN,
    account_id="acc-vidal",
    agent_id="vidal",
    structure_id="region-occitanie",
    network_member=True,
)
CLAIRE = Viewer(kind=ViewerKind.COMPANY_USER, account_id="acc-claire")
THOMAS = Viewer(kind=ViewerKind.COMPANY_USER, account_id="acc-thomas")
ANTOINE = Viewer(kind=ViewerKind.COMPANY_USER, account_id="acc-antoine")


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        (ANONYMOUS, Access.PUBLIC),
        (ANTOINE, Access.PUBLIC),
        (CLAIRE, Access.OWNER),
        (THOMAS, Access.OWNER),
        (_agent("durand", "cci-gard"), Access.TIER2),
        (_agent("roux", "cci-gard"), Access.TIER2),
        (_agent("garcia", "bge-occitanie"), Access.TIER1),
        (_agent("martin", "ademe", network=False), Access.PUBLIC),
        (ADMIN, Access.ADMIN),
    ],
)
def test_access_to_a_company_with_an_accepted_referent(viewer: Viewer, expected: Access) -> None:
    assert company_access(viewer, _facts("ACCEPTED")) is expected


def test_pending_referent_and_its_structure_have_tier1_only() -> None:
    assert company_access(_agent("durand", "cci-gard"), _facts("PENDING")) is Access.TIER1
    assert company_access(_agent("roux", "cci-gard"), _facts("PENDING")) is Access.TIER1


def test_company_without_referent_gives_agents_tier1() -> None:
    assert company_access(_agent("durand", "cci-gard"), _facts(None)) is Access.TIER1


@pytest.mark.parametrize(
    ("tier", "lowest_allowed"),
    [(Tier.PUBLIC, Access.PUBLIC), (Tier.TIER1, Access.TIER1), (Tier.TIER2, Access.TIER2)],
)
def test_each_tier_opens_at_its_level_and_not_below(tier: Tier, lowest_allowed: Access) -> None:
    for access in Access:
        assert allows(tier, access) is (access.rank >= lowest_allowed.rank)


def test_non_diffusible_identity_is_for_agents_members_and_admin_only() -> None:
    assert not allows(Tier.PUBLIC_IF_DIFFUSIBLE, Access.PUBLIC, diffusible=False)
    for access in (Access.TIER1, Access.TIER2, Access.OWNER, Access.ADMIN):
        assert allows(Tier.PUBLIC_IF_DIFFUSIBLE, access, diffusible=False)
    assert allows(Tier.PUBLIC_IF_DIFFUSIBLE, Access.PUBLIC, diffusible=True)


def test_agent_contact_is_for_network_admin_and_companies_that_chose_the_agent() -> None:
    assert may_see_agent_contact(_agent("garcia", "bge-occitanie"), "durand", ())
    assert may_see_agent_contact(ADMIN, "durand", ())
    assert may_see_agent_contact(CLAIRE, "durand", {"durand"})
    assert not may_see_agent_contact(ANTOINE, "durand", {"roux"})
    assert not may_see_agent_contact(ANONYMOUS, "durand", ())
    assert not may_see_agent_contact(_agent("martin", "ademe", network=False), "durand", ())


@pytest.mark.parametrize(
    "viewer",
    [ANONYMOUS, ANTOINE, CLAIRE, THOMAS, _agent("durand", "cci-gard"),
     _agent("garcia", "bge-occitanie"), _agent("martin", "ademe", network=False), ADMIN,
     Viewer(kind=ViewerKind.UNREGISTERED), Viewer(kind=ViewerKind.AGENT, network_member=True)],
)  # fmt: skip
def test_an_access_decided_without_facts_is_the_same_for_every_company(viewer: Viewer) -> None:
    decided = access_without_facts(viewer)
    every = [_facts(status) for status in ("ACCEPTED", "PENDING", None)]
    every.append(CompanyFacts(siret="1", registered=False, members={}, people=(), referent=None))
    accesses = {company_access(viewer, facts) for facts in every}
    if decided is not None:
        assert accesses == {decided}
    else:
        assert viewer.account_id is not None or viewer.network_member


def test_only_viewers_with_no_relation_possible_skip_the_facts() -> None:
    assert access_without_facts(ANONYMOUS) is Access.PUBLIC
    assert access_without_facts(ADMIN) is Access.ADMIN
    assert access_without_facts(CLAIRE) is None  # a member of some company
    assert access_without_facts(_agent("durand", "cci-gard")) is None
