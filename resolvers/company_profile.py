"""A company's profile for the eligibility engine, read from the federated sources at once.

Every source is asked concurrently (one round trip); a source that fails leaves its facts
unknown — the criteria that need them answer UNKNOWN and name the source — rather than
failing the whole answer. "No such record" (a sole trader files no balance sheet, a
non-employer has no headcount) is simply an unknown fact."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from typing import TypeVar

from connectors.entreprise import BalanceSheet, Compliance, Headcount, Turnover
from connectors.errors import ConnectorError, NotFound
from resolvers.context import Info
from resolvers.eligibility_records import CompanyProfile

__all__ = ["company_profile"]

T = TypeVar("T")


async def company_profile(info: Info, siret: str) -> CompanyProfile:
    loaders = info.context.loaders
    siren = siret[:9]
    unavailable: list[str] = []

    async def read(source: str, call: Awaitable[T]) -> T | None:
        try:
            return await call
        except NotFound:
            return None
        except ConnectorError:
            unavailable.append(source)
            return None

    establishment, turnovers, sheets, headcount, social, tax = await asyncio.gather(
        read("insee", loaders.etablissement.load(siret)),
        read("dgfip", loaders.turnover.load(siret)),
        read("banque_de_france", loaders.balance_sheets.load(siren)),
        read("gip_mds", loaders.headcount.load(siren)),
        read("urssaf", loaders.social_compliance.load(siren)),
        read("dgfip", loaders.fiscal_compliance.load(siren)),
    )
    registered_on = None  # the company's: the head office's creation, or the legal unit's
    if establishment is not None and establishment.head_office:
        registered_on = establishment.created_on
    elif establishment is not None:
        unit = await read("insee", loaders.unite_legale.load(siren))
        registered_on = unit.created_on if unit else None
    sheet = _latest(sheets)
    address = establishment.address if establishment else None
    return CompanyProfile(
        siret=siret,
        naf_code=establishment.naf_code if establishment else None,
        legal_form_code=establishment.legal_form_code if establishment else None,
        registered_on=registered_on,
        region_code=address.region_code if address else None,
        department_code=address.department_code if address else None,
        staff=_staff(headcount),
        turnover=_turnover(turnovers, sheet),
        balance_sheet_total=sheet.total if sheet else None,
        share_capital=sheet.share_capital if sheet else None,
        equity=sheet.equity if sheet else None,
        tax_up_to_date=_up_to_date(tax),
        social_up_to_date=_up_to_date(social),
        unavailable=tuple(dict.fromkeys(unavailable)),
    )


def _latest(sheets: Sequence[BalanceSheet] | None) -> BalanceSheet | None:
    return sheets[0] if sheets else None


def _staff(headcount: Headcount | None) -> float | None:
    return headcount.staff if headcount else None


def _turnover(turnovers: Sequence[Turnover] | None, sheet: BalanceSheet | None) -> int | None:
    if turnovers:
        return turnovers[0].amount
    return sheet.turnover if sheet else None


def _up_to_date(compliance: Compliance | None) -> bool | None:
    return compliance.up_to_date if compliance else None
