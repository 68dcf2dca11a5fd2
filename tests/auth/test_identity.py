"""From the Authorization header to a Viewer, and how long a Viewer is remembered."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from typing import Any

import pytest

from auth.identity import Authenticator
from auth.tokens import Claims, DevTokenIssuer, InvalidToken, ProviderKind
from auth.viewer import ANONYMOUS, ViewerKind
from connectors.hubdb import AccountRecord, AgentRecord, StructureRecord

DURAND = AgentRecord(
    id="agent-durand",
    account_id="acc-durand",
    first_name="Pierre",
    last_name="Durand",
    email="pierre.durand@cci-gard.example",
    phone=None,
    title=None,
    structure_id="cci-gard",
    roles=frozenset({"REFERENT"}),
    filieres=(),
    domains=(),
)
ACCOUNTS = {
    "pierre.durand@cci-gard.example": AccountRecord(
        id="acc-durand",
        email="pierre.durand@cci-gard.example",
        name="Pierre Durand",
        phone=None,
        kind="AGENT",
        agent=DURAND,
    ),
    "claire.leroy@leroy-sas.example": AccountRecord(
        id="acc-claire",
        email="claire.leroy@leroy-sas.example",
        name="Claire Leroy",
        phone=None,
        kind="COMPANY_USER",
        agent=None,
    ),
}
CCI = StructureRecord(
    id="cci-gard",
    name="CCI du Gard",
    kind="CCI",
    department_code="30",
    in_network=True,
    charter_signed=True,
    email=None,
    phone=None,
)


class FakeHub:
    def __init__(self) -> None:
        self.lookups = 0

    async def accounts_by_email(self, emails: Sequence[str]) -> dict[str, AccountRecord]:
        self.lookups += 1
        return {e: ACCOUNTS[e] for e in emails if e in ACCOUNTS}


class FakeDirectory:
    async def structures(self, ids: Sequence[str]) -> dict[str, StructureRecord]:
        return {"cci-gard": CCI}


@pytest.fixture
def issuer() -> DevTokenIssuer:
    return DevTokenIssuer(b"k" * 32)


@pytest.fixture
def hub() -> FakeHub:
    return FakeHub()


@pytest.fixture
def authenticator(issuer: DevTokenIssuer, hub: FakeHub) -> Authenticator:
    return Authenticator(issuer, hub, FakeDirectory())  # type: ignore[arg-type]


async def test_no_header_is_anonymous(authenticator: Authenticator) -> None:
    assert await authenticator.viewer(None) is ANONYMOUS


async def test_agent_of_a_signed_network_structure_is_a_network_member(
    authenticator: Authenticator, issuer: DevTokenIssuer
) -> None:
    token = issuer.issue(subject="x", email="Pierre.Durand@cci-gard.example")
    viewer = await authenticator.viewer(f"Bearer {token}")
    assert viewer.kind is ViewerKind.AGENT
    assert (viewer.agent_id, viewer.structure_id, viewer.network_member) == (
        "agent-durand",
        "cci-gard",
        True,
    )


async def test_company_user_is_not_a_network_member(
    authenticator: Authenticator, issuer: DevTokenIssuer
) -> None:
    token = issuer.issue(subject="x", email="claire.leroy@leroy-sas.example")
    viewer = await authenticator.viewer(f"bearer {token}")
    assert viewer.kind is ViewerKind.COMPANY_USER and not viewer.network_member


async def test_a_tokens_viewer_is_remembered_without_another_lookup(
    authenticator: Authenticator, issuer: DevTokenIssuer, hub: FakeHub
) -> None:
    header = "Bearer " + issuer.issue(subject="x", email="pierre.durand@cci-gard.example")
    first = await authenticator.viewer(header)
    second = await authenticator.viewer(header)
    assert first == second and hub.lookups == 1


class FakeClock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


async def test_a_viewer_is_forgotten_after_the_ttl_and_never_kept_past_the_tokens_expiry(
    hub: FakeHub,
) -> None:
    clock = FakeClock()
    issuer = DevTokenIssuer(b"k" * 32, ttl_seconds=120)
    authenticator = Authenticator(
        issuer,
        hub,
        FakeDirectory(),
        ttl=60,
        clock=clock,  # type: ignore[arg-type]
    )
    header = "Bearer " + issuer.issue(subject="x", email="pierre.durand@cci-gard.example")
    await authenticator.viewer(header)
    clock.now += 30
    await authenticator.viewer(header)
    assert hub.lookups == 1
    clock.now += 31  # past the ttl: looked up again
    await authenticator.viewer(header)
    assert hub.lookups == 2

    clock.now = time.time()
    expiring = "Bearer " + issuer.issue(
        subject="x", email="pierre.durand@cci-gard.example", now=time.time() - 110
    )  # expires in 10 s: remembered 10 s, not 60
    await authenticator.viewer(expiring)
    lookups = hub.lookups
    await authenticator.viewer(expiring)
    assert hub.lookups == lookups  # remembered while the token is valid
    clock.now += 11
    await authenticator.viewer(expiring)  # verified again (still within the issuer's leeway)
    assert hub.lookups == lookups + 1


async def test_bad_headers_are_refused(authenticator: Authenticator) -> None:
    for header in ("Token abc", "Bearer ", "Basic dXNlcjpwYXNz"):
        with pytest.raises(InvalidToken, match="Bearer"):
            await authenticator.viewer(header)


async def test_a_valid_token_for_an_unknown_account_is_anonymous_with_a_notice(
    authenticator: Authenticator, issuer: DevTokenIssuer
) -> None:
    viewer = await authenticator.viewer("Bearer " + issuer.issue(subject="x", email="x@y.example"))
    assert viewer.kind is ViewerKind.ANONYMOUS and viewer.account_id is None
    assert viewer.notice is not None and viewer.notice.code == "UNKNOWN_ACCOUNT"
    assert "no account of the hub" in viewer.notice.message


async def test_the_viewer_carries_the_tokens_expiry_and_verified_name(
    authenticator: Authenticator, issuer: DevTokenIssuer
) -> None:
    token = issuer.issue(subject="x", email="claire.leroy@leroy-sas.example", given_name="Claire",
                         family_name="Leroy")  # fmt: skip
    viewer = await authenticator.viewer(f"Bearer {token}")
    assert viewer.verified_name == "Claire Leroy" and viewer.notice is None
    assert viewer.expires_at is not None and viewer.expires_at > time.time() + 3600


class StubVerifier:
    """Verifies nothing: a token is the key of the claims it stands for."""

    def __init__(self, claims: dict[str, Claims]) -> None:
        self.claims = claims

    def verify(self, token: str) -> Claims:
        return self.claims[token]


def _claims(email: str, kind: ProviderKind | None, **extra: Any) -> Claims:
    return Claims(subject="sub-1", email=email, expires_at=time.time() + 300,
                  name="Pierre Durand", provider_kind=kind, **extra)  # fmt: skip


def _stub(hub: FakeHub, directory: object | None = None, **claims: Claims) -> Authenticator:
    return Authenticator(StubVerifier(claims), hub, directory or FakeDirectory())  # type: ignore[arg-type]


AGENT_EMAIL, COMPANY_EMAIL = "pierre.durand@cci-gard.example", "claire.leroy@leroy-sas.example"


async def test_the_agents_provider_signs_in_an_agent(hub: FakeHub) -> None:
    authenticator = _stub(hub, agent=_claims(AGENT_EMAIL, "AGENT"))
    viewer = await authenticator.viewer("Bearer agent")
    assert viewer.kind is ViewerKind.AGENT and viewer.agent_id == "agent-durand"


async def test_the_agents_provider_never_makes_a_company_user(hub: FakeHub) -> None:
    authenticator = _stub(hub, t=_claims(COMPANY_EMAIL, "AGENT"))
    viewer = await authenticator.viewer("Bearer t")
    assert viewer.kind is ViewerKind.ANONYMOUS and viewer.account_id is None
    assert viewer.notice is not None and viewer.notice.code == "WRONG_IDENTITY_PROVIDER"
    assert "network agents only" in viewer.notice.message


async def test_the_company_provider_signs_in_a_company_user(hub: FakeHub) -> None:
    authenticator = _stub(hub, t=_claims(COMPANY_EMAIL, "COMPANY"))
    viewer = await authenticator.viewer("Bearer t")
    assert viewer.kind is ViewerKind.COMPANY_USER and viewer.account_id == "acc-claire"


async def test_the_company_provider_never_makes_an_agent(hub: FakeHub) -> None:
    authenticator = _stub(hub, t=_claims(AGENT_EMAIL, "COMPANY"))
    viewer = await authenticator.viewer("Bearer t")
    assert viewer.kind is ViewerKind.ANONYMOUS and viewer.agent_id is None
    assert viewer.notice is not None and viewer.notice.code == "WRONG_IDENTITY_PROVIDER"
    assert "agents' provider" in viewer.notice.message


async def test_an_unverified_email_maps_to_no_account(hub: FakeHub) -> None:
    authenticator = _stub(hub, t=_claims(COMPANY_EMAIL, "COMPANY", email_verified=False),
                          v=_claims(COMPANY_EMAIL, "COMPANY", email_verified=True))  # fmt: skip
    refused = await authenticator.viewer("Bearer t")
    assert refused.kind is ViewerKind.ANONYMOUS and hub.lookups == 0
    assert refused.notice is not None and refused.notice.code == "EMAIL_NOT_VERIFIED"
    assert (await authenticator.viewer("Bearer v")).kind is ViewerKind.COMPANY_USER


class DirectoryKnowingSirets:
    async def structures(self, ids: Sequence[str]) -> dict[str, StructureRecord]:
        return {"cci-gard": dataclasses.replace(CCI, siret="18300003500017")}


@pytest.mark.parametrize(
    ("siret", "signed_in"),
    [
        ("18300003500017", True),  # the structure's own establishment
        ("18300003500025", True),  # another establishment of the same organisation
        (None, True),  # the provider does not say
        ("13002526500013", False),  # another organisation
    ],
)
async def test_an_agents_establishment_must_belong_to_its_structure_when_the_directory_knows(
    hub: FakeHub, siret: str | None, signed_in: bool
) -> None:
    claims = _claims(AGENT_EMAIL, "AGENT", siret=siret)
    viewer = await _stub(hub, DirectoryKnowingSirets(), t=claims).viewer("Bearer t")
    assert (viewer.kind is ViewerKind.AGENT) is signed_in
    if not signed_in:
        assert viewer.notice is not None and viewer.notice.code == "OTHER_ESTABLISHMENT"


async def test_an_agents_siret_is_not_checked_when_the_directory_does_not_know_it(
    hub: FakeHub,
) -> None:
    claims = _claims(AGENT_EMAIL, "AGENT", siret="13002526500013")
    assert (await _stub(hub, t=claims).viewer("Bearer t")).kind is ViewerKind.AGENT
