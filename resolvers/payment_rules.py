"""The checks a payment request passes before it is sent to a platform (``requestPayment``).

Pure, like ``resolvers.submission_rules``: the resolver gathers the application (the aid
granted, its dates) and its earlier payments and calls ``check_payment_request``, which says
how much the request pays, or refuses it with the rule's reason (``AidRuleError``):

- an aid at most the single-payment ceiling is paid at once, with the balance's proofs
  (Pays de la Loire: « Toute aide inférieure ou égale à 4000€ est versée en une seule fois »);
  above it, an advance and a balance;
- Pays de la Loire's advance is 30 % of the aid granted, on a quote or order signed and
  stamped; Industrie du futur's phase-2 advance is an instalment of at most 70 % of the
  phase's aid;
- the balance (or single payment) is paid on invoices carrying what the scheme asks (payment
  date, signature, stamp), paid within the realisation period and sent before the proofs'
  deadline; it is prorated when less was spent than planned, less the advance paid;
- one advance, nothing after the balance, nothing before the aid is granted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum

from resolvers.aid_deadlines import dated_deadlines
from resolvers.aid_estimate_inputs import rules_of
from resolvers.aid_format import cents, euros, percent
from resolvers.aid_refusals import AidRuleError
from resolvers.aid_rules import AidRules, DeadlineKind, Phase

__all__ = [
    "GrantedAid",
    "Invoice",
    "PaymentKind",
    "PaymentRecord",
    "PaymentVerdict",
    "check_payment_request",
]

_ABSURD = Decimal(10) ** 9
_EARLIEST = date(1990, 1, 1)
_ZERO = Decimal(0)


class PaymentKind(Enum):
    ADVANCE = "ADVANCE"
    BALANCE = "BALANCE"
    SINGLE = "SINGLE"


@dataclass(frozen=True, slots=True)
class Invoice:
    """An invoice (or, for an advance on a quote, the quote or order) sent with the request."""

    reference: str
    amount: Decimal
    paid_on: date | None = None
    stamped: bool = False
    signed: bool = False


@dataclass(frozen=True, slots=True)
class PaymentRecord:
    """An earlier payment request of the application; refused ones count for nothing."""

    kind: PaymentKind
    amount: Decimal
    refused: bool = False


@dataclass(frozen=True, slots=True)
class GrantedAid:
    """The application the payment is for. ``expenses_from``: the date expenses count from
    (the acknowledgement's); ``decided_on``: the decision granting the aid (the arrêté)."""

    scheme_id: str
    granted: Decimal
    decided_on: date | None
    expenses_from: date | None = None
    phase: int | None = None


@dataclass(frozen=True, slots=True)
class PaymentVerdict:
    """The request may go: it pays ``amount``; ``overpaid`` is what the advance paid beyond the
    aid due (to be paid back); ``applied`` the rules that set the amount."""

    kind: PaymentKind
    amount: Decimal
    overpaid: Decimal
    applied: tuple[str, ...]


def check_payment_request(
    grant: GrantedAid,
    kind: PaymentKind,
    invoices: Sequence[Invoice],
    *,
    requested_on: date,
    previous: Sequence[PaymentRecord] = (),
    requested: Decimal | None = None,
) -> PaymentVerdict:
    """What a ``kind`` request on ``invoices`` pays on ``requested_on``, or ``AidRuleError``
    with the rule that refuses it (``UnknownScheme`` when the hub has no rules for the scheme).

    ``requested``: an amount the company asks for (an instalment below the ceiling); None asks
    for what the rules allow.
    """
    rules = rules_of(grant.scheme_id)
    phase = _phase(rules, grant.phase)
    _check_input(grant, invoices, requested_on, requested)
    _check_timing(rules, grant, requested_on, previous, kind)
    schedule = phase.schedule
    single, advance = schedule.single, schedule.advance
    at_once = single is not None and (single.up_to is None or grant.granted <= single.up_to)
    if kind is PaymentKind.SINGLE and not at_once:
        source = advance.source if advance is not None else ""
        raise AidRuleError(
            f"An aid of {euros(grant.granted)} is paid as an advance and a balance, not at "
            f"once ({source})",
            rule="payment_schedule",
            argument="kind",
        )
    if kind is not PaymentKind.SINGLE and at_once:
        assert single is not None
        raise AidRuleError(
            f"An aid of {euros(grant.granted)} is paid at once: ask for a SINGLE payment "
            f"({single.source})",
            rule="payment_schedule",
            argument="kind",
        )
    if kind is PaymentKind.ADVANCE:
        return _advance(rules, phase, grant, invoices, previous, requested)
    return _balance(rules, phase, grant, kind, invoices, requested_on, previous)


def _phase(rules: AidRules, number: int | None) -> Phase:
    if number is None and len(rules.phases) == 1:
        return rules.phases[0]
    found = rules.phase(number) if number is not None else None
    if found is None:
        raise AidRuleError(
            f"{rules.title} pays phase by phase: say which "
            f"({', '.join(str(p.number) for p in rules.phases)}).",
            argument="phase",
        )
    return found


def _check_input(
    grant: GrantedAid, invoices: Sequence[Invoice], requested_on: date, requested: Decimal | None
) -> None:
    if not grant.granted.is_finite() or not _ZERO < grant.granted < _ABSURD:
        raise AidRuleError(f"No aid of {grant.granted} was granted.", argument="granted")
    if requested is not None and (not requested.is_finite() or not _ZERO < requested < _ABSURD):
        raise AidRuleError(
            f"A payment is a positive amount in euros, not {requested}.", argument="amount"
        )
    if not invoices:
        raise AidRuleError("A payment request comes with its invoices.", argument="invoices")
    seen: set[str] = set()
    for index, invoice in enumerate(invoices):
        where = f"invoices[{index}]"
        reference = invoice.reference.strip()
        if not reference or len(reference) > 100:
            raise AidRuleError(
                "An invoice has a reference of 1 to 100 characters.", argument=f"{where}.reference"
            )
        if reference.casefold() in seen:
            raise AidRuleError(
                f"The invoice {reference!r} is listed twice.", argument=f"{where}.reference"
            )
        seen.add(reference.casefold())
        if not invoice.amount.is_finite() or not _ZERO < invoice.amount < _ABSURD:
            raise AidRuleError(
                f"An invoice is a positive amount in euros, not {invoice.amount}.",
                argument=f"{where}.amount",
            )
        paid = invoice.paid_on
        if paid is not None and not _EARLIEST <= paid <= requested_on:
            raise AidRuleError(
                f"An invoice paid on {paid.isoformat()}: the date must be past and after "
                f"{_EARLIEST.isoformat()}.",
                argument=f"{where}.paidOn",
            )


def _check_timing(
    rules: AidRules,
    grant: GrantedAid,
    requested_on: date,
    previous: Sequence[PaymentRecord],
    kind: PaymentKind,
) -> None:
    if grant.decided_on is None or requested_on < grant.decided_on:
        raise AidRuleError(
            f"A payment of {rules.title} is requested once the aid is granted (« Vous pourrez "
            "faire votre demande de paiement dès réception de l'arrêté officiel d'attribution "
            "de l'aide »).",
            rule="not_granted",
        )
    live = [p for p in previous if not p.refused]
    if any(p.kind is not PaymentKind.ADVANCE for p in live):
        raise AidRuleError(
            "The balance of this aid has already been requested: nothing more can be paid.",
            rule="already_paid",
        )
    if kind is PaymentKind.ADVANCE and live:
        raise AidRuleError(
            "An advance has already been requested: the rest is paid as the balance.",
            rule="one_advance",
            argument="kind",
        )


def _advance(
    rules: AidRules,
    phase: Phase,
    grant: GrantedAid,
    invoices: Sequence[Invoice],
    previous: Sequence[PaymentRecord],
    requested: Decimal | None,
) -> PaymentVerdict:
    advance = phase.schedule.advance
    assert advance is not None  # not paid at once, so it has an advance
    ceiling = cents(grant.granted * advance.rate)
    if advance.on_quote:
        unsigned = [i for i, quote in enumerate(invoices) if not (quote.signed and quote.stamped)]
        if unsigned:
            raise AidRuleError(
                f"The advance is paid on a quote or order signed and stamped ({advance.source})",
                rule="advance_quote",
                argument=f"invoices[{unsigned[0]}]",
            )
        allowed = ceiling
        applied = f"advance: {percent(advance.rate)} of the {euros(grant.granted)} granted"
    else:
        _check_mentions(rules, invoices)
        assert phase.rate is not None  # an instalment on invoices is a share of them
        spent = sum((i.amount for i in invoices), _ZERO)
        allowed = min(cents(spent * phase.rate.value), ceiling)
        applied = (
            f"advance: {percent(phase.rate.value)} of the {euros(spent)} invoiced, at most "
            f"{percent(advance.rate)} of the {euros(grant.granted)} granted ({euros(ceiling)})"
        )
    if requested is not None and requested > allowed:
        raise AidRuleError(
            f"An advance of {euros(requested)} is more than the {euros(allowed)} allowed "
            f"({advance.source})",
            rule="advance_ceiling",
            argument="amount",
        )
    amount = allowed if requested is None else requested
    return PaymentVerdict(PaymentKind.ADVANCE, amount, _ZERO, (applied,))


def _balance(
    rules: AidRules,
    phase: Phase,
    grant: GrantedAid,
    kind: PaymentKind,
    invoices: Sequence[Invoice],
    requested_on: date,
    previous: Sequence[PaymentRecord],
) -> PaymentVerdict:
    _check_mentions(rules, invoices)
    _check_period(rules, grant, invoices, requested_on)
    spent = sum((i.amount for i in invoices), _ZERO)
    applied = []
    if phase.flat is not None:
        due = grant.granted
    else:
        assert phase.rate is not None
        due = min(grant.granted, cents(spent * phase.rate.value))
        if due < grant.granted:
            applied.append(f"prorata: {euros(due)} of the {euros(grant.granted)} granted "
                           f"({rules.prorata})")  # fmt: skip
    advanced = sum((p.amount for p in previous if not p.refused), _ZERO)
    if advanced:
        applied.append(f"advance: {euros(advanced)} already paid")
    rest = due - advanced
    return PaymentVerdict(kind, max(rest, _ZERO), max(-rest, _ZERO), tuple(applied))


def _check_mentions(rules: AidRules, invoices: Sequence[Invoice]) -> None:
    mentions = rules.invoice_mentions
    if mentions is None:
        return
    for index, invoice in enumerate(invoices):
        lacking = [
            name
            for name, wanted, has in (
                ("the payment date", mentions.paid_on, invoice.paid_on is not None),
                ("the signature", mentions.signed, invoice.signed),
                ("the stamp", mentions.stamped, invoice.stamped),
            )
            if wanted and not has
        ]
        if lacking:
            raise AidRuleError(
                f"The invoice {invoice.reference.strip()!r} lacks {' and '.join(lacking)} "
                f"({mentions.source})",
                rule="invoice_mentions",
                argument=f"invoices[{index}]",
            )


def _check_period(
    rules: AidRules, grant: GrantedAid, invoices: Sequence[Invoice], requested_on: date
) -> None:
    dated = {d.kind: d for d in dated_deadlines(rules, grant.expenses_from, grant.decided_on)}
    proofs = dated.get(DeadlineKind.PROOFS)
    if proofs is not None and proofs.date is not None and requested_on > proofs.date:
        raise AidRuleError(
            f"The proofs were due by {proofs.date.isoformat()} ({proofs.rule}).",
            rule="proofs_deadline",
        )
    last = dated.get(DeadlineKind.REALISATION) or dated.get(DeadlineKind.EXPENSES)
    for index, invoice in enumerate(invoices):
        paid = invoice.paid_on
        if paid is None:
            continue
        if grant.expenses_from is not None and paid < grant.expenses_from:
            raise AidRuleError(
                f"The invoice {invoice.reference.strip()!r} was paid on {paid.isoformat()}, "
                f"before expenses counted ({grant.expenses_from.isoformat()}).",
                rule="realisation_period",
                argument=f"invoices[{index}].paidOn",
            )
        if last is not None and last.date is not None and paid > last.date:
            raise AidRuleError(
                f"The invoice {invoice.reference.strip()!r} was paid on {paid.isoformat()}, "
                f"after {last.date.isoformat()} ({last.rule}).",
                rule="realisation_period",
                argument=f"invoices[{index}].paidOn",
            )
