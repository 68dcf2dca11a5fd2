"""The checks an application passes before it is sent to a platform (``submitApplication``).

Pure: the resolver gathers the company's recorded aids and previous applications, and calls
``check_submission``; each rule that refuses says why, in the scheme's words, and the whole
refusal is one ``AidRuleError`` (``bad_user_input`` makes it ``BAD_USER_INPUT``):

- the scheme's own rules, through the estimate engine: categories, the minimum of eligible
  expenses, days, caps (``resolvers.aid_estimate``);
- the scheme closed on the deposit date;
- the incentive effect: no expense committed, no start planned, before the deposit;
- an application deadline counted from the last invoice (France Num's chèque);
- the de minimis ceiling over its period, with the aids the company declares and those the
  hub recorded, the same aid counted once;
- a ceiling per company (Pays de la Loire: €15,000; a second application for a new project
  for what is left; once reached, nothing before two full years from the acknowledgement).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from resolvers.aid_estimate import AidEstimate, estimate_aid
from resolvers.aid_estimate_inputs import Expense, rules_of
from resolvers.aid_format import add_months, euros
from resolvers.aid_refusals import AidRuleError
from resolvers.aid_rules import AidRules, CompanyCap, DeadlineKind
from resolvers.de_minimis import Aid, counted_total, regulation_named

__all__ = [
    "DeclaredAid",
    "PreviousApplication",
    "Submission",
    "SubmissionVerdict",
    "SubmittedExpense",
    "check_submission",
]

_ABSURD = Decimal(10) ** 9
_EARLIEST = date(1990, 1, 1)
_TITLE_LENGTH = 300


@dataclass(frozen=True, slots=True)
class SubmittedExpense:
    """An expense of the application; ``committed_on``: the quote signed or order placed;
    ``invoiced_on``: the invoice's date."""

    amount: Decimal
    category: str
    days: Decimal | None = None
    committed_on: date | None = None
    invoiced_on: date | None = None

    @property
    def expense(self) -> Expense:
        return Expense(self.amount, self.category, self.days)


@dataclass(frozen=True, slots=True)
class DeclaredAid:
    """A public aid the company declares (``deMinimisDeclaration``)."""

    grantor: str
    amount: Decimal
    granted_on: date
    regulation: str | None


@dataclass(frozen=True, slots=True)
class PreviousApplication:
    """An earlier application of the company that obtained or may obtain aid (leave out those
    rejected or withdrawn). ``amount``: the aid granted, or requested while undecided."""

    scheme_id: str
    project_title: str
    amount: Decimal
    submitted_on: date
    acknowledged_on: date | None = None


@dataclass(frozen=True, slots=True)
class Submission:
    """``SubmitApplicationInput`` as the resolver builds it from GraphQL."""

    scheme_id: str
    siret: str
    project_title: str
    expenses: tuple[SubmittedExpense, ...]
    planned_start: date | None = None
    de_minimis_declaration: tuple[DeclaredAid, ...] = ()
    phase: int | None = None


@dataclass(frozen=True, slots=True)
class SubmissionVerdict:
    """The application may go: ``requested`` is the aid applied for (the estimate's amount)."""

    requested: Decimal
    estimate: AidEstimate
    de_minimis_remaining: Decimal | None
    """What the ceiling still allows after this aid (None: not a de minimis aid)."""
    company_cap_remaining: Decimal | None
    """What the scheme's ceiling per company still allows after this aid (None: no such cap)."""


@dataclass(frozen=True, slots=True)
class _Refusal:
    rule: str
    reason: str
    argument: str | None = None


def check_submission(
    submission: Submission,
    *,
    deposited_on: date,
    recorded_aids: Sequence[Aid] = (),
    previous: Sequence[PreviousApplication] = (),
    equity: Decimal | None = None,
) -> SubmissionVerdict:
    """The verdict on ``submission`` filed on ``deposited_on``, or ``AidRuleError`` with every
    rule that refuses it (``UnknownScheme`` when the hub has no rules for the scheme).

    ``recorded_aids``: the company's public aids the hub knows (``Company.aidsReceived``);
    ``previous``: its earlier applications; ``equity``: for the schemes it caps.
    """
    rules = rules_of(submission.scheme_id)
    _check_input(submission, deposited_on)
    start = _start(rules, submission, deposited_on)
    estimate = estimate_aid(
        rules.scheme_id,
        [e.expense for e in submission.expenses],
        phase=submission.phase,
        equity=equity,
        start=start,
    )
    refusals = _closed(rules, deposited_on)
    refusals += [
        _Refusal("scheme_rules", reason)
        for reason in estimate.blocked
        if reason != estimate.closed_on_start  # told by _closed, for the deposit date
    ]
    requested = estimate.amount
    refusals += _incentive_effect(rules, submission, deposited_on)
    refusals += _application_deadline(rules, submission, deposited_on)
    minimis, remaining_minimis = _de_minimis(
        rules, submission, recorded_aids, requested, deposited_on
    )
    refusals += minimis
    capped, remaining_cap = _company_cap(rules, submission, previous, requested, deposited_on)
    refusals += capped
    if refusals:
        raise AidRuleError(
            " ".join(r.reason for r in refusals),
            rule=refusals[0].rule,
            argument=refusals[0].argument,
            reasons=tuple(r.reason for r in refusals),
        )
    return SubmissionVerdict(requested, estimate, remaining_minimis, remaining_cap)


