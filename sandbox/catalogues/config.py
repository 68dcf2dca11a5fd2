"""The catalogue sandbox's settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sandbox.catalogues.seed import DEFAULT_SEED
from sandbox.entreprise.faults import SandboxConfig

__all__ = ["BPIFRANCE_API_KEY", "CataloguesConfig"]

BPIFRANCE_API_KEY = "sandbox-bpifrance-key"


@dataclass(frozen=True, slots=True)
class CataloguesConfig:
    api_key: str = BPIFRANCE_API_KEY
    """Bpifrance's ``X-Api-Key``."""
    seed: int = DEFAULT_SEED
    """Seeds the catalogues' content."""
    faults: SandboxConfig = field(default_factory=SandboxConfig)
    """Every source's initial faults and latency (the API Entreprise sandbox's fields; its
    ``token`` and ``quota_per_minute`` are unused). Source n draws its faults from
    ``faults.seed + n``; each source's faults then change on their own at run time."""
    today: date | None = None
    """The day scheme dates are drawn around (None: the real today)."""
