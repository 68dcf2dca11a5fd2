"""A company's applications on both submission platforms, merged: the two platforms are
asked concurrently (one DataLoader per platform, keyed by SIRET), the lists merged newest
first and paged with ``connectors.pagination`` cursors. A platform that fails with nothing
cached is named in ``extensions.warnings``; the other answers (a stale copy is served by the
connector when it has one).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from auth.tiers import Tier
from connectors.errors import ConnectorError, NotFound
from connectors.hubdb.enums import SubmissionState
from connectors.pagination import Page, assemble_page, decode_time_cursor, encode_time_cursor
from connectors.platforms import Application, Lifecycle, Platform, PlatformConnector
from resolvers.context import Info
from resolvers.errors import (
    BAD_USER_INPUT,
    FORBIDDEN,
    NOT_FOUND,
    coded_error,
    from_connector_error,
)
from resolvers.filing import HUB_REFERENCE, pending_application

__all__ = [
    "PLATFORM_NAMES",
    "ApplicationQuery",
    "application",
    "applications",
    "company_applications",
    "global_id",
]

PLATFORM_NAMES = {Platform.DEL: "DEL", Platform.MES_AIDES_EN_LIGNE: "Mes aides en ligne"}
_MAX_FIRST = 100


@dataclass(frozen=True, slots=True)
class ApplicationQuery:
    status: Lifecycle | None = None
    platform: Platform | None = None
    scheme_id: str | None = None


def global_id(application: Application) -> str:
    raw = f"Application:{application.platform.value}:{application.reference}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _parse_id(id_: str) -> tuple[Platform, str] | None:
    try:
        raw = base64.urlsafe_b64decode(id_.encode("ascii")).decode()
    except (ValueError, binascii.Error, UnicodeError):
        return None
    kind, _, rest = raw.partition(":")
    platform, _, reference = rest.partition(":")
    if kind != "Application" or platform not in Platform.__members__ or not reference:
        return None
    return Platform[platform], reference


async def company_applications(info: Info, siret: str) -> list[Application]:
    """Both platforms' applications of a company, newest first; a failing platform named in
    the warnings. Both loads are issued before either is awaited (the platforms are asked
    concurrently, in the loaders' batches); awaiting them in turn costs no gather."""
    loaders = info.context.loaders
    pending = (
        (Platform.MES_AIDES_EN_LIGNE, loaders.mesaides_applications.load(siret)),
        (Platform.DEL, loaders.del_applications.load(siret)),
    )
    merged: list[Application] = []
    for platform, loading in pending:
        try:
            result = await loading
        except ConnectorError as error:
            info.context.warn(
                "UPSTREAM_UNAVAILABLE",
                f"{PLATFORM_NAMES[platform]} is unavailable: its applications are missing from "
                "this answer.",
                source=error.source,
            )
            continue
        if result.stale:
            info.context.warn(
                "STALE_DATA",
                f"{PLATFORM_NAMES[platform]} is unavailable: its applications are as "
                "last read, and may have changed since.",
                source=_connector(info, platform).source,
            )
        merged += result.applications
    return sorted(merged, key=_order)


def _connector(info: Info, platform: Platform) -> PlatformConnector:
    services = info.context.services
    return services.del_ if platform is Platform.DEL else services.mesaides


def _moment(application: Application) -> datetime:
    return application.submitted_at or application.updated_at


def _order(application: Application) -> tuple[float, str]:
    return (-_moment(application).timestamp(), global_id(application))


async def applications(
    info: Info, siret: str, query: ApplicationQuery, first: int, after: str | None
) -> Page[Application]:
    if not 1 <= first <= _MAX_FIRST:
        raise coded_error(f"first must be between 1 and {_MAX_FIRST}.", BAD_USER_INPUT)
    position = None
    if after is not None:
        try:
            moment, id_ = decode_time_cursor(after)
        except ValueError:
            raise coded_error("invalid cursor", BAD_USER_INPUT) from None
        position = (-moment.timestamp(), id_)
    matching = [a for a in await company_applications(info, siret) if _matches(a, query)]
    following = [a for a in matching if position is None or _order(a) > position]
    return assemble_page(
        following[: first + 1],
        first,
        item=lambda a: a,
        cursor=lambda a: encode_time_cursor(_moment(a), global_id(a)),
        total=len(matching),
        after=after,
    )


def _matches(application: Application, query: ApplicationQuery) -> bool:
    return (
        (query.status is None or application.status is query.status)
        and (query.platform is None or application.platform is query.platform)
        and (query.scheme_id is None or application.scheme_id == query.scheme_id.strip())
    )


async def application(info: Info, id_: str) -> Application:
    """One application by its global id. Unknown, or not the viewer's to see (tier 2 of its
    company): the same FORBIDDEN, so that existence is not revealed. A granted read is
    audited like a tier-2 field of the company.

    The id ``submitApplication`` returned for a filing the platform had not confirmed
    (reference ``HUB-…``) stays valid: while the filing is open it reads as UNCONFIRMED; once
    the platform holds it, as the platform's application; refused for good, NOT_FOUND with
    the reason."""
    parsed = _parse_id(id_)
    missing = coded_error(
        "No application with this id that you may see (tier 2 of its company).", FORBIDDEN
    )
    if parsed is None:
        raise missing
    platform, reference = parsed
    if reference.startswith(HUB_REFERENCE):
        return await _filed_by_the_hub(info, reference.removeprefix(HUB_REFERENCE), missing)
    try:
        found = await _connector(info, platform).application(reference)
    except NotFound:
        raise missing from None
    await _may_see(info, found.siret, missing)
    return found


async def _may_see(info: Info, siret: str, missing: Exception) -> None:
    """The field's ``ReadsCompany(argument="id", tier=TIER2)``: checked, and audited."""
    if not await info.context.granted_company_tier(siret, Tier.TIER2, info.field_name):
        raise missing


async def _filed_by_the_hub(info: Info, submission_id: str, missing: Exception) -> Application:
    record = await info.context.services.submissions.get(submission_id)
    if record is None:
        raise missing
    await _may_see(info, record.siret, missing)
    if record.state is SubmissionState.FAILED:
        raise coded_error(
            f"This filing could not be made on the platform: {record.last_error}", NOT_FOUND
        )
    if record.state is SubmissionState.CONFIRMED and record.reference is not None:
        try:
            return await _connector(info, Platform(record.platform)).application(record.reference)
        except ConnectorError as error:
            raise from_connector_error(error) from None
    return pending_application(record)
