"""The DEL sandbox: démarches-simplifiées' GraphQL API, served by graphql-core.

(``del`` is a Python keyword: the package is ``del_``.)"""

from __future__ import annotations

from sandbox.del_.app import create_app

__all__ = ["create_app"]
