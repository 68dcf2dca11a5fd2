"""A file store on a local folder: each file under a random key, written whole (a temporary
file renamed into place) and readable by the gateway's user only."""

from __future__ import annotations

import asyncio
import os
import re
import secrets
from pathlib import Path

__all__ = ["FileNotStored", "LocalFileStore"]

_KEY = re.compile(r"^[a-z0-9]{32}\.(pdf|jpg|png)$")


class FileNotStored(Exception):
    """No file under this key (or the key is not one the store gives)."""


class LocalFileStore:
    """``put`` returns a key the database keeps; nothing here is ever served as a URL."""

    def __init__(self, root: Path) -> None:
        self.root = root

    async def put(self, data: bytes, *, extension: str) -> str:
        key = f"{secrets.token_hex(16)}.{extension}"
        await asyncio.to_thread(self._write, key, data)
        return key

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self._read, key)

    async def delete(self, key: str) -> None:
        """Idempotent: an absent file is no error."""
        path = self._path(key)
        await asyncio.to_thread(path.unlink, missing_ok=True)

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise FileNotStored(key)
        return self.root / key[:2] / key

    def _write(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = path.with_suffix(".part")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        partial.replace(path)

    def _read(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise FileNotStored(key) from None
