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
from enum import Enum

__all__ = [
    "Advance",
    "AidRules",
    "Category",
    "Cited",
    "Closing",
    "CompanyCap",
    "DayRules",
    "DeadlineKind",
    "DeadlineRule",
    "InvoiceMentions",
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
    """A share of the aid granted paid first, the balance when the expenses are proven.

    ``on_quote``: the advance is ``rate`` of the aid granted, on a quote or order signed and
    stamped (Pays de la Loire); otherwise it is an instalment on the invoices paid so far, at
    most ``rate`` of the aid granted (Industrie du futur's "acompte maximum de 70 %").
    """

    label: str
    rate: Decimal
    due: str
    balance_label: str
    balance_due: str
    source: str
    on_quote: bool = False


@dataclass(frozen=True, slots=True)
class Schedule:
    single: SinglePayment | None = None
    advance: Advance | None = None

    def __post_init__(self) -> None:
        if self.single is None and self.advance is None:
            raise ValueError("a payment schedule needs a single payment or an advance")


@dataclass(frozen=True, slots=True)
class Phase:
    """A phase funded at ``rate`` of its eligible expenses, or by a ``flat`` amount."""

    number: int
    label: str
    rate: Cited | None
    schedule: Schedule
    days: DayRules | None = None
    notes: tuple[str, ...] = ()
    flat: Cited | None = None

    def __post_init__(self) -> None:
        if (self.rate is None) == (self.flat is None):
            raise ValueError(f"phase {self.number} needs exactly one of rate / flat")


@dataclass(frozen=True, slots=True)
class CompanyCap:
    """A ceiling of this aid per company, renewed after ``years`` counted from an event."""

    amount: Decimal
    years: int
    counted_from: str
    source: str


class DeadlineKind(Enum):
    """What a deadline closes: the estimate names each kind in its own field."""

    APPLICATION = "APPLICATION"
    """The last day to file the application (France Num's four months after the last invoice)."""
    EXPENSES = "EXPENSES"
    """The last day an expense counts."""
    REALISATION = "REALISATION"
    """The end of the period in which the project must be carried out."""
    PROOFS = "PROOFS"
    """The last day to send the proofs of the expenses."""


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    """A calendar date (``on``), or ``months_after`` a date the estimate is given or an
    earlier deadline.

    ``after`` names the earlier deadline by label; otherwise ``from_decision`` counts from the
    decision (``AidRules.decision`` says which), else from the estimate's start.
    """

    label: str
    kind: DeadlineKind
    rule: str
    source: str
    on: date | None = None
    months_after: int | None = None
    after: str | None = None
    from_decision: bool = False

    def __post_init__(self) -> None:
        if (self.on is None) == (self.months_after is None):
            raise ValueError(f"deadline {self.label!r} needs exactly one of on / months_after")


@dataclass(frozen=True, slots=True)
class Closing:
    """The last day a project may start under the scheme, and the sentence that says so."""

    on: date
    source: str


@dataclass(frozen=True, slots=True)
class InvoiceMentions:
    """What each invoice must carry for the aid to be paid on it."""

    paid_on: bool
    signed: bool
    stamped: bool
    source: str


@dataclass(frozen=True, slots=True)
class AidRules:
    """A scheme's funding rules. ``start`` says what an estimate's start date means for it,
    ``decision`` what its decision date means (None: the scheme counts nothing from it).

    ``prorata`` is the sentence by which less spent than planned lowers the aid; ``equity_cap``
    the one by which the subsidy cannot exceed the company's equity (None: no such rule);
    ``incentive_effect`` the one by which no expense may be committed before the application
    is filed (None: the scheme pays expenses already made); ``de_minimis`` the regulation the
    aid is granted under (None: not a de minimis aid).
    """

    scheme_id: str
    title: str
    start: str
    categories: tuple[Category, ...]
    phases: tuple[Phase, ...]
    prorata: str
    decision: str | None = None
    minimum_expenses: Cited | None = None
    expense_cap: Cited | None = None
    aid_cap: Cited | None = None
    company_cap: CompanyCap | None = None
    equity_cap: str | None = None
    deadlines: tuple[DeadlineRule, ...] = ()
    closes: Closing | None = None
    incentive_effect: str | None = None
    invoice_mentions: InvoiceMentions | None = None
    de_minimis: str | None = None
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

    def deadline(self, kind: DeadlineKind) -> DeadlineRule | None:
        return next((d for d in self.deadlines if d.kind is kind), None)
