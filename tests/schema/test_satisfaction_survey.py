"""The yearly satisfaction survey: sent once to each person a structure supported in the
year (through the outbox, with a single-use link), answered once with the link's token, and
the six performance indicators computed from the answers (each expected rate written by
hand from a hand-built set of answers); for the structure's agents and the administrator."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from structlog.testing import capture_logs

from gateway.errors import HubSchema
from resolvers.context import Services
from resolvers.invitations import token_hash
from tests.conftest import Run, errors_by_path
from tests.partners import execute_as, make_key

LEROY, FABRE, UNREGISTERED = "84215637400014", "51234987900027", "11122233300014"
CLAIRE = "claire.leroy@leroy-sas.example"  # LEROY's mandataire (THOMAS: its collaborator)
ANTOINE = "antoine.fabre@menuiserie-fabre.example"  # FABRE's mandataire
DURAND = "pierre.durand@cci-gard.example"  # CCI du Gard
ROUX = "sophie.roux@cci-gard.example"  # CCI du Gard
GARCIA = "julien.garcia@bge-occitanie.example"  # BGE Occitanie
VIDAL = "helene.vidal@laregion.example"  # administrator
HOLDER_PROJECT = "project-holder-001"
SEND = """mutation($structure: ID!, $year: Int!) {
  sendSatisfactionSurvey(structureId: $structure, year: $year) { queued withoutAddress } }"""
ANSWER = """mutation($token: String!, $answers: SurveyAnswersInput!) {
  answerSatisfactionSurvey(token: $token, answers: $answers) { year structure { id } } }"""
PERFORMANCE = """query($structure: ID!, $year: Int!) {
  performanceIndicators(structureId: $structure, year: $year) {
    year sent answered responseRate indicators { code label positive rate } } }"""
NETWORK = """query($year: Int!) {
  networkPerformanceIndicators(year: $year) { sent answered responseRate
    indicators { code positive rate } } }"""
GARD_2023 = {"structure": "cci-gard", "year": 2023}
"""A year before any support the sandbox seed records: the test's own support is alone."""
LINK = re.compile(r"http://127\.0\.0\.1:8000/enquete-satisfaction\?token=([A-Za-z0-9_-]+)")


async def _holder(services: Services) -> tuple[str, str]:
    """(account id, e-mail) of the seeded holder of ``project-holder-001``."""
    async with services.writer.transaction() as tx:
        row = (
            await tx.session.execute(
                sa.text(
                    "SELECT a.id, a.email FROM projects p JOIN accounts a "
                    "ON a.id = p.holder_account_id WHERE p.id = :id"
                ),
                {"id": HOLDER_PROJECT},
            )
        ).one()
    return row[0], row[1]


async def _support(
    services: Services, structure: str, subject: str, kind: str, day: str, holder: str = ""
) -> None:
    """One interaction: ``subject`` a SIRET, or ``HOLDER_PROJECT`` (then ``holder``)."""
    project = subject == HOLDER_PROJECT
    values: dict[str, Any] = {
        "structure_id": structure, "agent_id": None, "siret": None if project else subject,
        "project_id": subject if project else None,
        "person": f"account:{holder}" if project else f"company:{subject}", "kind": kind,
        "channel": "ON_SITE", "segment": "CREATEUR", "offer_id": None, "level": None,
        "product": None, "occurred_on": date.fromisoformat(day), "minutes": 60,
    }  # fmt: skip
    async with services.writer.transaction() as tx:
        await tx.record_interaction(values, datetime.now(UTC))


async def _survey_mails(services: Services) -> list[tuple[str, str, str]]:
    """(to, subject, body) of the survey e-mails in the outbox, by address."""
    async with services.writer.transaction() as tx:
        rows = await tx.session.execute(
            sa.text(
                "SELECT to_address, subject, body FROM email_outbox "
                "WHERE dedupe_key LIKE 'satisfaction-survey:%' ORDER BY to_address"
            )
        )
        return [(row[0], row[1], row[2]) for row in rows]


