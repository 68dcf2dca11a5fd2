"""How a granted aid is paid: at once, or an advance (a share of the aid granted) then the
balance still due, or what the company must pay back when the advance exceeds the aid due."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from resolvers.aid_format import cents, euros, percent
from resolvers.aid_rules import Schedule

__all__ = ["Payment", "payment_schedule"]


@dataclass(frozen=True, slots=True)
class Payment:
    label: str
    amount: Decimal
    due: str


def payment_schedule(
    schedule: Schedule, granted: Decimal, amount: Decimal, applied: list[str]
) -> tuple[Payment, ...]:
    single, advance = schedule.single, schedule.advance
    if single is not None and (single.up_to is None or granted <= single.up_to):
        if single.up_to is not None:
            applied.append(
                f"single_payment: an aid of at most {euros(single.up_to)} is paid at once"
            )
        return (Payment(single.label, amount, single.due),)
    assert advance is not None  # a Schedule has a single payment or an advance
    first = cents(granted * advance.rate)
    applied.append(
        f"advance: {percent(advance.rate)} of the {euros(granted)} granted, "
        f"{euros(first)}; the balance when the expenses are proven"
    )
    rest = amount - first
    if rest >= 0:
        return (
            Payment(advance.label, first, advance.due),
            Payment(advance.balance_label, rest, advance.balance_due),
        )
    return (
        Payment(advance.label, first, advance.due),
        Payment(
            "Trop-perçu à reverser",
            -rest,
            "l'avance dépasse l'aide due sur les dépenses justifiées",
        ),
    )
