from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
import respx
from structlog.testing import capture_logs

from auth.oidc import IdentityProviderUnavailable, OIDCIssuer, OIDCVerifier
from auth.tokens import Claims, InvalidToken
from sandbox.oidc import OIDCProvider, create_app
from sandbox.oidc.app import DISCOVERY_PATH, JWKS_PATH
from tests.servers import serving

AUDIENCE = "hub-gateway-client"
SIRET = "13002526500013"


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
async def provider() -> AsyncIterator[OIDCProvider]:
    provider = OIDCProvider()
    async with serving(create_app(provider)) as url:
        provider.issuer = url
        yield provider


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(5.0)) as client:
        yield client


MakeVerifier = Callable[..., OIDCVerifier]


@pytest.fixture
def make_verifier(provider: OIDCProvider, client: httpx.AsyncClient, clock: Clock) -> MakeVerifier:
    def make(issuer: str | None = None, **options: Any) -> OIDCVerifier:
        config = OIDCIssuer(issuer or provider.issuer, AUDIENCE, "AGENT")
        return OIDCVerifier([config], client, clock=clock, **options)

    return make


@pytest.fixture
def verifier(make_verifier: MakeVerifier) -> OIDCVerifier:
    return make_verifier()


@pytest.fixture
def agent(clock: Clock) -> Callable[..., dict[str, Any]]:
    def claims(**overrides: Any) -> dict[str, Any]:
        now = int(clock.now)
        payload = {
            "sub": "proconnect-7f3a",
            "aud": AUDIENCE,
            "email": "Camille.Martin@Region-Exemple.fr",
            "given_name": "Camille",
            "usual_name": "Martin",
            "family_name": "Dupont-Martin",
            "siret": SIRET,
            "iat": now,
            "exp": now + 300,
        }
        payload.update(overrides)
        return payload  # a claim set to None is left out of the token

    return claims


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _forge(header: dict[str, Any], payload: dict[str, Any], key: bytes | None) -> str:
    """A token signed with HMAC-SHA256 under ``key`` (``None``: unsigned), as an attacker
    would build it: PyJWT itself refuses to use a PEM public key as an HMAC secret."""
    payload = {name: value for name, value in payload.items() if value is not None}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    if key is None:
        return signing_input + "."
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


async def test_valid_agent_token_gives_claims_with_lowercased_email_and_usual_name(
    provider: OIDCProvider, verifier: OIDCVerifier, agent: Callable[..., dict[str, Any]]
) -> None:
    claims = await verifier.verify(provider.issue(agent()))
    assert claims == Claims(
        subject="proconnect-7f3a",
        email="camille.martin@region-exemple.fr",
        expires_at=float(agent()["exp"]),
        name="Camille Martin",
        provider_kind="AGENT",
        siret=SIRET,
        issuer=provider.issuer,
    )


async def test_claims_carry_the_issuers_kind_and_the_email_verified_flag(
    provider: OIDCProvider,
    client: httpx.AsyncClient,
    clock: Clock,
    agent: Callable[..., dict[str, Any]],
) -> None:
    config = OIDCIssuer(provider.issuer, AUDIENCE, "COMPANY")
    verifier = OIDCVerifier([config], client, clock=clock)
    claims = await verifier.verify(provider.issue(agent(email_verified=False, siret=None)))
    assert (claims.provider_kind, claims.email_verified, claims.siret) == ("COMPANY", False, None)


async def test_family_name_is_used_when_there_is_no_usual_name(
    provider: OIDCProvider, verifier: OIDCVerifier, agent: Callable[..., dict[str, Any]]
) -> None:
    claims = await verifier.verify(provider.issue(agent(usual_name=None)))
    assert claims.name == "Camille Dupont-Martin"


async def test_es256_token_from_an_ec_key_is_accepted(
    provider: OIDCProvider, verifier: OIDCVerifier, agent: Callable[..., dict[str, Any]]
) -> None:
    provider.rotate("EC")
    assert (await verifier.verify(provider.issue(agent()))).subject == "proconnect-7f3a"


