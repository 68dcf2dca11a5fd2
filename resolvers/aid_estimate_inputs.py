"""What an aid estimate is made from, and the refusals of input no estimate can be made
from: the expenses, the scheme's rules (``UnknownScheme`` when the hub has none), the phase
asked for, and the start and decision dates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from resolvers.aid_format import euros
from resolvers.aid_refusals import AidRuleError
from resolvers.aid_rules import AidRules, Phase
from resolvers.aid_schemes import RULES

__all__ = [
    "EstimateInputError",
    "Expense",
    "UnknownScheme",
    "check_dates",
    "check_expenses",
    "chosen_phase",
    "rules_of",
]

_ZERO = Decimal(0)
_ABSURD_AMOUNT = Decimal(10) ** 9
_ABSURD_DAYS = Decimal(1000)
_EARLIEST = date(1990, 1, 1)
_LATEST = date(2100, 12, 31)


@dataclass(frozen=True, slots=True)
class Expense:
    amount: Decimal
    category: str
    days: Decimal | None = None


class EstimateInputError(AidRuleError):
    """Input no estimate can be made from; ``argument`` names it (``expenses[2].days``)."""

    def __init__(self, argument: str, message: str) -> None:
        super().__init__(message, argument=argument)


class UnknownScheme(LookupError):
    def __init__(self, scheme_id: str) -> None:
        super().__init__(f"No aid scheme has the id {scheme_id!r}.")
        self.scheme_id = scheme_id


def rules_of(scheme_id: str) -> AidRules:
    """The funding rules of ``scheme_id``; ``UnknownScheme`` when the hub has none."""
    rules = RULES.get(scheme_id)
    if rules is None:
        raise UnknownScheme(scheme_id)
    return rules


def chosen_phase(rules: AidRules, number: int | None) -> Phase:
    numbers = ", ".join(str(p.number) for p in rules.phases)
    if number is None:
        if len(rules.phases) == 1:
            return rules.phases[0]
        raise EstimateInputError(
            "phase", f"{rules.title} is funded phase by phase ({numbers}): say which phase."
        )
    found = rules.phase(number)
    if found is None:
        raise EstimateInputError("phase", f"{rules.title} has no phase {number} (only {numbers}).")
    return found


def check_dates(start: date | None, decided_on: date | None) -> None:
    for argument, day in (("startDate", start), ("decidedOn", decided_on)):
        if day is not None and not _EARLIEST <= day <= _LATEST:
            raise EstimateInputError(
                argument,
                f"{day.isoformat()} is not a plausible date for an aid (between "
                f"{_EARLIEST.isoformat()} and {_LATEST.isoformat()}).",
            )
    if start is not None and decided_on is not None and decided_on < start:
        raise EstimateInputError(
            "decidedOn",
            f"The decision ({decided_on.isoformat()}) cannot precede the start of the project "
            f"({start.isoformat()}): the start is the date expenses count from, given when the "
            "application is acknowledged, before the aid is decided.",
        )


def check_expenses(
    rules: AidRules, phase: Phase, expenses: Sequence[Expense], argument: str
) -> None:
    total = _ZERO
    for index, expense in enumerate(expenses):
        where = f"{argument}[{index}]"
        amount = expense.amount
        if not amount.is_finite() or amount < 0:
            raise EstimateInputError(
                f"{where}.amount", f"An expense is a positive amount in euros, not {amount}."
            )
        if amount >= _ABSURD_AMOUNT:
            raise EstimateInputError(
                f"{where}.amount", f"{euros(amount)} is not a plausible expense for an aid."
            )
        category = rules.category(expense.category)
        if category is None:
            known = ", ".join(c.code for c in rules.categories)
            raise EstimateInputError(
                f"{where}.category",
                f"{rules.title} knows no expense category {expense.category!r} (known: {known}).",
            )
        days = expense.days
        if days is not None and not (days.is_finite() and _ZERO < days <= _ABSURD_DAYS):
            raise EstimateInputError(
                f"{where}.days", f"The days of an expense are a positive number, not {days}."
            )
        if days is None and category.counts_days and phase.days is not None:
            raise EstimateInputError(
                f"{where}.days",
                f"Phase {phase.number} of {rules.title} is funded by the day: give the days "
                f"of {category.code}.",
            )
        total += amount
    if total >= _ABSURD_AMOUNT:
        raise EstimateInputError(
            argument, f"{euros(total)} of expenses is not a plausible project for an aid."
        )
