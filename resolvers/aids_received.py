"""The public aids a company received: the aids granted on the two submission platforms and
the aids the hub has on record (``public_aids``), counted once.

A platform aid is a granted application (an arrêté: GRANTED and every step after it), dated by
its decision, of the amount granted; its grantor and de minimis regulation are its scheme's in
the catalogue. Two aids are the same aid when they carry the same platform reference, or the
same grantor, scheme, date and amount (a hub record of an aid the platform also shows: the
platform's, which names its reference, is kept). These aids feed ``Company.deMinimis`` (and
the submission checks' de minimis headroom): one list, so nothing is counted twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum

from connectors.catalogues.models import Scheme
from connectors.hubdb import PublicAidRecord
from connectors.platforms import Application, Lifecycle, Platform
from connectors.text import fold
from resolvers.applications import PLATFORM_NAMES, company_applications
from resolvers.catalogue import catalogue
from resolvers.context import Info

__all__ = ["AidSource", "ReceivedAid", "aids_received", "merge_aids"]

_GRANTED = frozenset(
    {Lifecycle.GRANTED, Lifecycle.PAYMENT_REQUESTED, Lifecycle.ADVANCE_PAID, Lifecycle.CLOSED}
)


class AidSource(Enum):
    PLATFORM = "PLATFORM"
    HUB_RECORD = "HUB_RECORD"


@dataclass(frozen=True, slots=True)
class ReceivedAid:
    """A public aid a company received (gross grant equivalent, euros)."""

    grantor: str
    scheme: str
    amount: int
    granted_on: date
    regulation: str | None
    """The EU regulation it was granted under (``2023/2831``…), if any."""
    source: AidSource
    scheme_id: str | None = None
    platform: Platform | None = None
    reference: str | None = None
    """The platform's own number, for a platform aid."""


def from_record(record: PublicAidRecord) -> ReceivedAid:
    return ReceivedAid(
        grantor=record.grantor,
        scheme=record.scheme,
        amount=record.amount,
        granted_on=record.granted_on,
        regulation=record.regulation,
        source=AidSource.HUB_RECORD,
    )


def from_application(application: Application, scheme: Scheme | None) -> ReceivedAid | None:
    """The aid a granted application gives; None when it gives none (not granted yet)."""
    if (
        application.status not in _GRANTED
        or application.granted is None
        or application.decided_at is None
    ):
        return None
    return ReceivedAid(
        grantor=(
            scheme.financers[0]
            if scheme and scheme.financers
            else PLATFORM_NAMES[application.platform]
        ),
        scheme=scheme.title if scheme else application.scheme_id or application.project_title,
        amount=application.granted,
        granted_on=application.decided_at,
        regulation=scheme.de_minimis_regulation if scheme else None,
        source=AidSource.PLATFORM,
        scheme_id=application.scheme_id,
        platform=application.platform,
        reference=application.reference,
    )


def merge_aids(
    recorded: Iterable[PublicAidRecord],
    applications: Iterable[Application],
    schemes: Mapping[str, Scheme],
) -> list[ReceivedAid]:
    """Both kinds of aids, each once, newest first (pure)."""
    kept: list[ReceivedAid] = []
    references: set[tuple[Platform, str]] = set()
    same: dict[tuple[str, str, date, int], int] = {}
    """(grantor, scheme, date, amount), folded, every name an aid answers to → its index."""
    for application in applications:
        scheme = schemes.get(application.scheme_id or "")
        aid = from_application(application, scheme)
        if aid is None or (application.platform, application.reference) in references:
            continue
        references.add((application.platform, application.reference))
        _keep(aid, _names(aid, scheme), kept, same)
    for record in recorded:
        aid = from_record(record)
        (key,) = _names(aid, None)
        if key in same:  # the platform's aid already counts it: keep its regulation if it had none
            index = same[key]
            if kept[index].regulation is None:
                kept[index] = replace(kept[index], regulation=aid.regulation)
            continue
        _keep(aid, [key], kept, same)
    return sorted(
        kept,
        key=lambda a: (a.granted_on, a.source.value, a.reference or "", a.scheme),
        reverse=True,
    )


def _names(aid: ReceivedAid, scheme: Scheme | None) -> list[tuple[str, str, date, int]]:
    """The (grantor, scheme) pairs a record of this aid may carry: any financer of the scheme,
    its title or its id."""
    grantors = {aid.grantor, *(scheme.financers if scheme else ())}
    titles = {aid.scheme, *([aid.scheme_id] if aid.scheme_id else [])}
    return [
        (fold(grantor), fold(title), aid.granted_on, aid.amount)
        for grantor in sorted(grantors)
        for title in sorted(titles)
    ]


def _keep(
    aid: ReceivedAid,
    names: Sequence[tuple[str, str, date, int]],
    kept: list[ReceivedAid],
    same: dict[tuple[str, str, date, int], int],
) -> None:
    if any(name in same for name in names):
        return
    for name in names:
        same[name] = len(kept)
    kept.append(aid)


async def aids_received(info: Info, siret: str) -> list[ReceivedAid]:
    """The company's aids from both platforms and the hub's records, each once, newest first.
    A platform that cannot answer is named in the warnings (by ``company_applications``);
    the records and the other platform still count."""
    recorded, applications, found = await asyncio.gather(
        info.context.loaders.public_aids.load(siret),
        company_applications(info, siret),
        catalogue(info),
    )
    return merge_aids(recorded, applications, found.by_id)
