"""Partner API keys: how they look, how they are minted and checked, and the Viewer a key
acts as (a member of its structure, with its scopes).

A key reads ``hubk_<prefix>_<secret>``: the prefix (10 hex characters) is not secret and
finds the row; the secret is 256 random bits. The database keeps only
``HMAC-SHA256(pepper, key)``: keys are checked on every request, so the hash must be cheap,
and a slow password hash buys nothing against 256-bit random secrets that no dictionary
holds; the pepper (a server secret kept out of the database) means a stolen table alone
cannot even confirm a guess. Keys are sent as ``Authorization: Bearer hubk_…``: the
``hubk_`` prefix tells them from a JWT (which starts ``eyJ``)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from cachetools import TLRUCache

from auth.scopes import PartnerGrant, Scope
from auth.tokens import InvalidToken
from auth.viewer import Viewer, ViewerKind
from connectors.hubdb import CachedDirectory
from connectors.hubdb.partners import ApiKeyRecord, NewApiKey, PartnerStore

__all__ = [
    "KEY_PREFIX",
    "ApiKeys",
    "KeyHasher",
    "MintedKey",
    "api_key_in",
    "mint",
    "partner_viewer",
]

KEY_PREFIX = "hubk_"
_PREFIX_LENGTH = 10
_UNKNOWN = "The API key is not known to the hub."


def api_key_in(authorization: str | None) -> str | None:
    """The API key of an ``Authorization: Bearer hubk_…`` header; None for anything else
    (no header, another scheme, a JWT)."""
    if not authorization:
        return None
    scheme, _, credential = authorization.strip().partition(" ")
    credential = credential.strip()
    if scheme.lower() == "bearer" and credential.startswith(KEY_PREFIX):
        return credential
    return None


class KeyHasher:
    """The keyed hash of API keys; ``pepper`` is a server secret, never in the database."""

    def __init__(self, pepper: bytes) -> None:
        if len(pepper) < 16:
            raise ValueError("The API key pepper needs at least 16 bytes.")
        self._pepper = pepper

    def digest(self, key: str) -> str:
        return hmac.new(self._pepper, key.encode(), hashlib.sha256).hexdigest()

    def matches(self, key: str, stored: str) -> bool:
        return hmac.compare_digest(self.digest(key), stored)


@dataclass(frozen=True, slots=True)
class MintedKey:
    key: str
    """The whole key, shown once to whoever created it, never stored."""
    prefix: str
    secret_hash: str


def mint(hasher: KeyHasher) -> MintedKey:
    prefix = secrets.token_hex(_PREFIX_LENGTH // 2)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    return MintedKey(key=key, prefix=prefix, secret_hash=hasher.digest(key))


def _prefix_of(key: str) -> str | None:
    prefix, separator, secret = key.removeprefix(KEY_PREFIX).partition("_")
    if not separator or len(prefix) != _PREFIX_LENGTH or not secret or len(key) > 200:
        return None
    return prefix


def partner_viewer(record: ApiKeyRecord, *, in_network: bool) -> Viewer:
    """A key acts as a member of its structure: no account, no agent, its scopes."""
    scopes = frozenset(Scope[name] for name in record.scopes if name in Scope.__members__)
    return Viewer(
        kind=ViewerKind.PARTNER,
        structure_id=record.structure_id,
        network_member=in_network,
        partner=PartnerGrant(
            key_id=record.id,
            scopes=scopes,
            documents=None if record.documents is None else frozenset(record.documents),
            rate_limit=record.rate_limit,
        ),
    )


class ApiKeys:
    """Mints, checks and revokes keys. ``viewer`` finds a key's row by its prefix, checks
    the secret's hash, refuses revoked and expired keys, and builds the key's Viewer. A
    checked key is remembered ``ttl`` seconds (never past its expiry): a revocation shows at
    once on the instance that made it, within ``ttl`` on the others."""

    def __init__(
        self,
        store: PartnerStore,
        directory: CachedDirectory,
        hasher: KeyHasher,
        *,
        ttl: float = 10.0,
        size: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._directory = directory
        self._hasher = hasher
        self._clock = clock
        self._ttl = ttl
        self._viewers: TLRUCache[bytes, tuple[Viewer, float]] = TLRUCache(
            maxsize=size,
            ttu=lambda _key, value, now: min(now + self._ttl, value[1]),
            timer=clock,
        )

    async def viewer(self, key: str) -> Viewer:
        """``InvalidToken`` saying why (unknown, revoked, expired), never echoing the key."""
        digest = hashlib.sha256(key.encode()).digest()
        remembered = self._viewers.get(digest)
        if remembered is not None:
            return remembered[0]
        prefix = _prefix_of(key)
        found = await self._store.credentials(prefix) if prefix is not None else None
        if found is None or not self._hasher.matches(key, found[1]):
            raise InvalidToken(_UNKNOWN)
        record = found[0]
        now = self._clock()
        if record.revoked_at is not None:
            raise InvalidToken("The API key was revoked: ask the hub administrator for a new one.")
        expires = record.expires_at.timestamp() if record.expires_at else float("inf")
        if expires <= now:
            day = record.expires_at.astimezone(UTC).date().isoformat() if record.expires_at else ""
            raise InvalidToken(
                f"The API key expired on {day}: ask the hub administrator for a new one."
            )
        structures = await self._directory.structures([record.structure_id])
        structure = structures.get(record.structure_id)
        in_network = structure is not None and structure.in_network and structure.charter_signed
        viewer = partner_viewer(record, in_network=in_network)
        self._viewers[digest] = (viewer, expires)
        return viewer

    @property
    def store(self) -> PartnerStore:
        return self._store

    async def create(
        self,
        *,
        structure_id: str,
        name: str,
        scopes: frozenset[Scope],
        expires_at: datetime | None = None,
        rate_limit: int | None = None,
        documents: tuple[str, ...] | None = None,
        created_by: str | None = None,
    ) -> tuple[str, ApiKeyRecord]:
        """The new key (to show once) and its record; ``UnknownStructure`` if need be."""
        minted = mint(self._hasher)
        record = await self._store.create_key(
            NewApiKey(
                id=str(uuid.uuid4()),
                structure_id=structure_id,
                name=name,
                prefix=minted.prefix,
                secret_hash=minted.secret_hash,
                scopes=tuple(sorted(scope.name for scope in scopes)),
                documents=documents,
                rate_limit=rate_limit,
                created_by=created_by,
                expires_at=expires_at,
            ),
            now=datetime.fromtimestamp(self._clock(), UTC),
        )
        return minted.key, record

    async def revoke(self, key_id: str, *, by: str | None) -> ApiKeyRecord | None:
        """Refused from the next request on this instance, within ``ttl`` on the others."""
        record = await self._store.revoke(
            key_id, by=by, now=datetime.fromtimestamp(self._clock(), UTC)
        )
        for digest, (viewer, _) in list(self._viewers.items()):
            if viewer.partner is not None and viewer.partner.key_id == key_id:
                self._viewers.pop(digest, None)
        return record
