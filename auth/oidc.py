"""Bearer tokens from real identity providers (OpenID Connect), verified through their JWKS.

Several issuers may be configured, each of a kind (agents, or company users): the token's
``iss`` picks the issuer, compared exactly. Each issuer is discovered once
(``/.well-known/openid-configuration``); its keys are cached for ``jwks_ttl`` and fetched
again when a token names an unknown ``kid`` (key rotation), at most once per
``refetch_interval`` so that forged ``kid``s cannot make the gateway hammer the provider.
Only asymmetric algorithms are accepted (never ``none`` or HS*), and a key is used only with
the algorithm its type allows.

When the provider cannot be reached (each fetch is bounded by ``fetch_timeout``), the keys
already fetched stay in use for ``max_stale`` seconds past their ``jwks_ttl``; a request
that needs keys the gateway does not have gets :class:`IdentityProviderUnavailable`, and no
new fetch is tried for ``failure_backoff`` seconds (its ``retry_after``).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
import structlog

from auth.tokens import (
    ASSURED_ACR_VALUES,
    Claims,
    InvalidToken,
    ProviderKind,
    identity_assured,
    token_error_reason,
)

__all__ = ["IdentityProviderUnavailable", "OIDCIssuer", "OIDCVerifier"]

_log = structlog.get_logger(__name__)

_KEY_TYPES = {
    "RS256": "RSA", "RS384": "RSA", "RS512": "RSA",
    "PS256": "RSA", "PS384": "RSA", "PS512": "RSA",
    "ES256": "EC", "ES384": "EC", "ES512": "EC",
    "EdDSA": "OKP",
}  # fmt: skip
"""The asymmetric algorithms we accept, and the key type (``kty``) each one needs."""
_CURVES = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521", "EdDSA": "Ed25519"}
_MAX_TOKEN_LENGTH = 16_384
_UNREACHABLE = "The token cannot be checked now: the identity provider is unreachable."


class IdentityProviderUnavailable(InvalidToken):
    """The issuer's discovery document or keys could not be fetched: not the holder's fault
    (the gateway answers 503 with ``Retry-After``, not 401)."""

    def __init__(self, message: str = _UNREACHABLE, *, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        """Seconds before the gateway tries the provider again."""


@dataclass(frozen=True, slots=True)
class OIDCIssuer:
    issuer: str
    """Compared exactly with the tokens' ``iss``; the discovery document is under it."""
    audience: str
    """The ``client_id`` the hub is registered with at this provider."""
    kind: ProviderKind
    """Agents (a ProConnect-style provider) or company users (the hub's own provider)."""
    algorithms: tuple[str, ...] = ("RS256", "ES256")
    assured_acr_values: tuple[str, ...] = ASSURED_ACR_VALUES
    """The ``acr`` values by which this provider vouches for a person's identity."""

    def __post_init__(self) -> None:
        refused = [alg for alg in self.algorithms if alg not in _KEY_TYPES]
        if refused or not self.algorithms:
            raise ValueError(
                f"Issuer {self.issuer}: only asymmetric algorithms are accepted "
                f"({', '.join(_KEY_TYPES)}), not {refused or 'an empty list'}."
            )


