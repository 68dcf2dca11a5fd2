"""The yearly satisfaction survey of the CCI standard: a structure's agent (or the
administrator) e-mails it to the people the structure supported in the year, each answers
once with the secret token of its e-mail, and the six performance indicators are computed
from the answers.

- **Sending** (``send_satisfaction_survey``): the people A02-IA10 counts for the structure
  and the year (support kinds only), each once, those with an address (a company's
  mandataire, else a collaborator; a project holder). One transaction: the surveys and their
  e-mails in the outbox together, so a fault loses nothing and sends nothing half; the
  unique key (structure, year, person) makes a second launch send only to people supported
  since. The token travels only in the e-mail's link; the survey keeps its SHA-256
  (``resolvers.invitations.token_hash``, as invitations do).
- **Answering** (``answer_satisfaction_survey``): public, the token is the right; unknown,
  answered or expired → ``BAD_USER_INPUT`` with its ``reason``.
- **Indicators** (``performance_indicators``): for the structure's agents and the
  administrator (``auth/activity.py``), computed in one SQL statement."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import structlog

from auth.actions import Action, require
from auth.activity import require_activity_reader
from auth.viewer import Viewer
from connectors.hubdb.surveys import PerformanceResult, SurveyAnswers, SurveyRecord
from resolvers.context import Info, Services
from resolvers.directory import structure as find_structure
from resolvers.errors import BAD_USER_INPUT, coded_error
from resolvers.inputs import bounded_text
from resolvers.invitations import token_hash

__all__ = [
    "FIRST_YEAR",
    "SURVEY_TTL",
    "SurveyLaunch",
    "answer_satisfaction_survey",
    "network_performance",
    "performance",
    "send_satisfaction_survey",
    "structure_performance",
    "yearly_report_performance",
]

SURVEY_TTL = timedelta(days=60)
"""How long a survey's link can be answered."""
FIRST_YEAR = 2020
"""The first year a survey may be about (the standard dates from 2020)."""

_log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class SurveyLaunch:
    queued: int
    """Surveys e-mailed now (through the outbox)."""
    without_address: int
    """People supported and not surveyed yet who have no address on the hub."""


def _now() -> datetime:
    return datetime.now(UTC)


def _check_year(year: int) -> None:
    this_year = _now().year
    if not FIRST_YEAR <= year <= this_year:
        raise coded_error(
            f"`year` is between {FIRST_YEAR} and {this_year}.", BAD_USER_INPUT, argument="year"
        )


def _link(base: str, token: str) -> str:
    return f"{base}{'&' if '?' in base else '?'}token={token}"


async def send_satisfaction_survey(info: Info, structure_id: str, year: int) -> SurveyLaunch:
    """E-mails the year's survey to the people the structure supported that year and not
    surveyed yet (see the module's docstring)."""
    context = info.context
    require(Action.SEND_SATISFACTION_SURVEY, context.viewer)
    require_activity_reader(context.viewer, structure_id)
    _check_year(year)
    structure = await find_structure(info, structure_id)
    if structure is None:
        raise coded_error("Unknown structure.", BAD_USER_INPUT, argument="structureId")
    now = _now()
    expires_at = now + SURVEY_TTL
    queued = 0
    async with context.services.writer.transaction() as tx:
        people = await tx.unsurveyed_people(
            structure_id, year, date(year, 1, 1), date(year, 12, 31)
        )
        recipients = await tx.survey_recipients(people)
        for recipient in recipients:
            token = secrets.token_urlsafe(32)
            survey_id = await tx.add_survey(
                structure_id=structure_id, year=year, person=recipient.person,
                token_hash=token_hash(token), now=now, expires_at=expires_at,
            )  # fmt: skip
            if survey_id is None:
                continue  # surveyed by a launch running at the same time
            await tx.enqueue_mail(
                dedupe_key=f"satisfaction-survey:{survey_id}",
                to=recipient.email,
                subject=f"{structure.name} : votre avis sur l'accompagnement reçu en {year}",
                body=f"Bonjour,\n\n{structure.name} vous a accompagné en {year}. Pour "
                "améliorer son accompagnement, elle vous pose chaque année six questions "
                "(satisfaction, utilité, effets sur votre chiffre d'affaires, vos emplois, vos "
                "investissements, recommandation) : deux minutes, en suivant ce lien "
                "personnel, qui ne sert qu'une fois :\n\n"
                f"    {_link(context.services.satisfaction_survey_url, token)}\n\n"
                f"Le lien expire le {expires_at:%d/%m/%Y}. Merci de votre réponse !",
                now=now,
            )
            queued += 1
    _log.info("survey.sent", structure_id=structure_id, year=year, queued=queued)
    return SurveyLaunch(queued=queued, without_address=len(people) - len(recipients))


async def answer_satisfaction_survey(
    info: Info, token: str, answers: SurveyAnswers
) -> SurveyRecord:
    """Stores the answers of the survey whose e-mail carried ``token``: once, before it
    expires."""
    require(Action.ANSWER_SATISFACTION_SURVEY, info.context.viewer)
    bounded_text(token, "token", 200)
    now = _now()
    async with info.context.services.writer.transaction() as tx:
        survey = await tx.survey_by_token(token_hash(token.strip()))
        if survey is None:
            raise _refused(
                "No survey has this token: check the link of the e-mail.", "SURVEY_UNKNOWN"
            )
        if survey.answered_at is not None:
            raise _refused("This survey was answered already.", "SURVEY_ANSWERED")
        if survey.expires_at <= now:
            raise _refused(
                f"This survey's link expired on {survey.expires_at:%d/%m/%Y}.", "SURVEY_EXPIRED"
            )
        if not await tx.answer_survey(survey.id, answers, now):
            raise _refused("This survey was answered already.", "SURVEY_ANSWERED")
    _log.info("survey.answered", structure_id=survey.structure_id, year=survey.year)
    return survey


def _refused(message: str, reason: str) -> Exception:
    return coded_error(message, BAD_USER_INPUT, argument="token", reason=reason)


async def performance(info: Info, structure_id: str, year: int) -> PerformanceResult:
    return await structure_performance(
        info.context.services, info.context.viewer, structure_id, year
    )


async def structure_performance(
    services: Services, viewer: Viewer, structure_id: str, year: int
) -> PerformanceResult:
    """The structure's surveys of ``year`` and the six indicators: for its agents and the
    administrator."""
    require_activity_reader(viewer, structure_id)
    _check_year(year)
    return await services.hub.performance(structure_id, year)


async def yearly_report_performance(
    services: Services, viewer: Viewer, structure_id: str, start: date, end: date
) -> PerformanceResult | None:
    """``structure_performance`` of the year when ``start``..``end`` is one calendar year a
    survey may be about (the indicators' download adds it to the yearly report), else None."""
    whole_year = (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
    if not (whole_year and start.year == end.year and FIRST_YEAR <= start.year <= _now().year):
        return None
    return await structure_performance(services, viewer, structure_id, start.year)


async def network_performance(info: Info, year: int) -> PerformanceResult:
    """Every structure's surveys of ``year`` (the field is the administrator's): each
    structure's survey of a person is one respondent."""
    _check_year(year)
    return await info.context.services.hub.performance(None, year)
