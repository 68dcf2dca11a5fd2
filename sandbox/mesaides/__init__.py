"""The Mes aides en ligne sandbox (REST/JSON)."""

from __future__ import annotations

from sandbox.mesaides.app import create_app

__all__ = ["create_app"]
