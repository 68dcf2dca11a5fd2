"""The yearly satisfaction survey of the CCI standard (« Une enquête qualitative sera réalisée
une fois par an sur les 6 indicateurs suivants »): who is surveyed, the surveys' writes
(``WriteTransaction``), and the six performance indicators computed in one SQL statement.

A survey is one person a structure supported in the year (``person`` as the interactions
count it), sent once: the unique key (structure, year, person) decides, so launching the
survey again, even concurrently, surveys only the people supported since."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from connectors.hubdb.enums import MembershipRole, Satisfaction
from connectors.hubdb.indicators import SUPPORT_KINDS
from connectors.hubdb.models import (
    Account,
    CompanyMembership,
    Interaction,
    SatisfactionSurvey,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from connectors.hubdb.models import Base

__all__ = [
    "PERFORMANCE_INDICATORS",
    "PerformanceDefinition",
    "PerformanceResult",
    "SurveyAnswers",
    "SurveyRecipient",
    "SurveyRecord",
    "SurveyWrites",
    "compute_performance",
]

_S = SatisfactionSurvey.__table__
_I = Interaction.__table__
_COMPANY, _ACCOUNT = "company:", "account:"
_KEYS_PER_STATEMENT = 1000


@dataclass(frozen=True, slots=True)
class PerformanceDefinition:
    code: str
    label: str
    """The standard's own words."""
    positive: sa.ColumnElement[bool]
    """An answer that counts towards the rate."""


_SATISFIED = (Satisfaction.VERY_SATISFIED.value, Satisfaction.SATISFIED.value)
PERFORMANCE_INDICATORS = (
    PerformanceDefinition(
        "SATISFACTION", "Taux de satisfaction", _S.c.satisfaction.in_(_SATISFIED)
    ),
    PerformanceDefinition("USEFULNESS", "Indicateur d'utilité", _S.c.useful == sa.true()),
    PerformanceDefinition(
        "TURNOVER_IMPACT",
        "Indicateur d'impact sur le chiffre d'affaires",
        _S.c.turnover_impact == sa.true(),
    ),
    PerformanceDefinition(
        "EMPLOYMENT_IMPACT", "Indicateur d'impact sur l'emploi", _S.c.employment_impact == sa.true()
    ),
    PerformanceDefinition(
        "INVESTMENT_IMPACT",
        "Indicateur d'impact sur l'investissement",
        _S.c.investment_impact == sa.true(),
    ),
    PerformanceDefinition(
        "RECOMMENDATION", "Taux de recommandation", _S.c.would_recommend == sa.true()
    ),
)
"""The six performance indicators, in the standard's order."""


@dataclass(frozen=True, slots=True)
class SurveyRecipient:
    person: str
    email: str


@dataclass(frozen=True, slots=True)
class SurveyRecord:
    id: str
    structure_id: str
    year: int
    expires_at: datetime
    answered_at: datetime | None


@dataclass(frozen=True, slots=True)
class SurveyAnswers:
    satisfaction: Satisfaction
    useful: bool
    turnover_impact: bool
    employment_impact: bool
    investment_impact: bool
    would_recommend: bool


@dataclass(frozen=True, slots=True)
class PerformanceResult:
    sent: int
    answered: int
    response_rate: float | None
    """``answered / sent``; None when none was sent."""
    values: tuple[tuple[PerformanceDefinition, int, float | None], ...]
    """Each indicator with the respondents answering positively and their share of the
    respondents (None without any)."""


def _rate(numerator: sa.ColumnElement[Any], denominator: sa.ColumnElement[Any]) -> Any:
    """``numerator / denominator`` as a float computed by the database; NULL over 0."""
    return sa.cast(numerator, sa.Float) / sa.func.nullif(denominator, 0)


def _performance_statement(*where: sa.ColumnElement[bool]) -> sa.Select[Any]:
    sent = sa.func.count()
    answered = sa.func.count(_S.c.answered_at)
    columns: list[Any] = [sent.label("sent"), answered.label("answered")]
    columns.append(_rate(answered, sent).label("response_rate"))
    for n, definition in enumerate(PERFORMANCE_INDICATORS):
        positive = sa.func.coalesce(sa.func.sum(sa.case((definition.positive, 1), else_=0)), 0)
        columns.append(positive.label(f"p{n}"))
        columns.append(_rate(positive, answered).label(f"r{n}"))
    return sa.select(*columns).where(_S.c.year == sa.bindparam("year"), *where)


_STRUCTURE = _performance_statement(_S.c.structure_id == sa.bindparam("structure_id"))
_NETWORK = _performance_statement()


