"""Seed data of the hub database: the canonical sandbox identities (``canonical``), then a
generated network directory (``directory``), companies from the API Entreprise sandbox and
project holders (``companies``), written in bulk by ``seed`` (``runner``)."""

from __future__ import annotations

from sandbox.hubdb.canonical import canonical_rows
from sandbox.hubdb.runner import seed, seed_rows

__all__ = ["canonical_rows", "seed", "seed_rows"]
