"""What the two submission-platform sandboxes share: the seeded applications (in the
neutral ``connectors.platforms`` records) and their mutable store. ``sandbox.mesaides`` and
``sandbox.del_`` render them in their own wire formats."""

from __future__ import annotations

from sandbox.platforms.seed import (
    CANONICAL,
    PLATFORMS_SEED,
    SeededSchemes,
    applications,
    schemes_by_platform,
)
from sandbox.platforms.store import Store

__all__ = ["CANONICAL", "PLATFORMS_SEED", "SeededSchemes", "Store", "applications",
           "schemes_by_platform"]  # fmt: skip
