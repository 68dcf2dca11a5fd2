"""Support the CCIs recorded (``interactions``): for every CCI, paths of support given to
generated companies and project holders of its department, from the welcome to the support
phase, over two years (1 December 2024 to 30 November 2026), so that ``indicators`` answers
figures in sandbox mode.

Each row is one that ``recordInteraction`` would accept from one of the CCI's agents: the
CCI's own national offer with its level, a product of that level (or none), the segment the
offer is for (a holder's project on « reprise » is a repreneur's, any other a créateur's; a
company less than 3 years old is a nouveau dirigeant's, an older one a cédant's). Every kind
and both channels are present. Deterministic (``random.Random(INTERACTIONS_SEED)``); the
canonical companies get none, so their examples stay as the docs tell them.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from connectors.hubdb.cci_standard import NATIONAL_OFFERS, OfferLevel
from connectors.hubdb.enums import Channel, InteractionKind, Segment, StructureKind
from sandbox.entreprise.seed import companies as sandbox_companies
from sandbox.hubdb._common import Rows, at, stable_id

__all__ = ["FIRST_DAY", "INTERACTIONS_SEED", "LAST_DAY", "SUBJECTS", "interaction_rows"]

INTERACTIONS_SEED = 20261205
FIRST_DAY = date(2024, 12, 1)
LAST_DAY = date(2026, 11, 30)
SUBJECTS = {"cci-gard": 30}
"""Companies and project holders each CCI supported (8 for a CCI not named here): the CCI du
Gard, Pierre Durand's, gets more."""
_OTHER_CCI_SUBJECTS = 8

_K = InteractionKind
_SUPPORT = (_K.TRAINING, _K.ADVICE_MEETING, _K.WORKSHOP, _K.SUPPORT_PROGRAMME)
_PRODUCTS: dict[InteractionKind, tuple[str, ...]] = {
    _K.SENSITISATION: ("N1", "N2"),
    _K.TRAINING: ("N12", "N15", "O1", "O2", "O3"),
    _K.ADVICE_MEETING: ("N17",),
    _K.WORKSHOP: ("O4", "N11"),
    _K.SUPPORT_PROGRAMME: ("N16", "N13", "N10", "N6"),
    _K.BUSINESS_PLAN: ("N17",),
}
"""The products a kind of support is given through, by preference: a level that has one is
drawn, and its first of them is recorded."""
_MINUTES: dict[InteractionKind, tuple[int, ...]] = {
    _K.WELCOME: (20, 30, 45),
    _K.SENSITISATION: (90, 120, 180),
    _K.QUALIFICATION: (60, 90),
    _K.TRAINING: (420, 840),
    _K.ADVICE_MEETING: (60, 90, 120),
    _K.WORKSHOP: (120, 180),
    _K.SUPPORT_PROGRAMME: (600, 900, 1200),
    _K.BUSINESS_PLAN: (180, 300),
}
_FIVE_DAYS = 5 * 7 * 60
"""« 5 jours pour Entreprendre »: five days of seven hours."""


