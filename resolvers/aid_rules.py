"""Funding rules of the aid schemes, as data: what ``resolvers.aid_estimate`` evaluates.

Each figure carries the sentence of the scheme's own text that sets it (``source``), so an
estimate can say why and a reviewer can check every rule against the scheme. Amounts are in
euros excluding VAT ("HT"), as the schemes count them. Labels, due dates and deadline rules
are in the scheme's words (French); the engine's explanations are its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

__all__ = [
    "Advance",
    "AidRules",
    "Category",
    "Cited",
    "CompanyCap",
    "DayRules",
    "DeadlineRule",
    "Phase",
    "Schedule",
    "SinglePayment",
]


@dataclass(frozen=True, slots=True)
class Cited:
    """A figure (an amount in euros, a share, a number of days) and the sentence that sets it."""

    value: Decimal
    source: str


@dataclass(frozen=True, slots=True)
class Category:
    """A kind of expense callers may declare; known but unfunded ones have ``eligible=False``."""

    code: str
    label: str
    eligible: bool
    source: str
    counts_days: bool = False


@dataclass(frozen=True, slots=True)
class DayRules:
    """A phase funded by days of consulting: a cap per day, and the days it funds."""

    per_day: Cited
    minimum: Cited | None = None
    maximum: Cited | None = None


@dataclass(frozen=True, slots=True)
class SinglePayment:
    """The aid paid at once; ``up_to`` None means whatever its amount."""

    label: str
    due: str
    source: str
    up_to: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Advance:
    """A share of the aid granted paid first, the balance when the expenses are proven."""

    label: str
    rate: Decimal
    due: str
    balance_label: str
    balance_due: str
    source: str


@dataclass(frozen=True, slots=True)
class Schedule:
    single: SinglePayment | None = None
    advance: Advance | None = None

    def __post_init__(self) -> None:
        if self.single is None and self.advance is None:
            raise ValueError("a payment schedule needs a single payment or an advance")


@dataclass(frozen=True, slots=True)
class Phase:
    number: int
    label: str
    rate: Cited
    schedule: Schedule
    days: DayRules | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CompanyCap:
    """A ceiling of this aid per company, renewed after ``years`` counted from an event."""

    amount: Decimal
    years: int
    counted_from: str
    source: str


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    """A calendar date (``on``), or ``months_after`` the estimate's start or an earlier deadline.

    ``after`` names the earlier deadline by label; None means the estimate's ``start``.
    ``bars_later_start``: a project starting after ``on`` gets nothing.
    """

    label: str
    rule: str
    source: str
    on: date | None = None
    months_after: int | None = None
    after: str | None = None
    bars_later_start: bool = False

    def __post_init__(self) -> None:
        if (self.on is None) == (self.months_after is None):
            raise ValueError(f"deadline {self.label!r} needs exactly one of on / months_after")


@dataclass(frozen=True, slots=True)
class AidRules:
    """A scheme's funding rules. ``start`` says what an estimate's start date means for it.

    ``prorata`` is the sentence by which less spent than planned lowers the aid; ``equity_cap``
    the one by which the subsidy cannot exceed the company's equity (None: no such rule).
    """

    scheme_id: str
    title: str
    start: str
    categories: tuple[Category, ...]
    phases: tuple[Phase, ...]
    prorata: str
    minimum_expenses: Cited | None = None
    expense_cap: Cited | None = None
    aid_cap: Cited | None = None
    company_cap: CompanyCap | None = None
    equity_cap: str | None = None
    deadlines: tuple[DeadlineRule, ...] = ()
    legal_references: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        labels: set[str] = set()
        for deadline in self.deadlines:
            if deadline.after is not None and deadline.after not in labels:
                raise ValueError(f"deadline {deadline.label!r} follows an unknown deadline")
            labels.add(deadline.label)

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)

    def phase(self, number: int) -> Phase | None:
        return next((p for p in self.phases if p.number == number), None)
