"""Strawberry types and the root Query. Types only: no I/O, no business rules."""

from __future__ import annotations

from schema.query import Query

__all__ = ["Query"]
