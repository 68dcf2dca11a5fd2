"""A company's eligibility to the schemes (criterion by criterion), the user's answers, aid
estimates and de minimis aids. Every field here is public where it hangs; the verdicts and
aids of a company are tier 2 on ``Company`` (derived data, docs/visibility.md)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import ClassVar, cast, overload

import strawberry

from auth.tiers import Tier
from auth.visibility import tiered
from connectors.platforms import Platform
from resolvers import (
    aid_estimate,
    aid_estimate_inputs,
    aid_rules,
    aids_received,
    de_minimis,
    eligibility_records,
    schemes,
)
from resolvers.aids_received import AidSource
from schema.schemes import Scheme

__all__ = [
    "AidEstimate",
    "AidSourceEnum",
    "CriterionCheck",
    "CriterionOutcome",
    "DeMinimis",
    "DeadlineKind",
    "EligibilityAnswers",
    "ExpenseInput",
    "OwnershipInput",
    "PublicAid",
    "SchemeEligibilities",
    "SchemeEligibility",
    "Verdict",
]


strawberry.enum(eligibility_records.Verdict, description="Whether a company can get a scheme.")
strawberry.enum(
    eligibility_records.Outcome, name="CriterionOutcome", description="One criterion's outcome."
)
Verdict = eligibility_records.Verdict
CriterionOutcome = eligibility_records.Outcome
strawberry.enum(aid_rules.DeadlineKind, description="What a deadline of an aid closes.")
DeadlineKind = aid_rules.DeadlineKind


@strawberry.type(description="One criterion of a scheme checked against the company.")
class CriterionCheck:
    """Answered from the engine's own ``eligibility_records.CriterionResult`` (a frozen record with
    these attribute names), never a copy: a company's verdicts on the catalogue hold ~1,200
    criteria, and copying them was a tenth of a warm ``eligibleSchemes``. Strawberry reads a
    field by its name, and this type has no interface that would check the object's class."""

    name: str = tiered(Tier.PUBLIC)
    outcome: CriterionOutcome = tiered(Tier.PUBLIC)
    value: str | None = tiered(Tier.PUBLIC, description="The company value it used.")
    detail: str = tiered(Tier.PUBLIC)
    missing: list[str] = tiered(Tier.PUBLIC, description="What data it still needs.")


@strawberry.type(description="Whether a company can get a scheme, criterion by criterion.")
class SchemeEligibility:
    """Answered from the engine's verdict (``eligibility_records.SchemeVerdict``), each field
    read of it when the answer is made. ``answer_key`` names the verdict's content
    (``SchemeVerdict.kept_as``): the compiled execution keeps the answer of a selection made
    of this type's own data by it (``__kept_answer_key__``,
    ``gateway.execution.plan.kept_answers``), so a warm ``eligibleSchemes`` reads none of
    its 219 verdicts' fields; making each of them with its fields copied was a tenth of
    that request."""

    __kept_answer_key__: ClassVar[str] = "answer_key"

    record: strawberry.Private[eligibility_records.SchemeVerdict]

    @tiered(Tier.PUBLIC)
    def scheme(self) -> Scheme:
        return Scheme(record=self.record.scheme)

    @tiered(Tier.PUBLIC)
    def verdict(self) -> Verdict:
        return self.record.verdict

    @tiered(Tier.PUBLIC)
    def criteria(self) -> list[CriterionCheck]:
        return cast("list[CriterionCheck]", self.record.criteria)  # CriterionCheck's docstring

    @tiered(
        Tier.PUBLIC,
        description="The data no source gave (answer it through `eligibility(answers:)`).",
    )
    def missing(self) -> list[str]:
        return list(self.record.missing)

    @property
    def answer_key(self) -> tuple[int, int] | None:
        return self.record.kept_as

    @classmethod
    def of(cls, verdict: eligibility_records.SchemeVerdict) -> SchemeEligibility:
        return SchemeEligibility(record=verdict)


class SchemeEligibilities(Sequence[SchemeEligibility]):
    """A company's verdicts as the schema's type, each made when it is read. ``answer_key``
    names the list's content (``SchemeVerdicts.kept_as``): the compiled execution keeps the
    answer of the whole list by it, as it keeps each verdict's (``gateway.execution.kept``),
    so a warm ``eligibleSchemes`` makes none of its 219 verdicts' objects."""

    __slots__ = ("_verdicts", "answer_key")

    def __init__(self, found: eligibility_records.SchemeVerdicts) -> None:
        self._verdicts = found.verdicts
        self.answer_key = found.kept_as

    def __len__(self) -> int:
        return len(self._verdicts)

    @overload
    def __getitem__(self, index: int) -> SchemeEligibility: ...

    @overload
    def __getitem__(self, index: slice) -> list[SchemeEligibility]: ...

    def __getitem__(self, index: int | slice) -> SchemeEligibility | list[SchemeEligibility]:
        if isinstance(index, slice):
            return [SchemeEligibility.of(verdict) for verdict in self._verdicts[index]]
        return SchemeEligibility.of(self._verdicts[index])

    def __iter__(self) -> Iterator[SchemeEligibility]:
        return map(SchemeEligibility.of, self._verdicts)


