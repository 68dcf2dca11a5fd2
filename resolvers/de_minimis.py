"""The de minimis ceiling: the public aids a company received under the de minimis
regulations over the regulation's period, against its ceiling.

- EU 2023/2831 (from 2024): €300,000 over any period of three years (rolling);
- EU 1407/2013 (2014–2023): €200,000 over the current and the two previous fiscal years
  (counted here as calendar years: the hub does not know each company's fiscal year).

Aids granted under either general de minimis regulation count towards the ceiling (2023/2831
art. 5 counts the aids of 1407/2013); aids granted under another framework (an exempted
scheme, a market-rate loan) do not. The seeds cite both regulations (Pays de la Loire FAQ
§23: "200 000€ d'aides publiques tous les 3 ans"; Industrie du futur: "Règle de minimis
n°2023/2831").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from connectors.hubdb import PublicAidRecord

__all__ = ["CEILINGS", "DeMinimisSummary", "Regulation", "summarise"]


@dataclass(frozen=True, slots=True)
class Regulation:
    name: str
    ceiling: int
    period: str


CEILINGS: dict[str, Regulation] = {
    "2023/2831": Regulation("2023/2831", 300_000, "any period of three years"),
    "1407/2013": Regulation("1407/2013", 200_000, "the current and the two previous fiscal years"),
}
DEFAULT_REGULATION = "2023/2831"


@dataclass(frozen=True, slots=True)
class DeMinimisSummary:
    regulation: Regulation
    period_start: date
    total: int
    remaining: int
    exceeded: bool
    aids: tuple[PublicAidRecord, ...]
    """The aids counted, newest first."""


def period_start(regulation: Regulation, as_of: date) -> date:
    if regulation.name == "1407/2013":
        return date(as_of.year - 2, 1, 1)
    try:
        start = as_of.replace(year=as_of.year - 3)
    except ValueError:  # 29 February
        start = as_of.replace(year=as_of.year - 3, day=28)
    return date.fromordinal(start.toordinal() + 1)


def summarise(
    aids: Sequence[PublicAidRecord], regulation: Regulation, as_of: date
) -> DeMinimisSummary:
    start = period_start(regulation, as_of)
    counted = tuple(
        aid for aid in aids if aid.regulation in CEILINGS and start <= aid.granted_on <= as_of
    )
    total = sum(aid.amount for aid in counted)
    return DeMinimisSummary(
        regulation=regulation,
        period_start=start,
        total=total,
        remaining=max(regulation.ceiling - total, 0),
        exceeded=total > regulation.ceiling,
        aids=counted,
    )
