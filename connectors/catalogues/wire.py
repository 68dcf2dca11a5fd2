"""Reading helpers shared by the three catalogue parsers: typed access to untrusted JSON.
A malformed item raises ``PayloadError``; the connector skips that item and logs it, so one
bad record never hides a whole catalogue."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.catalogues.models import Contact, FaqEntry
from connectors.payload import PayloadError, mapping, optional_str, required_str
from connectors.text import fold

__all__ = [
    "PayloadError",
    "contact",
    "faq",
    "folded",
    "iso_date",
    "mapping",
    "optional_int",
    "optional_share",
    "optional_str",
    "required_str",
    "strings",
]


def strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(item.strip() for item in value if isinstance(item, str) and item.strip())


def iso_date(value: Any) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise PayloadError(f"bad date {value!r}") from None


def optional_int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def optional_share(value: Any) -> Decimal | None:
    """A share in [0, 1] (``0.5``), as a Decimal."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        share = Decimal(str(value))
    except InvalidOperation:
        raise PayloadError(f"bad share {value!r}") from None
    if not 0 <= share <= 1:
        raise PayloadError(f"share out of range {value!r}")
    return share


def contact(value: Any, name: str, email: str, phone: str) -> Contact | None:
    fields = mapping(value)
    person = optional_str(fields.get(name))
    if person is None:
        return None
    return Contact(person, optional_str(fields.get(email)), optional_str(fields.get(phone)))


def faq(value: Any, question: str, answer: str) -> tuple[FaqEntry, ...]:
    if not isinstance(value, list):
        return ()
    entries = []
    for item in value:
        fields = mapping(item)
        q, a = optional_str(fields.get(question)), optional_str(fields.get(answer))
        if q and a:
            entries.append(FaqEntry(q, a))
    return tuple(entries)


def folded(*parts: str | tuple[str, ...]) -> str:
    words: list[str] = []
    for part in parts:
        words.extend(part if isinstance(part, tuple) else (part,))
    return fold(" ".join(words))
