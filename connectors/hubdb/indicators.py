"""The activity indicators of the CCI standard's annex (« Les indicateurs d'activité »),
computed from the recorded interactions in one SQL statement whatever their number.

An indicator that counts people (« nombre de porteurs… », « de participants… », « de
bénéficiaires… ») counts each person once in the period (``COUNT(DISTINCT person)``); one that
counts requests or meetings (« nombre de demandes… », « de rendez-vous… ») counts every
occurrence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from connectors.hubdb.cci_standard import FIVE_DAYS_TO_START
from connectors.hubdb.enums import Channel, InteractionKind, Segment
from connectors.hubdb.models import Interaction

__all__ = [
    "INDICATORS",
    "SUPPORT_KINDS",
    "IndicatorDefinition",
    "Measure",
    "compute_indicators",
]

_I = Interaction.__table__
_K, _S = InteractionKind, Segment


class Measure(Enum):
    PEOPLE = "PEOPLE"
    OCCURRENCES = "OCCURRENCES"


@dataclass(frozen=True, slots=True)
class IndicatorDefinition:
    code: str
    label: str
    measure: Measure
    kinds: frozenset[InteractionKind]
    segments: frozenset[Segment]
    channel: Channel | None = None
    five_days: bool | None = None
    """True: the « 5 jours pour Entreprendre » workshop only; False: every other product."""


_ALL = frozenset(Segment)
SUPPORT_KINDS = frozenset(
    {_K.TRAINING, _K.ADVICE_MEETING, _K.WORKSHOP, _K.SUPPORT_PROGRAMME, _K.BUSINESS_PLAN}
)
"""« Supported » (accompagné, A02-IA10): the kinds of the annex's support."""
_PROGRAMME = frozenset({_K.SUPPORT_PROGRAMME, _K.BUSINESS_PLAN})
_PEOPLE, _TIMES = Measure.PEOPLE, Measure.OCCURRENCES
_SEGMENT_WORDS = {
    _S.CREATEUR: "porteurs de projet de création",
    _S.REPRENEUR: "porteurs de projet de reprise",
    _S.NOUVEAU_DIRIGEANT: "nouveaux dirigeants (- de 3 ans)",
    _S.CEDANT: "dirigeants, porteurs de projet de transmission",
}
_ORDER = (_S.CREATEUR, _S.REPRENEUR, _S.NOUVEAU_DIRIGEANT, _S.CEDANT)


def _d(
    code: str,
    label: str,
    measure: Measure,
    kinds: frozenset[InteractionKind] | InteractionKind,
    segments: frozenset[Segment] | Segment,
    *,
    channel: Channel | None = None,
    five_days: bool | None = None,
) -> IndicatorDefinition:
    return IndicatorDefinition(
        code,
        label,
        measure,
        kinds if isinstance(kinds, frozenset) else frozenset({kinds}),
        segments if isinstance(segments, frozenset) else frozenset({segments}),
        channel,
        five_days,
    )


def _by_segment(code: str, verb: str, kind: InteractionKind) -> list[IndicatorDefinition]:
    return [
        _d(f"{code}-{n}", f"Nombre de {_SEGMENT_WORDS[segment]} {verb}", _PEOPLE, kind, segment)
        for n, segment in enumerate(_ORDER, start=1)
    ]


def _support(n: int, segment: Segment, who: str) -> list[IndicatorDefinition]:
    code = f"A02-IA10-{n}"
    meetings = "Nombre de rendez-vous individuels de conseil à la carte"
    head = _d(code, f"Nombre de {who} accompagnés", _PEOPLE, SUPPORT_KINDS, segment)
    if segment in (_S.CREATEUR, _S.REPRENEUR):
        topic = "création" if segment is _S.CREATEUR else "reprise"
        trainings = (
            [
                _d(f"{code}-A", "Nombre de participants à la formation « 5 jours pour "
                   "Entreprendre »", _PEOPLE, _K.TRAINING, segment, five_days=True),
                _d(f"{code}-B", "Nombre de participants à d'autres formations à la création "
                   "d'entreprise", _PEOPLE, _K.TRAINING, segment, five_days=False),
            ]
            if segment is _S.CREATEUR
            else [
                _d(f"{code}-A", "Nombre de participants à la formation « Repreneurs "
                   "d'entreprises » ou autre formation à la reprise", _PEOPLE, _K.TRAINING,
                   segment),
            ]
        )  # fmt: skip
        letters = "CDE" if segment is _S.CREATEUR else "BCD"
        return [
            head,
            *trainings,
            _d(f"{code}-{letters[0]}", meetings, _TIMES, _K.ADVICE_MEETING, segment),
            _d(f"{code}-{letters[1]}", f"Nombre de participants aux ateliers thématiques sur le "
               f"thème de la {topic} d'entreprise", _PEOPLE, _K.WORKSHOP, segment),
            _d(f"{code}-{letters[2]}", "Nombre de bénéficiaires de parcours d'accompagnement "
               f"permettant d'aboutir à un business plan de {topic} d'entreprise", _PEOPLE,
               _PROGRAMME, segment),
        ]  # fmt: skip
    return [
        head,
        _d(f"{code}-A", meetings, _TIMES, _K.ADVICE_MEETING, segment),
        _d(f"{code}-B", "Nombre de participants aux ateliers thématiques ou autres prestations "
           "collectives", _PEOPLE, frozenset({_K.WORKSHOP, _K.TRAINING}), segment),
        _d(f"{code}-C", "Nombre de bénéficiaires de parcours d'accompagnement structuré",
           _PEOPLE, _PROGRAMME, segment),
    ]  # fmt: skip


