"""From the Authorization header to a Viewer, and how long a Viewer is remembered."""

from __future__ import annotations

import time
from collections.abc import Sequence

import pytest

from auth.identity import Authenticator
from auth.tokens import DevTokenIssuer, InvalidToken
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


async def test_unknown_account_and_bad_headers_are_refused(
    authenticator: Authenticator, issuer: DevTokenIssuer
) -> None:
    with pytest.raises(InvalidToken, match="no account"):
        await authenticator.viewer("Bearer " + issuer.issue(subject="x", email="x@y.example"))
    for header in ("Token abc", "Bearer ", "Basic dXNlcjpwYXNz"):
        with pytest.raises(InvalidToken, match="Bearer"):
            await authenticator.viewer(header)
