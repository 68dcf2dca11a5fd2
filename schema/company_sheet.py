"""What a company's sheet is made of, below ``Company``: codes and labels, its Sirene
address, the people of its space, its legal representatives, its finances and its
compliance certificates. Every field declares its visibility tier (docs/visibility.md)."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry

from auth.tiers import Tier
from auth.visibility import tiered
from connectors.entreprise import Address as AddressRecord
from connectors.entreprise import BalanceSheet as BalanceSheetRecord
from connectors.entreprise import Mandataire
from connectors.hubdb import PersonRecord
from connectors.hubdb.invitations import InvitationRecord
from resolvers import company as resolve
from resolvers.context import Info

__all__ = [
    "Address",
    "BalanceSheet",
    "CodeLabel",
    "Compliance",
    "LegalRepresentative",
    "MemberStatus",
    "Person",
    "Turnover",
]


@strawberry.type(description="A code of a nomenclature with its label (NAF, legal form…).")
class CodeLabel:
    code: str | None = tiered(Tier.PUBLIC)
    label: str | None = tiered(Tier.PUBLIC)


@strawberry.type(description="A postal address from Sirene, with its administrative codes.")
class Address:
    street: str | None = tiered(Tier.PUBLIC)
    postal_code: str | None = tiered(Tier.PUBLIC)
    city: str | None = tiered(Tier.PUBLIC)
    commune_code: str | None = tiered(Tier.PUBLIC)
    department_code: str | None = tiered(Tier.PUBLIC)
    region_code: str | None = tiered(Tier.PUBLIC)

    @classmethod
    def from_record(cls, record: AddressRecord) -> Address:
        return cls(
            street=record.street,
            postal_code=record.postal_code,
            city=record.city,
            commune_code=record.commune_code,
            department_code=record.department_code,
            region_code=record.region_code,
        )


@strawberry.enum(description="Whether a person of the company space has joined it.")
class MemberStatus(Enum):
    ACTIVE = strawberry.enum_value("ACTIVE", description="A member of the company space.")
    PENDING = strawberry.enum_value(
        "PENDING",
        description="Invited by a mandataire, not accepted yet: only what the mandataire "
        "typed is shown (e-mail, name, phone), nothing of any account.",
    )


@strawberry.type(description="A person who holds the company space on the hub, or is invited.")
class Person:
    name: str = tiered(Tier.PUBLIC)
    email: str = tiered(Tier.PUBLIC)
    phone: str | None = tiered(Tier.PUBLIC)
    status: MemberStatus = tiered(Tier.PUBLIC)
    invitation_id: strawberry.ID | None = tiered(
        Tier.PUBLIC, description="A pending collaborator's invitation (`acceptInvitation`)."
    )
    invitation_expires_at: datetime | None = tiered(
        Tier.PUBLIC, description="When a pending collaborator's invitation expires."
    )

    @classmethod
    def from_record(cls, record: PersonRecord) -> Person:
        return cls(
            name=record.name,
            email=record.email,
            phone=record.phone,
            status=MemberStatus.ACTIVE,
            invitation_id=None,
            invitation_expires_at=None,
        )

    @classmethod
    def invited(cls, record: InvitationRecord) -> Person:
        """A pending collaborator: what the mandataire typed."""
        return cls(
            name=record.name,
            email=record.email,
            phone=record.phone,
            status=MemberStatus.PENDING,
            invitation_id=strawberry.ID(record.id),
            invitation_expires_at=record.expires_at,
        )


@strawberry.type(description="A legal representative per Infogreffe (birth data never shown).")
class LegalRepresentative:
    first_name: str | None = tiered(Tier.PUBLIC)
    last_name: str | None = tiered(Tier.PUBLIC)
    company_name: str | None = tiered(Tier.PUBLIC, description="When a company holds the office.")
    role: str = tiered(Tier.PUBLIC)

    @classmethod
    def from_record(cls, record: Mandataire) -> LegalRepresentative:
        return cls(
            first_name=record.first_name,
            last_name=record.last_name,
            company_name=record.company_name,
            role=record.role,
        )


@strawberry.type(description="Turnover of one fiscal year (DGFIP), in euros.")
class Turnover:
    year: int = tiered(Tier.PUBLIC)
    amount: int = tiered(Tier.PUBLIC)
    closing_date: date | None = tiered(Tier.PUBLIC)


@strawberry.type(description="One fiscal year's balance sheet (Banque de France), in euros.")
class BalanceSheet:
    year: int = tiered(Tier.PUBLIC)
    closing_date: date = tiered(Tier.PUBLIC)
    turnover: int | None = tiered(Tier.PUBLIC, description="Chiffre d'affaires net.")
    balance_sheet_total: int | None = tiered(Tier.PUBLIC, description="Total du bilan.")
    share_capital: int | None = tiered(Tier.PUBLIC, description="Capital social souscrit.")
    equity: int | None = tiered(Tier.PUBLIC, description="Capitaux propres.")

    @classmethod
    def from_record(cls, record: BalanceSheetRecord) -> BalanceSheet:
        return cls(
            year=record.year,
            closing_date=record.closing_date,
            turnover=record.turnover,
            balance_sheet_total=record.total,
            share_capital=record.share_capital,
            equity=record.equity,
        )


@strawberry.type(description="Social (URSSAF) and tax (DGFIP) compliance certificates.")
class Compliance:
    siren: strawberry.Private[str]

    @tiered(Tier.PUBLIC, loads_only=True)
    async def social_up_to_date(self, info: Info) -> bool | None:
        return (await resolve.social_compliance(info, self.siren)).up_to_date

    @tiered(Tier.PUBLIC, loads_only=True)
    async def fiscal_up_to_date(self, info: Info) -> bool | None:
        return (await resolve.fiscal_compliance(info, self.siren)).up_to_date
