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
        self.accounts = dict(ACCOUNTS)

    async def accounts_by_email(self, emails: Sequence[str]) -> dict[str, AccountRecord]:
        self.lookups += 1
        return {e: self.accounts[e] for e in emails if e in self.accounts}

    async def accounts_for_sign_in(
        self, issuer: str, subject: str, email: str
    ) -> list[AccountRecord]:
        self.lookups += 1
        return [
            account
            for account in self.accounts.values()
            if account.email == email.lower()
            or (account.idp_issuer, account.idp_subject) == (issuer, subject)
        ]

    async def bind_account(self, account_id: str, issuer: str, subject: str) -> bool:
        """As ``HubWriter.bind_account``: binds an unbound account."""
        for email, account in self.accounts.items():
            if account.id == account_id and account.idp_subject is None:
                self.accounts[email] = dataclasses.replace(
                    account, idp_issuer=issuer, idp_subject=subject
                )
                return True
        return False


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


async def test_a_person_with_no_account_is_unregistered_and_told_to_sign_up(
    authenticator: Authenticator, issuer: DevTokenIssuer, hub: FakeHub
) -> None:
    header = "Bearer " + issuer.issue(subject="x", email="x@y.example", acr="eidas2")
    viewer = await authenticator.viewer(header)
    assert viewer.kind is ViewerKind.UNREGISTERED and viewer.account_id is None
    assert (viewer.email, viewer.subject, viewer.identity_assured) == ("x@y.example", "x", True)
    assert not viewer.is_authenticated
    assert viewer.notice is not None and viewer.notice.code == "NO_ACCOUNT_YET"
    await authenticator.viewer(header)
    assert hub.lookups == 2  # never remembered: the next request after signUp finds the account


async def test_the_agents_provider_leaves_an_unknown_person_anonymous(hub: FakeHub) -> None:
    authenticator = _stub(hub, t=_claims("x@y.example", "AGENT", issuer="agents"))
    viewer = await authenticator.viewer("Bearer t")
    assert viewer.kind is ViewerKind.ANONYMOUS
    assert viewer.notice is not None and viewer.notice.code == "UNKNOWN_ACCOUNT"


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


def _claims(email: str, kind: ProviderKind | None, subject: str = "sub-1", **extra: Any) -> Claims:
    return Claims(subject=subject, email=email, expires_at=time.time() + 300,
                  name="Pierre Durand", provider_kind=kind, **extra)  # fmt: skip


def _stub(hub: FakeHub, directory: object | None = None, **claims: Claims) -> Authenticator:
    return Authenticator(StubVerifier(claims), hub, directory or FakeDirectory(),  # type: ignore[arg-type]
                         binder=hub)  # fmt: skip


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


async def test_an_account_is_bound_at_its_first_sign_in_and_then_opens_to_that_identity_only(
    hub: FakeHub,
) -> None:
    first = _claims(COMPANY_EMAIL, "COMPANY", issuer="hub", subject="sub-claire")
    other = _claims(COMPANY_EMAIL, "COMPANY", issuer="hub", subject="sub-mallory")
    renamed = _claims("claire@new.example", "COMPANY", issuer="hub", subject="sub-claire")
    authenticator = _stub(hub, first=first, other=other, renamed=renamed)
    assert (await authenticator.viewer("Bearer first")).account_id == "acc-claire"
    assert hub.accounts[COMPANY_EMAIL].idp_subject == "sub-claire"
    refused = await authenticator.viewer("Bearer other")  # same e-mail, another identity
    assert refused.kind is ViewerKind.ANONYMOUS
    assert refused.notice is not None and refused.notice.code == "ACCOUNT_BOUND_ELSEWHERE"
    # the bound identity finds its account even under another e-mail
    assert (await authenticator.viewer("Bearer renamed")).account_id == "acc-claire"


async def test_a_deactivated_agent_no_longer_signs_in(hub: FakeHub) -> None:
    hub.accounts[AGENT_EMAIL] = dataclasses.replace(hub.accounts[AGENT_EMAIL], deactivated=True)
    authenticator = _stub(hub, t=_claims(AGENT_EMAIL, "AGENT", issuer="agents"))
    viewer = await authenticator.viewer("Bearer t")
    assert viewer.kind is ViewerKind.ANONYMOUS
    assert viewer.notice is not None and viewer.notice.code == "AGENT_DEACTIVATED"
