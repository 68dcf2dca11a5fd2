"""``submitApplication``: checked, written to the outbox of filings, then filed at once.

1. Only the company's members (``ACT_FOR_COMPANY``). The same idempotency key again answers
   the application of the first call (a different filing under a used key is refused).
2. The scheme routes the filing: its submission channel is DEL or Mes aides en ligne.
3. The seeds' rules (``resolvers.submission_rules``) with the aids the company received (both
   platforms and the hub's records, ``resolvers.aids_received``) and its previous
   applications on the scheme's platform; each refusal is ``BAD_USER_INPUT``.
4. The submission is committed (``SubmissionStore.open``: one row per company and key, so of
   concurrent calls one files and the others read its row), then filed with its platform key.
   An answer that never comes leaves it UNCONFIRMED, returned as such; the reconciliation job
   (``resolvers.reconciliation``) settles it.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from auth.actions import Action, require
from connectors.calendar import hub_today
from connectors.catalogues.models import SubmissionChannel
from connectors.errors import ConnectorError
from connectors.hubdb.enums import SubmissionState
from connectors.hubdb.submissions import (
    NewSubmission,
    SubmissionRecord,
    payload_hash,
)
from connectors.platforms import (
    Application,
    DeclaredAid,
    Expense,
    Lifecycle,
    NewApplication,
    Platform,
    PlatformConnector,
)
from resolvers.aid_estimate_inputs import UnknownScheme
from resolvers.aid_refusals import AidRuleError, bad_user_input
from resolvers.aids_received import aids_received
from resolvers.catalogue import find_scheme
from resolvers.context import Info, Services
from resolvers.errors import BAD_USER_INPUT, UPSTREAM_UNAVAILABLE, coded_error
from resolvers.filing import (
    Filed,
    FilingRefused,
    file_submission,
    payload_of,
    pending_application,
)
from resolvers.siret import validate_siret
from resolvers.submission_rules import PreviousApplication, Submission, check_submission

__all__ = ["FILING_LEASE", "RETRY_IN", "connector_for", "submit_application"]

FILING_LEASE = timedelta(seconds=60)
"""How long the call that created a submission holds it while filing; past it, the
reconciliation job may take it (the call died)."""
RETRY_IN = timedelta(seconds=30)
"""When the job first looks up a filing left UNCONFIRMED."""
_WAIT_STEP_S = 0.05
_MAX_KEY = 200
_NOT_COUNTED = frozenset({Lifecycle.REJECTED, Lifecycle.WITHDRAWN, Lifecycle.DRAFT})
_CHANNELS = {
    SubmissionChannel.DEL: Platform.DEL,
    SubmissionChannel.MES_AIDES_EN_LIGNE: Platform.MES_AIDES_EN_LIGNE,
}


def _now() -> datetime:
    return datetime.now(UTC)


def connector_for(services: Services, platform: Platform) -> PlatformConnector:
    return services.del_ if platform is Platform.DEL else services.mesaides


def _key(idempotency_key: str) -> str:
    key = idempotency_key.strip()
    if not key or len(key) > _MAX_KEY or not key.isprintable():
        raise coded_error(
            f"An idempotency key is 1 to {_MAX_KEY} printable characters.",
            BAD_USER_INPUT,
            argument="idempotencyKey",
        )
    return key


async def submit_application(
    info: Info, submission: Submission, idempotency_key: str
) -> Application:
    context = info.context
    siret = validate_siret(submission.siret)
    facts = await context.loaders.facts.load(siret)
    require(Action.ACT_FOR_COMPANY, context.viewer, facts=facts)
    key = _key(idempotency_key)
    store = context.services.submissions
    digest = payload_hash(asdict(submission))
    existing = await store.find(siret, key)
    if existing is not None:
        return await _answer(info, existing, digest)
    scheme = await find_scheme(info, submission.scheme_id)
    platform = _CHANNELS.get(scheme.channel) if scheme.channel else None
    if platform is None:
        raise coded_error(
            f"{scheme.title} is not filed on DEL or Mes aides en ligne"
            + (f": see {scheme.submission_url}." if scheme.submission_url else "."),
            BAD_USER_INPUT,
            argument="input.schemeId",
        )
    connector = connector_for(context.services, platform)
    new = await _checked(info, submission, siret, scheme.id, connector)
    payload = payload_of(new)
    now = _now()
    record, created = await store.open(
        NewSubmission(
            siret, context.viewer.account_id, key, scheme.id, platform.value, payload, digest
        ),
        now=now,
        lease=FILING_LEASE,
    )
    if not created:
        return await _answer(info, record, digest)
    outcome = await file_submission(
        connector, store, context.services.writer, record, now=now, retry_in=RETRY_IN
    )
    if isinstance(outcome, Filed):
        return outcome.application
    if isinstance(outcome, FilingRefused):
        raise coded_error(f"The platform refused the application: {outcome.reason}", BAD_USER_INPUT)
    return pending_application(await store.get(record.id) or record)


async def _checked(
    info: Info, submission: Submission, siret: str, scheme_id: str, connector: PlatformConnector
) -> NewApplication:
    """The filing, once the seeds' rules accept it."""
    try:
        recorded, earlier = await asyncio.gather(
            aids_received(info, siret), connector.applications(siret)
        )
    except ConnectorError:
        raise coded_error(
            "The platform cannot tell the company's previous applications now; try again "
            "later (nothing was filed).",
            UPSTREAM_UNAVAILABLE,
        ) from None
    previous = [
        PreviousApplication(
            scheme_id=a.scheme_id,
            project_title=a.project_title,
            amount=Decimal(a.granted if a.granted is not None else a.requested),
            submitted_on=(a.submitted_at or a.updated_at).date(),
            acknowledged_on=a.acknowledged_at.date() if a.acknowledged_at else None,
        )
        for a in earlier
        if a.scheme_id is not None and a.status not in _NOT_COUNTED
    ]
    try:
        verdict = check_submission(
            submission,
            deposited_on=hub_today(),
            recorded_aids=recorded,
            previous=previous,
        )
    except AidRuleError as refused:
        raise bad_user_input(refused) from None
    except UnknownScheme:
        raise coded_error(
            "The hub has no rules to check this scheme's applications: file it on its "
            "platform directly.",
            BAD_USER_INPUT,
            argument="input.schemeId",
        ) from None
    return NewApplication(
        siret=siret,
        scheme_id=scheme_id,
        project_title=submission.project_title.strip(),
        requested=int(verdict.requested),
        expenses=tuple(
            Expense(e.category, int(e.amount), e.committed_on) for e in submission.expenses
        ),
        planned_start=submission.planned_start,
        de_minimis=tuple(
            DeclaredAid(a.grantor, int(a.amount), a.granted_on, a.regulation)
            for a in submission.de_minimis_declaration
        ),
    )


async def _answer(info: Info, record: SubmissionRecord, digest: str) -> Application:
    """The application of a submission another call created (same company and key)."""
    if digest != record.payload_hash:
        raise coded_error(
            "This idempotency key was used for another application: use a new key for a new "
            "application.",
            BAD_USER_INPUT,
            argument="idempotencyKey",
        )
    store = info.context.services.submissions
    while record.state is SubmissionState.PENDING and record.lease_until is not None:
        if _now() >= record.lease_until:
            break  # its filer died: the reconciliation job takes it over
        await asyncio.sleep(_WAIT_STEP_S)
        record = await store.get(record.id) or record
    if record.state is SubmissionState.FAILED:
        raise coded_error(
            f"This application could not be filed: {record.last_error}", BAD_USER_INPUT
        )
    if record.state is SubmissionState.CONFIRMED and record.reference is not None:
        connector = connector_for(info.context.services, Platform(record.platform))
        try:
            return await connector.application(record.reference)
        except ConnectorError:
            info.context.warn(
                "UPSTREAM_UNAVAILABLE",
                "The platform is unavailable: the application is shown as the hub filed it.",
                source=record.platform.lower(),
            )
    return pending_application(record)
