"""The API Entreprise endpoints this connector calls, and who answers each."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from connectors.calendar import hub_today

__all__ = [
    "ATTESTATION_FISCALE",
    "ATTESTATION_VIGILANCE",
    "BILANS",
    "CHIFFRES_AFFAIRES",
    "EFFECTIFS_ANNUELS",
    "ENDPOINTS",
    "ETABLISSEMENT",
    "MANDATAIRES_SOCIAUX",
    "UNITE_LEGALE",
    "Endpoint",
]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """``name`` keys the TTL table and the cache; ``source`` names the upstream in errors and
    is the circuit-breaker family; ``identifier`` is ``"siret"`` or ``"siren"``."""

    name: str
    source: str
    path: str
    identifier: str

    def url_path(self, identifier: str, *, today: date | None = None) -> str:
        """``{year}`` in a path is the last complete year (annual headcounts)."""
        return self.path.format(identifier, year=(today or hub_today()).year - 1)

    def is_valid(self, identifier: str) -> bool:
        return _DIGITS[self.identifier].fullmatch(identifier) is not None


_DIGITS = {"siret": re.compile(r"\d{14}"), "siren": re.compile(r"\d{9}")}
"""What each kind of identifier is (compiled once: a warm portfolio checks 56 of them)."""


# INSEE: the published API serves établissements and unités légales under /v3 (no /v4 yet).
ETABLISSEMENT = Endpoint("etablissement", "insee", "/v3/insee/sirene/etablissements/{}", "siret")
UNITE_LEGALE = Endpoint("unite_legale", "insee", "/v3/insee/sirene/unites_legales/{}", "siren")
MANDATAIRES_SOCIAUX = Endpoint(
    "mandataires_sociaux",
    "infogreffe",
    "/v3/infogreffe/rcs/unites_legales/{}/mandataires_sociaux",
    "siren",
)
CHIFFRES_AFFAIRES = Endpoint(
    "chiffres_affaires", "dgfip", "/v3/dgfip/etablissements/{}/chiffres_affaires", "siret"
)
ATTESTATION_VIGILANCE = Endpoint(
    "attestation_vigilance",
    "urssaf",
    "/v4/urssaf/unites_legales/{}/attestation_vigilance",
    "siren",
)
ATTESTATION_FISCALE = Endpoint(
    "attestation_fiscale", "dgfip", "/v4/dgfip/unites_legales/{}/attestation_fiscale", "siren"
)

# GIP-MDS: the annual average headcount of the last complete year.
EFFECTIFS_ANNUELS = Endpoint(
    "effectifs_annuels",
    "gip_mds",
    "/v3/gip_mds/unites_legales/{}/effectifs_annuels/{year}",
    "siren",
)
# Banque de France: the last three balance sheets.
BILANS = Endpoint(
    "bilans", "banque_de_france", "/v3/banque_de_france/unites_legales/{}/bilans", "siren"
)

ENDPOINTS: tuple[Endpoint, ...] = (
    ETABLISSEMENT,
    UNITE_LEGALE,
    MANDATAIRES_SOCIAUX,
    CHIFFRES_AFFAIRES,
    ATTESTATION_VIGILANCE,
    ATTESTATION_FISCALE,
    EFFECTIFS_ANNUELS,
    BILANS,
)
