"""Who may call each mutation: every rule, both ways."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from graphql import GraphQLError

from auth.actions import Action, may, require
from auth.scopes import PartnerGrant, Scope
from auth.viewer import ANONYMOUS, Viewer, ViewerKind
from connectors.hubdb import AssignmentRecord, CompanyFacts

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def _assignment(status: str, agent: str = "durand") -> AssignmentRecord:
    return AssignmentRecord(
        id="as-1",
        siret="84215637400014",
        agent_id=agent,
        structure_id="cci-gard",
        status=status,
        requested_at=NOW,
        answered_at=None,
        due_at=None,
        reminded_at=None,
    )


FACTS = CompanyFacts(
    siret="84215637400014",
    registered=True,
    members={"acc-claire": "MANDATAIRE", "acc-thomas": "COLLABORATOR"},
    people=(),
    referent=_assignment("ACCEPTED"),
)
CLAIRE = Viewer(kind=ViewerKind.COMPANY_USER, account_id="acc-claire")
THOMAS = Viewer(kind=ViewerKind.COMPANY_USER, account_id="acc-thomas")
ANTOINE = Viewer(kind=ViewerKind.COMPANY_USER, account_id="acc-antoine")
DURAND = Viewer(
    kind=ViewerKind.AGENT,
    account_id="acc-durand",
    agent_id="durand",
    structure_id="cci-gard",
    network_member=True,
)
ROUX = Viewer(
    kind=ViewerKind.AGENT,
    account_id="acc-roux",
    agent_id="roux",
    structure_id="cci-gard",
    network_member=True,
)
ADMIN = Viewer(
    kind=ViewerKind.ADMIN,
    account_id="acc-vidal",
    agent_id="vidal",
    structure_id="region-occitanie",
    network_member=True,
)
HOLDER = Viewer(kind=ViewerKind.PROJECT_HOLDER, account_id="acc-holder")
NEWCOMER = Viewer(kind=ViewerKind.UNREGISTERED, email="new@x.example", issuer="hub", subject="s1")
SIGNED_UP = Viewer(kind=ViewerKind.COMPANY_USER, account_id="acc-new", issuer="hub",
                   subject="s2", identity_status="DOCUMENT_REQUIRED")  # fmt: skip


def _key(structure: str, *scopes: Scope) -> Viewer:
    return Viewer(
        kind=ViewerKind.PARTNER,
        structure_id=structure,
        network_member=True,
        partner=PartnerGrant(key_id=f"key-{structure}", scopes=frozenset(scopes)),
    )


EVERYTHING = tuple(Scope)
CCI_KEY = _key("cci-gard", *EVERYTHING)  # the requested agent's structure
CCI_READ_KEY = _key("cci-gard", Scope.COMPANIES_READ, Scope.DIRECTORY_READ)
BGE_KEY = _key("bge-occitanie", *EVERYTHING)
EVERYONE = {
    "anonymous": ANONYMOUS,
    "claire": CLAIRE,
    "thomas": THOMAS,
    "antoine": ANTOINE,
    "durand": DURAND,
    "roux": ROUX,
    "admin": ADMIN,
    "holder": HOLDER,
    "cci_key": CCI_KEY,
    "cci_read_key": CCI_READ_KEY,
    "bge_key": BGE_KEY,
    "newcomer": NEWCOMER,
    "signed_up": SIGNED_UP,
}

_PEOPLE_WITH_AN_ACCOUNT = {"claire", "thomas", "antoine", "durand", "roux", "admin", "holder",
                           "signed_up"}  # fmt: skip

ALLOWED = {
    Action.MANAGE_COLLABORATORS: {"claire"},
    Action.ACT_FOR_COMPANY: {"claire", "thomas"},
    Action.ANSWER_REFERENT_REQUEST: {"durand", "cci_key"},
    Action.ADD_PROJECT_ACTOR: {"durand", "admin"},
    Action.EDIT_OWN_PROFILE: {"durand", "roux", "admin"},
    Action.CREATE_OWN_PROJECT: {"holder"},
    Action.RENAME_PROJECT: {"claire", "thomas"},  # a project of the company (FACTS)
    Action.SET_AGENT_ROLES: {"admin"},
    Action.READ_OWN_NOTIFICATIONS: _PEOPLE_WITH_AN_ACCOUNT,
    Action.KEEP_OWN_PREFERENCES: _PEOPLE_WITH_AN_ACCOUNT,
    # not "signed_up": its identity is not proven yet
    Action.REGISTER_COMPANY: {"claire", "thomas", "antoine", "holder"},
    Action.MANAGE_PARTNER_ACCESS: {"admin"},
    Action.SIGN_UP: {"newcomer", "signed_up"},  # the seeded people hold no provider identity
    Action.SUBMIT_IDENTITY_DOCUMENT: {"signed_up"},
    Action.ADMIN_DESK: {"admin"},
    # people who are not agents (the invitation's address is checked by the resolver)
    Action.ACCEPT_INVITATION: {"claire", "thomas", "antoine", "holder", "signed_up"},
    # any agent of a structure, for its structure (a partner key is not an agent)
    Action.RECORD_INTERACTION: {"durand", "roux", "admin"},
    # any agent of a structure (its own structure is checked by the resolver) or the admin
    Action.SEND_SATISFACTION_SURVEY: {"durand", "roux", "admin"},
    # the token is the right: anyone but a partner key
    Action.ANSWER_SATISFACTION_SURVEY: set(EVERYONE) - {"cci_key", "cci_read_key", "bge_key"},
}


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("who", list(EVERYONE))
def test_each_action_is_allowed_to_its_callers_and_refused_to_everyone_else(
    action: Action, who: str
) -> None:
    viewer = EVERYONE[who]
    allowed = may(action, viewer, facts=FACTS, assignment=_assignment("PENDING"))
    assert allowed is (who in ALLOWED[action])


def test_a_pending_referent_may_not_add_project_actors() -> None:
    pending = CompanyFacts(
        siret=FACTS.siret,
        registered=True,
        members=FACTS.members,
        people=(),
        referent=_assignment("PENDING"),
    )
    assert not may(Action.ADD_PROJECT_ACTOR, DURAND, facts=pending)


def test_refusal_says_forbidden_or_unauthenticated() -> None:
    with pytest.raises(GraphQLError) as refused:
        require(Action.SET_AGENT_ROLES, DURAND)
    assert refused.value.extensions == {"code": "FORBIDDEN"}
    with pytest.raises(GraphQLError) as anonymous:
        require(Action.READ_OWN_NOTIFICATIONS, ANONYMOUS)
    assert anonymous.value.extensions == {"code": "UNAUTHENTICATED"}
    require(Action.SET_AGENT_ROLES, ADMIN)


def test_only_its_holder_renames_a_holders_project() -> None:
    assert may(Action.RENAME_PROJECT, HOLDER, project_holder="acc-holder")
    for other in (CLAIRE, DURAND, ADMIN, ANONYMOUS):
        assert not may(Action.RENAME_PROJECT, other, project_holder="acc-holder")


def test_a_person_yet_to_sign_up_is_told_to_sign_up_and_one_unverified_to_send_a_document() -> None:
    with pytest.raises(GraphQLError) as newcomer:
        require(Action.READ_OWN_NOTIFICATIONS, NEWCOMER)
    assert newcomer.value.extensions == {"code": "FORBIDDEN"}
    assert "signUp" in newcomer.value.message
    with pytest.raises(GraphQLError) as unverified:
        require(Action.REGISTER_COMPANY, SIGNED_UP)
    assert "submitIdentityDocument" in unverified.value.message


def test_an_agent_accepting_an_invitation_is_told_why_it_never_joins() -> None:
    for agent in (DURAND, ADMIN):
        with pytest.raises(GraphQLError) as refused:
            require(Action.ACCEPT_INVITATION, agent)
        assert refused.value.extensions == {"code": "FORBIDDEN", "reason": "AGENT_CANNOT_JOIN"}
