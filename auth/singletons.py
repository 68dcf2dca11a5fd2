"""Enums whose members are looked up in dicts and sets on every permission check."""

from __future__ import annotations

from enum import Enum

__all__ = ["SingletonEnum"]


class SingletonEnum(Enum):
    """An enum whose members hash by identity. A member is a singleton compared by identity
    (as every enum member), so its identity is as good a hash as its name; ``Enum``'s own
    ``__hash__`` is Python code (the hash of the name) run on every dict or set lookup, and
    the tier checks look tiers, accesses and viewer kinds up some 1,000 times per warm
    portfolio of 56 companies."""

    __hash__ = object.__hash__
