"""Who may call each mutation: one rule per action, declared on the mutation in the SDL
(``@allowed(action: …)``) and checked by ``require`` before anything is written."""

from __future__ import annotations

from enum import Enum

import strawberry
from graphql import GraphQLError
from strawberry.schema_directive import Location

from auth.scopes import Scope
from auth.viewer import Viewer, ViewerKind
from connectors.hubdb import AssignmentRecord, CompanyFacts

__all__ = ["Action", "Allowed", "may", "require"]

_MANDATAIRE = "MANDATAIRE"
_ACCEPTED = "ACCEPTED"
_PENDING = "PENDING"
_SIGNING_UP = frozenset(
    {ViewerKind.UNREGISTERED, ViewerKind.COMPANY_USER, ViewerKind.PROJECT_HOLDER}
)


@strawberry.enum(description="What a mutation does, and so who may call it.")
class Action(Enum):
    REGISTER_COMPANY = strawberry.enum_value(
        "REGISTER_COMPANY",
        description="A signed-in person who is not an agent, and a mandataire social of the "
        "SIREN per Infogreffe (checked against the source).",
    )
    MANAGE_COLLABORATORS = strawberry.enum_value(
        "MANAGE_COLLABORATORS", description="A mandataire of the company space."
    )
    ACCEPT_INVITATION = strawberry.enum_value(
        "ACCEPT_INVITATION",
        description="A signed-in company user or project holder, signed in with the e-mail "
        "address the invitation was sent to; never an agent (an agent does not become a "
        "member of a company space).",
    )
    ACT_FOR_COMPANY = strawberry.enum_value(
        "ACT_FOR_COMPANY",
        description="A member of the company space (mandataire or collaborator): choose or "
        "ask to change the referent, create a project, file an application, request a payment; "
        "for a project holder's project, its holder (choose its referent).",
    )
    ANSWER_REFERENT_REQUEST = strawberry.enum_value(
        "ANSWER_REFERENT_REQUEST",
        description="The agent the company chose, while pending; or a partner key of that "
        "agent's structure with the REFERENT_REQUESTS_ANSWER scope.",
    )
    ADD_PROJECT_ACTOR = strawberry.enum_value(
        "ADD_PROJECT_ACTOR", description="The company's accepted referent, or the admin."
    )
    CREATE_OWN_PROJECT = strawberry.enum_value(
        "CREATE_OWN_PROJECT", description="A project holder (créateur, repreneur)."
    )
    RENAME_PROJECT = strawberry.enum_value(
        "RENAME_PROJECT",
        description="The project's holder, or a member of the company whose project it is.",
    )
    EDIT_OWN_PROFILE = strawberry.enum_value("EDIT_OWN_PROFILE", description="An agent, itself.")
    SET_AGENT_ROLES = strawberry.enum_value("SET_AGENT_ROLES", description="The administrator.")
    READ_OWN_NOTIFICATIONS = strawberry.enum_value(
        "READ_OWN_NOTIFICATIONS", description="Any signed-in user, for its own notifications."
    )
    SIGN_UP = strawberry.enum_value(
        "SIGN_UP",
        description="A person signed in through the hub's own identity provider, not an "
        "agent: with no account yet, or (idempotent) the account bound to its identity.",
    )
    SUBMIT_IDENTITY_DOCUMENT = strawberry.enum_value(
        "SUBMIT_IDENTITY_DOCUMENT",
        description="A signed-up company user or project holder, for its own identity.",
    )
    ADMIN_DESK = strawberry.enum_value(
        "ADMIN_DESK",
        description="The administrator: referent assignments, structures and their charter, "
        "agents' invitations and deactivation, identity verifications.",
    )
    KEEP_OWN_PREFERENCES = strawberry.enum_value(
        "KEEP_OWN_PREFERENCES",
        description="A signed-in person with an account, for itself: the filières its news "
        "and events follow, its favourites.",
    )
    RECORD_INTERACTION = strawberry.enum_value(
        "RECORD_INTERACTION",
        description="An agent of a structure (not a partner key): the support its structure "
        "gave a company or a project holder, recorded as its structure's.",
    )
    SEND_SATISFACTION_SURVEY = strawberry.enum_value(
        "SEND_SATISFACTION_SURVEY",
        description="An agent of a structure, for its own structure, or the administrator, for "
        "any (not a partner key): launch the year's satisfaction survey.",
    )
    ANSWER_SATISFACTION_SURVEY = strawberry.enum_value(
        "ANSWER_SATISFACTION_SURVEY",
        description="Anyone holding a survey's token (the link of its e-mail), signed in or "
        "not; not a partner key. The token is the right: unknown, used or expired is "
        "BAD_USER_INPUT.",
    )
    MANAGE_PARTNER_ACCESS = strawberry.enum_value(
        "MANAGE_PARTNER_ACCESS",
        description="The administrator: create and revoke partner API keys, register "
        "persisted queries.",
    )


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION],
    name="allowed",
    description="Who may call this mutation; anyone else gets FORBIDDEN and nothing changes.",
)
class Allowed:
    action: Action


