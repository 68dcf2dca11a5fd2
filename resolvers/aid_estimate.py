"""Aid estimates: one engine evaluating any scheme's funding rules (``resolvers.aid_rules``).

For the expenses of one phase, in this order:

1. expenses of a category the scheme does not fund are set aside;
2. day rules: days beyond the phase's maximum are not funded (the expenses are retained in
   proportion), then the retained expenses are capped per funded day;
3. the scheme's cap on expenses, then its minimum of eligible expenses;
4. the phase's rate, then the cap on the aid; the aid is rounded to the cent, half up;
   (a phase paid by a flat amount pays it whatever its eligible expenses);
5. with ``planned``, the aid computed on the planned expenses is the aid granted: the aid on
   what was spent is paid up to it (prorata when less was spent, never more than granted);
6. subsidy ≤ equity, when the scheme says so and the equity is known;
7. a project starting after the scheme closed gets nothing; deadlines are dated from the
   start and the decision when they are given.

The advance is a share of the aid granted; the balance is what remains due. The effective
rate is the aid over the eligible expenses declared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from resolvers.aid_deadlines import Deadline, deadlines_of
from resolvers.aid_estimate_inputs import (
    EstimateInputError,
    Expense,
    check_dates,
    check_expenses,
    chosen_phase,
    rules_of,
)
from resolvers.aid_format import cents, euros, number, percent
from resolvers.aid_payment_schedule import Payment, payment_schedule
from resolvers.aid_rules import AidRules, DeadlineKind, Phase

__all__ = ["AidEstimate", "estimate_aid"]

_CENT = Decimal("0.01")
_RATE_PLACES = Decimal("0.0001")
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class AidEstimate:
    """``amount`` is the aid due on ``expenses``; with planned expenses, ``granted`` is the aid
    granted on them and ``prorated`` the aid due once the prorata applied (``amount``).
    ``closed_on_start``: why a project starting on the start date gets nothing, if it does."""

    eligible: bool
    amount: Decimal
    effective_rate: Decimal
    applied_rules: tuple[str, ...]
    reasons: tuple[str, ...]
    payments: tuple[Payment, ...]
    deadlines: tuple[Deadline, ...]
    granted: Decimal | None = None
    prorated: Decimal | None = None
    closed_on_start: str | None = None
    start_means: str | None = None
    decision_means: str | None = None
    blocked: tuple[str, ...] = ()
    """The reasons that made it not eligible (the first of ``reasons``)."""

    def deadline(self, kind: DeadlineKind) -> date | None:
        return next((d.date for d in self.deadlines if d.kind is kind), None)


def estimate_aid(
    scheme_id: str,
    expenses: Sequence[Expense],
    *,
    phase: int | None = None,
    equity: Decimal | None = None,
    planned: Sequence[Expense] | None = None,
    start: date | None = None,
    decided_on: date | None = None,
) -> AidEstimate:
    """The aid ``scheme_id`` pays for ``expenses`` (spent, or planned when nothing is spent yet).

    ``planned``: the expenses the aid was granted on, when ``expenses`` are those spent.
    ``start``: the date the scheme counts from (``AidRules.start`` says which);
    ``decided_on``: the date of the decision granting the aid (``AidRules.decision``).
    """
    rules = rules_of(scheme_id)
    chosen = chosen_phase(rules, phase)
    check_expenses(rules, chosen, expenses, "expenses")
    if planned is not None:
        check_expenses(rules, chosen, planned, "planned")
    if equity is not None and not equity.is_finite():
        raise EstimateInputError("equity", f"The equity must be an amount in euros, not {equity}.")
    check_dates(start, decided_on)

    spent = _evaluate(rules, chosen, expenses, "expenses")
    log = _Log(list(spent.applied), list(spent.blocked), list(spent.excluded))
    amount = granted = spent.aid
    if planned is not None:
        plan = _evaluate(rules, chosen, planned, "planned")
        log.blocked += [f"Planned expenses: {reason}" for reason in plan.blocked]
        granted = plan.aid
        amount = min(spent.aid, plan.aid)
        if spent.aid < plan.aid:
            log.applied.append(
                f"prorata: {euros(spent.aid)} instead of the {euros(plan.aid)} granted, "
                "since less was spent than planned"
            )
        elif spent.aid > plan.aid:
            log.applied.append(
                f"granted: the aid stays at the {euros(plan.aid)} granted on the planned "
                "expenses, though more was spent"
            )
    if rules.equity_cap is not None:
        amount, granted = _cap_by_equity(rules.equity_cap, equity, amount, granted, log)
    log.notes += chosen.notes
    if rules.company_cap is not None:
        cap = rules.company_cap
        log.notes.append(
            f"Not checked: at most {euros(cap.amount)} of this aid per company, and once "
            f"reached no new application for {cap.years} full years counted from "
            f"{cap.counted_from}; the company's earlier aid from this scheme is not known here "
            f"({cap.source})"
        )
    closed = _closed_on(rules, start)
    if closed is not None:
        log.blocked.append(closed)
    deadlines = deadlines_of(rules, start, decided_on, log.notes)

    eligible = not log.blocked
    if not eligible:
        amount = granted = _ZERO
    payments = payment_schedule(chosen.schedule, granted, amount, log.applied) if eligible else ()
    effective = _ZERO if not spent.presented else amount / spent.presented
    return AidEstimate(
        eligible=eligible,
        amount=amount,
        effective_rate=effective.quantize(_RATE_PLACES, ROUND_HALF_UP),
        applied_rules=tuple(log.applied),
        reasons=tuple(log.blocked + log.notes),
        payments=payments,
        deadlines=deadlines,
        granted=granted if planned is not None else None,
        prorated=amount if planned is not None else None,
        closed_on_start=closed,
        start_means=rules.start,
        decision_means=rules.decision,
        blocked=tuple(log.blocked),
    )


@dataclass(slots=True)
class _Log:
    applied: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Evaluation:
    presented: Decimal
    aid: Decimal
    applied: tuple[str, ...]
    blocked: tuple[str, ...]
    excluded: tuple[str, ...]


def _closed_on(rules: AidRules, start: date | None) -> str | None:
    closes = rules.closes
    if closes is None or start is None or start <= closes.on:
        return None
    return (
        f"The scheme closed on {closes.on.isoformat()}, before the start on "
        f"{start.isoformat()}: {closes.source}"
    )


def _evaluate(
    rules: AidRules, phase: Phase, expenses: Sequence[Expense], argument: str
) -> _Evaluation:
    applied: list[str] = []
    blocked: list[str] = []
    excluded: list[str] = []
    retained = days = _ZERO
    for expense in expenses:
        category = rules.category(expense.category)
        assert category is not None  # check_expenses has refused unknown categories
        if not category.eligible:
            excluded.append(
                f"{euros(expense.amount)} of {category.code} ({category.label}) is not an "
                f"eligible expense ({category.source})"
            )
            continue
        retained += expense.amount
        if category.counts_days and expense.days is not None:
            days += expense.days
    presented = retained

    if phase.days is not None and retained:
        retained = _cap_by_days(rules, phase, retained, days, argument, applied, blocked)
    if rules.expense_cap is not None:
        cap = rules.expense_cap
        effect = "reached" if retained > cap.value else "not reached"
        applied.append(f"expense_cap: {euros(cap.value)} of eligible expenses, {effect}")
        retained = min(retained, cap.value)
    if rules.minimum_expenses is not None:
        minimum = rules.minimum_expenses
        if retained < minimum.value:
            blocked.append(
                f"Eligible expenses of {euros(retained)} are below the minimum of "
                f"{euros(minimum.value)} ({minimum.source})"
            )
        else:
            applied.append(f"minimum_expenses: {euros(minimum.value)} of eligible expenses, met")

    if phase.flat is not None:
        aid = phase.flat.value if retained else _ZERO
        applied.append(
            f"flat: {euros(phase.flat.value)} whatever the eligible expenses "
            f"({euros(retained)} declared)"
        )
        if not aid and not blocked:
            blocked.append("No eligible expense: the aid would be €0.00.")
        return _Evaluation(presented, cents(aid), tuple(applied), tuple(blocked), tuple(excluded))
    assert phase.rate is not None  # a phase has a rate or a flat amount
    aid = retained * phase.rate.value
    applied.append(
        f"rate: {percent(phase.rate.value)} of {euros(retained)} of eligible expenses "
        f"(phase {phase.number}, {phase.label})"
    )
    if rules.aid_cap is not None:
        cap = rules.aid_cap
        if aid > cap.value:
            base = cap.value / phase.rate.value
            applied.append(
                f"aid_cap: {euros(cap.value)}, reached (eligible expenses retained up to "
                f"{euros(base)})"
            )
            aid = cap.value
        else:
            applied.append(f"aid_cap: {euros(cap.value)}, not reached")
    if not aid and not blocked:
        blocked.append("No eligible expense: the aid would be €0.00.")
    return _Evaluation(presented, cents(aid), tuple(applied), tuple(blocked), tuple(excluded))


def _cap_by_days(
    rules: AidRules,
    phase: Phase,
    retained: Decimal,
    days: Decimal,
    argument: str,
    applied: list[str],
    blocked: list[str],
) -> Decimal:
    day_rules = phase.days
    assert day_rules is not None
    if not days:
        raise EstimateInputError(
            argument,
            f"Phase {phase.number} of {rules.title} is funded by the day: give the days of "
            "consulting.",
        )
    funded = days
    if day_rules.minimum is not None and days < day_rules.minimum.value:
        blocked.append(
            f"{number(days)} days of consulting, fewer than the {number(day_rules.minimum.value)}"
            f" days phase {phase.number} requires ({day_rules.minimum.source})"
        )
    if day_rules.maximum is not None and days > day_rules.maximum.value:
        funded = day_rules.maximum.value
        retained = retained * funded / days
        applied.append(
            f"days_limit: phase {phase.number} funds at most {number(funded)} days; "
            f"{number(days)} declared, expenses retained for {number(funded)} days "
            f"({euros(retained)})"
        )
    per_day = day_rules.per_day.value
    ceiling = per_day * funded
    effect = "reached" if retained > ceiling else "not reached"
    applied.append(
        f"day_cap: {euros(per_day)} per day × {number(funded)} days = {euros(ceiling)}, {effect}"
    )
    return min(retained, ceiling)


def _cap_by_equity(
    source: str, equity: Decimal | None, amount: Decimal, granted: Decimal, log: _Log
) -> tuple[Decimal, Decimal]:
    if equity is None:
        log.notes.append(
            f"The company's equity is not known, so this rule was not applied: {source}"
        )
        return amount, granted
    ceiling = max(equity, _ZERO).quantize(_CENT, ROUND_DOWN)
    if ceiling <= _ZERO:
        log.blocked.append(f"The company's equity is {euros(equity)}: {source}")
    effect = "reached" if amount > ceiling else "not reached"
    log.applied.append(f"equity: the subsidy cannot exceed the equity of {euros(equity)}, {effect}")
    return min(amount, ceiling), min(granted, ceiling)
