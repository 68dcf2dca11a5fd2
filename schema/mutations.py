"""The root Mutation, assembled from per-domain classes. Each mutation declares who may
call it (``@allowed(action: …)`` in the SDL); anyone else gets FORBIDDEN and nothing changes."""

from __future__ import annotations

from typing import Any

import strawberry

from auth.actions import Action, Allowed
from resolvers import company_space, invitations, profile, projects, referents
from resolvers.context import Info
from schema.company import Company, Person
from schema.desk import DeskMutation
from schema.directory import Agent
from schema.directory_query import AgentRole
from schema.feeds import FeedsMutation
from schema.filing import FilingMutation
from schema.interaction_import import InteractionImportMutation
from schema.notifications import NotificationMutation
from schema.offers import InteractionMutation
from schema.partners import PartnerMutation
from schema.projects import Project, ReferentAssignment
from schema.sign_up import SignUpMutation
from schema.surveys import SurveyMutation

__all__ = [
    "CompanySpaceMutation",
    "Mutation",
    "ProfileMutation",
    "ProjectMutation",
    "ReferentMutation",
]


def _mutation(action: Action, description: str) -> Any:
    return strawberry.mutation(description=description, directives=[Allowed(action=action)])


@strawberry.type
class CompanySpaceMutation:
    @_mutation(
        Action.REGISTER_COMPANY,
        "Create the company's space; the caller, a mandataire social per Infogreffe, becomes "
        "its first mandataire.",
    )
    async def register_company(self, info: Info, siret: str) -> Company:
        return Company.of(await company_space.register_company(info, siret))

    @_mutation(
        Action.MANAGE_COLLABORATORS,
        "Invite a person (internal or external) by e-mail to the company space: the answer is "
        "the pending collaborator, as typed. The invitee is e-mailed a token and joins with "
        "`acceptInvitation`, signed in with that address; until then nothing of any account "
        "is attached or shown. An invitation expires after 14 days.",
    )
    async def add_collaborator(
        self, info: Info, siret: str, email: str, name: str, phone: str | None = None
    ) -> Person:
        record = await company_space.add_collaborator(info, siret, email, name, phone)
        return Person.invited(record)

    @_mutation(
        Action.ACCEPT_INVITATION,
        "Join a company space as its collaborator: the invitation's `token` (from its e-mail) "
        "or its `id`, signed in with the address it was sent to. Agents never join a company "
        "space (FORBIDDEN, reason AGENT_CANNOT_JOIN). Accepting twice answers the same.",
    )
    async def accept_invitation(
        self, info: Info, token: str | None = None, id: strawberry.ID | None = None
    ) -> Company:
        siret = await invitations.accept_invitation(
            info, token, str(id) if id is not None else None
        )
        return Company.of(siret)

    @_mutation(
        Action.MANAGE_COLLABORATORS,
        "Take a collaborator's access away, or withdraw a pending invitation (by its e-mail).",
    )
    async def remove_collaborator(self, info: Info, siret: str, email: str) -> Company:
        return Company.of(await company_space.remove_collaborator(info, siret, email))


@strawberry.type
class ReferentMutation:
    @_mutation(
        Action.ACT_FOR_COMPANY,
        "Choose the referent (an active REFERENT of a structure that signed the network "
        "charter) of a company (`siret`, its members) or of a project holder's project "
        "(`projectId`, its holder): exactly one of the two. The agent is notified and has 48 "
        "working hours to answer.",
    )
    async def choose_referent(
        self,
        info: Info,
        agent_id: strawberry.ID,
        siret: str | None = None,
        project_id: strawberry.ID | None = None,
    ) -> ReferentAssignment:
        record = await referents.choose_referent(
            info, siret, str(project_id) if project_id is not None else None, str(agent_id)
        )
        return ReferentAssignment.from_record(record)

    @_mutation(Action.ANSWER_REFERENT_REQUEST, "Accept or refuse being the company's referent.")
    async def respond_to_referent_request(
        self, info: Info, assignment_id: strawberry.ID, accept: bool, reason: str | None = None
    ) -> ReferentAssignment:
        record = await referents.respond_to_referent_request(
            info, str(assignment_id), accept, reason
        )
        return ReferentAssignment.from_record(record)

    @_mutation(
        Action.ACT_FOR_COMPANY,
        "Ask the administrator to change the company's referent; returns the request's id.",
    )
    async def request_referent_change(self, info: Info, siret: str, message: str) -> strawberry.ID:
        return strawberry.ID(await referents.request_referent_change(info, siret, message))


