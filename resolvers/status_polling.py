"""Polling the platforms for status changes, and telling the company and its referent.

Run by every instance's scheduler; each platform is polled by one instance at a time (its
lease row, ``PollStore.claim``), from the cursor the last poll left. Each application that
changed since is compared with the last status the hub saw: a change is recorded, and told
to the company's members and its accepted referent (in-app, live, e-mail) in the same
transaction, with what changed (old → new status, the platform's label, the reference, the
scheme). An application seen for the first time is recorded silently (the hub records the
status of those it files, so their first change is told).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog

from connectors.broker import Broker
from connectors.errors import ConnectorError
from connectors.hubdb.platform_polls import PollStore, Recipient, StatusChange
from connectors.hubdb.writes import HubWriter
from connectors.platforms import Application, Lifecycle, Platform, PlatformConnector

__all__ = ["STATUS_CHANGED_KIND", "PollReport", "poll_statuses"]

STATUS_CHANGED_KIND = "APPLICATION_STATUS_CHANGED"
_OVERLAP = timedelta(minutes=1)
"""Each poll asks from a little before the cursor: a change stamped as the last poll ran is
not missed, and one seen twice is not told twice (its status is recorded already)."""
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_NAMES = {Platform.DEL: "DEL", Platform.MES_AIDES_EN_LIGNE: "Mes aides en ligne"}
_WORDS = {
    Lifecycle.DRAFT: "brouillon",
    Lifecycle.SUBMITTED: "transmise",
    Lifecycle.INCOMPLETE: "incomplète",
    Lifecycle.UNDER_REVIEW: "en cours d'instruction",
    Lifecycle.ACKNOWLEDGED: "recevable",
    Lifecycle.GRANTED: "attribuée",
    Lifecycle.REJECTED: "rejetée",
    Lifecycle.WITHDRAWN: "classée sans suite",
    Lifecycle.PAYMENT_REQUESTED: "paiement demandé",
    Lifecycle.ADVANCE_PAID: "acompte versé",
    Lifecycle.CLOSED: "soldée",
    Lifecycle.UNCONFIRMED: "transmission non confirmée",
}
_log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class PollReport:
    polled: tuple[str, ...] = ()
    """The platforms this call polled (the others were another instance's, or failed)."""
    changes: int = 0


async def poll_statuses(
    polls: PollStore,
    connectors: Sequence[PlatformConnector],
    writer: HubWriter,
    *,
    now: datetime,
    broker: Broker | None = None,
    lease: timedelta = timedelta(minutes=5),
    every: timedelta = timedelta(minutes=1),
) -> PollReport:
    """Polls each platform not polled in the last ``every`` and not being polled by another
    instance."""
    polled: list[str] = []
    changes = 0
    for connector in connectors:
        platform = connector.platform
        claim = await polls.claim(platform.value, now=now, lease=lease, every=every)
        if claim is None:
            continue  # another instance polls it now, or did a moment ago
        since = claim.cursor - _OVERLAP if claim.cursor else _EPOCH
        try:
            changed = await connector.changed_since(since)
        except ConnectorError as failed:
            _log.warning("polling.failed", platform=platform.value, error=failed.message)
            await polls.finish(claim, cursor=claim.cursor, now=now)
            continue
        for application in changed:
            changes += await _compare(writer, broker, application, now)
        cursor = max((a.updated_at for a in changed), default=claim.cursor)
        if not await polls.finish(claim, cursor=cursor, now=now):
            _log.warning("polling.lease_lost", platform=platform.value)
        polled.append(platform.value)
    return PollReport(tuple(polled), changes)


async def _compare(
    writer: HubWriter, broker: Broker | None, application: Application, now: datetime
) -> int:
    published: list[tuple[str, dict[str, Any]]] = []
    async with writer.transaction() as tx:
        change = await PollStore.record(
            tx.session,
            platform=application.platform.value,
            reference=application.reference,
            siret=application.siret,
            status=application.status.value,
            label=application.platform_status,
            now=now,
        )
        if change is None:
            return 0
        payload = _payload(application, change)
        subject, body = _mail(application, change)
        event = _event_key(application)
        for recipient in await PollStore.recipients(tx.session, application.siret):
            key = f"application-status:{event}:{recipient.account_id}"
            message = await tx.notify(
                account_id=recipient.account_id, kind=STATUS_CHANGED_KIND, payload=payload,
                dedupe_key=key, now=now,
            )  # fmt: skip
            await tx.enqueue_mail(
                dedupe_key=key, to=recipient.email, subject=subject,
                body=body + _footer(recipient), now=now,
            )  # fmt: skip
            if message is not None:
                published.append((recipient.account_id, message))
    _log.info(
        "polling.status_changed", platform=application.platform.value,
        reference=application.reference, old=change.previous, new=application.status.value,
    )  # fmt: skip
    if broker is not None:
        for account_id, message in published:
            try:
                await broker.publish(account_id, message)
            except Exception:  # noqa: BLE001 - the in-app list and the e-mail have it
                _log.warning("notification.publish_failed", kind=STATUS_CHANGED_KIND)
    return 1


def _event_key(application: Application) -> str:
    """One per change of one application (short, without the company's number)."""
    a = application
    raw = f"{a.platform.value}|{a.reference}|{a.status.value}|{a.platform_status}|{a.updated_at}"
    return hashlib.sha256(raw.encode()).hexdigest()[:40]


def _payload(application: Application, change: StatusChange) -> dict[str, Any]:
    return {
        "siret": application.siret,
        "platform": application.platform.value,
        "reference": application.reference,
        "schemeId": application.scheme_id,
        "projectTitle": application.project_title,
        "oldStatus": change.previous,
        "newStatus": application.status.value,
        "oldPlatformStatus": change.previous_label,
        "platformStatus": application.platform_status,
        "changedAt": application.updated_at.isoformat(),
    }


def _words(status: str) -> str:
    return _WORDS.get(Lifecycle(status), status) if status in Lifecycle.__members__ else status


def _mail(application: Application, change: StatusChange) -> tuple[str, str]:
    platform = _NAMES[application.platform]
    subject = f"Votre demande {application.reference} : {_words(application.status.value)}"
    body = (
        f"La demande « {application.project_title} » ({application.reference}, "
        f"{platform}) a changé de statut : {_words(change.previous)} → "
        f"{_words(application.status.value)}.\n"
        f"Statut sur {platform} : « {application.platform_status} » "
        f"(auparavant « {change.previous_label} »).\n"
        f"Dispositif : {application.scheme_id or 'non précisé'}.\n"
    )
    return subject, body


def _footer(recipient: Recipient) -> str:
    if recipient.referent:
        return "Vous recevez ce message en tant que référent de l'entreprise sur le Hub.\n"
    return "Retrouvez le détail de la demande dans votre espace entreprise.\n"