@dataclass(slots=True)
class _Keys:
    """One issuer's cached discovery and keys."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    jwks_uri: str | None = None
    keys: dict[str | None, dict[str, Any]] | None = None
    fetched_at: float = float("-inf")
    attempted_at: float = float("-inf")
    attempts: int = 0
    """Fetches completed, successful or not."""
    failed: bool = False


class OIDCVerifier:
    def __init__(
        self,
        issuers: Sequence[OIDCIssuer],
        client: httpx.AsyncClient,
        *,
        leeway: float = 30,
        jwks_ttl: float = 3600,
        refetch_interval: float = 30,
        max_stale: float = 6 * 3600,
        failure_backoff: float = 5,
        fetch_timeout: float = 3,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._issuers = {issuer.issuer: issuer for issuer in issuers}
        if len(self._issuers) != len(issuers):
            raise ValueError("An issuer is configured twice.")
        self._client = client
        self._leeway = leeway
        self._ttl = jwks_ttl
        self._refetch_interval = refetch_interval
        self._max_stale = max_stale
        self._failure_backoff = failure_backoff
        self._fetch_timeout = fetch_timeout
        self._clock = clock
        self._keys = {name: _Keys() for name in self._issuers}

    async def verify(self, token: str) -> Claims:
        """The token's claims, with its issuer's kind, if it is valid; ``InvalidToken``
        saying why otherwise (``IdentityProviderUnavailable`` when the issuer's keys cannot
        be had)."""
        header, unverified = _peek(token)
        claimed_issuer = unverified.get("iss")
        issuer = self._issuers.get(claimed_issuer) if isinstance(claimed_issuer, str) else None
        if issuer is None:
            raise _invalid("it comes from an unknown issuer")
        algorithm = header.get("alg")
        if algorithm not in issuer.algorithms:
            raise _invalid("its algorithm is not accepted")
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise _invalid("it is malformed")
        key = _public_key(await self._jwk(issuer, kid), algorithm)
        try:
            payload = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=issuer.audience,
                issuer=issuer.issuer,
                options={
                    "require": ["iss", "aud", "sub", "exp"],
                    "verify_exp": False,  # checked below, against the injected clock
                    "verify_nbf": False,
                    "verify_iat": False,
                    "enforce_minimum_key_length": True,
                },
            )
        except jwt.InvalidTokenError as error:
            raise _invalid(token_error_reason(error)) from None
        self._check_times(payload)
        return _claims(payload, issuer)

    def _check_times(self, payload: Mapping[str, Any]) -> None:
        now = self._clock()
        expires_at = _timestamp(payload, "exp")
        if expires_at is None:
            raise _invalid("the claim 'exp' is missing")
        if now > expires_at + self._leeway:
            raise InvalidToken("The token has expired: ask for a new one.")
        not_before = _timestamp(payload, "nbf")
        if not_before is not None and not_before > now + self._leeway:
            raise _invalid("it is not valid yet")
        issued_at = _timestamp(payload, "iat")
        if issued_at is not None and issued_at > now + self._leeway:
            raise _invalid("it was issued in the future")

    async def _jwk(self, issuer: OIDCIssuer, kid: str | None) -> dict[str, Any]:
        """The JWK the token names, fetching the issuer's keys when they are missing,
        stale, or lack that ``kid`` (rotation) and were not fetched in the last interval.
        A fetch counts as an attempt from its start: while one request fetches, the others
        use the cached keys (stale ones too, within ``max_stale``) without waiting."""
        state = self._keys[issuer.issuer]
        if self._needs_fetch(state, kid):
            seen = state.attempts
            async with state.lock:
                if state.attempts == seen:  # no fetch ended while we waited: ours is needed
                    await self._refresh(issuer, state)
        elif state.lock.locked() and (state.keys is None or _find(state.keys, kid) is None):
            async with state.lock:  # the fetch under way may bring this kid: wait for it
                pass
        keys = self._usable_keys(state)
        if keys is None:
            raise IdentityProviderUnavailable(retry_after=self._retry_after(state))
        jwk = _find(keys, kid)
        if jwk is None:
            if state.failed:
                raise IdentityProviderUnavailable(retry_after=self._retry_after(state))
            raise _invalid("it names a key its issuer does not publish")
        return jwk

    def _needs_fetch(self, state: _Keys, kid: str | None) -> bool:
        since_attempt = self._clock() - state.attempted_at
        if state.failed:
            return since_attempt >= self._failure_backoff
        if state.keys is None:
            return True
        stale = self._clock() - state.fetched_at >= self._ttl
        return (stale or _find(state.keys, kid) is None) and since_attempt >= self._refetch_interval

    def _usable_keys(self, state: _Keys) -> dict[str | None, dict[str, Any]] | None:
        """The cached keys unless they outlived ``jwks_ttl + max_stale`` (provider down)."""
        if state.keys is None or self._clock() - state.fetched_at > self._ttl + self._max_stale:
            return None
        return state.keys

    def _retry_after(self, state: _Keys) -> int:
        waited = self._clock() - state.attempted_at
        return max(1, math.ceil(self._failure_backoff - waited))

    async def _refresh(self, issuer: OIDCIssuer, state: _Keys) -> None:
        """Fetches discovery (once) and the keys. On failure the previous keys, if any, stay
        in use until the provider answers again."""
        state.attempted_at = self._clock()
        try:
            async with asyncio.timeout(self._fetch_timeout):
                if state.jwks_uri is None:
                    discovery = await self._get_json(_discovery_url(issuer))
                    state.jwks_uri = _jwks_uri(discovery, issuer)
                state.keys = _signing_keys(await self._get_json(state.jwks_uri))
        except (_ProviderError, TimeoutError) as error:
            reason = error.reason if isinstance(error, _ProviderError) else "timed out"
            state.failed = True
            _log.warning(
                "oidc.provider_unreachable",
                issuer=issuer.issuer,
                reason=reason,
                keeps_previous_keys=state.keys is not None,
            )
        else:
            state.failed = False
            state.fetched_at = state.attempted_at
        finally:
            state.attempts += 1

    async def _get_json(self, url: str) -> Any:
        try:
            response = await self._client.get(url, headers={"Accept": "application/json"})
        except httpx.HTTPError as error:
            raise _ProviderError(f"{type(error).__name__} on {url}") from None
        if response.status_code != 200:
            raise _ProviderError(f"HTTP {response.status_code} on {url}")
        try:
            return response.json()
        except ValueError:
            raise _ProviderError(f"no JSON at {url}") from None


class _ProviderError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _peek(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims, not yet trusted: just enough to choose the issuer and key."""
    if len(token) > _MAX_TOKEN_LENGTH:
        raise _invalid("it is too long")
    try:
        header = jwt.get_unverified_header(token)
        payload = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        raise _invalid("it is malformed") from None
    if not isinstance(payload, dict):
        raise _invalid("it is malformed")
    return header, payload