def _definitions() -> tuple[IndicatorDefinition, ...]:
    creation_or_reprise = frozenset({_S.CREATEUR, _S.REPRENEUR})
    welcome = "Nombre de demandes de"
    return (
        _d("A02-IA4", "Nombre de porteurs de projets (créateurs / repreneurs / cédants) "
           "accueillis dans les CCI", _PEOPLE, _K.WELCOME, _ALL),
        _d("A02-IA4-1", f"{welcome} porteurs de projet de création ou reprise accueillis "
           "physiquement", _TIMES, _K.WELCOME, creation_or_reprise, channel=Channel.ON_SITE),
        _d("A02-IA4-2", f"{welcome} porteurs de projet de création ou reprise d'entreprise "
           "accueillis à distance", _TIMES, _K.WELCOME, creation_or_reprise,
           channel=Channel.REMOTE),
        _d("A02-IA4-3", f"{welcome} nouveaux dirigeants (- de 3 ans) accueillis physiquement "
           "ou à distance", _TIMES, _K.WELCOME, _S.NOUVEAU_DIRIGEANT),
        _d("A02-IA4-4", f"{welcome} dirigeants, porteurs de projet de transmission "
           "d'entreprise accueillis physiquement ou à distance", _TIMES, _K.WELCOME, _S.CEDANT),
        _d("A02-IA9", "Nombre de personnes sensibilisées à la création transmission reprise "
           "d'entreprise", _PEOPLE, _K.SENSITISATION, _ALL),
        *_by_segment("A02-IA9", "sensibilisés", _K.SENSITISATION),
        _d("IA1", "Nombre de porteurs de projet qualifiés", _PEOPLE, _K.QUALIFICATION, _ALL),
        *_by_segment("IA1", "qualifiés", _K.QUALIFICATION),
        _d("A02-IA10", "Nombre de personnes accompagnées à la création / transmission / "
           "reprise d'entreprise", _PEOPLE, SUPPORT_KINDS, _ALL),
        *_support(1, _S.CREATEUR, "porteurs de projet de création d'entreprise"),
        *_support(2, _S.REPRENEUR, "porteurs de projet de reprise d'entreprise"),
        *_support(3, _S.NOUVEAU_DIRIGEANT, "nouveaux dirigeants d'entreprise"),
        *_support(4, _S.CEDANT, "dirigeants en phase de transmission d'entreprise"),
    )  # fmt: skip


INDICATORS = _definitions()
"""The annex's 35 indicators, in its order."""


def _condition(definition: IndicatorDefinition) -> sa.ColumnElement[bool]:
    conditions: list[sa.ColumnElement[bool]] = [
        _I.c.kind.in_(sorted(kind.value for kind in definition.kinds)),
        _I.c.segment.in_(sorted(segment.value for segment in definition.segments)),
    ]
    if definition.channel is not None:
        conditions.append(_I.c.channel == definition.channel.value)
    if definition.five_days is True:
        conditions.append(_I.c.product == FIVE_DAYS_TO_START)
    elif definition.five_days is False:
        conditions.append(sa.func.coalesce(_I.c.product, "") != FIVE_DAYS_TO_START)
    return sa.and_(*conditions)


def _aggregate(definition: IndicatorDefinition) -> sa.ColumnElement[int]:
    condition = _condition(definition)
    if definition.measure is Measure.PEOPLE:
        return sa.func.count(sa.distinct(sa.case((condition, _I.c.person))))
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _statement(*where: sa.ColumnElement[bool]) -> sa.Select[Any]:
    aggregates: list[sa.ColumnElement[Any]] = [
        _aggregate(definition).label(f"i{n}") for n, definition in enumerate(INDICATORS)
    ]
    return sa.select(*aggregates).where(
        _I.c.occurred_on.between(sa.bindparam("start"), sa.bindparam("end")), *where
    )


_STRUCTURE = _statement(_I.c.structure_id == sa.bindparam("structure_id"))
_NETWORK = _statement()


def compute_indicators(
    connection: Connection, structure_id: str | None, start: date, end: date
) -> list[tuple[IndicatorDefinition, int]]:
    """Every indicator of the structure's interactions dated ``start``..``end`` (inclusive),
    or of the whole network's (``structure_id`` None: a person helped by two structures
    counts once): one statement."""
    parameters = {"start": start, "end": end}
    if structure_id is None:
        row = connection.execute(_NETWORK, parameters).one()
    else:
        row = connection.execute(_STRUCTURE, {**parameters, "structure_id": structure_id}).one()
    return [(definition, int(row[n] or 0)) for n, definition in enumerate(INDICATORS)]
