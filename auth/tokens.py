"""Bearer tokens: verification, and the dev issuer that exists in sandbox mode only."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import jwt

__all__ = [
    "ASSURED_ACR_VALUES",
    "Claims",
    "DevTokenIssuer",
    "InvalidToken",
    "ProviderKind",
    "identity_assured",
    "load_or_create_secret",
    "token_error_reason",
]

DEV_ISSUER = "hub-gateway-sandbox"
AUDIENCE = "hub-gateway"
_ALGORITHMS = ["HS256"]

ASSURED_ACR_VALUES = ("eidas2", "eidas3")
"""The ``acr`` values that vouch for a person's identity: eIDAS "substantial" and "high"
(FranceConnect+ and the identity providers behind it). ``eidas1`` ("low": a verified e-mail
and a password) does not."""

ProviderKind = Literal["AGENT", "COMPANY"]
"""Whom an identity provider signs in: network agents (a ProConnect-style provider) or the
people of companies and project holders (the hub's own provider)."""


class InvalidToken(Exception):
    """The bearer token cannot be accepted; the message says why, without echoing it."""


@dataclass(frozen=True, slots=True)
class Claims:
    subject: str
    email: str
    expires_at: float
    """Unix time after which the token is refused."""
    name: str | None = None
    """The person's name as the identity provider vouches for it (``given_name`` and
    ``family_name``), never the name typed into the hub."""
    provider_kind: ProviderKind | None = None
    """Which accounts the token's issuer may sign in; ``None`` for the sandbox's dev
    issuer, which stands in for every provider."""
    siret: str | None = None
    """The establishment an agents' provider says the person signed in for."""
    email_verified: bool | None = None
    """The provider's ``email_verified``; ``False`` never maps to an account."""
    issuer: str | None = None
    """The token's ``iss``: with ``subject``, what an account is bound to."""
    identity_assured: bool = False
    """The provider vouches for the person's identity (:func:`identity_assured`)."""


def identity_assured(payload: dict[str, object], acr_values: tuple[str, ...]) -> bool:
    """Whether a token's claims vouch for who the person is: an ``acr`` (authentication
    context class) among ``acr_values``, or OpenID Connect for Identity Assurance's
    ``verified_claims`` with their ``verification`` (evidence checked by the provider)."""
    acr = payload.get("acr")
    if isinstance(acr, str) and acr in acr_values:
        return True
    verified = payload.get("verified_claims")
    blocks = verified if isinstance(verified, list) else [verified]
    return any(isinstance(block, dict) and isinstance(block.get("verification"), dict)
               for block in blocks)  # fmt: skip


def load_or_create_secret(path: Path) -> bytes:
    """The dev issuer's signing key: random, made once per machine, readable by its owner only."""
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    path.touch(mode=0o600)
    path.write_bytes(key)
    return key


class DevTokenIssuer:
    """Signs and verifies HS256 tokens for seeded sandbox accounts. Refuses to exist when a
    real identity provider is configured, so it can never mint tokens in production."""

    def __init__(self, key: bytes, *, ttl_seconds: int = 12 * 3600, leeway: int = 30) -> None:
        self._key = key
        self._ttl = ttl_seconds
        self._leeway = leeway

    def issue(
        self,
        *,
        subject: str,
        email: str,
        given_name: str | None = None,
        family_name: str | None = None,
        now: float | None = None,
        acr: str | None = None,
    ) -> str:
        issued = int(time.time() if now is None else now)
        payload: dict[str, object] = {
            "iss": DEV_ISSUER,
            "aud": AUDIENCE,
            "sub": subject,
            "email": email,
            "iat": issued,
            "exp": issued + self._ttl,
        }
        if given_name:
            payload["given_name"] = given_name
        if family_name:
            payload["family_name"] = family_name
        if acr:
            payload["acr"] = acr
        return jwt.encode(payload, self._key, algorithm="HS256")

    def verify(self, token: str) -> Claims:
        try:
            payload = jwt.decode(
                token,
                self._key,
                algorithms=_ALGORITHMS,
                audience=AUDIENCE,
                issuer=DEV_ISSUER,
                leeway=self._leeway,
                options={"require": ["exp", "iat", "sub", "aud", "iss"]},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken("The token has expired: ask for a new one.") from None
        except jwt.InvalidTokenError as error:
            raise InvalidToken(f"The token is not valid: {token_error_reason(error)}.") from None
        email = payload.get("email")
        if not isinstance(email, str) or not email:
            raise InvalidToken("The token is not valid: it names no e-mail.")
        names = [payload.get("given_name"), payload.get("family_name")]
        full_name = " ".join(n for n in names if isinstance(n, str) and n.strip()) or None
        return Claims(
            subject=str(payload["sub"]),
            email=email.lower(),
            expires_at=float(payload["exp"]),
            name=full_name,
            issuer=DEV_ISSUER,
            identity_assured=identity_assured(payload, ASSURED_ACR_VALUES),
        )


def token_error_reason(error: jwt.InvalidTokenError) -> str:
    """Why PyJWT refused a token, in words that repeat nothing of the token."""
    if isinstance(error, jwt.InvalidSignatureError):
        return "its signature does not match"
    if isinstance(error, jwt.InvalidAudienceError):
        return "it is meant for another audience"
    if isinstance(error, jwt.InvalidIssuerError):
        return "it comes from an unknown issuer"
    if isinstance(error, jwt.InvalidAlgorithmError):
        return "its algorithm is not accepted"
    if isinstance(error, jwt.MissingRequiredClaimError):
        return f"the claim '{error.claim}' is missing"
    if isinstance(error, jwt.InvalidKeyError):
        return "its issuer publishes an unusable key"
    return "it is malformed"
