"""Sending the e-mail outbox: at least once, never lost, recognisably the same on resend.

- Every instance may flush: ``OutboxStore.claim`` leases each row to one worker.
- At least once: a row is marked SENT only after the SMTP server took it (a batch's sent
  rows in one statement, once the batch is done). If the worker dies (or the database is
  unreachable) between the two, the row is sent again once its lease has run out, with the same Message-ID and Date, so a receiver can tell it is the
  same message. Rows are never deleted; they end SENT or FAILED (logged, with the reason).
- An SMTP outage (``MailUnavailable``) puts a row back with exponential backoff
  (``next_attempt_delay``); a refusal for good (``MailRejected``) or ``MAX_ATTEMPTS``
  attempts make it FAILED.
- Rows not tried before the lease nears its end are released untried, so a slow SMTP
  server does not let the lease lapse while the row is still in hand.
- As fast as the SMTP server takes them: a flush drains the outbox in batches of ``limit``
  rows, each batch sent by up to ``concurrency`` SMTP connections, each connection reused
  for its share of the batch (``Mailer.session``), and claims the next batch until one comes
  back short or sends nothing (an outage: the rows wait for their next attempt)."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

from connectors.hubdb.outbox import OutboxItem, OutboxStore
from connectors.mail import (
    MAX_ATTEMPTS,
    Mailer,
    MailRejected,
    MailSession,
    MailUnavailable,
    OutgoingMail,
    next_attempt_delay,
)

__all__ = ["MESSAGE_ID_DOMAIN", "FlushReport", "flush_outbox", "message_id_for"]

MESSAGE_ID_DOMAIN = "hub-entreprendre.example"

_log = structlog.get_logger(__name__)
_LEASE_MARGIN = 0.8
"""Stop starting new sends once this fraction of the lease is spent."""


@dataclass(frozen=True, slots=True)
class FlushReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    def __add__(self, other: FlushReport) -> FlushReport:
        return FlushReport(
            self.sent + other.sent, self.retried + other.retried, self.failed + other.failed
        )


def message_id_for(dedupe_key: str) -> str:
    """The Message-ID of an outbox row: derived from its dedupe key only, so every resend
    carries the same one, and without the key's text (which may name accounts)."""
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:32]
    return f"<outbox.{digest}@{MESSAGE_ID_DOMAIN}>"


async def flush_outbox(
    store: OutboxStore,
    mailer: Mailer,
    *,
    now: datetime,
    lease: timedelta = timedelta(minutes=2),
    limit: int = 100,
    concurrency: int = 4,
    retry_delay: Callable[[int], float] = next_attempt_delay,
) -> FlushReport:
    """Sends the rows due at ``now`` until none is left (see the module's docstring);
    ``retry_delay(attempts)`` gives the seconds to wait after ``attempts`` failed attempts.
    A later batch is claimed at ``now`` moved on by the time the flush has taken, so its
    lease runs from when it is claimed."""
    started = time.monotonic()
    total = FlushReport()
    batch_now = now
    while True:
        items = await store.claim(now=batch_now, lease=lease, limit=limit)
        if not items:
            return total
        report = await _send_batch(
            store, mailer, items, now=batch_now, lease=lease, concurrency=concurrency,
            retry_delay=retry_delay,
        )  # fmt: skip
        total += report
        if len(items) < limit or report.sent == 0:
            return total
        batch_now = now + timedelta(seconds=time.monotonic() - started)


async def _send_batch(
    store: OutboxStore,
    mailer: Mailer,
    items: Sequence[OutboxItem],
    *,
    now: datetime,
    lease: timedelta,
    concurrency: int,
    retry_delay: Callable[[int], float],
) -> FlushReport:
    """``items`` sent by up to ``concurrency`` connections; those not started before the
    lease nears its end are released untried. A fault of the store (the database gone) is
    raised once every connection has stopped."""
    pending = list(reversed(items))  # oldest first
    deadline = time.monotonic() + lease.total_seconds() * _LEASE_MARGIN
    outcomes: list[str] = []
    untried: list[str] = []
    sent: list[str] = []

    async def connection() -> None:
        async with mailer.session() as session:
            while pending:
                item = pending.pop()
                if time.monotonic() > deadline:
                    untried.append(item.id)
                    continue
                outcome = await _send(store, session, item, now=now, retry_delay=retry_delay)
                outcomes.append(outcome)
                if outcome == "sent":
                    sent.append(item.id)

    done = await asyncio.gather(
        *(connection() for _ in range(max(1, min(concurrency, len(items))))),
        return_exceptions=True,
    )
    if sent and (settled := await store.mark_sent_many(sent, now)) < len(sent):
        # their lease ran out and another worker settled them: sent twice, same Message-ID
        _log.warning("outbox.sent_twice", count=len(sent) - settled)
    if untried:
        await store.release(untried)
        _log.warning("outbox.lease_short", released=len(untried))
    for result in done:
        if isinstance(result, BaseException):
            raise result
    return FlushReport(
        sent=outcomes.count("sent"),
        retried=outcomes.count("retried"),
        failed=outcomes.count("failed"),
    )


async def _send(
    store: OutboxStore,
    mailer: MailSession,
    item: OutboxItem,
    *,
    now: datetime,
    retry_delay: Callable[[int], float],
) -> str:
    attempts = item.attempts + 1
    message_id = message_id_for(item.dedupe_key)
    log = _log.bind(outbox_id=item.id, message_id=message_id, attempts=attempts)
    try:
        await mailer.send(
            OutgoingMail(
                to=item.to,
                subject=item.subject,
                body=item.body,
                message_id=message_id,
                date=item.created_at,
            )
        )
    except MailRejected as exc:
        await store.mark_failed(item.id, attempts, exc.message)
        log.error("outbox.failed", reason="rejected", code=exc.code)
        return "failed"
    except Exception as exc:  # MailUnavailable, or a fault of ours: retry, never drop
        error = exc.message if isinstance(exc, MailUnavailable) else type(exc).__name__
        if not isinstance(exc, MailUnavailable):
            log.exception("outbox.send_error")
        if attempts >= MAX_ATTEMPTS:
            await store.mark_failed(item.id, attempts, error)
            log.error("outbox.failed", reason="max attempts", error=error)
            return "failed"
        retry_at = now + timedelta(seconds=retry_delay(attempts))
        await store.mark_retry(item.id, attempts, retry_at, error)
        log.warning("outbox.retry", error=error, next_attempt_at=retry_at.isoformat())
        return "retried"
    log.info("outbox.sent")
    return "sent"  # marked SENT with the rest of its batch, in one statement
