"""Settling the filings whose answer never came (UNCONFIRMED, or PENDING past the lease of a
call that died), run by every instance's scheduler; each row is claimed by one worker.

For each: the platform is asked for the dossier filed with the submission's key. Found →
CONFIRMED with its reference. Not found → filed again with the same key (the platform dedupes,
so a filing that arrives twice is still one dossier). After ``MAX_ATTEMPTS`` unanswered
attempts, or when the platform refuses it, the submission is FAILED and the company's members
are told (in-app, live, e-mail): never two dossiers, never a lost one without a word.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog

from connectors.broker import Broker
from connectors.errors import ConnectorError
from connectors.hubdb.submissions import SubmissionRecord, SubmissionStore
from connectors.hubdb.writes import HubWriter
from connectors.platforms import Platform, PlatformConnector
from resolvers.filing import (
    Filed,
    FilingRefused,
    file_submission,
    new_application_of,
    remember_status,
)

__all__ = ["FILING_FAILED_KIND", "MAX_ATTEMPTS", "ReconcileReport", "reconcile_submissions"]

FILING_FAILED_KIND = "APPLICATION_FILING_FAILED"
MAX_ATTEMPTS = 6
_PLATFORM_NAMES = {"DEL": "DEL", "MES_AIDES_EN_LIGNE": "Mes aides en ligne"}
_log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class ReconcileReport:
    confirmed: int = 0
    unconfirmed: int = 0
    failed: int = 0


def retry_in(attempts: int) -> timedelta:
    """The wait after ``attempts`` unanswered attempts: 30 s, 1 min, 2 min … at most 1 h."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


async def reconcile_submissions(
    store: SubmissionStore,
    connectors: Mapping[Platform, PlatformConnector],
    writer: HubWriter,
    *,
    now: datetime,
    broker: Broker | None = None,
    lease: timedelta = timedelta(minutes=2),
    limit: int = 20,
    max_attempts: int = MAX_ATTEMPTS,
) -> ReconcileReport:
    confirmed = unconfirmed = failed = 0
    for record in await store.claim_due(now=now, lease=lease, limit=limit):
        outcome = await _settle(
            record, connectors[Platform(record.platform)], store, writer,
            now=now, last_attempt=record.attempts + 1 >= max_attempts,
        )  # fmt: skip
        if outcome == "confirmed":
            confirmed += 1
        elif outcome == "failed":
            failed += 1
            latest = await store.get(record.id)
            await _tell_failure(writer, broker, record, latest.last_error if latest else None, now)
        else:
            unconfirmed += 1
    return ReconcileReport(confirmed, unconfirmed, failed)


async def _settle(
    record: SubmissionRecord,
    connector: PlatformConnector,
    store: SubmissionStore,
    writer: HubWriter,
    *,
    now: datetime,
    last_attempt: bool,
) -> str:
    log = _log.bind(submission_id=record.id, platform=record.platform)
    try:
        found = await connector.find_by_key(record.platform_key)
    except ConnectorError as failed:
        if last_attempt:
            await store.fail(record.id, error=failed.message, now=now)
            log.error("reconcile.failed", reason="attempts spent", error=failed.message)
            return "failed"
        await store.unconfirmed(
            record.id, error=failed.message,
            next_attempt_at=now + retry_in(record.attempts + 1), now=now,
        )  # fmt: skip
        return "unconfirmed"
    if found is not None:
        await store.confirm(record.id, reference=found.reference, now=now)
        await remember_status(writer, found, now)
        log.info("reconcile.found", reference=found.reference)
        return "confirmed"
    outcome = await file_submission(
        connector, store, writer, record, now=now,
        retry_in=retry_in(record.attempts + 1), last_attempt=last_attempt,
    )  # fmt: skip
    if isinstance(outcome, Filed):
        return "confirmed"
    return "failed" if isinstance(outcome, FilingRefused) else "unconfirmed"


async def _tell_failure(
    writer: HubWriter,
    broker: Broker | None,
    record: SubmissionRecord,
    reason: str | None,
    now: datetime,
) -> None:
    """The company's members hear that the application was not filed, and why."""
    new = new_application_of(record.payload)
    platform = _PLATFORM_NAMES.get(record.platform, record.platform)
    payload: dict[str, Any] = {
        "siret": record.siret,
        "schemeId": record.scheme_id,
        "projectTitle": new.project_title,
        "platform": record.platform,
        "reason": reason,
    }
    subject = f"Votre demande d'aide « {new.project_title} » n'a pas pu être déposée"
    body = (
        f"Le Hub Entreprendre Occitanie n'a pas pu déposer votre demande « {new.project_title} » "
        f"sur {platform} après plusieurs tentatives.\n"
        "Aucun dossier n'a été créé en votre nom : vous pouvez la déposer de nouveau depuis "
        "votre espace."
    )
    published = []
    async with writer.transaction() as tx:
        for account_id, email in await tx.members(record.siret):
            key = f"filing-failed:{record.id}:{account_id}"
            message = await tx.notify(
                account_id=account_id, kind=FILING_FAILED_KIND, payload=payload,
                dedupe_key=key, now=now,
            )  # fmt: skip
            await tx.enqueue_mail(dedupe_key=key, to=email, subject=subject, body=body, now=now)
            if message is not None:
                published.append((account_id, message))
    if broker is not None:
        for account_id, message in published:
            try:
                await broker.publish(account_id, message)
            except Exception:  # noqa: BLE001 - the in-app list and the e-mail have it
                _log.warning("notification.publish_failed", kind=FILING_FAILED_KIND)
