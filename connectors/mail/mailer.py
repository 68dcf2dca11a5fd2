"""Sending e-mail over SMTP (aiosmtplib), with failures mapped to ``MailError``.

``Mailer.send`` sends one message on a connection of its own; ``Mailer.session()`` keeps one
connection for many messages (the outbox drains its batches so: a TLS handshake and a login
per connection, not per message). After any failure a session drops its connection and the
next message opens a fresh one, so no message inherits a broken connection's state. Logs
carry the Message-ID and the SMTP code, never an address, a subject or a body.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiosmtplib
import structlog

from connectors.mail.config import MailConfig
from connectors.mail.errors import MailError, MailRejected, MailUnavailable
from connectors.mail.message import OutgoingMail, build_message, envelope_address

__all__ = ["MailSession", "Mailer", "failure_for"]

_log = structlog.get_logger(__name__)


class Mailer:
    def __init__(self, config: MailConfig) -> None:
        sender = envelope_address(config.sender)
        if sender is None:
            raise ValueError("MailConfig.sender has no usable address")
        self._config = config
        self._envelope_sender = sender

    async def send(self, message: OutgoingMail) -> None:
        """Hand ``message`` to the SMTP server on a connection of its own;
        ``MailUnavailable`` (retry later) or ``MailRejected`` (do not retry) otherwise."""
        async with self.session() as session:
            await session.send(message)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[MailSession]:
        """One SMTP connection for the messages sent in the block, closed after it."""
        session = MailSession(self._config, self._envelope_sender)
        try:
            yield session
        finally:
            await session.aclose()


class MailSession:
    """Messages sent one after the other on one SMTP connection, opened at the first and
    opened again after a failure."""

    def __init__(self, config: MailConfig, envelope_sender: str) -> None:
        self._config = config
        self._envelope_sender = envelope_sender
        self._smtp: aiosmtplib.SMTP | None = None
        self._fresh = True
        """No message went out on the connection yet (a failure then is not an idle one)."""

    async def send(self, message: OutgoingMail) -> None:
        """Hand ``message`` to the SMTP server; ``MailUnavailable`` (retry later) or
        ``MailRejected`` (do not retry) otherwise."""
        recipient = envelope_address(message.to)
        if recipient is None:
            _log.warning("mail.rejected", message_id=message.message_id, reason="bad address")
            raise MailRejected("the recipient address is unusable")
        started = time.perf_counter()
        try:
            try:
                await self._send_on(await self._connection(), message, recipient)
            except aiosmtplib.SMTPServerDisconnected:
                if self._fresh:
                    raise
                self._drop()  # the server closed an idle connection: once more on a new one
                await self._send_on(await self._connection(), message, recipient)
        except (aiosmtplib.SMTPException, OSError) as exc:
            self._drop()
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
        except BaseException:
            self._drop()  # cancelled mid-conversation: the connection's state is unknown
            raise
        _log.info("mail.sent", message_id=message.message_id, elapsed_ms=_elapsed_ms(started))

    async def _send_on(self, smtp: aiosmtplib.SMTP, message: OutgoingMail, recipient: str) -> None:
        await smtp.send_message(
            build_message(message, sender=self._config.sender),
            sender=self._envelope_sender,
            recipients=[recipient],
        )
        self._fresh = False

    async def aclose(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None or not smtp.is_connected:
            return
        try:
            await smtp.quit()
        except (aiosmtplib.SMTPException, OSError):
            smtp.close()

    async def _connection(self) -> aiosmtplib.SMTP:
        if self._smtp is not None and self._smtp.is_connected:
            return self._smtp
        config = self._config
        smtp = aiosmtplib.SMTP(
            hostname=config.host,
            port=config.port,
            username=config.username,
            password=config.password,
            start_tls=config.starttls,
            timeout=config.timeout,
            local_hostname=config.local_hostname,
        )
        await smtp.connect()  # EHLO, STARTTLS and login as configured
        self._smtp = smtp
        self._fresh = True
        return smtp

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()


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
