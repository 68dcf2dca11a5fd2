"""Money, rates and dates as the aid estimates write them."""

from __future__ import annotations

from calendar import monthrange
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["add_months", "cents", "euros", "number", "percent"]

_CENT = Decimal("0.01")


def add_months(day: date, months: int) -> date:
    """``months`` later, on the same day of the month or that month's last day."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(_CENT, ROUND_HALF_UP)


def euros(amount: Decimal) -> str:
    return f"€{cents(amount):,.2f}"


def percent(rate: Decimal) -> str:
    return f"{number(rate * 100)} %"


def number(value: Decimal) -> str:
    return f"{value.normalize():f}"
