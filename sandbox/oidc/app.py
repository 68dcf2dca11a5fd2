"""A local OpenID Connect provider for tests and the sandbox: it serves a discovery document
and a JWKS over HTTP and mints tokens with its own keys, which it can rotate and retire.

A server on port 0 learns its URL only once started, so the issuer is a mutable attribute::

    provider = OIDCProvider()
    async with serving(create_app(provider)) as url:
        provider.issuer = url
        token = provider.issue({"sub": "a1", "aud": "hub-gateway", "email": "a@b.fr"})

Several issuers can share one server, each under its own path (:func:`create_multi_app`):
the sandbox runs the agents' provider (ProConnect-style claims) at ``/agents`` and the hub's
own provider (company users) at ``/hub``. ``GET {issuer}/mint?email=…`` mints a token there
(a stand-in for the login flow; this server exists for the sandbox and tests only).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route

__all__ = [
    "DISCOVERY_PATH",
    "JWKS_PATH",
    "MINT_PATH",
    "OIDCProvider",
    "create_app",
    "create_multi_app",
    "providers_setting",
    "sandbox_providers",
]

DISCOVERY_PATH = "/.well-known/openid-configuration"
JWKS_PATH = "/jwks.json"
MINT_PATH = "/mint"
_MINTED_CLAIMS = ("sub", "email", "given_name", "family_name", "usual_name", "siret", "acr")

KeyType = Literal["RSA", "EC"]
_PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True, slots=True)
class _Key:
    kid: str
    private: _PrivateKey
    algorithm: str


class OIDCProvider:
    """The provider's state: issuer, keys (published or retired), and request counts."""

    def __init__(
        self,
        issuer: str = "",
        *,
        key_type: KeyType = "RSA",
        ttl: int = 300,
        audience: str = "hub-gateway",
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        """The ``aud`` of minted tokens."""
        """Set it once the app is served: it prefixes the discovery document's URLs."""
        self.ttl = ttl
        self.available = True
        """``False``: every endpoint answers 503, as a provider in an outage would."""
        self.requests: Counter[str] = Counter()
        """Requests served, by path."""
        self._keys: dict[str, _Key] = {}
        self._published: list[str] = []
        self.current_kid = self.rotate(key_type)

    def rotate(self, key_type: KeyType = "RSA") -> str:
        """Adds a new key, published and used from now on; returns its ``kid``."""
        kid = secrets.token_hex(8)
        private: _PrivateKey
        if key_type == "RSA":
            private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            algorithm = "RS256"
        else:
            private = ec.generate_private_key(ec.SECP256R1())
            algorithm = "ES256"
        self._keys[kid] = _Key(kid, private, algorithm)
        self._published.append(kid)
        self.current_kid = kid
        return kid

    def retire(self, kid: str) -> None:
        """Stops publishing a key; it can still sign (to test that such tokens are refused)."""
        self._published.remove(kid)

    @property
    def published(self) -> tuple[str, ...]:
        return tuple(self._published)

    def issue(
        self,
        claims: dict[str, Any],
        kid: str | None = None,
        alg: str | None = None,
        *,
        headers: dict[str, Any] | None = None,
    ) -> str:
        """A token signed by ``kid`` (the current key by default) with ``alg`` (the key's
        own algorithm by default). ``iss``, ``iat`` and ``exp`` are added unless given; a
        claim given as ``None`` is left out."""
        key = self._keys[kid or self.current_kid]
        now = int(time.time())
        defaults = {"iss": self.issuer, "iat": now, "exp": now + self.ttl}
        payload = {
            name: value for name, value in {**defaults, **claims}.items() if value is not None
        }
        return jwt.encode(
            payload,
            key.private,
            algorithm=alg or key.algorithm,
            headers={"kid": key.kid, **(headers or {})},
        )

    def public_pem(self, kid: str | None = None) -> bytes:
        """The public key in PEM, as an attacker who read the JWKS could have it."""
        return (
            self._keys[kid or self.current_kid]
            .private.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "jwks_uri": self.issuer.rstrip("/") + JWKS_PATH,
            "authorization_endpoint": self.issuer.rstrip("/") + "/authorize",
            "token_endpoint": self.issuer.rstrip("/") + "/token",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256", "ES256"],
        }

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid in self._published:
            key = self._keys[kid]
            jwk: dict[str, Any] = jwt.get_algorithm_by_name(key.algorithm).to_jwk(
                key.private.public_key(), as_dict=True
            )
            keys.append({**jwk, "kid": kid, "use": "sig", "alg": key.algorithm})
        return {"keys": keys}

    def mint(self, params: Mapping[str, str]) -> str:
        """A token as the login flow would end with: ``email`` required; ``sub`` (default:
        derived from the e-mail), names, ``siret`` and ``acr`` as given; the e-mail verified."""
        email = params["email"]
        claims: dict[str, Any] = {name: params.get(name) for name in _MINTED_CLAIMS}
        claims["sub"] = (
            claims["sub"] or "sandbox-" + hashlib.sha256(email.encode()).hexdigest()[:16]
        )
        return self.issue({**claims, "aud": self.audience, "email_verified": True})


def _routes(provider: OIDCProvider) -> list[Route]:
    async def discovery(request: Request) -> Response:
        return _answer(provider, DISCOVERY_PATH, provider.discovery)

    async def jwks(request: Request) -> Response:
        return _answer(provider, JWKS_PATH, provider.jwks)

    async def mint(request: Request) -> Response:
        if not request.query_params.get("email"):
            return JSONResponse({"error": "invalid_request: email is required"}, 400)
        return PlainTextResponse(provider.mint(request.query_params))

    return [Route(DISCOVERY_PATH, discovery), Route(JWKS_PATH, jwks), Route(MINT_PATH, mint)]


def create_app(provider: OIDCProvider) -> Starlette:
    """One issuer at the server's root."""
    app = Starlette(routes=_routes(provider))
    app.state.provider = provider
    return app


def create_multi_app(providers: Mapping[str, OIDCProvider]) -> Starlette:
    """Several issuers on one server, each under ``/{name}``: once served at ``url``, set
    each provider's ``issuer`` to ``f"{url}/{name}"``."""
    return Starlette(routes=[Mount(f"/{name}", routes=_routes(p)) for name, p in providers.items()])


def sandbox_providers(base_url: str, *, ttl: int = 3600) -> dict[str, OIDCProvider]:
    """The sandbox's two issuers under ``base_url``: ``agents`` (ProConnect-style, kind
    AGENT) and ``hub`` (the hub's own provider, kind COMPANY)."""
    return {name: OIDCProvider(f"{base_url}/{name}", ttl=ttl) for name in ("agents", "hub")}


def providers_setting(providers: Mapping[str, OIDCProvider]) -> str:
    """The ``OIDC_PROVIDERS`` value that points a gateway at ``sandbox_providers``."""
    kinds = {"agents": "AGENT", "hub": "COMPANY"}
    return json.dumps(
        [
            {"issuer": p.issuer, "audience": p.audience, "kind": kinds.get(name, "AGENT")}
            for name, p in providers.items()
        ]
    )


def _answer(provider: OIDCProvider, path: str, body: Callable[[], dict[str, Any]]) -> Response:
    provider.requests[path] += 1
    if not provider.available:
        return JSONResponse({"error": "temporarily_unavailable"}, status_code=503)
    return JSONResponse(body())
