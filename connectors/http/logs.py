"""How a partner's log events are named, so that moving a partner onto the shared package
keeps the events its dashboards and tests already know."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LogNames"]


@dataclass(frozen=True, slots=True)
class LogNames:
    """Events are ``f"{prefix}.{event}"`` (``partner.call``, ``entreprise.stale_served``…);
    the call's or the cached item's name is logged under ``label`` (``call``, ``endpoint``,
    ``feed``)."""

    prefix: str = "partner"
    label: str = "call"

    def event(self, name: str) -> str:
        return f"{self.prefix}.{name}"
