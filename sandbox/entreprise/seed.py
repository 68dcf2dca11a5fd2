"""The sandbox's companies: a fixed set of canonical records plus ~2,000 generated ones.

Deterministic (``random.Random(seed)``), no I/O, built once per process. Canonical records are
the stable identities tests and docs rely on (LEROY SAS in Nîmes is the FAQ's own example);
every person in here is invented.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from sandbox.entreprise.canonical import canonical_companies
from sandbox.entreprise.identifiers import LA_POSTE_SIREN, luhn_check_digit
from sandbox.entreprise.records import SandboxCompany, SandboxMandataire, SandboxTurnover
from sandbox.entreprise.tables import (
    COMMUNES_ELSEWHERE,
    COMMUNES_OCCITANIE,
    FIRST_NAMES,
    LAST_NAMES,
    NAF,
    STREETS,
)

__all__ = ["DEFAULT_SEED", "GENERATED_COUNT", "by_siren", "companies", "generate"]

DEFAULT_SEED = 20261123
GENERATED_COUNT = 2700

_LEGAL_FORM_WEIGHTS = (("5710", 30), ("5499", 25), ("5720", 15), ("5498", 8), ("1000", 12),
                       ("5599", 4), ("5202", 1), ("9220", 5))  # fmt: skip
_BAND_WEIGHTS = (("00", 14), ("01", 20), ("02", 16), ("03", 12), ("11", 14), ("12", 12),
                 ("21", 6), ("22", 3), ("31", 1), ("32", 1), ("41", 1))  # fmt: skip
_TURNOVER_PER_BAND = {"NN": 60_000, "00": 90_000, "01": 180_000, "02": 420_000,
                      "03": 800_000, "11": 1_600_000, "12": 3_200_000, "21": 7_500_000,
                      "22": 15_000_000, "31": 28_000_000, "32": 45_000_000,
                      "41": 95_000_000}  # fmt: skip
_NAME_PATTERNS = ("{last}", "{last} ET FILS", "ATELIERS {last}", "{last} {activity}",
                  "{activity} {place}", "{activity} DU {area}", "{initials} {activity}")  # fmt: skip
_ACTIVITY_WORDS = ("INDUSTRIE", "SERVICES", "CONSEIL", "BATIMENT", "TECHNOLOGIES", "NEGOCE",
                   "MECANIQUE", "ENERGIES", "DIGITAL", "TRANSPORTS", "BOIS", "METALLERIE")  # fmt: skip
_AREAS = ("MIDI", "SUD", "LANGUEDOC", "ROUSSILLON", "LAURAGAIS", "CAUSSE", "LITTORAL",
          "PIEMONT", "QUERCY", "ROUERGUE", "MINERVOIS", "CEVENNES")  # fmt: skip
_COMPANY_ROLES = {"5710": ("Président", "Directeur général"),
                  "5720": ("Président", "Directeur général"),
                  "5499": ("Gérant", "Co-gérant"), "5498": ("Gérant", "Gérant"),
                  "5599": ("Président du conseil d'administration", "Directeur général"),
                  "5202": ("Gérant", "Associé en nom")}  # fmt: skip
_AUDITORS = ("CABINET AUDIT GARRIGUES", "EXPERTISE CONSEIL OCCITAN", "AUDIT ET CONTROLE DU SUD")


@functools.cache
def companies(seed: int = DEFAULT_SEED) -> Mapping[str, SandboxCompany]:
    """Every sandbox company by SIRET (one établissement, the head office, per company)."""
    return MappingProxyType({company.siret: company for company in generate(seed)})


@functools.cache
def by_siren(seed: int = DEFAULT_SEED) -> Mapping[str, SandboxCompany]:
    return MappingProxyType({company.siren: company for company in companies(seed).values()})


def generate(seed: int = DEFAULT_SEED) -> list[SandboxCompany]:
    rng = random.Random(seed)
    records = list(canonical_companies())
    taken = {company.siren for company in records} | {LA_POSTE_SIREN}
    while len(records) < GENERATED_COUNT + len(canonical_companies()):
        siren = _new_siren(rng, taken)
        taken.add(siren)
        records.append(_company(rng, siren))
    return records


def _new_siren(rng: random.Random, taken: set[str]) -> str:
    while True:
        prefix = f"{rng.randint(3, 9)}{rng.randrange(10**7):07d}"
        siren = prefix + luhn_check_digit(prefix)
        if siren not in taken:
            return siren


def _siret(siren: str, nic_number: int) -> str:
    prefix = f"{siren}{nic_number:04d}"
    return prefix + luhn_check_digit(prefix)


def _weighted(rng: random.Random, weights: tuple[tuple[str, int], ...]) -> str:
    values = [value for value, _ in weights]
    return rng.choices(values, weights=[count for _, count in weights])[0]


def _person(rng: random.Random) -> tuple[str, str, str]:
    first_name, sex = rng.choice(FIRST_NAMES)
    return first_name, rng.choice(LAST_NAMES), sex


def _company(rng: random.Random, siren: str) -> SandboxCompany:
    legal_form = _weighted(rng, _LEGAL_FORM_WEIGHTS)
    sole_trader = legal_form == "1000"
    band = "NN" if sole_trader and rng.random() < 0.5 else _weighted(rng, _BAND_WEIGHTS)
    if sole_trader and band not in ("NN", "00", "01", "02"):
        band = "01"
    occitanie = rng.random() < 0.72
    commune = rng.choice(COMMUNES_OCCITANIE if occitanie else COMMUNES_ELSEWHERE)
    naf_code = "94.99Z" if legal_form == "9220" else rng.choice(sorted(NAF))
    founder_first, founder_last, founder_sex = _person(rng)
    created_on = date(rng.randint(1975, 2024), rng.randint(1, 12), rng.randint(1, 28))
    closed = rng.random() < 0.06
    closed_on = (
        date(rng.randint(max(created_on.year + 1, 2015), 2025), rng.randint(1, 12), 28)
        if closed
        else None
    )
    diffusion = "partiellement_diffusible" if sole_trader and rng.random() < 0.25 else "diffusible"
    street_type, street_label = rng.choice(STREETS)
    return SandboxCompany(
        siret=_siret(siren, rng.choice((1, 1, 1, 2, 3, 12))),
        siren=siren,
        company_name=None if sole_trader else _company_name(rng, founder_last, commune[2]),
        first_name=founder_first if sole_trader else None,
        last_name=founder_last.upper() if sole_trader else None,
        legal_form_code=legal_form,
        naf_code=naf_code,
        workforce_code=band,
        category="PME" if band not in ("32", "41") else "ETI",
        created_on=created_on,
        closed_on=closed_on,
        diffusion=diffusion,
        street_number=str(rng.randint(1, 180)),
        street_type=street_type,
        street_label=street_label,
        commune_code=commune[0],
        postal_code=commune[1],
        city=commune[2],
        mandataires=_mandataires(rng, legal_form, (founder_first, founder_last, founder_sex)),
        turnovers=_turnovers(rng, band, created_on, closed_on),
        social_up_to_date=rng.random() > 0.08,
        fiscal_up_to_date=rng.random() > 0.05,
    )


def _company_name(rng: random.Random, last_name: str, city: str) -> str:
    pattern = rng.choice(_NAME_PATTERNS)
    initials = "".join(rng.choice("ABCDEFGHJKLMNPRSTV") for _ in range(rng.randint(2, 3)))
    return pattern.format(
        last=last_name.upper(),
        activity=rng.choice(_ACTIVITY_WORDS),
        place=city,
        area=rng.choice(_AREAS),
        initials=initials,
    )


def _mandataires(
    rng: random.Random, legal_form: str, founder: tuple[str, str, str]
) -> tuple[SandboxMandataire, ...]:
    roles = _COMPANY_ROLES.get(legal_form)
    if roles is None:  # sole traders and associations are not in the RCS
        return ()
    first_name, last_name, sex = founder
    people = [SandboxMandataire.person(first_name, last_name, _gendered(roles[0], sex), rng)]
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        other_first, other_last, other_sex = _person(rng)
        people.append(
            SandboxMandataire.person(other_first, other_last, _gendered(roles[1], other_sex), rng)
        )
    if legal_form in ("5710", "5599") and rng.random() < 0.3:
        people.append(
            SandboxMandataire.company(rng.choice(_AUDITORS), "Commissaire aux comptes titulaire")
        )
    return tuple(people)


def _gendered(role: str, sex: str) -> str:
    if sex != "F":
        return role
    return {"Président": "Présidente", "Gérant": "Gérante", "Co-gérant": "Co-gérante",
            "Directeur général": "Directrice générale",
            "Associé en nom": "Associée en nom"}.get(role, role)  # fmt: skip


def _turnovers(
    rng: random.Random, band: str, created_on: date, closed_on: date | None
) -> tuple[SandboxTurnover, ...]:
    last_year = min(2024, (closed_on.year - 1) if closed_on else 2024)
    years = [year for year in range(last_year, last_year - rng.randint(1, 3), -1)]
    years = [year for year in years if year > created_on.year]
    base = _TURNOVER_PER_BAND.get(band, 500_000) * rng.uniform(0.6, 1.5)
    closing_month, closing_day = rng.choice(((12, 31), (12, 31), (12, 31), (6, 30), (9, 30)))
    turnovers = []
    for offset, year in enumerate(years):
        amount = int(round(base * (0.93**offset) * rng.uniform(0.92, 1.08), -3))
        turnovers.append(SandboxTurnover(amount, date(year, closing_month, closing_day)))
    return tuple(turnovers)
