"""Eligibility's de minimis criterion through the graph: a scheme granted under a de minimis
regulation is checked against the headroom the company has left (the aids `deMinimis`
counts), refused with a reason naming it once an aid takes it below the scheme's amount, also
right after a warm answer; the aids are read only for a viewer with tier 2, and a warm answer
reads the platforms' from the gateway's cache."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from connectors.calendar import hub_today
from connectors.hubdb.models import PublicAid
from resolvers.context import Services
from tests.conftest import CountingTransport, Run, errors_by_path

FABRE = "51234987900027"  # 180,000 € of de minimis aid on record (2024-03-01)
ROUX = "sophie.roux@cci-gard.example"  # FABRE's accepted referent
PDL = "paysdelaloire:investissement-numerique"  # EU 1407/2013, at most 15,000 €
CHEQUE = "francenum:cheque-numerique"  # EU 1407/2013, a flat 500 €
INDUSTRIE = "region:parcours-industrie-du-futur"  # EU 2023/2831, a share of the expenses
ELIGIBILITY = """query($siret: String!, $scheme: ID!) { eligibility(siret: $siret,
  schemeId: $scheme) { verdict criteria { name outcome value detail } } }"""
HEADROOM = """query($siret: String!) { company(siret: $siret) {
  deMinimis(regulation: "1407/2013") { remaining } } }"""
ELIGIBLE = """query($siret: String!) { company(siret: $siret) { eligibleSchemes {
  scheme { id } verdict criteria { name outcome value detail } } } }"""


def _criterion(verdict: dict[str, Any]) -> dict[str, Any] | None:
    return next((c for c in verdict["criteria"] if c["name"] == "deMinimis"), None)


async def _eligibility(run: Run, scheme: str) -> dict[str, Any]:
    result = await run(ELIGIBILITY, as_=ROUX, variables={"siret": FABRE, "scheme": scheme})
    assert result.errors is None, result.errors
    return dict(result.data["eligibility"])


async def _headroom(run: Run) -> int:
    result = await run(HEADROOM, as_=ROUX, variables={"siret": FABRE})
    return int(result.data["company"]["deMinimis"]["remaining"])


async def _record_aid(services: Services, amount: int) -> None:
    async with services.writer.transaction() as tx:
        tx.session.add(PublicAid(
            id=str(uuid.uuid4()), siret=FABRE, granted_on=hub_today() - timedelta(days=10),
            amount=amount, grantor="Région Occitanie", scheme="Contrat Relance bis",
            regulation="2023/2831",
        ))  # fmt: skip


def _euros(amount: int) -> str:
    return f"{amount:,} €".replace(",", " ")


async def test_a_scheme_whose_aid_exceeds_the_headroom_is_ineligible_naming_it(
    run: Run, services: Services
) -> None:
    headroom = await _headroom(run)
    assert headroom >= 15_000  # the seed: 180,000 of 200,000 over the current fiscal years
    before = _criterion(await _eligibility(run, PDL))
    assert before is not None
    assert (before["outcome"], before["value"]) == ("MET", f"headroom {_euros(headroom)}")

    await _record_aid(services, headroom - 300)  # 300 € left

    pdl = await _eligibility(run, PDL)
    after = _criterion(pdl)
    assert after is not None and pdl["verdict"] == "NOT_ELIGIBLE"
    assert (after["outcome"], after["value"]) == ("NOT_MET", "headroom 300 €")
    assert after["detail"].endswith("the aid, up to 15 000 €, exceeds the headroom of 300 €")
    cheque = _criterion(await _eligibility(run, CHEQUE))
    assert cheque is not None and cheque["outcome"] == "NOT_MET"
    assert "up to 500 €" in cheque["detail"]


async def test_every_de_minimis_scheme_of_the_catalogue_is_checked_and_no_other(
    run: Run, services: Services
) -> None:
    await _record_aid(services, await _headroom(run) - 300)

    result = await run(ELIGIBLE, as_=ROUX, variables={"siret": FABRE})

    assert result.errors is None, result.errors
    verdicts = {v["scheme"]["id"]: v for v in result.data["company"]["eligibleSchemes"]}
    order = [v["verdict"] for v in verdicts.values()]
    assert order == sorted(order, key=["ELIGIBLE", "UNKNOWN", "NOT_ELIGIBLE"].index)
    assert {_criterion(verdicts[s])["outcome"] for s in (PDL, CHEQUE)} == {"NOT_MET"}  # type: ignore[index]
    industrie = _criterion(verdicts[INDUSTRIE])  # 2023/2831's 300,000: room left, amount open
    assert industrie is not None and industrie["outcome"] == "MET"
    assert "the aid may not exceed the headroom of" in industrie["detail"]
    assert any(_criterion(v) is None for v in verdicts.values())  # schemes under no regulation


async def test_an_aid_recorded_after_a_warm_answer_changes_the_next_answer(
    run: Run, services: Services
) -> None:
    async def eligible() -> dict[str, Any]:
        result = await run(ELIGIBLE, as_=ROUX, variables={"siret": FABRE})
        assert result.errors is None, result.errors
        return {v["scheme"]["id"]: v for v in result.data["company"]["eligibleSchemes"]}

    warm = await eligible()
    assert await eligible() == warm  # the same aids, the same verdicts
    assert _criterion(warm[PDL])["outcome"] == "MET"  # type: ignore[index]

    await _record_aid(services, await _headroom(run) - 300)

    after = await eligible()
    assert _criterion(after[PDL])["value"] == "headroom 300 €"  # type: ignore[index]
    assert after[PDL]["verdict"] == "NOT_ELIGIBLE"
    assert await eligible() == after


async def test_a_warm_answer_reads_the_aids_granted_on_the_platforms_from_the_cache(
    run: Run, del_upstream: CountingTransport, mesaides_upstream: CountingTransport
) -> None:
    def platform_calls() -> int:
        return sum(del_upstream.calls.values()) + sum(mesaides_upstream.calls.values())

    first = await run(ELIGIBLE, as_=ROUX, variables={"siret": FABRE})
    read = platform_calls()
    assert first.errors is None and read > 0

    again = await run(ELIGIBLE, as_=ROUX, variables={"siret": FABRE})

    assert again.data == first.data
    assert platform_calls() == read


@pytest.mark.parametrize(
    "who",
    [None, "julien.garcia@bge-occitanie.example", "claire.leroy@leroy-sas.example"],
)  # anonymous, another structure's agent, another company's mandataire
async def test_a_viewer_without_tier_two_makes_no_platform_read(
    run: Run,
    who: str | None,
    del_upstream: CountingTransport,
    mesaides_upstream: CountingTransport,
) -> None:
    result = await run(ELIGIBILITY, as_=who, variables={"siret": FABRE, "scheme": PDL})
    assert set(errors_by_path(result).values()) <= {"FORBIDDEN", "UNAUTHENTICATED"}
    assert errors_by_path(result)
    assert sum(del_upstream.calls.values()) == sum(mesaides_upstream.calls.values()) == 0