async def test_token_for_another_audience_is_refused(
    provider: OIDCProvider, verifier: OIDCVerifier, agent: Callable[..., dict[str, Any]]
) -> None:
    with pytest.raises(InvalidToken, match="another audience"):
        await verifier.verify(provider.issue(agent(aud="another-client")))


async def test_expired_token_is_refused(
    provider: OIDCProvider,
    verifier: OIDCVerifier,
    agent: Callable[..., dict[str, Any]],
    clock: Clock,
) -> None:
    token = provider.issue(agent(iat=int(clock.now) - 600, exp=int(clock.now) - 31))
    with pytest.raises(InvalidToken, match="expired"):
        await verifier.verify(token)


async def test_token_expired_within_the_leeway_is_accepted(
    provider: OIDCProvider,
    verifier: OIDCVerifier,
    agent: Callable[..., dict[str, Any]],
    clock: Clock,
) -> None:
    token = provider.issue(agent(iat=int(clock.now) - 600, exp=int(clock.now) - 20))
    assert (await verifier.verify(token)).subject == "proconnect-7f3a"


async def test_token_not_valid_yet_is_refused(
    provider: OIDCProvider,
    verifier: OIDCVerifier,
    agent: Callable[..., dict[str, Any]],
    clock: Clock,
) -> None:
    with pytest.raises(InvalidToken, match="not valid yet"):
        await verifier.verify(provider.issue(agent(nbf=int(clock.now) + 120)))
    assert await verifier.verify(provider.issue(agent(nbf=int(clock.now) + 20)))  # skew


async def test_token_issued_in_the_future_is_refused(
    provider: OIDCProvider,
    verifier: OIDCVerifier,
    agent: Callable[..., dict[str, Any]],
    clock: Clock,
) -> None:
    with pytest.raises(InvalidToken, match="issued in the future"):
        await verifier.verify(provider.issue(agent(iat=int(clock.now) + 120)))


async def test_unknown_issuer_is_refused_without_contacting_it(
    provider: OIDCProvider, verifier: OIDCVerifier, agent: Callable[..., dict[str, Any]]
) -> None:
    other = OIDCProvider(issuer="https://idp.attacker.example")
    with pytest.raises(InvalidToken, match="unknown issuer"):
        await verifier.verify(other.issue(agent()))
    with pytest.raises(InvalidToken, match="unknown issuer"):
        await verifier.verify(provider.issue(agent(iss=provider.issuer + "/")))  # exact match
    assert not provider.requests


async def test_unsigned_token_is_refused(
    provider: OIDCProvider, verifier: OIDCVerifier, agent: Callable[..., dict[str, Any]]
) -> None:
    payload = {"iss": provider.issuer, **agent()}
    token = _forge({"alg": "none", "kid": provider.current_kid}, payload, key=None)
    with pytest.raises(InvalidToken, match="algorithm is not accepted"):
        await verifier.verify(token)


async def test_hs256_token_signed_with_the_public_key_is_refused(
    provider: OIDCProvider, verifier: OIDCVerifier, agent: Callable[..., dict[str, Any]]
) -> None:
    """RS/HS confusion: the attacker signs with the published key as an HMAC secret."""
    payload = {"iss": provider.issuer, **agent()}
    header = {"alg": "HS256", "typ": "JWT", "kid": provider.current_kid}
    token = _forge(header, payload, key=provider.public_pem())
    with pytest.raises(InvalidToken, match="algorithm is not accepted"):
        await verifier.verify(token)


async def test_a_key_is_never_used_with_an_algorithm_of_another_type(
    provider: OIDCProvider, verifier: OIDCVerifier, agent: Callable[..., dict[str, Any]]
) -> None:
    rsa_kid = provider.current_kid
    ec_kid = provider.rotate("EC")
    token = provider.issue(agent(), kid=rsa_kid, headers={"kid": ec_kid})  # RS256 on an EC key
    with pytest.raises(InvalidToken, match="does not match its key"):
        await verifier.verify(token)


