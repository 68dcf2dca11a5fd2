from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from connectors.hubdb import HubRepository, normalize_email
from connectors.hubdb import repository as repository_module

from .canonical import ATLANTIQUE, BIOCOSMETIQUES, DRONES, FABRE, LEROY, LEROY_PROJECT

CANONICAL_SIRETS = [LEROY, FABRE, DRONES, BIOCOSMETIQUES, ATLANTIQUE]


async def test_ping_answers(repository: HubRepository) -> None:
    await repository.ping()


async def test_leroy_facts_name_its_members_and_accepted_referent(
    repository: HubRepository,
) -> None:
    facts = (await repository.company_facts([LEROY]))[LEROY]

    assert facts.registered
    assert dict(facts.members) == {
        "account-claire-leroy": "MANDATAIRE",
        "account-thomas-blanc": "COLLABORATOR",
    }
    assert facts.referent is not None
    assert facts.referent.agent_id == "agent-pierre-durand"
    assert facts.referent.structure_id == "cci-gard"
    assert facts.referent.status == "ACCEPTED"
    assert facts.referent.answered_at is not None


async def test_biocosmetiques_referent_request_is_pending_with_a_due_date(
    repository: HubRepository,
) -> None:
    referent = (await repository.company_facts([BIOCOSMETIQUES]))[BIOCOSMETIQUES].referent

    assert referent is not None
    assert (referent.agent_id, referent.status) == ("agent-pierre-durand", "PENDING")
    assert referent.answered_at is None
    assert referent.due_at is not None and referent.due_at > referent.requested_at


async def test_company_not_on_the_hub_is_present_and_unregistered(
    repository: HubRepository,
) -> None:
    facts = await repository.company_facts([ATLANTIQUE, LEROY])

    assert set(facts) == {ATLANTIQUE, LEROY}
    assert not facts[ATLANTIQUE].registered
    assert dict(facts[ATLANTIQUE].members) == {}
    assert facts[ATLANTIQUE].referent is None


async def test_company_facts_members_cannot_be_modified(repository: HubRepository) -> None:
    facts = (await repository.company_facts([LEROY]))[LEROY]

    with pytest.raises(TypeError):
        facts.members["intruder"] = "MANDATAIRE"  # type: ignore[index]


async def test_timestamps_are_timezone_aware_utc(repository: HubRepository) -> None:
    referent = (await repository.company_facts([LEROY]))[LEROY].referent

    assert referent is not None
    assert referent.requested_at == datetime(2025, 1, 6, 8, 30, tzinfo=UTC)
    assert referent.requested_at.utcoffset() is not None


async def test_facts_list_members_mandataires_first_then_collaborators(
    repository: HubRepository,
) -> None:
    facts = await repository.company_facts([LEROY, FABRE, ATLANTIQUE])
    members = {siret: list(f.people) for siret, f in facts.items()}

    assert [(p.name, p.role) for p in members[LEROY]] == [
        ("Claire Leroy", "MANDATAIRE"),
        ("Thomas Blanc", "COLLABORATOR"),
    ]
    assert members[LEROY][0].email == "claire.leroy@leroy-sas.example"
    assert members[LEROY][0].phone is not None and members[LEROY][0].phone.startswith("04 65 71")
    assert [p.name for p in members[FABRE]] == ["Antoine Fabre"]
    assert members[ATLANTIQUE] == []


async def test_accounts_by_email_ignores_case_and_surrounding_spaces(
    repository: HubRepository,
) -> None:
    accounts = await repository.accounts_by_email(
        [" Claire.LEROY@Leroy-SAS.example", "nobody@nowhere.example"]
    )

    assert set(accounts) == {"claire.leroy@leroy-sas.example"}
    claire = accounts["claire.leroy@leroy-sas.example"]
    assert (claire.id, claire.name, claire.kind, claire.agent) == (
        "account-claire-leroy",
        "Claire Leroy",
        "COMPANY_USER",
        None,
    )