@strawberry.input(description="A partner or linked enterprise (EU SME definition).")
class OwnershipInput:
    share: float = strawberry.field(
        description="Share of capital or voting rights held, either way, from 0 to 1 "
        "(0.25–0.5: partner, counted in proportion; > 0.5: linked, counted in full)."
    )
    staff: float
    turnover: int
    balance_sheet_total: int | None = None


@strawberry.input(description="What the user knows that the sources do not.")
class EligibilityAnswers:
    staff: float | None = None
    turnover: int | None = None
    balance_sheet_total: int | None = None
    ownership: list[OwnershipInput] | None = strawberry.field(
        default=None, description="Partner and linked enterprises; [] = autonomous."
    )
    market_income_share: float | None = strawberry.field(
        default=None, description="An association's share of income from market activity (0–1)."
    )
    ei_ea_agreement: bool | None = strawberry.field(
        default=None, description="An association holds an EI/EA agreement."
    )
    certified_accounts: bool | None = strawberry.field(
        default=None, description="A micro-enterprise can supply certified accounts."
    )

    def to_answers(self) -> eligibility_records.Answers:
        return schemes.answers(
            staff=self.staff,
            turnover=self.turnover,
            balance_sheet_total=self.balance_sheet_total,
            ownership=None
            if self.ownership is None
            else [(o.share, o.staff, o.turnover, o.balance_sheet_total) for o in self.ownership],
            market_income_share=self.market_income_share,
            ei_ea_agreement=self.ei_ea_agreement,
            certified_accounts=self.certified_accounts,
        )


@strawberry.input(description="One expense of a project, in euros excluding VAT.")
class ExpenseInput:
    amount: Decimal
    category: str = strawberry.field(description="The scheme's expense category (e.g. `software`).")
    days: Decimal | None = strawberry.field(default=None, description="Consulting days, if any.")
    committed_on: date | None = strawberry.field(
        default=None,
        description="When the quote was signed or the order placed, if it was: an application "
        "must come before (the incentive effect). Read by `submitApplication`.",
    )
    invoiced_on: date | None = strawberry.field(
        default=None,
        description="The invoice's date, if invoiced: France Num's chèque is applied for within "
        "4 months of the last invoice. Read by `submitApplication`.",
    )

    def to_expense(self) -> aid_estimate_inputs.Expense:
        return aid_estimate_inputs.Expense(self.amount, self.category, self.days)


@strawberry.type(description="A payment of the aid.")
class Payment:
    label: str = tiered(Tier.PUBLIC)
    amount: Decimal = tiered(Tier.PUBLIC)
    due: str = tiered(Tier.PUBLIC)


@strawberry.type(description="A deadline the aid sets.")
class Deadline:
    label: str = tiered(Tier.PUBLIC)
    date: date | None = tiered(Tier.PUBLIC)
    rule: str = tiered(Tier.PUBLIC)
    kind: DeadlineKind | None = tiered(Tier.PUBLIC)


