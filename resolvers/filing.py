"""One attempt at filing a submission on its platform, shared by ``submitApplication`` and the
reconciliation job, and what the hub tells of a filing whose answer it has not seen.

The filing is sent with the submission's ``platform_key`` (the platform dedupes on it), so an
attempt may be repeated at will: the platform holds at most one dossier per key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import structlog

from connectors.errors import ConnectorError, UpstreamRefused
from connectors.hubdb.platform_polls import PollStore
from connectors.hubdb.submissions import SubmissionRecord, SubmissionStore
from connectors.hubdb.writes import HubWriter
from connectors.platforms import (
    Application,
    DeclaredAid,
    Expense,
    Lifecycle,
    NewApplication,
    Platform,
    PlatformConnector,
)

__all__ = [
    "HUB_REFERENCE",
    "UNCONFIRMED_LABEL",
    "Filed",
    "FilingRefused",
    "FilingUnanswered",
    "file_submission",
    "new_application_of",
    "payload_of",
    "pending_application",
    "remember_status",
]

UNCONFIRMED_LABEL = "Transmission non confirmée"
HUB_REFERENCE = "HUB-"
"""The prefix of the reference of a filing the platform has not confirmed (then the
submission's id follows)."""
"""``platformStatus`` of a filing whose answer the hub has not seen (the hub's words)."""

_log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Filed:
    application: Application


@dataclass(frozen=True, slots=True)
class FilingRefused:
    reason: str


@dataclass(frozen=True, slots=True)
class FilingUnanswered:
    error: str


FilingOutcome = Filed | FilingRefused | FilingUnanswered


def payload_of(new: NewApplication) -> dict[str, Any]:
    """The filing as the submissions table keeps it (JSON)."""
    return {
        "siret": new.siret,
        "schemeId": new.scheme_id,
        "projectTitle": new.project_title,
        "requested": new.requested,
        "plannedStart": new.planned_start.isoformat() if new.planned_start else None,
        "expenses": [
            {
                "label": e.label,
                "amount": e.amount,
                "committedOn": e.committed_on.isoformat() if e.committed_on else None,
            }
            for e in new.expenses
        ],
        "deMinimis": [
            {
                "grantor": a.grantor,
                "amount": a.amount,
                "grantedOn": a.granted_on.isoformat(),
                "regulation": a.regulation,
            }
            for a in new.de_minimis
        ],
    }


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def new_application_of(payload: Mapping[str, Any]) -> NewApplication:
    """The filing back from the submissions table."""
    return NewApplication(
        siret=payload["siret"],
        scheme_id=payload["schemeId"],
        project_title=payload["projectTitle"],
        requested=int(payload["requested"]),
        planned_start=_day(payload.get("plannedStart")),
        expenses=tuple(
            Expense(e["label"], int(e["amount"]), _day(e.get("committedOn")))
            for e in payload["expenses"]
        ),
        de_minimis=tuple(
            DeclaredAid(
                a["grantor"],
                int(a["amount"]),
                date.fromisoformat(a["grantedOn"]),
                a.get("regulation"),
            )
            for a in payload["deMinimis"]
        ),
    )


def pending_application(record: SubmissionRecord) -> Application:
    """What the hub knows of a filing the platform has not confirmed: UNCONFIRMED, under the
    platform's reference if the hub learnt it, else the hub's own (``HUB-…``)."""
    new = new_application_of(record.payload)
    return Application(
        platform=Platform(record.platform),
        reference=record.reference or f"{HUB_REFERENCE}{record.id}",
        siret=record.siret,
        scheme_id=record.scheme_id,
        project_title=new.project_title,
        status=Lifecycle.UNCONFIRMED,
        platform_status=UNCONFIRMED_LABEL,
        requested=new.requested,
        granted=None,
        paid=0,
        submitted_at=record.created_at,
        acknowledged_at=None,
        expenses_from=None,
        decided_at=None,
        realisation_deadline=None,
        proofs_deadline=None,
        updated_at=record.updated_at,
        idempotency_key=record.idempotency_key,
    )


async def remember_status(writer: HubWriter, application: Application, now: datetime) -> None:
    """Records the status of an application the hub filed, so that the polling job tells
    its next change (and not this one) to the company."""
    async with writer.transaction() as tx:
        await PollStore.record(
            tx.session,
            platform=application.platform.value,
            reference=application.reference,
            siret=application.siret,
            status=application.status.value,
            label=application.platform_status,
            now=now,
        )


async def file_submission(
    connector: PlatformConnector,
    store: SubmissionStore,
    writer: HubWriter,
    record: SubmissionRecord,
    *,
    now: datetime,
    retry_in: timedelta,
    last_attempt: bool = False,
) -> FilingOutcome:
    """Files ``record`` once (the caller holds its lease) and records the outcome: CONFIRMED
    with the platform's reference; FAILED when the platform refuses it (its reason) or this
    was the ``last_attempt``; else UNCONFIRMED, due again in ``retry_in``."""
    log = _log.bind(submission_id=record.id, platform=record.platform)
    try:
        application = await connector.file(new_application_of(record.payload), record.platform_key)
    except UpstreamRefused as refused:
        await store.fail(record.id, error=refused.message, now=now)
        log.warning("filing.refused", reason=refused.message)
        return FilingRefused(refused.message)
    except ConnectorError as failed:
        error = failed.message
        if last_attempt:
            await store.fail(record.id, error=error, now=now)
            log.error("filing.failed", reason="attempts spent", error=error)
            return FilingRefused(error)
        await store.unconfirmed(record.id, error=error, next_attempt_at=now + retry_in, now=now)
        log.warning("filing.unconfirmed", error=error)
        return FilingUnanswered(error)
    await store.confirm(record.id, reference=application.reference, now=now)
    await remember_status(writer, application, now)
    log.info("filing.confirmed", reference=application.reference)
    return Filed(application)