@strawberry.type
class ProjectMutation:
    @_mutation(Action.ACT_FOR_COMPANY, "Create a project of the company (a title is needed).")
    async def create_project(
        self, info: Info, siret: str, title: str, theme: str | None = None
    ) -> Project:
        return Project.from_record(await projects.create_project(info, siret, title, theme))

    @_mutation(
        Action.ADD_PROJECT_ACTOR,
        "Add an agent to the project's support group (the company's referent does it).",
    )
    async def add_project_actor(
        self, info: Info, project_id: strawberry.ID, agent_id: strawberry.ID, role: AgentRole
    ) -> Project:
        record = await projects.add_project_actor(info, str(project_id), str(agent_id), role.value)
        return Project.from_record(record)

    @_mutation(
        Action.CREATE_OWN_PROJECT,
        "A project holder names its project, with its filière and a labelled support "
        "structure (chosen, or suggested by `structures(filter: {labelled: true, postalCode, "
        "supportKind})`).",
    )
    async def create_my_project(
        self, info: Info, title: str, structure_id: strawberry.ID, filiere: str | None = None
    ) -> Project:
        record = await projects.create_holder_project(info, title, filiere, str(structure_id))
        return Project.from_record(record)

    @_mutation(Action.RENAME_PROJECT, "Rename a project; returns its new title.")
    async def rename_project(self, info: Info, project_id: strawberry.ID, title: str) -> str:
        return await projects.rename_project(info, str(project_id), title)


@strawberry.input(description='"Mon profil": what to change (omitted fields stay).')
class ProfileInput:
    first_name: str | None = None
    last_name: str | None = None
    title: str | None = None
    phone: str | None = None
    filieres: list[str] | None = None
    domains: list[str] | None = None
    territories: list[str] | None = strawberry.field(
        default=None, description='Department codes ("30", "2A") or postal-code prefixes.'
    )

    def to_changes(self) -> profile.ProfileChanges:
        def as_tuple(values: list[str] | None) -> tuple[str, ...] | None:
            return None if values is None else tuple(values)

        return profile.ProfileChanges(
            first_name=self.first_name,
            last_name=self.last_name,
            title=self.title,
            phone=self.phone,
            filieres=as_tuple(self.filieres),
            domains=as_tuple(self.domains),
            territories=as_tuple(self.territories),
        )


@strawberry.type
class ProfileMutation:
    @_mutation(Action.EDIT_OWN_PROFILE, "An agent edits its profile (not its roles).")
    async def update_my_profile(self, info: Info, input: ProfileInput) -> Agent:
        return Agent.from_record(await profile.update_my_profile(info, input.to_changes()))

    @_mutation(Action.SET_AGENT_ROLES, "The administrator sets an agent's roles.")
    async def set_agent_roles(
        self, info: Info, agent_id: strawberry.ID, roles: list[AgentRole]
    ) -> Agent:
        record = await profile.set_agent_roles(
            info, str(agent_id), tuple(role.value for role in roles)
        )
        return Agent.from_record(record)


@strawberry.type
class Mutation(
    CompanySpaceMutation,
    ReferentMutation,
    ProjectMutation,
    ProfileMutation,
    NotificationMutation,
    PartnerMutation,
    SignUpMutation,
    DeskMutation,
    FilingMutation,
    FeedsMutation,
    InteractionMutation,
    InteractionImportMutation,
    SurveyMutation,
):
    pass
