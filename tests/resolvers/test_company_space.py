"""Creating a company space (mandataires only, per Infogreffe) and managing collaborators."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from resolvers.context import Services
from tests.conftest import Run, errors_by_path

ATLANTIQUE = "38271940900031"  # not on the hub; Infogreffe: Hugo LEMAIRE, Président
LEROY = "84215637400014"
CLAIRE = "claire.leroy@leroy-sas.example"
THOMAS = "thomas.blanc@cabinet-blanc.example"

REGISTER = """mutation($siret: String!) { registerCompany(siret: $siret) {
  siret viewerAccess representatives { name email } } }"""
ADD = """mutation($siret: String!, $email: String!, $name: String!) {
  addCollaborator(siret: $siret, email: $email, name: $name) { collaborators { name email } } }"""
REMOVE = """mutation($siret: String!, $email: String!) {
  removeCollaborator(siret: $siret, email: $email) { collaborators { email } } }"""
ADD_NEW = """mutation($email: String!) { addCollaborator(siret: "84215637400014", email: $email,
  name: "Hugo Lemaire") { siret } }"""
FACTS = '{ company(siret: "38271940900031") { viewerAccess } }'


async def _account(services: Services, email: str, name: str) -> None:
    async with services.writer.transaction() as tx:
        await tx.account_for(email=email, name=name, phone=None, now=datetime.now(UTC))


@pytest.mark.parametrize("name", ["Hugo Lemaire", "LEMAIRE hugo", "Hugo LÉMAIRE"])
async def test_a_mandataire_per_infogreffe_creates_the_space_and_holds_it(
    run: Run, services: Services, name: str
) -> None:
    await _account(services, "hugo@atlantique.example", name)
    result = await run(
        REGISTER, as_="hugo@atlantique.example", variables={"siret": ATLANTIQUE}, verified_name=name
    )
    assert result.errors is None
    company = result.data["registerCompany"]
    assert company["viewerAccess"] == "OWNER"
    assert company["representatives"] == [{"name": name, "email": "hugo@atlantique.example"}]


@pytest.mark.parametrize(
    ("who", "code"),
    [
        (None, "UNAUTHENTICATED"),
        ("antoine.fabre@menuiserie-fabre.example", "FORBIDDEN"),  # not its mandataire
        ("pierre.durand@cci-gard.example", "FORBIDDEN"),  # agents do not hold spaces
    ],
)
async def test_anyone_else_is_refused_and_nothing_is_written(
    run: Run, who: str | None, code: str
) -> None:
    result = await run(REGISTER, as_=who, variables={"siret": ATLANTIQUE})
    assert errors_by_path(result) == {"registerCompany": code}
    assert result.data is None
    after = await run(FACTS, as_="helene.vidal@laregion.example")
    assert after.data["company"]["viewerAccess"] == "ADMIN"  # and still not registered:
    check = await run(
        '{ company(siret: "38271940900031") { representatives { email } } }',
        as_="helene.vidal@laregion.example",
    )
    assert check.data["company"]["representatives"] == []


async def test_the_name_typed_into_the_hub_proves_nothing(run: Run, services: Services) -> None:
    """A mandataire of LEROY names a new collaborator after ATLANTIQUE's director: the
    collaborator's identity provider vouches for another name, so the space is refused."""
    await run(ADD_NEW, as_=CLAIRE, variables={"email": "mallory@evil.example"})
    result = await run(
        REGISTER,
        as_="mallory@evil.example",
        variables={"siret": ATLANTIQUE},
        verified_name="Mallory Martin",
    )
    assert errors_by_path(result) == {"registerCompany": "FORBIDDEN"}
    unverified = await run(REGISTER, as_="mallory@evil.example", variables={"siret": ATLANTIQUE})
    assert errors_by_path(unverified) == {"registerCompany": "FORBIDDEN"}


async def test_a_company_already_on_the_hub_cannot_be_registered_again(run: Run) -> None:
    result = await run(
        REGISTER, as_=CLAIRE, variables={"siret": LEROY}, verified_name="Claire Leroy"
    )
    assert errors_by_path(result) == {"registerCompany": "BAD_USER_INPUT"}


async def test_an_invalid_siret_is_bad_input(run: Run) -> None:
    result = await run(REGISTER, as_=CLAIRE, variables={"siret": "123"})
    assert errors_by_path(result) == {"registerCompany": "BAD_USER_INPUT"}


async def test_the_mandataire_adds_and_removes_a_collaborator(run: Run) -> None:
    added = await run(
        ADD,
        as_=CLAIRE,
        variables={"siret": LEROY, "email": "Expert@Comptable.example", "name": "Léa Expert"},
    )
    assert added.errors is None
    emails = [c["email"] for c in added.data["addCollaborator"]["collaborators"]]
    assert emails == ["expert@comptable.example", THOMAS]
    # the new collaborator sees everything of the company, like the mandataire
    sheet = await run(
        '{ company(siret: "84215637400014") { viewerAccess turnover { year } } }',
        as_="expert@comptable.example",
    )
    assert sheet.data["company"]["viewerAccess"] == "OWNER" and sheet.errors is None

    removed = await run(REMOVE, as_=CLAIRE, variables={"siret": LEROY, "email": THOMAS})
    assert removed.data["removeCollaborator"]["collaborators"] == [
        {"email": "expert@comptable.example"}
    ]
    gone = await run('{ company(siret: "84215637400014") { viewerAccess } }', as_=THOMAS)
    assert gone.data["company"]["viewerAccess"] == "PUBLIC"


@pytest.mark.parametrize(
    ("who", "code"),
    [
        (THOMAS, "FORBIDDEN"),  # a collaborator cannot manage collaborators
        ("pierre.durand@cci-gard.example", "FORBIDDEN"),  # nor the referent
        ("antoine.fabre@menuiserie-fabre.example", "FORBIDDEN"),
        (None, "UNAUTHENTICATED"),
    ],
)
async def test_only_a_mandataire_manages_collaborators(
    run: Run, who: str | None, code: str
) -> None:
    add = await run(ADD, as_=who, variables={"siret": LEROY, "email": "x@y.example", "name": "X"})
    assert errors_by_path(add) == {"addCollaborator": code}
    remove = await run(REMOVE, as_=who, variables={"siret": LEROY, "email": THOMAS})
    assert errors_by_path(remove) == {"removeCollaborator": code}
    still = await run(
        '{ company(siret: "84215637400014") { collaborators { email } } }', as_=CLAIRE
    )
    assert still.data["company"]["collaborators"] == [{"email": THOMAS}]


@pytest.mark.parametrize(
    ("variables", "argument"),
    [
        ({"email": "not-an-address", "name": "X"}, "email"),
        ({"email": "ok@ok.example", "name": "  "}, "name"),
        ({"email": THOMAS, "name": "Thomas Blanc"}, "email"),  # already a member
    ],
)
async def test_bad_collaborator_input_says_why(run: Run, variables: dict, argument: str) -> None:
    result = await run(ADD, as_=CLAIRE, variables={"siret": LEROY, **variables})
    assert errors_by_path(result) == {"addCollaborator": "BAD_USER_INPUT"}
    assert result.errors[0].extensions["argument"] == argument


async def test_a_mandataire_cannot_be_removed_as_a_collaborator(run: Run) -> None:
    result = await run(REMOVE, as_=CLAIRE, variables={"siret": LEROY, "email": CLAIRE})
    assert errors_by_path(result) == {"removeCollaborator": "NOT_FOUND"}