async def _supported_in_2023(services: Services) -> str:
    """The CCI du Gard's 2023: LEROY supported twice, the holder's project trained, FABRE
    only welcomed (not supported), a company without a space on the hub supported; LEROY
    again in 2022, and FABRE supported by the BGE in 2023 (neither is the Gard's 2023)."""
    holder_id, holder_email = await _holder(services)
    await _support(services, "cci-gard", LEROY, "ADVICE_MEETING", "2023-02-03")
    await _support(services, "cci-gard", LEROY, "WORKSHOP", "2023-06-12")
    await _support(services, "cci-gard", HOLDER_PROJECT, "TRAINING", "2023-12-31", holder_id)
    await _support(services, "cci-gard", FABRE, "WELCOME", "2023-03-01")
    await _support(services, "cci-gard", UNREGISTERED, "SUPPORT_PROGRAMME", "2023-04-01")
    await _support(services, "cci-gard", LEROY, "ADVICE_MEETING", "2022-12-31")
    await _support(services, "bge-occitanie", FABRE, "ADVICE_MEETING", "2023-05-05")
    return holder_email


async def test_the_survey_goes_once_to_each_person_supported_in_the_year_with_a_link(
    run: Run, services: Services
) -> None:
    holder_email = await _supported_in_2023(services)
    sent = await run(SEND, as_=DURAND, variables=GARD_2023)
    assert sent.errors is None
    assert sent.data["sendSatisfactionSurvey"] == {"queued": 2, "withoutAddress": 1}
    mails = await _survey_mails(services)
    assert sorted(to for to, _, _ in mails) == sorted([CLAIRE, holder_email])  # the mandataire
    for _, subject, body in mails:
        assert subject == "CCI du Gard : votre avis sur l'accompagnement reçu en 2023"
        assert LINK.search(body) is not None
    tokens = [LINK.search(body).group(1) for _, _, body in mails]  # type: ignore[union-attr]
    assert len(set(tokens)) == 2 and all(len(token) >= 43 for token in tokens)
    async with services.writer.transaction() as tx:  # kept hashed, never as sent
        stored = set(
            (await tx.session.execute(sa.text("SELECT token_hash FROM satisfaction_surveys")))
            .scalars()
            .all()
        )
    assert stored == {token_hash(token) for token in tokens}


async def test_launching_again_sends_nothing_twice_and_reaches_people_supported_since(
    run: Run, services: Services
) -> None:
    await _supported_in_2023(services)
    await run(SEND, as_=DURAND, variables=GARD_2023)
    again = await run(SEND, as_=ROUX, variables=GARD_2023)  # another agent of the CCI
    assert again.data["sendSatisfactionSurvey"] == {"queued": 0, "withoutAddress": 1}
    assert len(await _survey_mails(services)) == 2
    await _support(services, "cci-gard", FABRE, "ADVICE_MEETING", "2023-10-10")
    later = await run(SEND, as_=VIDAL, variables=GARD_2023)
    assert later.data["sendSatisfactionSurvey"] == {"queued": 1, "withoutAddress": 1}
    assert [to for to, _, _ in await _survey_mails(services) if to == ANTOINE] == [ANTOINE]
    assert len(await _survey_mails(services)) == 3


async def test_sending_logs_no_address_nor_token(run: Run, services: Services) -> None:
    holder_email = await _supported_in_2023(services)
    with capture_logs() as logs:
        await run(SEND, as_=DURAND, variables=GARD_2023)
        token = LINK.search((await _survey_mails(services))[0][2]).group(1)  # type: ignore[union-attr]
        await run(ANSWER, variables={"token": token, "answers": _answers("SATISFIED")})
    text = repr(logs)
    assert any(entry["event"] == "survey.sent" for entry in logs)
    for secret in (CLAIRE, holder_email, token, LEROY, "claire", "Leroy"):
        assert secret not in text


def _answers(
    satisfaction: str,
    useful: bool = True,
    turnover: bool = True,
    employment: bool = True,
    investment: bool = True,
    recommend: bool = True,
) -> dict[str, Any]:
    return {
        "satisfaction": satisfaction, "useful": useful, "turnoverImpact": turnover,
        "employmentImpact": employment, "investmentImpact": investment,
        "wouldRecommend": recommend,
    }  # fmt: skip


async def _survey(
    services: Services, structure: str, year: int, person: str, *, expired: bool = False
) -> str:
    """A survey sent (as the launch makes one), and its token."""
    token = f"token-{structure}-{year}-{person}"
    now = datetime.now(UTC)
    async with services.writer.transaction() as tx:
        await tx.add_survey(
            structure_id=structure, year=year, person=person, token_hash=token_hash(token),
            now=now - timedelta(days=61), expires_at=now - timedelta(seconds=1) if expired
            else now + timedelta(days=60),
        )  # fmt: skip
    return token


