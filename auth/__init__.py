"""Identity, the Viewer, the visibility tiers and the one mechanism that enforces them."""

from __future__ import annotations

from auth.identity import Authenticator
from auth.tiers import Access, Tier, allows
from auth.tokens import Claims, DevTokenIssuer, InvalidToken, load_or_create_secret
from auth.viewer import ANONYMOUS, Viewer, ViewerKind
from auth.visibility import Visibility, VisibleTo, tiered

__all__ = [
    "ANONYMOUS",
    "Access",
    "Authenticator",
    "Claims",
    "DevTokenIssuer",
    "InvalidToken",
    "Tier",
    "Viewer",
    "ViewerKind",
    "Visibility",
    "VisibleTo",
    "allows",
    "load_or_create_secret",
    "tiered",
]