@pytest.mark.parametrize("algorithms", [("none",), ("HS256",), ("RS256", "HS512"), ()])
def test_issuer_refuses_symmetric_and_none_algorithms(algorithms: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="asymmetric"):
        OIDCIssuer("https://idp.example", AUDIENCE, "AGENT", algorithms=algorithms)


async def test_token_with_a_rotated_key_is_accepted_after_one_refetch(
    provider: OIDCProvider,
    verifier: OIDCVerifier,
    agent: Callable[..., dict[str, Any]],
    clock: Clock,
) -> None:
    await verifier.verify(provider.issue(agent()))
    provider.rotate()
    clock.advance(31)
    for _ in range(3):
        await verifier.verify(provider.issue(agent()))
    assert provider.requests == {DISCOVERY_PATH: 1, JWKS_PATH: 2}


async def test_keys_are_not_refetched_within_30_seconds_of_the_last_fetch(
    provider: OIDCProvider,
    verifier: OIDCVerifier,
    agent: Callable[..., dict[str, Any]],
    clock: Clock,
) -> None:
    await verifier.verify(provider.issue(agent()))
    provider.rotate()
    clock.advance(10)
    with pytest.raises(InvalidToken, match="key its issuer does not publish"):
        await verifier.verify(provider.issue(agent()))
    assert provider.requests[JWKS_PATH] == 1
    clock.advance(25)
    await verifier.verify(provider.issue(agent()))
    assert provider.requests[JWKS_PATH] == 2


async def test_forged_kids_cause_one_refetch_per_30_seconds(
    provider: OIDCProvider,
    verifier: OIDCVerifier,
    agent: Callable[..., dict[str, Any]],
    clock: Clock,
) -> None:
    await verifier.verify(provider.issue(agent()))
    clock.advance(31)
    for forged in ("forged-1", "forged-2", "forged-1"):
        with pytest.raises(InvalidToken, match="key its issuer does not publish"):
            await verifier.verify(provider.issue(agent(), headers={"kid": forged}))
        clock.advance(5)
    assert provider.requests[JWKS_PATH] == 2
    clock.advance(30)
    with pytest.raises(InvalidToken):
        await verifier.verify(provider.issue(agent(), headers={"kid": "forged-3"}))
    assert provider.requests[JWKS_PATH] == 3


async def test_concurrent_first_tokens_share_one_fetch(
    provider: OIDCProvider, verifier: OIDCVerifier, agent: Callable[..., dict[str, Any]]
) -> None:
    token = provider.issue(agent())
    await asyncio.gather(*(verifier.verify(token) for _ in range(20)))
    assert provider.requests == {DISCOVERY_PATH: 1, JWKS_PATH: 1}


async def test_token_signed_with_a_retired_key_is_refused(
    provider: OIDCProvider,
    make_verifier: MakeVerifier,
    agent: Callable[..., dict[str, Any]],
    clock: Clock,
) -> None:
    verifier = make_verifier(jwks_ttl=600)
    old = provider.current_kid
    await verifier.verify(provider.issue(agent(), kid=old))
    provider.rotate()
    provider.retire(old)
    clock.advance(601)  # the cached keys expire
    with pytest.raises(InvalidToken, match="key its issuer does not publish"):
        await verifier.verify(provider.issue(agent(), kid=old))
    assert await verifier.verify(provider.issue(agent()))
    with pytest.raises(InvalidToken, match="key its issuer does not publish"):
        await make_verifier().verify(provider.issue(agent(), kid=old))  # cold cache too


async def test_token_signed_by_another_key_with_a_published_kid_is_refused(
    provider: OIDCProvider, verifier: OIDCVerifier, agent: Callable[..., dict[str, Any]]
) -> None:
    published = provider.current_kid
    impostor = provider.rotate()
    provider.retire(impostor)
    token = provider.issue(agent(), kid=impostor, headers={"kid": published})
    with pytest.raises(InvalidToken, match="signature does not match"):
        await verifier.verify(token)


