"""The hub's calendar day: Occitanie's (Europe/Paris), whatever zone the server runs in. A
deadline, an aid granted "today", an interaction that has not happened yet are days as the
Région's agents and companies count them: on a server in UTC, the day changes an hour or two
after theirs."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

__all__ = ["HUB_ZONE", "hub_today"]

HUB_ZONE = ZoneInfo("Europe/Paris")


def hub_today(now: datetime | None = None) -> date:
    """Today in the hub's zone (``now``: an aware moment, else the present)."""
    return (now or datetime.now(HUB_ZONE)).astimezone(HUB_ZONE).date()
