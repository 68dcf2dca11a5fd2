"""A local SMTP server that accepts every message and keeps it, for ``make serve`` and the
tests: in memory (``SmtpSink.messages``) and as ``.eml`` files a developer can open.

It runs on the caller's event loop (aiosmtpd's ``SMTP`` protocol served by
``loop.create_server``), so the gateway can start it in its lifespan. ``refuse(code)``
simulates an outage or a refusal until ``accept()``.
"""

from __future__ import annotations

import asyncio
import email.policy
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

__all__ = ["DEFAULT_FOLDER", "ReceivedMail", "SmtpSink"]

DEFAULT_FOLDER = Path("var/mail")
"""Relative to the working directory (the repository root under ``make serve``)."""

_REPLIES = {
    4: "{code} 4.3.2 Service temporarily unavailable (sandbox outage), try again later",
    5: "{code} 5.7.1 Message refused (sandbox refusal)",
}


@dataclass(frozen=True, slots=True)
class ReceivedMail:
    to: str
    """The To header (decoded)."""
    subject: str
    body: str
    """The text/plain part, decoded, with ``\\n`` line ends."""
    message_id: str
    sender: str
    """The envelope sender (MAIL FROM)."""
    recipients: tuple[str, ...]
    """The envelope recipients (RCPT TO)."""
    raw: bytes
    path: Path
    """The ``.eml`` file it was written to."""


class SmtpSink:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, folder: Path | None = None) -> None:
        self.host = host
        self.port = port
        """The requested port until ``start()``, then the bound one."""
        self.folder = folder if folder is not None else DEFAULT_FOLDER
        self.messages: list[ReceivedMail] = []
        self.refusal: str | None = None
        """The reply given to every recipient, or ``None`` to accept them."""
        self.refusals = 0
        """How many recipients were refused so far."""
        self.connections = 0
        """How many SMTP connections were opened so far."""
        self._server: asyncio.Server | None = None
        self._sessions: set[_SinkSMTP] = set()
        self._arrived = asyncio.Event()

    async def start(self) -> int:
        """Listen; returns the bound port."""
        if self._server is not None:
            raise RuntimeError("the SMTP sink is already running")
        self.folder.mkdir(parents=True, exist_ok=True)
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: _SinkSMTP(self, loop), self.host, self.port)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self.port

    async def stop(self) -> None:
        """Stop listening and hang up open sessions (their clients see a disconnection)."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        tasks = [session.hang_up() for session in list(self._sessions)]
        await asyncio.gather(*(task for task in tasks if task is not None), return_exceptions=True)
        await server.wait_closed()

    def clear(self) -> None:
        """Forget the messages received so far (the ``.eml`` files stay)."""
        self.messages.clear()
        self._arrived.clear()

    def refuse(self, code: int = 421) -> None:
        """Answer every recipient with ``code`` (4xx: temporary, 5xx: permanent) until
        ``accept()``."""
        if not 400 <= code <= 599:
            raise ValueError(f"a refusal is a 4xx or 5xx SMTP code, got {code}")
        self.refusal = _REPLIES[code // 100].format(code=code)

    def accept(self) -> None:
        self.refusal = None

    async def wait_for(self, count: int = 1, *, timeout: float = 5.0) -> list[ReceivedMail]:
        """The messages, once at least ``count`` have arrived; ``TimeoutError`` otherwise."""
        try:
            async with asyncio.timeout(timeout):
                while len(self.messages) < count:
                    self._arrived.clear()
                    await self._arrived.wait()
        except TimeoutError:
            raise TimeoutError(
                f"expected {count} message(s) within {timeout}s, got {len(self.messages)}"
            ) from None
        return list(self.messages)

    def _keep(self, mail: ReceivedMail) -> None:
        self.messages.append(mail)
        self._arrived.set()


class _Handler:
    """aiosmtpd's hooks: refuse recipients while the sink refuses, keep every message."""

    def __init__(self, sink: SmtpSink) -> None:
        self._sink = sink

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        sink = self._sink
        if sink.refusal is not None:
            sink.refusals += 1
            return sink.refusal
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        path = await asyncio.to_thread(_write_eml, self._sink.folder, raw)
        self._sink._keep(_received(raw, envelope, path))
        return "250 2.0.0 Message accepted for delivery"


class _SinkSMTP(SMTP):
    """aiosmtpd's protocol, tracked by its sink so ``stop()`` can hang up open sessions."""

    def __init__(self, sink: SmtpSink, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(
            _Handler(sink), hostname="hub-smtp-sink", ident="hub-gateway SMTP sink", loop=loop
        )
        self._sink = sink

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._sink._sessions.add(self)
        self._sink.connections += 1
        super().connection_made(transport)

    def connection_lost(self, error: Exception | None) -> None:
        self._sink._sessions.discard(self)
        super().connection_lost(error)

    def hang_up(self) -> asyncio.Task[None] | None:
        """Close the connection; returns the session's task, to await its end."""
        if self.transport is not None:
            self.transport.close()
        return self._handler_coroutine


def _write_eml(folder: Path, raw: bytes) -> Path:
    """Write then rename, so a reader never sees half a message."""
    now = datetime.now(UTC)
    path = folder / f"{now:%Y%m%d-%H%M%S-%f}-{uuid.uuid4().hex[:8]}.eml"
    partial = path.with_suffix(".part")
    partial.write_bytes(raw)
    partial.replace(path)
    return path


def _received(raw: bytes, envelope: Envelope, path: Path) -> ReceivedMail:
    parsed: Any = BytesParser(policy=email.policy.default).parsebytes(raw)
    message: EmailMessage = parsed
    text = message.get_body(preferencelist=("plain",))
    body = text.get_content() if isinstance(text, EmailMessage) else ""
    return ReceivedMail(
        to=str(message.get("To", "")),
        subject=str(message.get("Subject", "")),
        body=body.replace("\r\n", "\n"),
        message_id=str(message.get("Message-ID", "")),
        sender=envelope.mail_from or "",
        recipients=tuple(envelope.rcpt_tos),
        raw=raw,
        path=path,
    )