async def test_stopped_provider_is_reported_unreachable(
    client: httpx.AsyncClient, agent: Callable[..., dict[str, Any]], clock: Clock
) -> None:
    provider = OIDCProvider()
    async with serving(create_app(provider)) as url:
        provider.issuer = url
    verifier = OIDCVerifier([OIDCIssuer(url, AUDIENCE, "AGENT")], client, clock=clock)
    with capture_logs() as logs, pytest.raises(IdentityProviderUnavailable) as raised:
        await verifier.verify(provider.issue(agent()))
    assert "the identity provider is unreachable" in str(raised.value)
    assert [entry["event"] for entry in logs] == ["oidc.provider_unreachable"]
    assert logs[0]["log_level"] == "warning" and logs[0]["issuer"] == url


async def test_provider_answering_503_is_reported_unreachable_and_retried_after_a_back_off(
    provider: OIDCProvider,
    verifier: OIDCVerifier,
    agent: Callable[..., dict[str, Any]],
    clock: Clock,
) -> None:
    provider.available = False
    with pytest.raises(IdentityProviderUnavailable, match="unreachable") as raised:
        await verifier.verify(provider.issue(agent()))
    assert raised.value.retry_after == 5
    provider.available = True
    clock.advance(2)  # within the back-off: the provider is not asked again
    with pytest.raises(IdentityProviderUnavailable) as raised:
        await verifier.verify(provider.issue(agent()))
    assert raised.value.retry_after == 3 and provider.requests[DISCOVERY_PATH] == 1
    clock.advance(3)
    assert await verifier.verify(provider.issue(agent()))


async def test_cached_keys_stay_in_use_while_the_provider_is_down(
    provider: OIDCProvider,
    verifier: OIDCVerifier,
    agent: Callable[..., dict[str, Any]],
    clock: Clock,
) -> None:
    await verifier.verify(provider.issue(agent()))
    clock.advance(3601)
    provider.available = False
    with capture_logs() as logs:
        assert await verifier.verify(provider.issue(agent()))
        assert await verifier.verify(provider.issue(agent()))
    assert provider.requests[JWKS_PATH] == 2  # the failed refresh is not retried at once
    assert logs[0]["event"] == "oidc.provider_unreachable" and logs[0]["keeps_previous_keys"]


async def test_discovery_naming_another_issuer_is_not_trusted(
    provider: OIDCProvider, make_verifier: MakeVerifier, agent: Callable[..., dict[str, Any]]
) -> None:
    verifier = make_verifier()
    real_issuer = provider.issuer
    provider.issuer = "https://idp.elsewhere.example"
    token = provider.issue(agent(iss=real_issuer))
    with pytest.raises(InvalidToken, match="unreachable"):
        await verifier.verify(token)


@pytest.mark.parametrize("claim", ["email", "sub", "exp", "aud"])
async def test_token_missing_a_required_claim_is_refused(
    provider: OIDCProvider,
    verifier: OIDCVerifier,
    agent: Callable[..., dict[str, Any]],
    claim: str,
) -> None:
    with pytest.raises(InvalidToken, match="e-mail" if claim == "email" else f"'{claim}'"):
        await verifier.verify(provider.issue(agent(**{claim: None})))


@pytest.mark.parametrize("token", ["", "not-a-jwt", "a.b.c", "x" * 20_000])
async def test_malformed_token_is_refused(verifier: OIDCVerifier, token: str) -> None:
    with pytest.raises(InvalidToken, match="malformed|too long"):
        await verifier.verify(token)


