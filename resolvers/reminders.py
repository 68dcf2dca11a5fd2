"""Reminding referents of requests left unanswered after 48 working hours (hub FAQ).

Run periodically by every gateway instance: each request is reminded once, whichever
instance takes it (``ReminderStore.take`` is a conditional update), and its in-app
notification and e-mail are written in the same transaction, so a reminder is never
recorded without them nor sent twice."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import structlog

from connectors.broker import Broker
from connectors.hubdb.reminders import DueReminder, ReminderStore
from connectors.hubdb.writes import HubWriter

__all__ = ["REMINDER_KIND", "send_due_reminders"]

REMINDER_KIND = "REFERENT_REMINDER"

_PARIS = ZoneInfo("Europe/Paris")
_log = structlog.get_logger(__name__)


async def send_due_reminders(
    writer: HubWriter,
    store: ReminderStore,
    *,
    now: datetime,
    broker: Broker | None = None,
    limit: int = 100,
) -> int:
    """Reminds up to ``limit`` overdue requests; how many this call reminded. Each one is its
    own transaction: a failure is logged and leaves that request for the next run. With a
    ``broker``, the notifications are also published live once committed."""
    reminded = 0
    for assignment_id in await store.due(now=now, limit=limit):
        try:
            async with writer.transaction() as tx:
                reminder = await store.take(tx.session, assignment_id, now=now)
                if reminder is None:
                    continue  # answered meanwhile, or reminded by another instance
                message = await tx.notify(
                    account_id=reminder.agent_account_id,
                    kind=REMINDER_KIND,
                    payload=_payload(reminder),
                    dedupe_key=f"referent-reminder:{assignment_id}",
                    now=now,
                )
                subject, body = _mail(reminder)
                await tx.enqueue_mail(
                    dedupe_key=f"referent-reminder:{assignment_id}",
                    to=reminder.agent_email,
                    subject=subject,
                    body=body,
                    now=now,
                )
        except Exception:  # noqa: BLE001 - one bad request must not block the others
            _log.exception("reminder.failed", assignment_id=assignment_id)
            continue
        reminded += 1
        _log.info("reminder.sent", assignment_id=assignment_id)
        if broker is not None and message is not None:
            await broker.publish(reminder.agent_account_id, message)
    return reminded


def _payload(reminder: DueReminder) -> dict[str, Any]:
    subject: dict[str, Any] = (
        {"siret": reminder.siret, "company": reminder.company_name}
        if reminder.siret is not None
        else {"projectId": reminder.project_id, "project": reminder.company_name}
    )
    return {
        "assignmentId": reminder.assignment_id,
        **subject,
        "dueAt": reminder.due_at.isoformat(),
    }


def _mail(reminder: DueReminder) -> tuple[str, str]:
    company = reminder.company_name or "Une entreprise"
    due = reminder.due_at.astimezone(_PARIS).strftime("%d/%m/%Y à %H:%M")
    subject = f"Rappel : {company} attend votre réponse"
    whose = (
        f"{company} (SIRET {reminder.siret})"
        if reminder.siret is not None
        else f"Le porteur du projet « {company} »"
    )
    body = (
        f"{whose} vous a choisi comme référent sur le Hub "
        f"Entreprendre Occitanie.\n"
        f"Le délai de 48 heures ouvrées est passé depuis le {due} : merci d'accepter ou de "
        f"refuser cette demande dans votre espace."
    )
    return subject, body