def _check_input(submission: Submission, deposited_on: date) -> None:
    title = submission.project_title.strip()
    if not title or len(title) > _TITLE_LENGTH:
        raise AidRuleError(
            f"A project title is 1 to {_TITLE_LENGTH} characters.", argument="projectTitle"
        )
    if not submission.expenses:
        raise AidRuleError("An application lists its expenses.", argument="expenses")
    for index, expense in enumerate(submission.expenses):
        _plausible(f"expenses[{index}].committedOn", expense.committed_on, _latest(deposited_on))
        _plausible(f"expenses[{index}].invoicedOn", expense.invoiced_on, deposited_on)
    if submission.planned_start is not None and not (
        _EARLIEST <= submission.planned_start <= _latest(deposited_on)
    ):
        raise AidRuleError(
            f"{submission.planned_start.isoformat()} is not a plausible start for a project.",
            argument="plannedStart",
        )
    for index, aid in enumerate(submission.de_minimis_declaration):
        where = f"deMinimisDeclaration[{index}]"
        if not aid.grantor.strip():
            raise AidRuleError("A declared aid names its grantor.", argument=f"{where}.grantor")
        if not aid.amount.is_finite() or not Decimal(0) < aid.amount < _ABSURD:
            raise AidRuleError(
                f"A declared aid is a positive amount in euros, not {aid.amount}.",
                argument=f"{where}.amount",
            )
        _plausible(f"{where}.grantedOn", aid.granted_on, deposited_on)
        if regulation_named(aid.regulation) is None:
            raise AidRuleError(
                "Declare the aids granted under a de minimis regulation (EU 2023/2831, "
                f"1407/2013 or the agricultural 1408/2013), not {aid.regulation!r}: « déclarer "
                "l'ensemble des aides publiques reçues les 3 dernières années de tout organisme "
                "public et entrant dans le cadre de ce règlement ».",
                argument=f"{where}.regulation",
            )


def _latest(deposited_on: date) -> date:
    """The latest plausible date of a planned start or commitment: ten years ahead."""
    return add_months(deposited_on, 120)


def _plausible(argument: str, day: date | None, latest: date) -> None:
    if day is not None and not _EARLIEST <= day <= latest:
        raise AidRuleError(
            f"{day.isoformat()} is not a plausible date here: between {_EARLIEST.isoformat()} "
            f"and {latest.isoformat()}.",
            argument=argument,
        )


def _start(rules: AidRules, submission: Submission, deposited_on: date) -> date:
    """The date the scheme's estimate counts from: the last invoice for a deadline counted from
    it, else the planned start (the deposit date when none is planned)."""
    if rules.deadline(DeadlineKind.APPLICATION) is not None:
        invoiced = [e.invoiced_on for e in submission.expenses if e.invoiced_on is not None]
        if invoiced:
            return max(invoiced)
    return submission.planned_start or deposited_on


def _closed(rules: AidRules, deposited_on: date) -> list[_Refusal]:
    if rules.closes is None or deposited_on <= rules.closes.on:
        return []
    return [
        _Refusal(
            "closed",
            f"{rules.title} closed on {rules.closes.on.isoformat()}: {rules.closes.source}",
        )
    ]


def _incentive_effect(
    rules: AidRules, submission: Submission, deposited_on: date
) -> list[_Refusal]:
    source = rules.incentive_effect
    if source is None:
        return []
    refusals = []
    for index, expense in enumerate(submission.expenses):
        if expense.committed_on is not None and expense.committed_on < deposited_on:
            refusals.append(
                _Refusal(
                    "incentive_effect",
                    f"The expense of {euros(expense.amount)} was committed on "
                    f"{expense.committed_on.isoformat()}, before the application: {source}",
                    f"expenses[{index}].committedOn",
                )
            )
    start = submission.planned_start
    if start is not None and start < deposited_on:
        refusals.append(
            _Refusal(
                "incentive_effect",
                f"The project starts on {start.isoformat()}, before the application: {source}",
                "plannedStart",
            )
        )
    return refusals


