"""Sending one e-mail over SMTP (aiosmtplib), with failures mapped to ``MailError``.

One connection per message: the outbox sends a handful at a time, and a fresh connection
cannot inherit a broken one's state. Logs carry the Message-ID and the SMTP code, never an
address, a subject or a body.
"""

from __future__ import annotations

import time

import aiosmtplib
import structlog

from connectors.mail.config import MailConfig
from connectors.mail.errors import MailError, MailRejected, MailUnavailable
from connectors.mail.message import OutgoingMail, build_message, envelope_address

__all__ = ["Mailer", "failure_for"]

_log = structlog.get_logger(__name__)


class Mailer:
    def __init__(self, config: MailConfig) -> None:
        sender = envelope_address(config.sender)
        if sender is None:
            raise ValueError("MailConfig.sender has no usable address")
        self._config = config
        self._envelope_sender = sender

    async def send(self, message: OutgoingMail) -> None:
        """Hand ``message`` to the SMTP server; ``MailUnavailable`` (retry later) or
        ``MailRejected`` (do not retry) otherwise."""
        recipient = envelope_address(message.to)
        if recipient is None:
            _log.warning("mail.rejected", message_id=message.message_id, reason="bad address")
            raise MailRejected("the recipient address is unusable")
        config = self._config
        started = time.perf_counter()
        try:
            await aiosmtplib.send(
                build_message(message, sender=config.sender),
                sender=self._envelope_sender,
                recipients=[recipient],
                hostname=config.host,
                port=config.port,
                username=config.username,
                password=config.password,
                start_tls=config.starttls,
                timeout=config.timeout,
                local_hostname=config.local_hostname,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            failure = failure_for(exc, non_ascii_recipient=not recipient.isascii())
            event = "mail.rejected" if isinstance(failure, MailRejected) else "mail.unavailable"
            _log.warning(
                event,
                message_id=message.message_id,
                code=failure.code,
                error=type(exc).__name__,
                elapsed_ms=_elapsed_ms(started),
            )
            # The cause would carry the server's reply text, which often quotes the address.
            raise failure from None
        _log.info("mail.sent", message_id=message.message_id, elapsed_ms=_elapsed_ms(started))


def failure_for(exc: BaseException, *, non_ascii_recipient: bool = False) -> MailError:
    """The ``MailError`` for what aiosmtplib (or the socket) raised.

    Only a 5xx about this recipient or this message is final (``MailRejected``); a 5xx
    about our session (authentication, sender, greeting, EHLO) is the hub's configuration,
    so the message waits for it to be fixed (``MailUnavailable``)."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused) and exc.recipients:
        exc = exc.recipients[0]
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        code = exc.code
        what = _STEP.get(type(exc), "the session")
        final = isinstance(exc, aiosmtplib.SMTPRecipientRefused | aiosmtplib.SMTPDataError)
        if 500 <= code < 600 and final:
            return MailRejected(f"the SMTP server refused {what} ({code})", code=code)
        return MailUnavailable(f"the SMTP server refused {what} ({code})", code=code)
    if isinstance(exc, aiosmtplib.SMTPNotSupported):
        if non_ascii_recipient:
            return MailRejected("the SMTP server cannot take a non-ASCII address")
        return MailUnavailable("the SMTP server lacks an extension we need (STARTTLS, AUTH)")
    if isinstance(exc, TimeoutError):
        return MailUnavailable("the SMTP server timed out")
    if isinstance(exc, ConnectionError):
        return MailUnavailable("cannot reach the SMTP server, or it hung up")
    return MailUnavailable(f"SMTP failure ({type(exc).__name__})")


_STEP: dict[type[aiosmtplib.SMTPResponseException], str] = {
    aiosmtplib.SMTPRecipientRefused: "the recipient",
    aiosmtplib.SMTPDataError: "the message",
    aiosmtplib.SMTPSenderRefused: "the sender",
    aiosmtplib.SMTPAuthenticationError: "our credentials",
    aiosmtplib.SMTPHeloError: "our greeting",
    aiosmtplib.SMTPConnectResponseError: "the connection",
}


def _elapsed_ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
