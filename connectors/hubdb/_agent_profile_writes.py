"""Writes of an agent's profile ("Mon profil") and of its roles, mixed into
``WriteTransaction``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from connectors.hubdb.models import (
    Account,
    Agent,
    AgentDomain,
    AgentFiliere,
    AgentRoleRow,
    AgentTerritory,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["AgentProfileWrites"]


_AGENT_LISTS: dict[str, tuple[Any, str]] = {
    "filieres": (AgentFiliere, "filiere"),
    "domains": (AgentDomain, "domain"),
    "territories": (AgentTerritory, "code"),
}


class AgentProfileWrites:
    session: AsyncSession

    async def update_agent_profile(
        self,
        *,
        agent_id: str,
        changes: dict[str, str | None],
        phone: str | None,
        lists: dict[str, tuple[str, ...] | None],
    ) -> bool:
        """Updates an agent's own profile ("Mon profil": everything but its roles).
        ``changes`` are Agent columns; ``lists`` replace the filières, domains or territories
        given (None: unchanged). False when the agent does not exist."""
        agent = await self.session.get(Agent, agent_id)
        if agent is None:
            return False
        for column, value in changes.items():
            setattr(agent, column, value)
        if phone is not None:
            account = await self.session.get(Account, agent.account_id)
            if account is not None:
                account.phone = phone or None
        for name, (model, column) in _AGENT_LISTS.items():
            values = lists.get(name)
            if values is None:
                continue
            await self.session.execute(sa.delete(model).where(model.agent_id == agent_id))
            self.session.add_all(model(agent_id=agent_id, **{column: v}) for v in values)
        await self.session.flush()
        return True

    async def set_agent_roles(self, *, agent_id: str, roles: tuple[str, ...]) -> bool:
        """Replaces an agent's roles (administrator only); False when the agent is unknown."""
        if await self.session.get(Agent, agent_id) is None:
            return False
        await self.session.execute(sa.delete(AgentRoleRow).where(AgentRoleRow.agent_id == agent_id))
        self.session.add_all(AgentRoleRow(agent_id=agent_id, role=role) for role in roles)
        await self.session.flush()
        return True