def _application_deadline(
    rules: AidRules, submission: Submission, deposited_on: date
) -> list[_Refusal]:
    deadline = rules.deadline(DeadlineKind.APPLICATION)
    if deadline is None or deadline.months_after is None:
        return []
    missing = [i for i, e in enumerate(submission.expenses) if e.invoiced_on is None]
    if missing:
        return [
            _Refusal(
                "application_deadline",
                f"Give the date of every invoice: {deadline.source}",
                f"expenses[{missing[0]}].invoicedOn",
            )
        ]
    last = max(e.invoiced_on for e in submission.expenses if e.invoiced_on is not None)
    until = add_months(last, deadline.months_after)
    if deposited_on <= until:
        return []
    return [
        _Refusal(
            "application_deadline",
            f"The last invoice is of {last.isoformat()}: the application was due by "
            f"{until.isoformat()} ({deadline.source})",
        )
    ]


def _de_minimis(
    rules: AidRules,
    submission: Submission,
    recorded: Sequence[Aid],
    requested: Decimal,
    deposited_on: date,
) -> tuple[list[_Refusal], Decimal | None]:
    regulation = regulation_named(rules.de_minimis)
    if regulation is None:
        return [], None
    aids: dict[tuple[date, Decimal, str | None], Aid] = {}
    for aid in (*recorded, *submission.de_minimis_declaration):
        named = regulation_named(aid.regulation)
        aids.setdefault((aid.granted_on, Decimal(aid.amount), named.name if named else None), aid)
    total = counted_total(aids.values(), regulation, deposited_on)
    remaining = Decimal(regulation.ceiling) - total - requested
    if remaining >= 0:
        return [], remaining
    return [
        _Refusal(
            "de_minimis",
            f"De minimis aids of {euros(total)} over {regulation.period} (EU {regulation.name}) "
            f"and the {euros(requested)} applied for exceed the ceiling of "
            f"{euros(Decimal(regulation.ceiling))}: at most "
            f"{euros(max(Decimal(regulation.ceiling) - total, Decimal(0)))} can still be granted.",
            "deMinimisDeclaration",
        )
    ], None


def _company_cap(
    rules: AidRules,
    submission: Submission,
    previous: Sequence[PreviousApplication],
    requested: Decimal,
    deposited_on: date,
) -> tuple[list[_Refusal], Decimal | None]:
    cap = rules.company_cap
    if cap is None:
        return [], None
    earlier = sorted(
        (p for p in previous if p.scheme_id == rules.scheme_id),
        key=lambda p: p.acknowledged_on or p.submitted_on,
    )
    refusals = []
    title = _folded(submission.project_title)
    if any(_folded(p.project_title) == title for p in earlier):
        refusals.append(
            _Refusal(
                "same_project",
                f"{rules.title} already funds the project {submission.project_title.strip()!r}:"
                " a second application is for a new project (« Elle ne pourra toutefois pas "
                "redemander une deuxième aide sur le projet »).",
                "projectTitle",
            )
        )
    used, reopens, pending = _cycle(cap, earlier)
    if reopens is not None and deposited_on >= reopens:
        used, reopens = Decimal(0), None
    if reopens is not None or pending:
        when = (
            f"from {reopens.isoformat()}" if reopens else "two full years after its acknowledgement"
        )
        refusals.append(
            _Refusal(
                "company_cap",
                f"The company has reached the {euros(cap.amount)} of {rules.title}: a new "
                f"application only {when} ({cap.source})",
            )
        )
        return refusals, None
    left = cap.amount - used
    if requested > left:
        refusals.append(
            _Refusal(
                "company_cap",
                f"{euros(used)} of {rules.title} already granted or applied for: a new project "
                f"can get at most the {euros(left)} left of {euros(cap.amount)}, not "
                f"{euros(requested)} ({cap.source})",
            )
        )
    return refusals, left - requested if requested <= left else None


def _cycle(
    cap: CompanyCap, earlier: Sequence[PreviousApplication]
) -> tuple[Decimal, date | None, bool]:
    """The aid used in the current cycle, when the next one opens (the cap reached: ``years``
    full years after the acknowledgement that reached it), and whether the cap was reached by
    an application not yet acknowledged."""
    used, reopens, pending = Decimal(0), None, False
    for application in earlier:
        counted_on = application.acknowledged_on or application.submitted_on
        if reopens is not None and counted_on >= reopens:
            used, reopens = Decimal(0), None
        used += application.amount
        if used >= cap.amount and reopens is None:
            if application.acknowledged_on is None:
                pending = True
            else:
                reopens = add_months(application.acknowledged_on, 12 * cap.years)
    return used, reopens, pending


def _folded(title: str) -> str:
    return " ".join(title.casefold().split())
