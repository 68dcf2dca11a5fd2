"""The de minimis ceiling: the public aids a company received under the de minimis
regulations over the regulation's period, against its ceiling.

- EU 2023/2831 (from 2024): €300,000 over any period of three years (rolling);
- EU 1407/2013 (2014–2023): €200,000 over the current and the two previous fiscal years
  (counted here as calendar years: the hub does not know each company's fiscal year);
- EU 1408/2013, the agricultural de minimis: its own ceiling, €30,000 as the Pays de la Loire
  FAQ §23 gives it ("30 000€ pour le « De Minimis » agricole"), over the same three fiscal
  years.

Aids granted under any de minimis regulation count towards a general ceiling (2023/2831
art. 5 counts the aids of 1407/2013; 1408/2013 art. 5 lets agricultural aids add up with the
general ones up to the general ceiling); only agricultural aids count towards the agricultural
ceiling. Aids granted under another framework (an exempted scheme, a market-rate loan) count
towards none. The seeds cite the regulations (Pays de la Loire FAQ §23: "200 000€ d'aides
publiques tous les 3 ans par entreprise (30 000€ pour le « De Minimis » agricole)"; Industrie
du futur: "Règle de minimis n°2023/2831").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Generic, Protocol, TypeVar

__all__ = [
    "CEILINGS",
    "DeMinimisSummary",
    "Regulation",
    "counted_total",
    "regulation_named",
    "summarise",
]

_GENERAL = ("2023/2831", "1407/2013", "1408/2013")
_FISCAL_YEARS = "the current and the two previous fiscal years"


@dataclass(frozen=True, slots=True)
class Regulation:
    """A de minimis ceiling; ``counts`` names the regulations whose aids count towards it."""

    name: str
    ceiling: int
    period: str
    counts: tuple[str, ...] = _GENERAL


CEILINGS: dict[str, Regulation] = {
    "2023/2831": Regulation("2023/2831", 300_000, "any period of three years"),
    "1407/2013": Regulation("1407/2013", 200_000, _FISCAL_YEARS),
    "1408/2013": Regulation("1408/2013", 30_000, _FISCAL_YEARS, counts=("1408/2013",)),
}
DEFAULT_REGULATION = "2023/2831"


class Aid(Protocol):
    """What the ceiling reads of an aid: a recorded one or one the company declares."""

    @property
    def granted_on(self) -> date: ...
    @property
    def amount(self) -> int | Decimal: ...
    @property
    def regulation(self) -> str | None: ...


def regulation_named(name: str | None) -> Regulation | None:
    """The regulation ``name`` designates (``EU 1407/2013``, ``1407/2013``), if the hub knows it."""
    if name is None:
        return None
    return CEILINGS.get(name.strip().removeprefix("EU").strip())


def counted_total(aids: Iterable[Aid], regulation: Regulation, as_of: date) -> Decimal:
    """The aids that count towards ``regulation``'s ceiling over its period up to ``as_of``."""
    start = period_start(regulation, as_of)
    return sum(
        (Decimal(aid.amount) for aid in aids if _counts(aid, regulation, start, as_of)),
        Decimal(0),
    )


def _counts(aid: Aid, regulation: Regulation, start: date, as_of: date) -> bool:
    named = regulation_named(aid.regulation)
    return (
        named is not None and named.name in regulation.counts and start <= aid.granted_on <= as_of
    )


A = TypeVar("A", bound=Aid)


@dataclass(frozen=True, slots=True)
class DeMinimisSummary(Generic[A]):
    regulation: Regulation
    period_start: date
    total: int
    remaining: int
    exceeded: bool
    aids: tuple[A, ...]
    """The aids counted, in the order given (newest first)."""


def period_start(regulation: Regulation, as_of: date) -> date:
    if regulation.period == _FISCAL_YEARS:
        return date(as_of.year - 2, 1, 1)
    try:
        start = as_of.replace(year=as_of.year - 3)
    except ValueError:  # 29 February
        start = as_of.replace(year=as_of.year - 3, day=28)
    return date.fromordinal(start.toordinal() + 1)


def summarise(aids: Sequence[A], regulation: Regulation, as_of: date) -> DeMinimisSummary[A]:
    start = period_start(regulation, as_of)
    counted = tuple(aid for aid in aids if _counts(aid, regulation, start, as_of))
    total = int(sum((Decimal(aid.amount) for aid in counted), Decimal(0)))
    return DeMinimisSummary(
        regulation=regulation,
        period_start=start,
        total=total,
        remaining=max(regulation.ceiling - total, 0),
        exceeded=total > regulation.ceiling,
        aids=counted,
    )