def _attacks(provider: OIDCProvider, agent: dict[str, Any], clock: Clock) -> Iterator[str]:
    payload = {"iss": provider.issuer, **agent}
    yield provider.issue(agent)  # valid, checked while the provider is down
    yield provider.issue({**agent, "aud": "x"})
    yield provider.issue({**agent, "exp": int(clock.now) - 3600})
    yield provider.issue({**agent, "email": None})
    yield provider.issue(agent, headers={"kid": "forged"})
    yield _forge({"alg": "none"}, payload, key=None)
    yield _forge({"alg": "HS256", "kid": provider.current_kid}, payload, provider.public_pem())
    yield OIDCProvider(issuer="https://idp.attacker.example").issue(agent)
    yield "eyJhbGciOiJSUzI1NiJ9.not-base64!.sig"


async def test_tokens_never_appear_in_errors_or_logs(
    provider: OIDCProvider,
    make_verifier: MakeVerifier,
    agent: Callable[..., dict[str, Any]],
    clock: Clock,
) -> None:
    verifier = make_verifier()
    tokens = list(_attacks(provider, agent(), clock))
    messages: list[str] = []
    with capture_logs() as logs:
        for token in tokens[1:]:
            with pytest.raises(InvalidToken) as raised:
                await verifier.verify(token)
            messages.append(str(raised.value))
        provider.available = False
        with pytest.raises(InvalidToken) as raised:
            await make_verifier().verify(tokens[0])
        messages.append(str(raised.value))
    assert logs  # the outage was logged
    recorded = "\n".join(messages) + repr(logs)
    for token in tokens:
        for part in filter(lambda part: len(part) > 8, token.split(".")):
            assert part not in recorded


async def test_a_new_kid_while_the_provider_is_down_is_unavailable_not_invalid(
    provider: OIDCProvider,
    verifier: OIDCVerifier,
    agent: Callable[..., dict[str, Any]],
    clock: Clock,
) -> None:
    await verifier.verify(provider.issue(agent()))
    provider.rotate()
    provider.available = False
    clock.advance(31)
    with pytest.raises(IdentityProviderUnavailable) as raised:
        await verifier.verify(provider.issue(agent()))
    assert raised.value.retry_after == 5


async def test_cached_keys_are_refused_once_past_their_stale_bound(
    provider: OIDCProvider,
    make_verifier: MakeVerifier,
    agent: Callable[..., dict[str, Any]],
    clock: Clock,
) -> None:
    verifier = make_verifier(jwks_ttl=600, max_stale=1200)
    await verifier.verify(provider.issue(agent()))
    provider.available = False
    clock.advance(1799)  # 600 s fresh + 1,200 s stale: still served from the cache
    assert await verifier.verify(provider.issue(agent(iat=int(clock.now), exp=int(clock.now) + 60)))
    clock.advance(2)
    with pytest.raises(IdentityProviderUnavailable):
        await verifier.verify(provider.issue(agent(iat=int(clock.now), exp=int(clock.now) + 60)))
    provider.available = True
    clock.advance(5)  # the back-off ends: fresh keys again
    assert await verifier.verify(provider.issue(agent(iat=int(clock.now), exp=int(clock.now) + 60)))


