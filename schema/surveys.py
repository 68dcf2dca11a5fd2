"""The yearly satisfaction survey of the CCI standard and its six performance indicators."""

from __future__ import annotations

from enum import Enum

import strawberry

from auth.actions import Action, Allowed
from auth.tiers import Tier
from auth.visibility import tiered
from connectors.hubdb import enums as hub_enums
from connectors.hubdb.surveys import PerformanceResult, SurveyAnswers
from resolvers import surveys as resolve_surveys
from resolvers.context import Info
from resolvers.directory import structure as find_structure
from schema.directory import Structure

__all__ = [
    "PerformanceIndicator",
    "PerformanceIndicators",
    "Satisfaction",
    "SatisfactionSurveyAnswered",
    "SatisfactionSurveyLaunch",
    "SurveyAnswersInput",
    "SurveyMutation",
    "SurveyQuery",
]


@strawberry.enum(
    description="How satisfied with the support received (four steps; the first two count "
    "as satisfied)."
)
class Satisfaction(Enum):
    VERY_SATISFIED = "VERY_SATISFIED"
    SATISFIED = "SATISFIED"
    DISSATISFIED = "DISSATISFIED"
    VERY_DISSATISFIED = "VERY_DISSATISFIED"


@strawberry.input(description="The six answers of the yearly satisfaction survey.")
class SurveyAnswersInput:
    satisfaction: Satisfaction = strawberry.field(
        description="How satisfied with the support received (the satisfaction rate: "
        "VERY_SATISFIED or SATISFIED)."
    )
    useful: bool = strawberry.field(description="Was the support useful to you?")
    turnover_impact: bool = strawberry.field(
        description="Did it help your turnover (chiffre d'affaires)?"
    )
    employment_impact: bool = strawberry.field(description="Did it help you create or keep jobs?")
    investment_impact: bool = strawberry.field(description="Did it help you invest?")
    would_recommend: bool = strawberry.field(
        description="Would you recommend the structure's support?"
    )

    def to_answers(self) -> SurveyAnswers:
        return SurveyAnswers(
            satisfaction=hub_enums.Satisfaction(self.satisfaction.value),
            useful=self.useful,
            turnover_impact=self.turnover_impact,
            employment_impact=self.employment_impact,
            investment_impact=self.investment_impact,
            would_recommend=self.would_recommend,
        )


@strawberry.type(description="What launching the year's survey did.")
class SatisfactionSurveyLaunch:
    queued: int = tiered(
        Tier.PUBLIC,
        description="Surveys e-mailed now (0 when everyone supported was surveyed already).",
    )
    without_address: int = tiered(
        Tier.PUBLIC,
        description="People supported and not surveyed yet whom the hub has no address for.",
    )


@strawberry.type(description="The survey answered.")
class SatisfactionSurveyAnswered:
    year: int = tiered(Tier.PUBLIC)
    structure_id: strawberry.Private[str]

    @tiered(Tier.PUBLIC, description="The structure that asked.")
    async def structure(self, info: Info) -> Structure | None:
        record = await find_structure(info, self.structure_id)
        return Structure.from_record(record) if record else None


@strawberry.type(description="One of the six performance indicators of the CCI standard.")
class PerformanceIndicator:
    code: str = tiered(
        Tier.PUBLIC,
        description="SATISFACTION, USEFULNESS, TURNOVER_IMPACT, EMPLOYMENT_IMPACT, "
        "INVESTMENT_IMPACT, RECOMMENDATION.",
    )
    label: str = tiered(
        Tier.PUBLIC, description="The standard's words (« Taux de satisfaction »…)."
    )
    positive: int = tiered(Tier.PUBLIC, description="Respondents who answered positively.")
    rate: float | None = tiered(
        Tier.PUBLIC,
        description="`positive` / `answered`, between 0 and 1; null without any answer.",
    )


@strawberry.type(description="The yearly satisfaction survey's results.")
class PerformanceIndicators:
    year: int = tiered(Tier.PUBLIC)
    sent: int = tiered(Tier.PUBLIC, description="Surveys e-mailed for the year.")
    answered: int = tiered(Tier.PUBLIC, description="Surveys answered (the respondents).")
    response_rate: float | None = tiered(
        Tier.PUBLIC, description="`answered` / `sent`, between 0 and 1; null when none was sent."
    )
    indicators: list[PerformanceIndicator] = tiered(
        Tier.PUBLIC, description="The six, in the standard's order.", list_size=6
    )

    @classmethod
    def of(cls, year: int, result: PerformanceResult) -> PerformanceIndicators:
        return cls(
            year=year,
            sent=result.sent,
            answered=result.answered,
            response_rate=result.response_rate,
            indicators=[
                PerformanceIndicator(
                    code=definition.code, label=definition.label, positive=positive, rate=rate
                )
                for definition, positive, rate in result.values
            ],
        )


@strawberry.type
class SurveyQuery:
    @tiered(
        Tier.AUTHENTICATED,
        description="The six performance indicators of a structure's yearly satisfaction "
        "survey (satisfaction, usefulness, impact on turnover, on employment, on investment, "
        "recommendation), computed from its answers: for its agents and the administrator "
        "(FORBIDDEN otherwise).",
    )
    async def performance_indicators(
        self, info: Info, structure_id: strawberry.ID, year: int
    ) -> PerformanceIndicators | None:
        result = await resolve_surveys.performance(info, str(structure_id), year)
        return PerformanceIndicators.of(year, result)

    @tiered(
        Tier.ADMIN,
        description="The network-wide roll-up of the yearly satisfaction surveys (every "
        "structure's; each structure's survey of a person is one respondent).",
    )
    async def network_performance_indicators(
        self, info: Info, year: int
    ) -> PerformanceIndicators | None:
        result = await resolve_surveys.network_performance(info, year)
        return PerformanceIndicators.of(year, result)


@strawberry.type
class SurveyMutation:
    @strawberry.mutation(
        description="Launch the year's satisfaction survey of a structure: e-mails (through "
        "the outbox) a single-use link to each person the structure supported that year "
        "(A02-IA10's kinds) who has an address and was not surveyed yet; launching again "
        "sends nothing twice.",
        directives=[Allowed(action=Action.SEND_SATISFACTION_SURVEY)],
    )
    async def send_satisfaction_survey(
        self, info: Info, structure_id: strawberry.ID, year: int
    ) -> SatisfactionSurveyLaunch:
        launch = await resolve_surveys.send_satisfaction_survey(info, str(structure_id), year)
        return SatisfactionSurveyLaunch(
            queued=launch.queued, without_address=launch.without_address
        )

    @strawberry.mutation(
        description="Answer a satisfaction survey with the token of its e-mail's link, once, "
        "within 60 days. An unknown, answered or expired token is BAD_USER_INPUT (`reason`: "
        "SURVEY_UNKNOWN, SURVEY_ANSWERED, SURVEY_EXPIRED).",
        directives=[Allowed(action=Action.ANSWER_SATISFACTION_SURVEY)],
    )
    async def answer_satisfaction_survey(
        self, info: Info, token: str, answers: SurveyAnswersInput
    ) -> SatisfactionSurveyAnswered:
        survey = await resolve_surveys.answer_satisfaction_survey(info, token, answers.to_answers())
        return SatisfactionSurveyAnswered(year=survey.year, structure_id=survey.structure_id)
