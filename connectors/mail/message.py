"""One e-mail the hub sends, and its MIME form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses

__all__ = ["OutgoingMail", "build_message", "envelope_address"]


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    to: str
    """``jeanne@example.fr`` or ``Jeanne Martin <jeanne@example.fr>``."""
    subject: str
    body: str
    """Plain text, sent as UTF-8."""
    message_id: str
    """``<key@domain>`` (``key@domain`` is bracketed on construction). Derive it from the
    outbox row so a resend is recognisably the same message."""
    date: datetime | None = None
    """The Date header, e.g. when the outbox row was written (so a resend is identical);
    ``None`` means now. Must be timezone-aware."""

    def __post_init__(self) -> None:
        if not _is_message_id(self.message_id):
            raise ValueError("message_id must look like <key@domain>, on one line")
        bracketed = f"<{self.message_id.removeprefix('<').removesuffix('>')}>"
        object.__setattr__(self, "message_id", bracketed)
        if self.date is not None and self.date.utcoffset() is None:
            raise ValueError("date must be timezone-aware")


def _is_message_id(value: str) -> bool:
    inner = value.removeprefix("<").removesuffix(">")
    return "@" in inner and value.isprintable() and not any(c in inner for c in " <>")


def envelope_address(header_value: str) -> str | None:
    """The bare address in ``header_value`` (``Name <a@b>`` or ``a@b``), or ``None`` when
    there is no usable single address."""
    if any(c in header_value for c in "\r\n"):
        return None
    pairs = getaddresses([header_value])
    if len(pairs) != 1:
        return None
    address = pairs[0][1]
    local, at, domain = address.rpartition("@")
    if not (local and at and domain) or " " in address:
        return None
    return address


def build_message(mail: OutgoingMail, *, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = " ".join(mail.subject.split())
    message["Date"] = format_datetime((mail.date or datetime.now(UTC)).astimezone(UTC))
    message["Message-ID"] = mail.message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.body, subtype="plain", charset="utf-8")
    return message
