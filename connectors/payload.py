"""Typed access to a partner's untrusted JSON, shared by the catalogue and platform parsers.
A record that does not have the shape its wire format promises raises ``PayloadError``; each
connector decides what that costs (a catalogue skips the item, a platform is unreadable)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["PayloadError", "mapping", "optional_str", "required_str"]


class PayloadError(ValueError):
    """A partner's record does not have the shape its wire format promises."""


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def required_str(item: Mapping[str, Any], key: str) -> str:
    value = item.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value.strip():
        raise PayloadError(f"missing {key}")
    return value.strip()


def optional_str(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
