"""Partner API keys: their shape, the keyed hash at rest, and the Viewer a key acts as;
unknown, revoked and expired keys refused with a reason that never echoes the key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from auth.api_keys import KeyHasher, api_key_in, mint
from auth.scopes import Scope
from auth.tokens import InvalidToken
from auth.viewer import ViewerKind
from resolvers.context import Services
from tests.partners import make_key


def test_a_key_is_told_from_a_jwt_by_its_prefix() -> None:
    assert api_key_in("Bearer hubk_0123456789_secret") == "hubk_0123456789_secret"
    assert api_key_in("bearer  hubk_0123456789_secret ") == "hubk_0123456789_secret"
    assert api_key_in("Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig") is None
    assert api_key_in("Basic hubk_0123456789_secret") is None
    assert api_key_in(None) is None


def test_minted_keys_are_random_and_only_their_keyed_hash_is_kept() -> None:
    hasher = KeyHasher(b"pepper-pepper-pepper")
    first, second = mint(hasher), mint(hasher)
    assert first.key != second.key
    assert first.key.startswith(f"hubk_{first.prefix}_") and len(first.prefix) == 10
    assert first.key not in first.secret_hash and len(first.secret_hash) == 64
    assert hasher.matches(first.key, first.secret_hash)
    assert not KeyHasher(b"another-pepper-value").matches(first.key, first.secret_hash)


def test_a_short_pepper_is_refused() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        KeyHasher(b"short")


async def test_a_key_acts_as_a_member_of_its_structure_with_its_scopes(
    services: Services,
) -> None:
    _, viewer = await make_key(services, "cci-gard", frozenset({Scope.COMPANIES_READ}),
                               rate_limit=30)  # fmt: skip
    assert viewer.kind is ViewerKind.PARTNER
    assert viewer.structure_id == "cci-gard" and viewer.network_member
    assert viewer.account_id is None and viewer.agent_id is None and viewer.email is None
    assert viewer.partner is not None and viewer.partner.rate_limit == 30
    assert viewer.grants(Scope.COMPANIES_READ) and not viewer.grants(Scope.DIRECTORY_READ)


async def test_a_key_of_a_structure_outside_the_network_is_no_network_member(
    services: Services,
) -> None:
    _, viewer = await make_key(services, "ademe")
    assert not viewer.network_member


async def test_the_database_holds_the_keyed_hash_never_the_key(services: Services) -> None:
    key, viewer = await make_key(services)
    async with services.writer.transaction() as tx:
        rows = (await tx.session.execute(sa.text("SELECT * FROM partner_api_keys"))).all()
    stored = " ".join(str(value) for row in rows for value in row)
    secret = key.split("_", 2)[2]
    assert secret not in stored and key not in stored
    assert viewer.partner is not None and viewer.partner.key_id in stored


@pytest.mark.parametrize(
    "forge",
    [
        lambda key: key[:-1] + ("A" if key[-1] != "A" else "B"),  # right prefix, wrong secret
        lambda key: "hubk_0000000000_" + key.split("_", 2)[2],  # unknown prefix
        lambda key: "hubk_nonsense",
    ],
)
async def test_an_unknown_key_is_refused_without_echoing_it(services: Services, forge) -> None:
    key, _ = await make_key(services)
    forged = forge(key)
    with pytest.raises(InvalidToken) as refused:
        await services.api_keys.viewer(forged)
    assert str(refused.value) == "The API key is not known to the hub."
    assert forged not in str(refused.value)


async def test_a_revoked_key_is_refused_at_once_on_this_instance(services: Services) -> None:
    key, viewer = await make_key(services)
    assert viewer.partner is not None
    await services.api_keys.viewer(key)  # remembered
    await services.api_keys.revoke(viewer.partner.key_id, by=None)
    with pytest.raises(InvalidToken, match="revoked"):
        await services.api_keys.viewer(key)


async def test_an_expired_key_is_refused(services: Services) -> None:
    key, viewer = await make_key(services, expires_at=datetime.now(UTC) + timedelta(seconds=1))
    assert viewer.partner is not None
    async with services.writer.transaction() as tx:  # time passes: it expired an hour ago
        await tx.session.execute(sa.text("UPDATE partner_api_keys SET expires_at = :at"),
                                 {"at": datetime.now(UTC) - timedelta(hours=1)})  # fmt: skip
    services.api_keys._viewers.clear()  # as after the 10 s memory
    with pytest.raises(InvalidToken, match="expired on"):
        await services.api_keys.viewer(key)


async def test_an_expiring_key_is_remembered_no_longer_than_its_expiry(services: Services) -> None:
    soon = datetime.now(UTC) + timedelta(seconds=1)
    _, _ = await make_key(services, expires_at=soon)
    remembered = next(iter(services.api_keys._viewers.values()))
    assert remembered[1] == pytest.approx(soon.timestamp())
