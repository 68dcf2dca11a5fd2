"""The sandbox's annual headcount (GIP-MDS) and balance sheets (Banque de France), derived
deterministically from each company's record; the canonical companies have fixed figures so
that tests and docs can name them."""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from datetime import date

from sandbox.entreprise.records import SandboxCompany
from sandbox.entreprise.tables import WORKFORCE_BANDS

__all__ = ["BalanceSheet", "balance_sheets", "headcount"]


@dataclass(frozen=True, slots=True)
class BalanceSheet:
    closing_date: date
    turnover: int
    total: int
    share_capital: int
    equity: int


_CANONICAL: dict[str, tuple[float, int, int, float]] = {
    # siren: (annual average headcount, share capital, equity, total / turnover)
    "842156374": (31.5, 150_000, 940_000, 0.78),  # LEROY SAS: healthy, 20-49 staff
    "512349879": (14.0, 20_000, 6_500, 0.62),  # MENUISERIE FABRE: lost > half its capital
    "793456120": (33.25, 80_000, 1_250_000, 0.9),  # OCCITANIE DRONES
    "443061841": (12.0, 40_000, 310_000, 0.7),  # BIOCOSMETIQUES DU LANGUEDOC
}


def headcount(company: SandboxCompany) -> float | None:
    """Annual average headcount, within the company's Sirene workforce band."""
    if company.siren in _CANONICAL:
        return _CANONICAL[company.siren][0]
    _code, _label, low, high = WORKFORCE_BANDS[company.workforce_code]
    if low is None:
        return None
    rng = random.Random(f"headcount:{company.siren}")
    return round(rng.uniform(low, high or low * 2), 2)


@functools.lru_cache(maxsize=4096)
def balance_sheets(company: SandboxCompany) -> tuple[BalanceSheet, ...]:
    """One balance sheet per known turnover, newest first; none for a sole trader (they file
    no accounts with the Banque de France)."""
    if company.sole_trader:
        return ()
    rng = random.Random(f"bilans:{company.siren}")
    if company.siren in _CANONICAL:
        _staff, capital, equity, ratio = _CANONICAL[company.siren]
        in_difficulty = equity < capital / 2
    else:
        capital = rng.choice((1_000, 5_000, 10_000, 20_000, 37_000, 50_000, 100_000, 250_000))
        in_difficulty = rng.random() < 0.08
        equity = 0
        ratio = rng.uniform(0.5, 1.3)
    sheets = []
    for turnover in company.turnovers:
        if company.siren not in _CANONICAL:
            equity = (
                round(capital * rng.uniform(-0.8, 0.45))
                if in_difficulty
                else round(capital + turnover.amount * rng.uniform(0.05, 0.4))
            )
        sheets.append(
            BalanceSheet(
                closing_date=turnover.closing_date,
                turnover=turnover.amount,
                total=round(turnover.amount * ratio),
                share_capital=capital,
                equity=equity,
            )
        )
    return tuple(sheets)
