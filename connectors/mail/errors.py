"""The typed failures of sending mail: callers never see an aiosmtplib exception.

Messages carry the SMTP code and what failed, never an address or the server's text
(which often quotes the recipient)."""

from __future__ import annotations

__all__ = ["MailError", "MailRejected", "MailUnavailable"]


class MailError(Exception):
    """A message could not be handed to the SMTP server. ``code`` is the SMTP reply code
    when the server answered one."""

    def __init__(self, message: str, *, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class MailUnavailable(MailError):
    """Nothing was delivered, for a reason that may pass: connection refused or lost,
    timeout, a 4xx reply, or a server-wide refusal (authentication, sender, TLS) that an
    operator can fix. Retry later."""


class MailRejected(MailError):
    """The server refused this message or this recipient for good (5xx on the recipient or
    the content), or the recipient address is unusable. Do not retry."""
