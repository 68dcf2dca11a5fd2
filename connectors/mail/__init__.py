"""Sending the hub's e-mail over SMTP, and when to retry what could not be sent."""

from __future__ import annotations

from connectors.mail.config import DEFAULT_SENDER, MailConfig
from connectors.mail.errors import MailError, MailRejected, MailUnavailable
from connectors.mail.mailer import Mailer, MailSession
from connectors.mail.message import OutgoingMail
from connectors.mail.retry import MAX_ATTEMPTS, next_attempt_delay

__all__ = [
    "DEFAULT_SENDER",
    "MAX_ATTEMPTS",
    "MailConfig",
    "MailError",
    "MailRejected",
    "MailSession",
    "MailUnavailable",
    "Mailer",
    "OutgoingMail",
    "next_attempt_delay",
]
