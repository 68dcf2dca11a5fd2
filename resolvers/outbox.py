"""Sending the e-mail outbox: at least once, never lost, recognisably the same on resend.

- Every instance may flush: ``OutboxStore.claim`` leases each row to one worker.
- At least once: a row is marked SENT only after the SMTP server took it. If the worker
  dies (or the database is unreachable) between the two, the row is sent again once its
  lease has run out, with the same Message-ID and Date, so a receiver can tell it is the
  same message. Rows are never deleted; they end SENT or FAILED (logged, with the reason).
- An SMTP outage (``MailUnavailable``) puts a row back with exponential backoff
  (``next_attempt_delay``); a refusal for good (``MailRejected``) or ``MAX_ATTEMPTS``
  attempts make it FAILED.
- Rows not tried before the lease nears its end are released untried, so a slow SMTP
  server does not let the lease lapse while the row is still in hand."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

from connectors.hubdb.outbox import OutboxItem, OutboxStore
from connectors.mail import (
    MAX_ATTEMPTS,
    Mailer,
    MailRejected,
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
    limit: int = 20,
    retry_delay: Callable[[int], float] = next_attempt_delay,
) -> FlushReport:
    """Sends the rows due at ``now``, one at a time; ``retry_delay(attempts)`` gives the
    seconds to wait after ``attempts`` failed attempts."""
    items = await store.claim(now=now, lease=lease, limit=limit)
    started = time.monotonic()
    budget = lease.total_seconds() * _LEASE_MARGIN
    sent = retried = failed = 0
    for index, item in enumerate(items):
        if time.monotonic() - started > budget:
            untried = [later.id for later in items[index:]]
            await store.release(untried)
            _log.warning("outbox.lease_short", released=len(untried))
            break
        outcome = await _send(store, mailer, item, now=now, retry_delay=retry_delay)
        sent += outcome == "sent"
        retried += outcome == "retried"
        failed += outcome == "failed"
    return FlushReport(sent=sent, retried=retried, failed=failed)


async def _send(
    store: OutboxStore,
    mailer: Mailer,
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
    if not await store.mark_sent(item.id, now):
        log.warning("outbox.sent_twice")  # its lease ran out and another worker settled it
    log.info("outbox.sent")
    return "sent"
