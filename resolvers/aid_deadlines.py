"""An aid scheme's deadlines, dated from the project's start and the decision granting the
aid where the scheme counts from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from resolvers.aid_format import add_months
from resolvers.aid_rules import AidRules, DeadlineKind

__all__ = ["Deadline", "dated_deadlines", "deadlines_of"]


@dataclass(frozen=True, slots=True)
class Deadline:
    label: str
    date: date | None
    rule: str
    kind: DeadlineKind | None = None


def dated_deadlines(
    rules: AidRules, start: date | None, decided_on: date | None
) -> tuple[Deadline, ...]:
    """The scheme's deadlines, dated from ``start`` and ``decided_on`` where they count."""
    return deadlines_of(rules, start, decided_on, [])


def deadlines_of(
    rules: AidRules, start: date | None, decided_on: date | None, notes: list[str]
) -> tuple[Deadline, ...]:
    dates: dict[str, date | None] = {}
    deadlines = []
    for rule in rules.deadlines:
        when = rule.on
        if rule.months_after is not None:
            if rule.after is not None:
                base = dates[rule.after]
            else:
                base = decided_on if rule.from_decision else start
            when = None if base is None else add_months(base, rule.months_after)
        dates[rule.label] = when
        deadlines.append(Deadline(rule.label, when, rule.rule, rule.kind))
    if decided_on is not None and rules.decision is None:
        notes.append(f"The decision date is not used: {rules.title} counts no deadline from it.")
    return tuple(deadlines)
