"""An agent's "Mon profil" (everything but its role) and the administrator's role setting."""

from __future__ import annotations

import re
from dataclasses import dataclass

from auth.actions import Action, require
from connectors.hubdb import AgentRecord
from resolvers.context import Info
from resolvers.errors import BAD_USER_INPUT, NOT_FOUND, coded_error
from resolvers.inputs import MAX_ITEMS, bounded_text

__all__ = ["AGENT_ROLES", "ProfileChanges", "set_agent_roles", "update_my_profile"]

AGENT_ROLES = ("REFERENT", "FUNDING_EXPERT", "SPECIALIST", "ADMIN")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_TERRITORY = re.compile(r"^(2A|2B|\d{2,5})$")


@dataclass(frozen=True, slots=True)
class ProfileChanges:
    """What the agent changes; None leaves a field as it is."""

    first_name: str | None = None
    last_name: str | None = None
    title: str | None = None
    phone: str | None = None
    filieres: tuple[str, ...] | None = None
    domains: tuple[str, ...] | None = None
    territories: tuple[str, ...] | None = None


def _name(value: str, argument: str) -> str:
    value = value.strip()
    if not value or len(value) > 100:
        raise coded_error(
            f"`{argument}` must have 1 to 100 characters.", BAD_USER_INPUT, argument=argument
        )
    return value


def _codes(
    values: tuple[str, ...] | None, pattern: re.Pattern[str], argument: str
) -> tuple[str, ...] | None:
    if values is None:
        return None
    if len(values) > MAX_ITEMS:
        raise coded_error(
            f"`{argument}` has at most {MAX_ITEMS} values.", BAD_USER_INPUT, argument=argument
        )
    cleaned = tuple(dict.fromkeys(v.strip() for v in values))
    wrong = [v for v in cleaned if not pattern.match(v)]
    if wrong:
        raise coded_error(
            f"Not valid in `{argument}`: {', '.join(wrong)}.", BAD_USER_INPUT, argument=argument
        )
    return cleaned


async def _fresh_agent(info: Info, agent_id: str) -> AgentRecord:
    info.context.services.directory.forget(agents=[agent_id])
    info.context.loaders.agents.clear_all()
    record = (await info.context.services.hub.agents([agent_id])).get(agent_id)
    assert record is not None
    return record


async def update_my_profile(info: Info, changes: ProfileChanges) -> AgentRecord:
    viewer = info.context.viewer
    require(Action.EDIT_OWN_PROFILE, viewer)
    agent_id = viewer.agent_id or ""
    columns: dict[str, str | None] = {}
    if changes.first_name is not None:
        columns["first_name"] = _name(changes.first_name, "firstName")
    if changes.last_name is not None:
        columns["last_name"] = _name(changes.last_name, "lastName")
    if changes.title is not None:
        columns["title"] = bounded_text(changes.title.strip(), "title") or None
    if changes.phone is not None and len(changes.phone.strip()) > 32:
        raise coded_error(
            "A phone number has at most 32 characters.", BAD_USER_INPUT, argument="phone"
        )
    lists = {
        "filieres": _codes(changes.filieres, _SLUG, "filieres"),
        "domains": _codes(changes.domains, _SLUG, "domains"),
        "territories": _codes(changes.territories, _TERRITORY, "territories"),
    }
    async with info.context.services.writer.transaction() as tx:
        await tx.update_agent_profile(
            agent_id=agent_id,
            changes=columns,
            phone=None if changes.phone is None else changes.phone.strip(),
            lists=lists,
        )
    return await _fresh_agent(info, agent_id)


async def set_agent_roles(info: Info, agent_id: str, roles: tuple[str, ...]) -> AgentRecord:
    require(Action.SET_AGENT_ROLES, info.context.viewer)
    wanted = tuple(dict.fromkeys(roles))
    if not wanted:
        raise coded_error("An agent has at least one role.", BAD_USER_INPUT, argument="roles")
    async with info.context.services.writer.transaction() as tx:
        if not await tx.set_agent_roles(agent_id=agent_id, roles=wanted):
            raise coded_error(f"No agent has the id {agent_id!r}.", NOT_FOUND, argument="agentId")
    return await _fresh_agent(info, agent_id)
