"""A partner's HTTP client: ``httpx.AsyncClient`` that keeps no cookie.

One client serves the calls made for every viewer of the gateway. Left to httpx, it would
keep what a partner sets with ``Set-Cookie`` and send it with every later call, whoever that
call is for: a session the partner opened for one viewer's call would carry over to the
next viewer's. Partners are reached with keys and tokens, never with cookies, so the
client's jar refuses every cookie (the standard library's policy: no domain is allowed)."""

from __future__ import annotations

from http.cookiejar import DefaultCookiePolicy
from typing import Any

import httpx

__all__ = ["partner_client"]


def partner_client(**options: Any) -> httpx.AsyncClient:
    """``httpx.AsyncClient(**options)`` whose cookie jar stays empty."""
    client = httpx.AsyncClient(**options)
    client.cookies.jar.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    return client
