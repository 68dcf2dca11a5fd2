"""Stand-in OpenID Connect provider (Starlette): discovery, JWKS, tokens minted on demand."""

from __future__ import annotations

from sandbox.oidc.app import OIDCProvider, create_app, create_multi_app

__all__ = ["OIDCProvider", "create_app", "create_multi_app"]
