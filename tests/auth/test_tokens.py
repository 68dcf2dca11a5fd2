from __future__ import annotations

import time
from pathlib import Path

import jwt
import pytest

from auth.tokens import DevTokenIssuer, InvalidToken, load_or_create_secret


def test_issued_token_verifies_to_its_account() -> None:
    issuer = DevTokenIssuer(b"k" * 32)
    claims = issuer.verify(issuer.issue(subject="acc-1", email="Claire.Leroy@leroy-sas.example"))
    assert (claims.subject, claims.email) == ("acc-1", "claire.leroy@leroy-sas.example")


def test_expired_token_is_refused_with_a_clear_message() -> None:
    issuer = DevTokenIssuer(b"k" * 32, ttl_seconds=60, leeway=0)
    token = issuer.issue(subject="a", email="a@b.example", now=time.time() - 3600)
    with pytest.raises(InvalidToken, match="expired"):
        issuer.verify(token)


def test_token_signed_with_another_key_is_refused() -> None:
    token = DevTokenIssuer(b"a" * 32).issue(subject="a", email="a@b.example")
    with pytest.raises(InvalidToken, match="signature"):
        DevTokenIssuer(b"b" * 32).verify(token)


def test_unsigned_token_is_refused() -> None:
    token = jwt.encode(
        {
            "sub": "a",
            "email": "a@b.example",
            "aud": "hub-gateway",
            "iss": "hub-gateway-sandbox",
            "iat": int(time.time()),
            "exp": int(time.time()) + 60,
        },
        key=None,
        algorithm="none",
    )
    with pytest.raises(InvalidToken, match="algorithm|malformed"):
        DevTokenIssuer(b"k" * 32).verify(token)


def test_garbage_is_refused_and_not_echoed() -> None:
    with pytest.raises(InvalidToken) as caught:
        DevTokenIssuer(b"k" * 32).verify("not-a-jwt-secret-value")
    assert "not-a-jwt-secret-value" not in str(caught.value)


def test_secret_is_created_once_and_private(tmp_path: Path) -> None:
    path = tmp_path / "var" / "secret"
    first = load_or_create_secret(path)
    assert load_or_create_secret(path) == first and len(first) == 32
    assert path.stat().st_mode & 0o077 == 0


def test_the_identity_providers_names_are_carried_as_the_verified_name() -> None:
    issuer = DevTokenIssuer(b"k" * 32)
    named = issuer.verify(
        issuer.issue(subject="a", email="a@b.example", given_name="Hélène", family_name="Vidal")
    )
    assert named.name == "Hélène Vidal"
    assert issuer.verify(issuer.issue(subject="a", email="a@b.example")).name is None