# (person, satisfaction, useful, turnover, employment, investment, recommend)
ANSWERS = [
    ("P1", "VERY_SATISFIED", True, True, False, True, True),
    ("P2", "SATISFIED", True, False, False, True, True),
    ("P3", "DISSATISFIED", False, False, False, False, False),
    ("P4", "VERY_DISSATISFIED", True, True, True, False, True),
]
EXPECTED = [  # over the four respondents (P5 was sent the survey and did not answer)
    ("SATISFACTION", "Taux de satisfaction", 2, 0.5),  # P1 P2
    ("USEFULNESS", "Indicateur d'utilité", 3, 0.75),  # P1 P2 P4
    ("TURNOVER_IMPACT", "Indicateur d'impact sur le chiffre d'affaires", 2, 0.5),  # P1 P4
    ("EMPLOYMENT_IMPACT", "Indicateur d'impact sur l'emploi", 1, 0.25),  # P4
    ("INVESTMENT_IMPACT", "Indicateur d'impact sur l'investissement", 2, 0.5),  # P1 P2
    ("RECOMMENDATION", "Taux de recommandation", 3, 0.75),  # P1 P2 P4
]


async def _answered_set(run: Run, services: Services) -> None:
    for person, satisfaction, *yes in ANSWERS:
        token = await _survey(services, "cci-gard", 2023, f"company:{person}")
        answered = await run(
            ANSWER, variables={"token": token, "answers": _answers(satisfaction, *yes)}
        )
        assert answered.errors is None, answered.errors
        assert answered.data["answerSatisfactionSurvey"] == {
            "year": 2023, "structure": {"id": "cci-gard"}
        }  # fmt: skip
    await _survey(services, "cci-gard", 2023, "company:P5")  # not answered
    other = await _survey(services, "bge-occitanie", 2023, "company:P1")  # another structure
    await run(ANSWER, variables={"token": other, "answers": _answers("DISSATISFIED", False)})
    earlier = await _survey(services, "cci-gard", 2022, "company:P1")  # another year
    await run(ANSWER, variables={"token": earlier, "answers": _answers("VERY_SATISFIED")})


async def test_the_six_indicators_are_the_shares_of_respondents_answering_positively(
    run: Run, services: Services
) -> None:
    await _answered_set(run, services)
    result = await run(PERFORMANCE, as_=DURAND, variables=GARD_2023)
    assert result.errors is None
    found = result.data["performanceIndicators"]
    assert {k: found[k] for k in ("year", "sent", "answered", "responseRate")} == {
        "year": 2023, "sent": 5, "answered": 4, "responseRate": 0.8
    }  # fmt: skip
    assert [
        (i["code"], i["label"], i["positive"], i["rate"]) for i in found["indicators"]
    ] == EXPECTED


async def test_the_administrators_roll_up_counts_every_structures_respondents(
    run: Run, services: Services
) -> None:
    await _answered_set(run, services)
    result = await run(NETWORK, as_=VIDAL, variables={"year": 2023})
    found = result.data["networkPerformanceIndicators"]
    assert (found["sent"], found["answered"], found["responseRate"]) == (6, 5, 5 / 6)
    rates = {i["code"]: (i["positive"], i["rate"]) for i in found["indicators"]}
    assert rates["SATISFACTION"] == (2, 0.4)  # the BGE's respondent was dissatisfied
    assert rates["USEFULNESS"] == (3, 0.6)  # and found it of no use
    assert rates["RECOMMENDATION"] == (4, 0.8)  # but would recommend it
    for who in (DURAND, GARCIA, CLAIRE, None):
        refused = await run(NETWORK, as_=who, variables={"year": 2023})
        assert errors_by_path(refused) == {"networkPerformanceIndicators": "FORBIDDEN"}


async def test_a_year_without_surveys_has_no_rates(run: Run) -> None:
    result = await run(
        PERFORMANCE, as_=VIDAL, variables={"structure": "bge-occitanie", "year": 2022}
    )
    found = result.data["performanceIndicators"]
    assert (found["sent"], found["answered"], found["responseRate"]) == (0, 0, None)
    assert {(i["positive"], i["rate"]) for i in found["indicators"]} == {(0, None)}


async def test_the_indicators_take_one_statement_whatever_the_number_of_surveys(
    run: Run, services: Services
) -> None:
    statements: list[str] = []

    def count(*args: Any) -> None:
        if "satisfaction_surveys" in str(args[2]):
            statements.append(str(args[2]))

    for n in range(30):
        await _survey(services, "cci-gard", 2023, f"company:{n}")
    engine = services.hub.engine.sync_engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        result = await run(PERFORMANCE, as_=DURAND, variables=GARD_2023)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert result.data["performanceIndicators"]["sent"] == 30
    assert len(statements) == 1


