"""The platform sandboxes' settings (one shape for both)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sandbox.entreprise.faults import SandboxConfig
from sandbox.platforms.seed import PLATFORMS_SEED

__all__ = ["DEL_TOKEN", "MESAIDES_TOKEN", "PlatformConfig"]

MESAIDES_TOKEN = "sandbox-mesaides-token"
DEL_TOKEN = "sandbox-del-token"


@dataclass(frozen=True, slots=True)
class PlatformConfig:
    token: str
    """The bearer token the platform expects."""
    seed: int = PLATFORMS_SEED
    faults: SandboxConfig = field(default_factory=SandboxConfig)
    """Initial faults and latency (the API Entreprise sandbox's fields; ``token`` unused)."""
    today: date | None = None
    """The month whose catalogue the schemes come from (None: this month)."""
