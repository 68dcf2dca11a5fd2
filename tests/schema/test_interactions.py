"""An agent records the support its structure gave (validated, its structure's); a company's
record is seen by its referent's structure, the company itself and the administrator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from connectors.calendar import hub_today
from resolvers.context import Services
from tests.conftest import Run, errors_by_path, recorded_interactions
from tests.seed_world import ATLANTIQUE, LEROY

DURAND = "pierre.durand@cci-gard.example"  # CCI du Gard, LEROY's accepted referent
ROUX = "sophie.roux@cci-gard.example"  # the referent's structure
GARCIA = "julien.garcia@bge-occitanie.example"  # another network structure
MARTIN = "marc.martin@ademe.example"  # an agent outside the network
CLAIRE = "claire.leroy@leroy-sas.example"  # LEROY's mandataire
THOMAS = "thomas.blanc@cabinet-blanc.example"  # LEROY's collaborator
ANTOINE = "antoine.fabre@menuiserie-fabre.example"  # another company
VIDAL = "helene.vidal@laregion.example"  # administrator
TOMORROW = "tomorrow"  # stands for the day after the one the test runs on
RECORD = """
mutation($input: InteractionInput!) {
  recordInteraction(input: $input) {
    id kind channel segment on minutes level product siret projectId
    offer { id } structure { id } agent { id }
  }
}
"""
SHEET = "query($siret: String!) { company(siret: $siret) { interactions { kind segment } } }"


def _input(**changes: Any) -> dict[str, Any]:
    base = {
        "siret": LEROY, "kind": "TRAINING", "channel": "ON_SITE", "on": "2025-03-10",
        "offerId": "cci-gard:createur-2", "level": 2, "product": "N12", "minutes": 2100,
    }  # fmt: skip
    return {key: value for key, value in {**base, **changes}.items() if value is not None}


async def test_an_agent_records_support_for_its_structure_with_the_offers_segment(
    run: Run,
) -> None:
    result = await run(RECORD, as_=DURAND, variables={"input": _input()})
    assert result.errors is None
    recorded = result.data["recordInteraction"]
    assert recorded | {"id": None} == {
        "id": None, "kind": "TRAINING", "channel": "ON_SITE", "segment": "CREATEUR",
        "on": "2025-03-10", "minutes": 2100, "level": 2, "product": "N12", "siret": LEROY,
        "projectId": None, "offer": {"id": "cci-gard:createur-2"},
        "structure": {"id": "cci-gard"}, "agent": {"id": "agent-pierre-durand"},
    }  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "argument"),
    [
        ({"on": TOMORROW}, "on"),  # read when the test runs, not when collected
        ({"offerId": "cci-gard:nope-1"}, "offerId"),
        ({"offerId": "cci-herault:createur-2"}, "offerId"),  # another structure's
        ({"product": "N14"}, "product"),  # not in the creators' level 2
        ({"level": 3}, "level"),
        ({"segment": "CEDANT"}, "segment"),
        ({"offerId": None, "level": None}, "product"),  # a product needs its offer
        ({"projectId": "project-leroy-pile-hydrogene"}, "siret"),  # both subjects
        ({"siret": "84215637400015"}, "siret"),  # bad Luhn key
        ({"minutes": 0}, "minutes"),
        ({"offerId": None, "level": None, "product": None}, "segment"),  # none to read
    ],
)
async def test_bad_input_is_refused_with_its_reason_and_nothing_is_written(
    run: Run, services: Services, changes: dict[str, Any], argument: str
) -> None:
    if changes.get("on") is TOMORROW:
        changes = {**changes, "on": (hub_today() + timedelta(days=1)).isoformat()}
    result = await run(RECORD, as_=DURAND, variables={"input": _input(**changes)})
    assert errors_by_path(result) == {"recordInteraction": "BAD_USER_INPUT"}
    assert result.errors is not None
    assert result.errors[0].extensions["argument"] == argument
    assert await recorded_interactions(services) == 0


async def test_the_segment_is_read_from_the_data_when_no_offer_says_it(
    run: Run, services: Services
) -> None:
    # ATLANTIQUE was created on 2021-01-15: a nouveau dirigeant's in 2023, no longer in 2024
    plain = {"offerId": None, "level": None, "product": None, "kind": "WELCOME"}
    young = await run(RECORD, as_=DURAND, variables={"input": _input(
        siret=ATLANTIQUE, on="2023-06-01", **plain)})  # fmt: skip
    assert young.data["recordInteraction"]["segment"] == "NOUVEAU_DIRIGEANT"
    old = await run(RECORD, as_=DURAND, variables={"input": _input(
        siret=ATLANTIQUE, on="2024-06-01", **plain)})  # fmt: skip
    assert errors_by_path(old) == {"recordInteraction": "BAD_USER_INPUT"}
    # LEROY declares a transfer: its head is a cédant
    async with services.writer.transaction() as tx:
        await tx.create_project(
            siret=LEROY, title="Transmission", theme="transmission", now=datetime.now(UTC)
        )
    transfer = await run(RECORD, as_=DURAND, variables={"input": _input(**plain)})
    assert transfer.data["recordInteraction"]["segment"] == "CEDANT"


async def test_a_project_holders_project_is_recorded_with_its_segment(
    run: Run, services: Services
) -> None:
    async with services.writer.transaction() as tx:
        theme = await tx.session.scalar(
            sa.text("SELECT theme FROM projects WHERE id = 'project-holder-001'")
        )
    expected = "REPRENEUR" if theme == "reprise" else "CREATEUR"
    changes = {"siret": None, "projectId": "project-holder-001", "offerId": None, "level": None,
               "product": None, "kind": "QUALIFICATION", "channel": "REMOTE"}  # fmt: skip
    result = await run(RECORD, as_=GARCIA, variables={"input": _input(**changes)})
    assert result.errors is None
    assert result.data["recordInteraction"]["segment"] == expected
    assert result.data["recordInteraction"]["structure"] == {"id": "bge-occitanie"}


async def test_an_unknown_project_is_bad_user_input(run: Run) -> None:
    changes = {"siret": None, "projectId": "project-nope", "segment": "CREATEUR",
               "offerId": None, "level": None, "product": None}  # fmt: skip
    if changes.get("on") is TOMORROW:
        changes = {**changes, "on": (hub_today() + timedelta(days=1)).isoformat()}
    result = await run(RECORD, as_=DURAND, variables={"input": _input(**changes)})
    assert errors_by_path(result) == {"recordInteraction": "BAD_USER_INPUT"}


@pytest.mark.parametrize(
    ("who", "code"), [(None, "UNAUTHENTICATED"), (CLAIRE, "FORBIDDEN"), (ANTOINE, "FORBIDDEN")]
)
async def test_only_agents_record_support(
    run: Run, services: Services, who: str | None, code: str
) -> None:
    result = await run(RECORD, as_=who, variables={"input": _input()})
    assert errors_by_path(result) == {"recordInteraction": code}
    assert await recorded_interactions(services) == 0


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        (DURAND, True),  # the accepted referent
        (ROUX, True),  # its structure
        (CLAIRE, True),  # the company's mandataire
        (THOMAS, True),  # and collaborator
        (VIDAL, True),  # the administrator
        (GARCIA, False),  # another network structure: tier 1
        (MARTIN, False),
        (ANTOINE, False),
        (None, False),
    ],
)
async def test_a_companys_interactions_are_seen_per_the_tiers(
    run: Run, who: str | None, sees: bool
) -> None:
    await run(RECORD, as_=DURAND, variables={"input": _input()})
    result = await run(SHEET, as_=who, variables={"siret": LEROY})
    if sees:
        assert result.errors is None
        assert result.data["company"]["interactions"] == [
            {"kind": "TRAINING", "segment": "CREATEUR"}
        ]
    else:
        assert result.data["company"]["interactions"] is None
        assert errors_by_path(result) == {"company.interactions": "FORBIDDEN"}


async def test_support_given_on_a_companys_project_is_in_the_companys_record(run: Run) -> None:
    changes = {"siret": None, "projectId": "project-leroy-pile-hydrogene", "offerId": None,
               "level": None, "product": None, "kind": "ADVICE_MEETING", "segment": "NOUVEAU_DIRIGEANT"}  # fmt: skip
    recorded = await run(RECORD, as_=DURAND, variables={"input": _input(**changes)})
    assert recorded.errors is None
    sheet = await run(SHEET, as_=CLAIRE, variables={"siret": LEROY})
    assert sheet.data["company"]["interactions"] == [
        {"kind": "ADVICE_MEETING", "segment": "NOUVEAU_DIRIGEANT"}
    ]
    refused = await run(SHEET, as_=GARCIA, variables={"siret": LEROY})
    assert errors_by_path(refused) == {"company.interactions": "FORBIDDEN"}


async def test_a_project_holder_sees_the_support_recorded_for_its_project(
    run: Run, services: Services
) -> None:
    async with services.writer.transaction() as tx:
        holder = await tx.session.scalar(
            sa.text(
                "SELECT a.email FROM projects p JOIN accounts a ON a.id = p.holder_account_id "
                "WHERE p.id = 'project-holder-001'"
            )
        )
    mine = "{ viewer { projects { id interactions { id kind } } } }"

    async def recorded() -> list[dict[str, str]]:
        projects = {p["id"]: p for p in (await run(mine, as_=holder)).data["viewer"]["projects"]}
        return list(projects["project-holder-001"]["interactions"])

    seeded = await recorded()  # a CCI's support in the seed, if any
    changes = {"siret": None, "projectId": "project-holder-001", "offerId": None, "level": None,
               "product": None, "kind": "QUALIFICATION", "segment": "CREATEUR"}  # fmt: skip
    new = await run(RECORD, as_=GARCIA, variables={"input": _input(**changes)})
    added = {"id": new.data["recordInteraction"]["id"], "kind": "QUALIFICATION"}
    assert sorted(map(str, await recorded())) == sorted(map(str, [*seeded, added]))
