"""Reading helpers shared by the two platforms' parsers: typed access to untrusted JSON.
A malformed record raises ``PayloadError``; the connector reports the platform unreadable."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from connectors.payload import PayloadError, mapping, optional_str, required_str

__all__ = [
    "PayloadError",
    "euros",
    "iso_date",
    "iso_datetime",
    "mapping",
    "optional_euros",
    "optional_str",
    "records",
    "required_datetime",
    "required_str",
    "wire_euros",
]


def records(value: Any) -> list[Mapping[str, Any]]:
    """The objects of a JSON list (anything else in it is ignored)."""
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def iso_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise PayloadError(f"bad date {value!r}")
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise PayloadError(f"bad date {value!r}") from None


def iso_datetime(value: Any) -> datetime | None:
    """An aware moment; a date alone is midnight UTC, a naive time is UTC."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise PayloadError(f"bad date-time {value!r}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise PayloadError(f"bad date-time {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def required_datetime(item: Mapping[str, Any], key: str) -> datetime:
    moment = iso_datetime(item.get(key))
    if moment is None:
        raise PayloadError(f"missing {key}")
    return moment


def optional_euros(value: Any) -> int | None:
    """``"15000.00"`` or ``15000`` → 15000 (whole euros, half up); None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise PayloadError(f"bad amount {value!r}")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise PayloadError(f"bad amount {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise PayloadError(f"bad amount {value!r}")
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def euros(value: Any) -> int:
    return optional_euros(value) or 0


def wire_euros(amount: int) -> str:
    """Whole euros as the platforms write amounts: ``"15000.00"``."""
    return f"{amount}.00"
