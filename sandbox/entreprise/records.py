"""The sandbox's own record of a company, from which every wire payload is built."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from sandbox.entreprise.tables import LEGAL_FORMS, NAF, WORKFORCE_BANDS

__all__ = ["SandboxCompany", "SandboxMandataire", "SandboxTurnover"]


@dataclass(frozen=True, slots=True)
class SandboxMandataire:
    """A director. People carry an invented birth date and place, as the real RCS does, so
    tests can check the connector drops them."""

    kind: str  # "personne_physique" | "personne_morale"
    role: str
    first_name: str | None = None
    last_name: str | None = None
    company_name: str | None = None
    birth_date: date | None = None
    birth_place: str | None = None

    @classmethod
    def person(
        cls, first_name: str, last_name: str, role: str, rng: random.Random
    ) -> SandboxMandataire:
        birth = date(rng.randint(1950, 1995), rng.randint(1, 12), rng.randint(1, 28))
        place = rng.choice(("MONTPELLIER", "TOULOUSE", "NIMES", "LYON", "PARIS", "ALBI"))
        return cls("personne_physique", role, first_name, last_name.upper(), None, birth, place)

    @classmethod
    def company(cls, name: str, role: str) -> SandboxMandataire:
        return cls("personne_morale", role, company_name=name)


@dataclass(frozen=True, slots=True)
class SandboxTurnover:
    amount: int
    closing_date: date


@dataclass(frozen=True, slots=True)
class SandboxCompany:
    siret: str
    siren: str
    company_name: str | None
    """Raison sociale; None for a sole trader (personne physique)."""
    first_name: str | None
    last_name: str | None
    legal_form_code: str
    naf_code: str
    workforce_code: str
    category: str
    created_on: date
    closed_on: date | None
    diffusion: str
    """``diffusible`` or ``partiellement_diffusible`` (Sirene ``statut_diffusion``)."""
    street_number: str
    street_type: str
    street_label: str
    commune_code: str
    postal_code: str
    city: str
    mandataires: tuple[SandboxMandataire, ...]
    turnovers: tuple[SandboxTurnover, ...]
    social_up_to_date: bool
    fiscal_up_to_date: bool

    @property
    def active(self) -> bool:
        return self.closed_on is None

    @property
    def sole_trader(self) -> bool:
        return self.company_name is None

    @property
    def display_name(self) -> str:
        if self.company_name:
            return self.company_name
        return f"{self.first_name or ''} {self.last_name or ''}".strip()

    @property
    def legal_form_label(self) -> str:
        return LEGAL_FORMS[self.legal_form_code]

    @property
    def naf_label(self) -> str:
        return NAF[self.naf_code]

    @property
    def workforce_label(self) -> str:
        return WORKFORCE_BANDS[self.workforce_code][1]

    @property
    def street(self) -> str:
        return f"{self.street_number} {self.street_type} {self.street_label}"