def compute_performance(
    connection: Connection, structure_id: str | None, year: int
) -> PerformanceResult:
    """The structure's surveys of ``year`` (every structure's for None), sent and answered,
    and the six indicators: one statement whatever the number of surveys."""
    if structure_id is None:
        row = connection.execute(_NETWORK, {"year": year}).one()
    else:
        row = connection.execute(_STRUCTURE, {"year": year, "structure_id": structure_id}).one()
    mapping = row._mapping
    values = tuple(
        (
            definition,
            int(mapping[f"p{n}"] or 0),
            None if mapping[f"r{n}"] is None else float(mapping[f"r{n}"]),
        )
        for n, definition in enumerate(PERFORMANCE_INDICATORS)
    )
    response_rate = mapping["response_rate"]
    return PerformanceResult(
        sent=int(mapping["sent"]),
        answered=int(mapping["answered"]),
        response_rate=None if response_rate is None else float(response_rate),
        values=values,
    )


def _chunks(keys: Sequence[str]) -> list[Sequence[str]]:
    return [keys[i : i + _KEYS_PER_STATEMENT] for i in range(0, len(keys), _KEYS_PER_STATEMENT)]


class SurveyWrites:
    session: AsyncSession

    async def _insert(self, row: Base) -> bool:  # pragma: no cover - WriteTransaction's
        raise NotImplementedError

    async def unsurveyed_people(
        self, structure_id: str, year: int, start: date, end: date
    ) -> list[str]:
        """The people (``company:<siret>``, ``account:<id>``) the structure supported
        (A02-IA10's kinds) from ``start`` to ``end`` and has not surveyed for ``year``;
        one statement."""
        surveyed = sa.select(_S.c.person).where(
            _S.c.structure_id == structure_id, _S.c.year == year
        )
        rows = await self.session.execute(
            sa.select(_I.c.person)
            .where(
                _I.c.structure_id == structure_id,
                _I.c.occurred_on.between(start, end),
                _I.c.kind.in_(sorted(kind.value for kind in SUPPORT_KINDS)),
                _I.c.person.not_in(surveyed),
            )
            .distinct()
            .order_by(_I.c.person)
        )
        return [person for (person,) in rows]

    async def survey_recipients(self, people: Sequence[str]) -> list[SurveyRecipient]:
        """Each person's address, for those that have one: a company's mandataire (else a
        collaborator; the first by e-mail), a project holder's own. One statement per
        thousand companies and per thousand holders."""
        sirets = [p.removeprefix(_COMPANY) for p in people if p.startswith(_COMPANY)]
        accounts = [p.removeprefix(_ACCOUNT) for p in people if p.startswith(_ACCOUNT)]
        found: dict[str, str] = {}
        mandataire = sa.case(
            (CompanyMembership.role == MembershipRole.MANDATAIRE.value, 0), else_=1
        )
        for chunk in _chunks(sirets):
            rows = await self.session.execute(
                sa.select(CompanyMembership.siret, Account.email)
                .join(Account, Account.id == CompanyMembership.account_id)
                .where(CompanyMembership.siret.in_(chunk))
                .order_by(CompanyMembership.siret, mandataire, Account.email)
            )
            for siret, email in rows:
                found.setdefault(f"{_COMPANY}{siret}", email)
        for chunk in _chunks(accounts):
            rows = await self.session.execute(
                sa.select(Account.id, Account.email).where(Account.id.in_(chunk))
            )
            for account_id, email in rows:
                found[f"{_ACCOUNT}{account_id}"] = email
        return [SurveyRecipient(person, found[person]) for person in people if person in found]

    async def add_survey(
        self,
        *,
        structure_id: str,
        year: int,
        person: str,
        token_hash: str,
        now: datetime,
        expires_at: datetime,
    ) -> str | None:
        """The survey's id; None when the person is surveyed for the year already."""
        row = SatisfactionSurvey(
            id=str(uuid.uuid4()), structure_id=structure_id, year=year, person=person,
            token_hash=token_hash, sent_at=now, expires_at=expires_at,
        )  # fmt: skip
        return row.id if await self._insert(row) else None

    async def survey_by_token(self, token_hash: str) -> SurveyRecord | None:
        """The survey whose token has this hash, locked for this transaction (on
        PostgreSQL) so that two answers are one."""
        row = (
            await self.session.execute(
                sa.select(_S.c.id, _S.c.structure_id, _S.c.year, _S.c.expires_at, _S.c.answered_at)
                .where(_S.c.token_hash == token_hash)
                .with_for_update()
            )
        ).first()
        return None if row is None else SurveyRecord(*row)

    async def answer_survey(self, survey_id: str, answers: SurveyAnswers, now: datetime) -> bool:
        """Stores the answers of a survey not answered yet nor expired (a conditional
        update); whether it did."""
        result = await self.session.execute(
            sa.update(SatisfactionSurvey)
            .where(
                SatisfactionSurvey.id == survey_id,
                SatisfactionSurvey.answered_at.is_(None),
                SatisfactionSurvey.expires_at > now,
            )
            .values(
                answered_at=now,
                satisfaction=answers.satisfaction.value,
                useful=answers.useful,
                turnover_impact=answers.turnover_impact,
                employment_impact=answers.employment_impact,
                investment_impact=answers.investment_impact,
                would_recommend=answers.would_recommend,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
