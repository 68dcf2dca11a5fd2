"""The CCI standard's activity indicators of a structure over a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from auth.activity import require_activity_reader
from auth.viewer import Viewer
from resolvers.context import Info, Services
from resolvers.errors import BAD_USER_INPUT, coded_error

__all__ = [
    "MAX_PERIOD_YEARS",
    "IndicatorValue",
    "indicators",
    "network_indicators",
    "structure_indicators",
]

MAX_PERIOD_YEARS = 5


@dataclass(frozen=True, slots=True)
class IndicatorValue:
    code: str
    label: str
    value: int


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise coded_error("The period ends before it starts.", BAD_USER_INPUT, argument="period")
    try:
        limit = start.replace(year=start.year + MAX_PERIOD_YEARS)
    except ValueError:  # 29 February
        limit = date(start.year + MAX_PERIOD_YEARS, 3, 1)
    if end >= limit:
        raise coded_error(
            f"A period is at most {MAX_PERIOD_YEARS} years.", BAD_USER_INPUT, argument="period"
        )


async def indicators(info: Info, structure_id: str, start: date, end: date) -> list[IndicatorValue]:
    return await structure_indicators(
        info.context.services, info.context.viewer, structure_id, start, end
    )


async def structure_indicators(
    services: Services, viewer: Viewer, structure_id: str, start: date, end: date
) -> list[IndicatorValue]:
    """Every indicator of the annex over the structure's interactions dated ``start`` to
    ``end`` (both included): for its agents and the administrator. The GraphQL field and
    the CSV download (``gateway/indicator_export.py``) both answer with it."""
    require_activity_reader(viewer, structure_id)
    _check_period(start, end)
    computed = await services.hub.indicators(structure_id, start, end)
    return [IndicatorValue(d.code, d.label, value) for d, value in computed]


async def network_indicators(info: Info, start: date, end: date) -> list[IndicatorValue]:
    """The roll-up of every structure's interactions (the field is the administrator's):
    a person supported by two structures counts once."""
    _check_period(start, end)
    computed = await info.context.services.hub.indicators(None, start, end)
    return [IndicatorValue(d.code, d.label, value) for d, value in computed]
