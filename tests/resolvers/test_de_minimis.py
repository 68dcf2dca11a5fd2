"""The de minimis ceilings, the agricultural one included (Pays de la Loire FAQ §23)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from connectors.hubdb import PublicAidRecord
from resolvers.de_minimis import CEILINGS, counted_total, regulation_named, summarise

AS_OF = date(2023, 6, 30)


def aid(amount: int, granted_on: date, regulation: str | None) -> PublicAidRecord:
    return PublicAidRecord(
        id=f"a{amount}", siret="84215637400014", granted_on=granted_on, amount=amount,
        grantor="Région", scheme="Une aide", regulation=regulation,
    )  # fmt: skip


AIDS = (
    aid(20_000, date(2022, 3, 1), "1408/2013"),
    aid(50_000, date(2021, 5, 1), "1407/2013"),
    aid(7_000, date(2020, 12, 31), "1408/2013"),  # before the three fiscal years
    aid(90_000, date(2022, 1, 1), None),  # an exempted scheme: no de minimis
)


def test_agricultural_de_minimis_has_its_own_30000_ceiling() -> None:
    # « 200 000€ d'aides publiques tous les 3 ans par entreprise (30 000€ pour le « De
    # Minimis » agricole) »
    agricultural = CEILINGS["1408/2013"]
    summary = summarise(AIDS, agricultural, AS_OF)
    assert (summary.regulation.ceiling, summary.total, summary.remaining) == (
        30_000,
        20_000,
        10_000,
    )
    assert summary.period_start == date(2021, 1, 1)


def test_agricultural_aids_count_towards_the_general_ceiling_too() -> None:
    general = summarise(AIDS, CEILINGS["1407/2013"], AS_OF)
    assert (general.regulation.ceiling, general.total) == (200_000, 70_000)


def test_declared_and_recorded_aids_are_counted_alike() -> None:
    assert counted_total(AIDS, CEILINGS["1408/2013"], AS_OF) == Decimal(20_000)


def test_a_regulation_is_named_with_or_without_its_eu_prefix() -> None:
    assert regulation_named("EU 1408/2013") is CEILINGS["1408/2013"]
    assert regulation_named(" 1407/2013") is CEILINGS["1407/2013"]
    assert regulation_named("SA.40453") is None and regulation_named(None) is None