async def test_agent_account_carries_its_agent(repository: HubRepository) -> None:
    accounts = await repository.accounts_by_email(["PIERRE.DURAND@cci-gard.example"])

    pierre = accounts["pierre.durand@cci-gard.example"]
    assert pierre.kind == "AGENT"
    assert pierre.agent is not None
    assert pierre.agent.id == "agent-pierre-durand"
    assert pierre.agent.name == "Pierre Durand"
    assert pierre.agent.roles == frozenset({"REFERENT"})
    assert pierre.agent.structure_id == "cci-gard"


async def test_accounts_by_id_skip_unknown_ids(repository: HubRepository) -> None:
    accounts = await repository.accounts(["account-helene-vidal", "account-thomas-blanc", "x"])

    assert set(accounts) == {"account-helene-vidal", "account-thomas-blanc"}
    helene = accounts["account-helene-vidal"]
    assert helene.agent is not None and helene.agent.roles == frozenset({"ADMIN"})
    assert accounts["account-thomas-blanc"].email == "thomas.blanc@cabinet-blanc.example"


async def test_agents_carry_roles_specialities_and_account_contacts(
    repository: HubRepository,
) -> None:
    agents = await repository.agents(
        ["agent-lucie-mercier", "agent-marc-martin", "agent-nadia-benali", "agent-unknown"]
    )

    assert set(agents) == {"agent-lucie-mercier", "agent-marc-martin", "agent-nadia-benali"}
    lucie = agents["agent-lucie-mercier"]
    assert (lucie.structure_id, lucie.roles) == ("adocc", frozenset({"SPECIALIST"}))
    assert "hydrogene" in lucie.filieres
    assert lucie.email == "lucie.mercier@adocc.example"
    marc = agents["agent-marc-martin"]
    assert (marc.structure_id, marc.roles) == ("ademe", frozenset({"SPECIALIST"}))
    assert "transition-energetique" in marc.domains
    assert agents["agent-nadia-benali"].roles == frozenset({"FUNDING_EXPERT"})


async def test_structures_tell_network_membership_and_charter(
    repository: HubRepository,
) -> None:
    structures = await repository.structures(["cci-gard", "ademe", "adocc", "nowhere"])

    assert set(structures) == {"cci-gard", "ademe", "adocc"}
    cci = structures["cci-gard"]
    assert (cci.name, cci.kind, cci.department_code) == ("CCI du Gard", "CCI", "30")
    assert cci.in_network and cci.charter_signed
    ademe = structures["ademe"]
    assert (ademe.kind, ademe.in_network, ademe.charter_signed) == ("OTHER", False, False)
    assert structures["adocc"].name == "AD'OCC"


async def test_projects_of_leroy_include_the_hydrogen_fuel_cell(
    repository: HubRepository,
) -> None:
    projects = await repository.projects([LEROY, FABRE])

    assert [(p.id, p.title, p.theme) for p in projects[LEROY]] == [
        (LEROY_PROJECT, "Pile à combustible hydrogène", "innovation")
    ]
    assert [(a.agent_id, a.role) for a in projects[LEROY][0].actors] == [
        ("agent-pierre-durand", "REFERENT"),
        ("agent-lucie-mercier", "SPECIALIST"),
        ("agent-marc-martin", "SPECIALIST"),
    ]
    assert projects[FABRE] == []


async def test_project_actors_list_the_referent_then_the_specialists(
    repository: HubRepository,
) -> None:
    actors = await repository.project_actors([LEROY_PROJECT, "project-unknown"])

    assert [(a.agent_id, a.role) for a in actors[LEROY_PROJECT]] == [
        ("agent-pierre-durand", "REFERENT"),
        ("agent-lucie-mercier", "SPECIALIST"),
        ("agent-marc-martin", "SPECIALIST"),
    ]
    assert actors["project-unknown"] == []


async def test_referent_assignments_of_accounts_follow_their_companies(
    repository: HubRepository,
) -> None:
    found = await repository.referent_sirets_of_accounts(
        ["account-claire-leroy", "account-thomas-blanc", "account-paul-girard",
         "account-pierre-durand"]
    )  # fmt: skip

    assert [(a.siret, a.agent_id) for a in found["account-claire-leroy"]] == [
        (LEROY, "agent-pierre-durand")
    ]
    assert found["account-thomas-blanc"] == found["account-claire-leroy"]
    assert [(a.siret, a.status) for a in found["account-paul-girard"]] == [
        (BIOCOSMETIQUES, "PENDING")
    ]
    assert found["account-pierre-durand"] == []


