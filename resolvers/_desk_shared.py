"""What the administrator's desk actions share: the clock, the reason the administrator
gives, the agent an action names (NOT_FOUND when unknown), and an agent's record read afresh
once an action changed it."""

from __future__ import annotations

from datetime import UTC, datetime

from connectors.hubdb import AgentRecord
from connectors.hubdb.writes import AgentContact, WriteTransaction
from resolvers.context import Info
from resolvers.errors import BAD_USER_INPUT, NOT_FOUND, coded_error

__all__ = ["checked_reason", "fresh_agent", "known_agent", "utc_now"]

_MAX_TEXT = 2000


def utc_now() -> datetime:
    return datetime.now(UTC)


def checked_reason(reason: str | None, *, required: bool = False) -> str:
    text = (reason or "").strip()
    if required and not text:
        raise coded_error("Say why.", BAD_USER_INPUT, argument="reason")
    if len(text) > _MAX_TEXT:
        raise coded_error(
            f"A reason has at most {_MAX_TEXT} characters.", BAD_USER_INPUT, argument="reason"
        )
    return text


async def known_agent(tx: WriteTransaction, agent_id: str, argument: str) -> AgentContact:
    agent = await tx.agent_contact(agent_id)
    if agent is None:
        raise coded_error(f"No agent has the id {agent_id!r}.", NOT_FOUND, argument=argument)
    return agent


async def fresh_agent(info: Info, agent_id: str) -> AgentRecord:
    info.context.services.directory.forget(agents=[agent_id])
    info.context.loaders.agents.clear_all()
    record = (await info.context.services.hub.agents([agent_id])).get(agent_id)
    assert record is not None
    return record
