"""What API Entreprise's error answers say: ``{"errors": [{"code", "title", "detail"}]}``."""

from __future__ import annotations

from typing import Any

import httpx

__all__ = ["summarise_error", "upstream_error_summary"]


def summarise_error(response: httpx.Response) -> str:
    """The summary of an error answer (the shared caller's summariser for API Entreprise)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    return upstream_error_summary(body)


def upstream_error_summary(body: Any) -> str:
    """``"04003 Entité non trouvée"`` from ``{"errors": [{"code", "title", "detail"}]}``."""
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            first = errors[0]
            parts = [str(first[key]) for key in ("code", "title") if first.get(key)]
            if parts:
                return " ".join(parts)
    return "no error body"