async def test_duplicate_keys_are_read_once(repository: HubRepository) -> None:
    facts = await repository.company_facts([LEROY, LEROY])

    assert list(facts) == [LEROY]
    assert len(facts[LEROY].people) == 2


async def test_concurrent_calls_do_not_share_a_session(repository: HubRepository) -> None:
    facts, actors, agents, projects = await asyncio.gather(
        repository.company_facts(CANONICAL_SIRETS),
        repository.project_actors([LEROY_PROJECT]),
        repository.agents(["agent-pierre-durand"]),
        repository.projects(CANONICAL_SIRETS),
    )

    assert facts[LEROY].registered and len(actors[LEROY_PROJECT]) == 3
    assert "agent-pierre-durand" in agents and len(projects[LEROY]) == 1


# --- batching: a fixed number of statements, whatever the number of keys -----------------

Call = Callable[[HubRepository, Sequence[str]], Awaitable[object]]
MANY_UNKNOWN = [f"unknown-{n:04d}" for n in range(150)]

BATCHED_CALLS: list[Any] = [
    pytest.param(
        HubRepository.accounts_by_email,
        ["claire.leroy@leroy-sas.example", "pierre.durand@cci-gard.example"],
        1,
        id="accounts_by_email",
    ),
    pytest.param(
        HubRepository.accounts, ["account-claire-leroy", "account-pierre-durand"], 1,
        id="accounts",
    ),
    pytest.param(HubRepository.company_facts, CANONICAL_SIRETS, 1, id="company_facts"),
    pytest.param(
        HubRepository.agents, ["agent-pierre-durand", "agent-lucie-mercier"], 1, id="agents"
    ),
    pytest.param(HubRepository.structures, ["cci-gard", "ademe"], 1, id="structures"),
    pytest.param(HubRepository.projects, CANONICAL_SIRETS, 1, id="projects"),
    pytest.param(HubRepository.project_actors, [LEROY_PROJECT], 1, id="project_actors"),
    pytest.param(
        HubRepository.referent_sirets_of_accounts,
        ["account-claire-leroy", "account-paul-girard"],
        1,
        id="referent_sirets_of_accounts",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("call", "known_keys", "expected"), BATCHED_CALLS)
async def test_one_key_and_many_keys_cost_the_same_statements(
    repository: HubRepository,
    statements: list[str],
    call: Call,
    known_keys: list[str],
    expected: int,
) -> None:
    await repository.ping()  # connect first: dialect start-up queries are not counted
    statements.clear()
    await call(repository, known_keys[:1])
    for_one = len(statements)

    statements.clear()
    await call(repository, known_keys + MANY_UNKNOWN)
    for_many = len(statements)

    assert for_one == for_many == expected


@pytest.mark.parametrize(("call", "known_keys", "expected"), BATCHED_CALLS)
async def test_an_empty_batch_sends_no_sql(
    repository: HubRepository, statements: list[str], call: Call, known_keys: list[str],
    expected: int,
) -> None:  # fmt: skip
    assert await call(repository, []) == {}
    assert statements == []


async def test_batches_beyond_the_in_list_limit_are_split(
    repository: HubRepository, statements: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(repository_module, "MAX_KEYS_PER_STATEMENT", 2)
    await repository.ping()
    statements.clear()

    facts = await repository.company_facts(CANONICAL_SIRETS)

    assert set(facts) == set(CANONICAL_SIRETS)
    assert facts[LEROY].referent is not None
    assert len(statements) == 3  # five keys in chunks of two, one statement each


async def test_normalize_email_gives_the_key_accounts_by_email_uses(
    repository: HubRepository,
) -> None:
    email = " Claire.Leroy@LEROY-SAS.example"

    accounts = await repository.accounts_by_email([email])

    assert normalize_email(email) in accounts