@pytest.mark.parametrize(
    ("state", "reason"),
    [("unknown", "SURVEY_UNKNOWN"), ("answered", "SURVEY_ANSWERED"), ("expired", "SURVEY_EXPIRED")],
)
async def test_an_unknown_used_or_expired_token_is_refused_with_its_reason(
    run: Run, services: Services, state: str, reason: str
) -> None:
    token = await _survey(services, "cci-gard", 2023, "company:P1", expired=state == "expired")
    if state == "unknown":
        token = "not-a-token"
    if state == "answered":
        first = await run(
            ANSWER, as_=CLAIRE, variables={"token": token, "answers": _answers("SATISFIED")}
        )
        assert first.errors is None
    refused = await run(ANSWER, variables={"token": token, "answers": _answers("DISSATISFIED")})
    assert refused.data is None
    [error] = refused.errors or []
    assert error.extensions == {"code": "BAD_USER_INPUT", "argument": "token", "reason": reason}
    performance = await run(PERFORMANCE, as_=DURAND, variables=GARD_2023)
    found = performance.data["performanceIndicators"]
    assert found["indicators"][0]["positive"] == (1 if state == "answered" else 0)  # the first


async def test_an_overlong_token_is_bad_user_input(run: Run) -> None:
    refused = await run(ANSWER, variables={"token": "x" * 201, "answers": _answers("SATISFIED")})
    assert errors_by_path(refused) == {"answerSatisfactionSurvey": "BAD_USER_INPUT"}


async def test_a_partner_key_may_not_answer_a_survey(services: Services, schema: HubSchema) -> None:
    _, key = await make_key(services)
    token = await _survey(services, "cci-gard", 2023, "company:P1")
    result = await execute_as(
        schema, services, key, ANSWER, {"token": token, "answers": _answers("SATISFIED")}
    )
    assert errors_by_path(result) == {"answerSatisfactionSurvey": "FORBIDDEN"}


@pytest.mark.parametrize("who", [GARCIA, CLAIRE, ANTOINE, "holder", None])
async def test_another_structures_agent_or_a_client_neither_reads_nor_launches(
    run: Run, services: Services, who: str | None
) -> None:
    if who == "holder":
        who = (await _holder(services))[1]
    read = await run(PERFORMANCE, as_=who, variables=GARD_2023)
    assert read.data["performanceIndicators"] is None
    assert errors_by_path(read) == {"performanceIndicators": "FORBIDDEN"}
    await _supported_in_2023(services)
    launch = await run(SEND, as_=who, variables=GARD_2023)
    expected = "UNAUTHENTICATED" if who is None else "FORBIDDEN"
    assert errors_by_path(launch) == {"sendSatisfactionSurvey": expected}
    assert await _survey_mails(services) == []


async def test_the_structures_agents_and_the_administrator_read_its_indicators(
    run: Run,
) -> None:
    for who in (DURAND, ROUX, VIDAL):
        result = await run(PERFORMANCE, as_=who, variables=GARD_2023)
        assert result.errors is None
        assert result.data["performanceIndicators"]["sent"] == 0


@pytest.mark.parametrize("year", [2019, datetime.now(UTC).year + 1])
async def test_a_year_before_the_standard_or_in_the_future_is_bad_user_input(
    run: Run, year: int
) -> None:
    variables = {**GARD_2023, "year": year}
    read = await run(PERFORMANCE, as_=DURAND, variables=variables)
    assert errors_by_path(read) == {"performanceIndicators": "BAD_USER_INPUT"}
    launch = await run(SEND, as_=DURAND, variables=variables)
    assert errors_by_path(launch) == {"sendSatisfactionSurvey": "BAD_USER_INPUT"}


async def test_the_administrator_launches_any_structures_survey_but_not_an_unknown_one(
    run: Run, services: Services
) -> None:
    await _supported_in_2023(services)
    bge = await run(SEND, as_=VIDAL, variables={"structure": "bge-occitanie", "year": 2023})
    assert bge.data["sendSatisfactionSurvey"] == {"queued": 1, "withoutAddress": 0}
    assert [to for to, _, _ in await _survey_mails(services)] == [ANTOINE]
    unknown = await run(SEND, as_=VIDAL, variables={"structure": "no-such", "year": 2023})
    assert errors_by_path(unknown) == {"sendSatisfactionSurvey": "BAD_USER_INPUT"}