@strawberry.type(description="How much a scheme pays for given expenses, and when.")
class AidEstimate:
    eligible: bool = tiered(Tier.PUBLIC)
    amount: Decimal = tiered(Tier.PUBLIC, description="In euros.")
    effective_rate: Decimal = tiered(Tier.PUBLIC, description="The aid over the expenses declared.")
    applied_rules: list[str] = tiered(
        Tier.PUBLIC, description="Every rate, cap and minimum that applied."
    )
    reasons: list[str] = tiered(
        Tier.PUBLIC, description="Why not eligible, and what was not checked."
    )
    payments: list[Payment] = tiered(Tier.PUBLIC)
    deadlines: list[Deadline] = tiered(Tier.PUBLIC)
    granted_amount: Decimal | None = tiered(
        Tier.PUBLIC,
        description="The aid granted on `plannedExpenses` (null without them), in euros.",
    )
    prorated_amount: Decimal | None = tiered(
        Tier.PUBLIC,
        description="With `plannedExpenses`: the aid due on what was spent, prorated when less "
        "was spent than planned and never more than granted (the same as `amount`).",
    )
    closed_on_start_date: str | None = tiered(
        Tier.PUBLIC,
        description="Why a project starting on `startDate` gets nothing because the scheme "
        "had closed (null when it had not, or without `startDate`).",
    )
    realisation_deadline: date | None = tiered(
        Tier.PUBLIC,
        description="The last day to carry out the project (needs the dates the scheme "
        "counts from: `startDateMeans`, `decidedOnMeans`).",
    )
    proofs_deadline: date | None = tiered(
        Tier.PUBLIC, description="The last day to send the proofs of the expenses."
    )
    application_deadline: date | None = tiered(
        Tier.PUBLIC, description="The last day to apply, when the scheme sets one."
    )
    last_expense_date: date | None = tiered(
        Tier.PUBLIC, description="The last day an expense counts, if the scheme "
        "sets one.",
    )  # fmt: skip
    start_date_means: str | None = tiered(
        Tier.PUBLIC, description="What `startDate` means for this scheme."
    )
    decided_on_means: str | None = tiered(
        Tier.PUBLIC,
        description="What `decidedOn` means for this scheme (null: it counts nothing from it).",
    )

    @classmethod
    def of(cls, estimate: aid_estimate.AidEstimate) -> AidEstimate:
        kinds = aid_rules.DeadlineKind
        return cls(
            eligible=estimate.eligible,
            amount=estimate.amount,
            effective_rate=estimate.effective_rate,
            applied_rules=list(estimate.applied_rules),
            reasons=list(estimate.reasons),
            payments=[
                Payment(label=p.label, amount=p.amount, due=p.due) for p in estimate.payments
            ],
            deadlines=[
                Deadline(label=d.label, date=d.date, rule=d.rule, kind=d.kind)
                for d in estimate.deadlines
            ],
            granted_amount=estimate.granted,
            prorated_amount=estimate.prorated,
            closed_on_start_date=estimate.closed_on_start,
            realisation_deadline=estimate.deadline(kinds.REALISATION),
            proofs_deadline=estimate.deadline(kinds.PROOFS),
            application_deadline=estimate.deadline(kinds.APPLICATION),
            last_expense_date=estimate.deadline(kinds.EXPENSES),
            start_date_means=estimate.start_means,
            decided_on_means=estimate.decision_means,
        )


AidSourceEnum = strawberry.enum(
    AidSource,
    name="AidSource",
    description="PLATFORM: granted on DEL or Mes aides en ligne; HUB_RECORD: on the hub's record.",
)


@strawberry.type(
    description="A public aid the company received: granted on a submission platform or on "
    "the hub's record, each aid once (the same platform reference, or the same grantor, "
    "scheme, date and amount, is one aid)."
)
class PublicAid:
    granted_on: date = tiered(Tier.PUBLIC, description="The decision (arrêté) on a platform.")
    amount: int = tiered(Tier.PUBLIC, description="Gross grant equivalent, in euros.")
    grantor: str = tiered(
        Tier.PUBLIC,
        description="A platform aid: its scheme's first financer in the catalogue (the "
        "platform's name when the catalogue no longer lists the scheme).",
    )
    scheme: str = tiered(Tier.PUBLIC, description="The scheme's title.")
    regulation: str | None = tiered(
        Tier.PUBLIC, description="The EU regulation it was granted under."
    )
    source: AidSource = tiered(Tier.PUBLIC)
    platform: Platform | None = tiered(Tier.PUBLIC, description="Where it was granted.")
    reference: str | None = tiered(Tier.PUBLIC, description="The platform's own number.")
    scheme_id: strawberry.ID | None = tiered(
        Tier.PUBLIC, description="The catalogue's scheme id, for a platform aid."
    )

    @classmethod
    def of(cls, aid: aids_received.ReceivedAid) -> PublicAid:
        return cls(
            granted_on=aid.granted_on, amount=aid.amount, grantor=aid.grantor,
            scheme=aid.scheme, regulation=aid.regulation, source=aid.source,
            platform=aid.platform, reference=aid.reference,
            scheme_id=strawberry.ID(aid.scheme_id) if aid.scheme_id else None,
        )  # fmt: skip


@strawberry.type(description="The de minimis aids received over a regulation's period, "
                 "against its ceiling.")  # fmt: skip
class DeMinimis:
    regulation: str = tiered(
        Tier.PUBLIC, description="EU 2023/2831, EU 1407/2013 or the agricultural EU 1408/2013."
    )
    ceiling: int = tiered(Tier.PUBLIC, description="In euros.")
    period: str = tiered(Tier.PUBLIC)
    period_start: date = tiered(Tier.PUBLIC)
    total: int = tiered(Tier.PUBLIC, description="De minimis aids received in the period (€).")
    remaining: int = tiered(Tier.PUBLIC, description="What the ceiling still allows (€).")
    exceeded: bool = tiered(Tier.PUBLIC)
    aids: list[PublicAid] = tiered(Tier.PUBLIC, description="The aids counted, newest first.")

    @classmethod
    def of(cls, summary: de_minimis.DeMinimisSummary[aids_received.ReceivedAid]) -> DeMinimis:
        rule = summary.regulation
        return cls(
            regulation=f"EU {rule.name}", ceiling=rule.ceiling, period=rule.period,
            period_start=summary.period_start, total=summary.total,
            remaining=summary.remaining, exceeded=summary.exceeded,
            aids=[PublicAid.of(a) for a in summary.aids],
        )  # fmt: skip