async def test_while_one_request_refreshes_stale_keys_the_others_use_the_cached_key(
    provider: OIDCProvider,
    client: httpx.AsyncClient,
    agent: Callable[..., dict[str, Any]],
    clock: Clock,
) -> None:
    release = asyncio.Event()
    jwks_calls = 0

    async def slow_jwks(request: httpx.Request) -> httpx.Response:
        nonlocal jwks_calls
        jwks_calls += 1
        if jwks_calls > 1:
            await release.wait()  # the refresh hangs until the test lets it go
        return httpx.Response(200, json=provider.jwks())

    router = respx.MockRouter(assert_all_called=False)
    router.get(provider.issuer + DISCOVERY_PATH).respond(200, json=provider.discovery())
    router.get(provider.issuer + JWKS_PATH).mock(side_effect=slow_jwks)
    mocked = httpx.AsyncClient(transport=httpx.MockTransport(router.async_handler))
    verifier = OIDCVerifier([OIDCIssuer(provider.issuer, AUDIENCE, "AGENT")], mocked, clock=clock)
    await verifier.verify(provider.issue(agent()))
    clock.advance(3601)  # stale: the next request refreshes
    refreshing = asyncio.create_task(verifier.verify(provider.issue(agent())))
    await asyncio.sleep(0.05)
    others = await asyncio.wait_for(
        asyncio.gather(*(verifier.verify(provider.issue(agent())) for _ in range(5))), 1
    )
    assert len(others) == 5 and not refreshing.done()
    release.set()
    assert await refreshing
    await mocked.aclose()


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("refused"), httpx.ConnectTimeout("slow"), httpx.ReadTimeout("slow")],
)
async def test_transport_errors_make_the_provider_unavailable(
    provider: OIDCProvider,
    agent: Callable[..., dict[str, Any]],
    clock: Clock,
    failure: Exception,
) -> None:
    router = respx.MockRouter()
    router.get(provider.issuer + DISCOVERY_PATH).mock(side_effect=failure)
    mocked = httpx.AsyncClient(transport=httpx.MockTransport(router.async_handler))
    verifier = OIDCVerifier([OIDCIssuer(provider.issuer, AUDIENCE, "AGENT")], mocked, clock=clock)
    with pytest.raises(IdentityProviderUnavailable):
        await verifier.verify(provider.issue(agent()))
    await mocked.aclose()


async def test_a_provider_that_never_answers_is_given_up_after_the_fetch_timeout(
    provider: OIDCProvider, agent: Callable[..., dict[str, Any]], clock: Clock
) -> None:
    async def hang(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(30)
        raise AssertionError("unreachable")

    router = respx.MockRouter()
    router.get(provider.issuer + DISCOVERY_PATH).mock(side_effect=hang)
    mocked = httpx.AsyncClient(transport=httpx.MockTransport(router.async_handler))
    verifier = OIDCVerifier([OIDCIssuer(provider.issuer, AUDIENCE, "AGENT")], mocked,
                            clock=clock, fetch_timeout=0.1)  # fmt: skip
    with capture_logs() as logs, pytest.raises(IdentityProviderUnavailable):
        await asyncio.wait_for(verifier.verify(provider.issue(agent())), 2)
    assert logs[0]["reason"] == "timed out"
    await mocked.aclose()


async def test_concurrent_tokens_with_a_rotated_key_wait_for_the_one_refetch(
    provider: OIDCProvider,
    verifier: OIDCVerifier,
    agent: Callable[..., dict[str, Any]],
    clock: Clock,
) -> None:
    await verifier.verify(provider.issue(agent()))
    provider.rotate()
    clock.advance(31)
    token = provider.issue(agent())
    results = await asyncio.gather(*(verifier.verify(token) for _ in range(10)))
    assert len(results) == 10 and provider.requests[JWKS_PATH] == 2


async def test_the_company_providers_name_is_given_name_and_family_name(
    provider: OIDCProvider,
    client: httpx.AsyncClient,
    clock: Clock,
    agent: Callable[..., dict[str, Any]],
) -> None:
    verifier = OIDCVerifier([OIDCIssuer(provider.issuer, AUDIENCE, "COMPANY")], client, clock=clock)
    claims = await verifier.verify(provider.issue(agent()))  # usual_name is not its claim
    assert claims.name == "Camille Dupont-Martin"


async def test_an_assurance_level_or_verified_claims_vouch_for_the_identity(
    provider: OIDCProvider, verifier: OIDCVerifier, agent: Callable[..., dict[str, Any]]
) -> None:
    assert not (await verifier.verify(provider.issue(agent()))).identity_assured
    assert not (await verifier.verify(provider.issue(agent(acr="eidas1")))).identity_assured
    assert (await verifier.verify(provider.issue(agent(acr="eidas2")))).identity_assured
    evidence = {"verification": {"trust_framework": "fr_eidas"}, "claims": {}}
    assert (await verifier.verify(provider.issue(agent(verified_claims=evidence)))).identity_assured
