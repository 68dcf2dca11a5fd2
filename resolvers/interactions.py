"""Recording the support an agent gave a company or a project holder (the CCI standard's
activity), and reading a company's record of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from auth.actions import Action, require
from connectors.calendar import hub_today
from connectors.hubdb import InteractionRecord, OfferRecord
from connectors.hubdb.enums import Channel, InteractionKind, Segment
from resolvers.context import Info
from resolvers.errors import BAD_USER_INPUT, coded_error
from resolvers.segments import company_segment, theme_segment
from resolvers.siret import validate_siret

__all__ = [
    "MAX_MINUTES",
    "NewInteraction",
    "checked_values",
    "company_interactions",
    "project_interactions",
    "record_interaction",
]

MAX_MINUTES = 10_000


@dataclass(frozen=True, slots=True)
class NewInteraction:
    siret: str | None
    project_id: str | None
    kind: InteractionKind
    channel: Channel
    on: date
    offer_id: str | None = None
    level: int | None = None
    product: str | None = None
    minutes: int | None = None
    segment: Segment | None = None


def _refuse(message: str, argument: str) -> Exception:
    return coded_error(message, BAD_USER_INPUT, argument=argument)


def _check_offer(new: NewInteraction, offer: OfferRecord | None, structure_id: str) -> None:
    if offer is None:
        if new.offer_id is not None:
            raise _refuse("Unknown offer: pick one of `offers(filter: {structureId})`.", "offerId")
        if new.level is not None or new.product is not None:
            argument = "level" if new.level is not None else "product"
            raise _refuse(f"`{argument}` belongs to an offer: give its `offerId`.", argument)
        return
    if offer.structure_id != structure_id:
        raise _refuse("This offer is another structure's: record your structure's.", "offerId")
    if new.level is not None and new.level != offer.level:
        raise _refuse(f"This offer is level {offer.level}, not {new.level}.", "level")
    if new.segment is not None and new.segment.value != offer.segment:
        raise _refuse(f"This offer is for the segment {offer.segment}.", "segment")
    codes = {product.code for product in offer.products if product.code}
    if new.product is not None and new.product not in codes:
        known = ", ".join(sorted(codes)) or "none"
        raise _refuse(f"Unknown product for this offer (its codes: {known}).", "product")


async def _subject(info: Info, new: NewInteraction) -> tuple[str | None, str, Segment | None]:
    """(SIRET of a company subject, the person counted, the segment read from the data when
    neither an offer nor a segment is given)."""
    derive = new.offer_id is None and new.segment is None
    if (new.siret is None) == (new.project_id is None):
        raise _refuse("Give exactly one of `siret` and `projectId`.", "siret")
    if new.siret is not None:
        siret = validate_siret(new.siret)
        derived = await company_segment(info, siret, new.on) if derive else None
        return siret, f"company:{siret}", derived
    async with info.context.services.writer.transaction() as tx:
        company, holder, theme = await tx.project_subject(str(new.project_id))
    if holder is not None:
        return None, f"account:{holder}", theme_segment(theme, holder=True)
    if company is None:
        raise _refuse("Unknown project.", "projectId")
    segment = theme_segment(theme, holder=False)
    if segment is None and derive:
        segment = await company_segment(info, company, new.on)
    return None, f"company:{company}", segment


async def checked_values(info: Info, new: NewInteraction) -> dict[str, Any]:
    """The ``interactions`` row of support the viewer (an agent) records for its structure,
    once checked: the subject, the date, the offer of its structure with its level and
    product, the segment. ``BAD_USER_INPUT`` with the argument and the reason otherwise."""
    viewer = info.context.viewer
    structure_id = str(viewer.structure_id)
    if new.on > hub_today():
        raise _refuse("`on` is in the future: record what happened.", "on")
    if new.minutes is not None and not 1 <= new.minutes <= MAX_MINUTES:
        raise _refuse(f"`minutes` is between 1 and {MAX_MINUTES}.", "minutes")
    siret, person, derived = await _subject(info, new)
    offer = await info.context.loaders.offers.load(new.offer_id) if new.offer_id else None
    _check_offer(new, offer, structure_id)
    segment = Segment(offer.segment) if offer is not None else new.segment or derived
    if segment is None:
        raise _refuse(
            "No segment could be read from the data (not a company less than 3 years old, "
            "no declared transfer): give `segment` or an `offerId`.",
            "segment",
        )
    return {
        "structure_id": structure_id, "agent_id": viewer.agent_id, "siret": siret,
        "project_id": new.project_id, "person": person, "kind": new.kind.value,
        "channel": new.channel.value, "segment": segment.value, "offer_id": new.offer_id,
        "level": offer.level if offer is not None else None, "product": new.product,
        "occurred_on": new.on, "minutes": new.minutes,
    }  # fmt: skip


async def record_interaction(info: Info, new: NewInteraction) -> InteractionRecord:
    """An agent records support its structure gave: checked (``checked_values``), then
    written."""
    require(Action.RECORD_INTERACTION, info.context.viewer)
    values = await checked_values(info, new)
    async with info.context.services.writer.transaction() as tx:
        interaction_id = await tx.record_interaction(values, datetime.now(UTC))
    columns = {key: value for key, value in values.items() if key != "person"}
    return InteractionRecord(id=interaction_id, **columns)


async def company_interactions(info: Info, siret: str) -> list[InteractionRecord]:
    return await info.context.loaders.interactions.load(siret)


async def project_interactions(info: Info, project_id: str) -> list[InteractionRecord]:
    return await info.context.loaders.project_interactions.load(project_id)
