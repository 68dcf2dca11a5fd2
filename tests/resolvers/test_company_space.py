"""Creating a company space (mandataires only, per Infogreffe) and managing collaborators."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from structlog.testing import capture_logs

from auth.tokens import DEV_ISSUER
from resolvers.context import Services
from tests.conftest import CountingTransport, Run, errors_by_path

ATLANTIQUE = "38271940900031"  # not on the hub; Infogreffe: Hugo LEMAIRE, Président
LEROY = "84215637400014"
CLAIRE = "claire.leroy@leroy-sas.example"
THOMAS = "thomas.blanc@cabinet-blanc.example"

REGISTER = """mutation($siret: String!) { registerCompany(siret: $siret) {
  siret viewerAccess representatives { name email } } }"""
ADD = """mutation($siret: String!, $email: String!, $name: String!) {
  addCollaborator(siret: $siret, email: $email, name: $name) { name email status } }"""
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
        REGISTER,
        as_="hugo@atlantique.example",
        variables={"siret": ATLANTIQUE},
        verified_name=name,
        acr="eidas2",
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
        acr="eidas2",
    )
    assert errors_by_path(result) == {"registerCompany": "FORBIDDEN"}
    unverified = await run(REGISTER, as_="mallory@evil.example", variables={"siret": ATLANTIQUE})
    assert errors_by_path(unverified) == {"registerCompany": "FORBIDDEN"}


async def _register_hugo(
    run: Run, verified_name: str, acr: str | None = None
) -> tuple[Any, dict[str, Any] | None]:
    """Hugo asks for ATLANTIQUE's space; the answer, and the decision logged (if any)."""
    with capture_logs() as logs:
        result = await run(
            REGISTER,
            as_="hugo@atlantique.example",
            variables={"siret": ATLANTIQUE},
            verified_name=verified_name,
            acr=acr,
        )
    decisions = [e for e in logs if e["event"] == "company_space.register"]
    assert len(decisions) <= 1
    assert "Lemaire" not in repr(logs) and ATLANTIQUE not in repr(logs)
    return result, decisions[0] if decisions else None


async def test_name_claims_without_identity_assurance_prove_nothing(
    run: Run, services: Services, upstream: CountingTransport
) -> None:
    """A token whose provider gives the mandataire's name but does not vouch for it (no
    assured ``acr``): a homonym has the same. Refused with the reason and what to do, before
    any call to Infogreffe; the decision is logged without the name or the SIRET."""
    await _account(services, "hugo@atlantique.example", "Hugo Lemaire")
    result, decision = await _register_hugo(run, "Hugo Lemaire", acr="loa1")
    assert errors_by_path(result) == {"registerCompany": "FORBIDDEN"}
    error = result.errors[0]
    assert error.extensions["reason"] == "IDENTITY_NOT_PROVEN"
    assert "submitIdentityDocument" in error.message
    assert upstream.count("mandataires_sociaux") == 0
    assert decision is not None and decision["outcome"] == "IDENTITY_NOT_PROVEN"
    after = await run(FACTS, as_="hugo@atlantique.example")
    assert after.data["company"]["viewerAccess"] == "PUBLIC"


async def _signed_up_with_document(services: Services, email: str, name: str, accept: bool) -> None:
    """An account signed up without assurance, whose identity document the administrator
    decided on."""
    now = datetime.now(UTC)
    async with services.writer.transaction() as tx:
        found = await tx.sign_up(
            issuer=DEV_ISSUER, subject=email, email=email, name=name, phone=None,
            kind="COMPANY_USER", identity_status="DOCUMENT_REQUIRED", now=now,
        )  # fmt: skip
        assert found is not None
        document_id = await tx.add_identity_document(
            account_id=found[0], file_key=f"doc-{email}", content_type="application/pdf",
            size=10, sha256="0" * 64, now=now,
        )  # fmt: skip
        await tx.decide_identity_document(
            document_id=document_id, accept=accept, reason=None, by="admin", now=now
        )


async def test_an_identity_document_the_administrator_accepted_proves_the_accounts_name(
    run: Run, services: Services
) -> None:
    """No assurance claim, but a document checked against the account's name: that name is
    the one compared with Infogreffe (not the token's unproven claims)."""
    await _signed_up_with_document(services, "hugo@atlantique.example", "Hugo Lemaire", True)
    result, decision = await _register_hugo(run, "Someone Else")
    assert result.errors is None
    assert result.data["registerCompany"]["viewerAccess"] == "OWNER"
    assert decision is not None
    assert (decision["outcome"], decision["proof"]) == ("ACCEPTED", "IDENTITY_DOCUMENT")


async def test_a_rejected_identity_document_proves_nothing(run: Run, services: Services) -> None:
    await _signed_up_with_document(services, "hugo@atlantique.example", "Hugo Lemaire", False)
    result, _ = await _register_hugo(run, "Hugo Lemaire")
    assert errors_by_path(result) == {"registerCompany": "FORBIDDEN"}
    assert "submitIdentityDocument" in result.errors[0].message  # the action's rule says so


async def test_an_accepted_registration_is_logged_with_its_proof(
    run: Run, services: Services
) -> None:
    await _account(services, "hugo@atlantique.example", "Hugo Lemaire")
    result, decision = await _register_hugo(run, "Hugo Lemaire", acr="eidas3")
    assert result.errors is None
    assert decision is not None
    assert (decision["outcome"], decision["proof"]) == ("ACCEPTED", "PROVIDER_ASSURANCE")
    assert set(decision) <= {"event", "outcome", "proof", "account_id", "log_level"}


async def test_a_company_already_on_the_hub_cannot_be_registered_again(run: Run) -> None:
    result = await run(
        REGISTER, as_=CLAIRE, variables={"siret": LEROY}, verified_name="Claire Leroy", acr="eidas2"
    )
    assert errors_by_path(result) == {"registerCompany": "BAD_USER_INPUT"}


async def test_an_invalid_siret_is_bad_input(run: Run) -> None:
    result = await run(REGISTER, as_=CLAIRE, variables={"siret": "123"})
    assert errors_by_path(result) == {"registerCompany": "BAD_USER_INPUT"}


async def test_the_mandataire_invites_and_removes_a_collaborator(run: Run) -> None:
    """Adding is an invitation (tests/resolvers/test_invitations.py): pending until the
    invitee accepts; removing a collaborator takes its access away."""
    added = await run(
        ADD,
        as_=CLAIRE,
        variables={"siret": LEROY, "email": "Expert@Comptable.example", "name": "Léa Expert"},
    )
    assert added.errors is None
    assert added.data["addCollaborator"] == {
        "name": "Léa Expert", "email": "expert@comptable.example", "status": "PENDING"
    }  # fmt: skip
    listed = await run(
        '{ company(siret: "84215637400014") { collaborators { email status } } }', as_=CLAIRE
    )
    assert listed.data["company"]["collaborators"] == [
        {"email": THOMAS, "status": "ACTIVE"},
        {"email": "expert@comptable.example", "status": "PENDING"},
    ]

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