def interaction_rows(
    structures: Sequence[Mapping[str, Any]],
    agents: Sequence[Mapping[str, Any]],
    companies: Sequence[Mapping[str, Any]],
    projects: Sequence[Mapping[str, Any]],
) -> Rows:
    """Every CCI's recorded support, half of its subjects project holders of its department
    (as many as there are), the others its department's companies (up to half of them less
    than 3 years old, which are few). ``companies`` and
    ``projects``: the generated ones; ``agents``: the directory's (each CCI's record)."""
    rng = random.Random(INTERACTIONS_SEED)
    department_of = {str(s["id"]): s["department_code"] for s in structures}
    created_on = {siret: found.created_on for siret, found in sandbox_companies().items()}
    rows: list[dict[str, Any]] = []
    for cci in sorted((s for s in structures if s["kind"] == StructureKind.CCI), key=_id):
        cci_id, department = str(cci["id"]), cci["department_code"]
        staff = sorted(str(a["id"]) for a in agents if a["structure_id"] == cci_id)
        holders = [_holder(p) for p in projects if p["holder_account_id"]
                   and department_of.get(p["structure_id"]) == department]  # fmt: skip
        firms = [_company(c, created_on) for c in companies if c["department_code"] == department]
        wanted = SUBJECTS.get(cci_id, _OTHER_CCI_SUBJECTS)
        young = [firm for firm in firms if firm.segment(FIRST_DAY) is Segment.NOUVEAU_DIRIGEANT]
        older = [firm for firm in firms if firm.segment(FIRST_DAY) is Segment.CEDANT]
        chosen = rng.sample(holders, min(len(holders), wanted // 2))
        chosen += rng.sample(young, min(len(young), (wanted - len(chosen)) // 2))
        chosen += rng.sample(older, min(len(older), wanted - len(chosen)))
        for subject in chosen:
            start = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days - 30))
            rows.extend(_path(rng, cci_id, staff, subject, max(start, subject.since)))
    return {"interactions": rows}


def _id(row: Mapping[str, Any]) -> str:
    return str(row["id"])


@dataclass(frozen=True, slots=True)
class _Subject:
    columns: dict[str, Any]
    """``siret``, ``project_id`` and ``person``, as ``recordInteraction`` writes them."""
    created_on: date | None = None
    """A company's creation (Sirene); None for a holder's project."""
    theme: str | None = None
    """A holder's project's."""

    @property
    def since(self) -> date:
        return FIRST_DAY if self.created_on is None else max(FIRST_DAY, self.created_on)

    def segment(self, on: date) -> Segment:
        if self.created_on is None:
            return Segment.REPRENEUR if self.theme == "reprise" else Segment.CREATEUR
        young = (on - self.created_on).days < 3 * 365
        return Segment.NOUVEAU_DIRIGEANT if young else Segment.CEDANT


def _company(company: Mapping[str, Any], created_on: Mapping[str, date]) -> _Subject:
    siret = str(company["siret"])
    columns = {"siret": siret, "project_id": None, "person": f"company:{siret}"}
    return _Subject(columns, created_on=created_on.get(siret, date(2000, 1, 1)))


def _holder(project: Mapping[str, Any]) -> _Subject:
    columns = {"siret": None, "project_id": project["id"],
               "person": f"account:{project['holder_account_id']}"}  # fmt: skip
    return _Subject(columns, theme=project["theme"])


def _path(
    rng: random.Random, cci_id: str, staff: Sequence[str], subject: _Subject, start: date
) -> Iterator[dict[str, Any]]:
    """One subject's support from ``start``, in time order: welcomed, often sensitised,
    qualified, then (most of them) some support; a créateur's or repreneur's may end with a
    business plan. Steps that would fall after ``LAST_DAY`` are not taken yet."""
    columns = subject.columns
    segment = subject.segment(start)
    levels = [level for level in NATIONAL_OFFERS if level.segment is segment]
    kinds = [_K.WELCOME]
    if rng.random() < 0.6:
        kinds.append(_K.SENSITISATION)
    kinds.append(_K.QUALIFICATION)
    if rng.random() < 0.8:
        kinds += rng.sample(_SUPPORT, rng.randint(1, 3))
        if segment in (Segment.CREATEUR, Segment.REPRENEUR) and rng.random() < 0.3:
            kinds.append(_K.BUSINESS_PLAN)
    agent = rng.choice(staff) if staff else None
    day = start
    for step, kind in enumerate(kinds):
        day = _working_day(day + timedelta(days=0 if step == 0 else rng.randint(3, 45)))
        if day > LAST_DAY:
            return
        level, product = _offered(levels, kind, rng)
        minutes = _FIVE_DAYS if product == "N12" else rng.choice(_MINUTES[kind])
        channel = Channel.REMOTE if rng.random() < 0.35 else Channel.ON_SITE
        offer_id = f"{cci_id}:{segment.value.lower()}-{level.level}" if level else None
        yield {
            "id": stable_id("interaction", cci_id, columns["person"], str(step)),
            "structure_id": cci_id, "agent_id": agent, **columns, "kind": kind.value,
            "channel": channel.value, "segment": segment.value, "offer_id": offer_id,
            "level": level.level if level else None, "product": product,
            "occurred_on": day, "minutes": minutes,
            "recorded_at": at(day.year, day.month, day.day, 17) + timedelta(days=1),
        }  # fmt: skip


def _offered(
    levels: Sequence[OfferLevel], kind: InteractionKind, rng: random.Random
) -> tuple[OfferLevel | None, str | None]:
    """The offer level and product a step is recorded under: none for the welcome and the
    needs-discovery interview (the standard puts them before any offer); else one of the
    levels with a product of the kind (a business plan ends a level 3), else the segment's
    last level with no product."""
    if kind in (_K.WELCOME, _K.QUALIFICATION):
        return None, None
    wanted = _PRODUCTS[kind]
    fits = [
        level
        for level in levels
        if _wanted_in(level, wanted) and (kind is not _K.BUSINESS_PLAN or level.level == 3)
    ]
    if not fits:
        return levels[-1], None
    level = rng.choice(fits)
    return level, _wanted_in(level, wanted)


def _wanted_in(level: OfferLevel, wanted: Sequence[str]) -> str | None:
    """The first of the ``wanted`` products the level has."""
    codes = {product.code for product in level.products}
    return next((code for code in wanted if code in codes), None)


def _working_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day
