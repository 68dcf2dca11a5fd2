"""Files kept outside the database (identity documents): a local folder by default."""

from __future__ import annotations

from connectors.files.local import FileNotStored, LocalFileStore

__all__ = ["FileNotStored", "LocalFileStore"]
