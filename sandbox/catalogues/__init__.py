"""Stand-ins for the aid-scheme catalogues (Région, Bpifrance, France Num and its
activators), served from a deterministic seed."""

from __future__ import annotations

from sandbox.catalogues.app import create_app
from sandbox.catalogues.config import BPIFRANCE_API_KEY, CataloguesConfig
from sandbox.catalogues.real_cheque_numerique import CHEQUE_NUMERIQUE
from sandbox.catalogues.real_industrie_du_futur import INDUSTRIE_DU_FUTUR
from sandbox.catalogues.real_investissement_numerique import INVESTISSEMENT_NUMERIQUE
from sandbox.catalogues.seed import DEFAULT_SEED, Catalogue, Payloads, build, catalogue, payloads

__all__ = [
    "BPIFRANCE_API_KEY",
    "CHEQUE_NUMERIQUE",
    "DEFAULT_SEED",
    "INDUSTRIE_DU_FUTUR",
    "INVESTISSEMENT_NUMERIQUE",
    "Catalogue",
    "CataloguesConfig",
    "Payloads",
    "build",
    "catalogue",
    "create_app",
    "payloads",
]