def may(
    action: Action,
    viewer: Viewer,
    *,
    facts: CompanyFacts | None = None,
    assignment: AssignmentRecord | None = None,
    project_holder: str | None = None,
) -> bool:
    """The rule of each action, given what it is about (the company's facts, the referent
    request being answered, or the holder of a project). A partner key may do only what a
    scope grants it."""
    if viewer.partner is not None:
        return _partner_may(action, viewer, assignment)
    if action in (Action.MANAGE_PARTNER_ACCESS, Action.ADMIN_DESK):
        return viewer.is_admin
    if action is Action.SIGN_UP:
        return viewer.subject is not None and viewer.kind in _SIGNING_UP
    if action is Action.SUBMIT_IDENTITY_DOCUMENT:
        return viewer.kind in _SIGNING_UP and viewer.identity_status is not None
    if action is Action.REGISTER_COMPANY:
        return viewer.is_authenticated and viewer.agent_id is None and not viewer.identity_pending
    if action is Action.READ_OWN_NOTIFICATIONS:
        return viewer.is_authenticated
    if action is Action.ACCEPT_INVITATION:
        return viewer.is_authenticated and viewer.agent_id is None
    if action is Action.KEEP_OWN_PREFERENCES:
        return viewer.is_authenticated and viewer.account_id is not None
    if action is Action.SET_AGENT_ROLES:
        return viewer.is_admin
    if action is Action.EDIT_OWN_PROFILE:
        return viewer.agent_id is not None
    if action is Action.RECORD_INTERACTION:
        return viewer.agent_id is not None and viewer.structure_id is not None
    if action is Action.SEND_SATISFACTION_SURVEY:
        return viewer.is_admin or (viewer.agent_id is not None and viewer.structure_id is not None)
    if action is Action.ANSWER_SATISFACTION_SURVEY:
        return True
    if action is Action.CREATE_OWN_PROJECT:
        return viewer.kind is ViewerKind.PROJECT_HOLDER
    if action in (Action.RENAME_PROJECT, Action.ACT_FOR_COMPANY) and project_holder is not None:
        return viewer.account_id == project_holder
    if action is Action.ANSWER_REFERENT_REQUEST:
        return assignment is not None and assignment.agent_id == viewer.agent_id
    role = facts.members.get(viewer.account_id or "") if facts is not None else None
    if action is Action.MANAGE_COLLABORATORS:
        return role == _MANDATAIRE
    if action in (Action.ACT_FOR_COMPANY, Action.RENAME_PROJECT):
        return role is not None
    if action is Action.ADD_PROJECT_ACTOR:
        referent = facts.referent if facts is not None else None
        accepted_referent = (
            referent is not None
            and referent.status == _ACCEPTED
            and referent.agent_id == viewer.agent_id
        )
        return viewer.is_admin or accepted_referent
    raise AssertionError(f"no rule for {action}")  # pragma: no cover - every action has one


def _partner_may(action: Action, viewer: Viewer, assignment: AssignmentRecord | None) -> bool:
    return (
        action is Action.ANSWER_REFERENT_REQUEST
        and viewer.grants(Scope.REFERENT_REQUESTS_ANSWER)
        and viewer.network_member
        and assignment is not None
        and assignment.structure_id == viewer.structure_id
    )


def require(
    action: Action,
    viewer: Viewer,
    *,
    facts: CompanyFacts | None = None,
    assignment: AssignmentRecord | None = None,
    project_holder: str | None = None,
) -> None:
    """Raises ``FORBIDDEN`` (``UNAUTHENTICATED`` when anonymous) unless ``may``."""
    if may(action, viewer, facts=facts, assignment=assignment, project_holder=project_holder):
        return
    if viewer.kind is ViewerKind.ANONYMOUS:
        raise GraphQLError("Sign in to do this.", extensions={"code": "UNAUTHENTICATED"})
    if viewer.kind is ViewerKind.UNREGISTERED:
        raise GraphQLError("Sign up first (`signUp`).", extensions={"code": "FORBIDDEN"})
    if action is Action.REGISTER_COMPANY and viewer.identity_pending:
        raise GraphQLError(
            "Your identity is not verified yet: send an identity document "
            "(`submitIdentityDocument`) and wait for the administrator's check.",
            extensions={"code": "FORBIDDEN"},
        )
    if action is Action.ACCEPT_INVITATION and viewer.agent_id is not None:
        raise GraphQLError(
            "A network agent's account never joins a company space (it would hold the "
            "company's data as its owner): agents follow a company as its referent. Accept "
            "the invitation with a company user's account.",
            extensions={"code": "FORBIDDEN", "reason": "AGENT_CANNOT_JOIN"},
        )
    what = action.name.lower().replace("_", " ")
    raise GraphQLError(f"Not allowed: {what}.", extensions={"code": "FORBIDDEN"})
