"""Seed data of the hub database. ``canonical`` holds the stable sandbox identities; later
data sets (the full network directory) add modules here and are chained in ``seed``."""

from __future__ import annotations

from connectors.hubdb.seed.canonical import canonical_rows
from connectors.hubdb.seed.runner import seed

__all__ = ["canonical_rows", "seed"]