def _discovery_url(issuer: OIDCIssuer) -> str:
    return issuer.issuer.rstrip("/") + "/.well-known/openid-configuration"


def _jwks_uri(document: Any, issuer: OIDCIssuer) -> str:
    if not isinstance(document, dict):
        raise _ProviderError("the discovery document is not an object")
    if document.get("issuer") != issuer.issuer:
        raise _ProviderError("the discovery document names another issuer")
    uri = document.get("jwks_uri")
    if not isinstance(uri, str) or not uri.startswith(("https://", "http://")):
        raise _ProviderError("the discovery document has no jwks_uri")
    return uri


def _signing_keys(document: Any) -> dict[str | None, dict[str, Any]]:
    """The published signing keys by ``kid``; symmetric and encryption keys are dropped."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise _ProviderError("the JWKS has no 'keys' list")
    keys: dict[str | None, dict[str, Any]] = {}
    for jwk in document["keys"]:
        if not isinstance(jwk, dict) or jwk.get("kty") not in {"RSA", "EC", "OKP"}:
            continue
        if jwk.get("use", "sig") != "sig":
            continue
        kid = jwk.get("kid")
        keys[kid if isinstance(kid, str) else None] = jwk
    return keys


def _find(keys: dict[str | None, dict[str, Any]], kid: str | None) -> dict[str, Any] | None:
    if kid is not None:
        return keys.get(kid)
    return next(iter(keys.values())) if len(keys) == 1 else None  # no kid: only if unambiguous


def _public_key(jwk: dict[str, Any], algorithm: str) -> jwt.PyJWK:
    """The JWK as a key for ``algorithm`` only: its type, curve and declared ``alg`` must
    agree, so a key can never be used with an algorithm it was not published for."""
    if jwk.get("kty") != _KEY_TYPES[algorithm]:
        raise _invalid("its algorithm does not match its key")
    if algorithm in _CURVES and jwk.get("crv") != _CURVES[algorithm]:
        raise _invalid("its algorithm does not match its key")
    if jwk.get("alg", algorithm) != algorithm:
        raise _invalid("its algorithm does not match its key")
    try:
        return jwt.PyJWK(jwk, algorithm=algorithm)
    except (jwt.PyJWKError, jwt.InvalidKeyError):
        raise _invalid("its issuer publishes an unusable key") from None


def _timestamp(payload: Mapping[str, Any], claim: str) -> float | None:
    value = payload.get(claim)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _invalid(f"the claim '{claim}' is not a time")
    return float(value)


def _claims(payload: Mapping[str, Any], issuer: OIDCIssuer) -> Claims:
    email = payload.get("email")
    if not isinstance(email, str) or not email.strip():
        raise _invalid("it names no e-mail")
    subject = payload["sub"]
    if not isinstance(subject, str) or not subject:
        raise _invalid("the claim 'sub' is missing")
    # ProConnect-style providers give the name in use as `usual_name`; the hub's own
    # provider gives the standard `family_name` (the one Infogreffe's check compares).
    last_name = _text(payload, "family_name")
    if issuer.kind == "AGENT":
        last_name = _text(payload, "usual_name") or last_name
    names = [name for name in (_text(payload, "given_name"), last_name) if name]
    verified = payload.get("email_verified")
    return Claims(
        subject=subject,
        email=email.strip().lower(),
        expires_at=float(payload["exp"]),
        name=" ".join(names) or None,
        provider_kind=issuer.kind,
        siret=_text(payload, "siret"),
        email_verified=verified if isinstance(verified, bool) else None,
        issuer=issuer.issuer,
        identity_assured=identity_assured(dict(payload), issuer.assured_acr_values),
    )


def _text(payload: Mapping[str, Any], claim: str) -> str | None:
    value = payload.get(claim)
    return (value.strip() or None) if isinstance(value, str) else None


def _invalid(reason: str) -> InvalidToken:
    return InvalidToken(f"The token is not valid: {reason}.")
