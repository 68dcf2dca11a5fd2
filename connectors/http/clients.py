"""A partner's HTTP client: ``httpx.AsyncClient`` that keeps no cookie.

One client serves the calls made for every viewer of the gateway. Left to httpx, it would
keep what a partner sets with ``Set-Cookie`` and send it with every later call, whoever that
call is for: a session the partner opened for one viewer's call would carry over to the
next viewer's. Partners are reached with keys and tokens, never with cookies, so the
client's cookies are an empty set that takes nothing from an answer: httpx hands it every
answer (``Cookies.extract_cookies``), and it does not even read the answer's headers. A
jar that refused every cookie by its policy still cost each call the standard library's
cookie machinery, a twentieth of a cold portfolio's CPU (56 calls)."""

from __future__ import annotations

from typing import Any, NoReturn

import httpx

__all__ = ["partner_client"]


class _NoCookies(httpx.Cookies):
    """Cookies that stay empty: nothing is taken from an answer."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None


class _PartnerClient(httpx.AsyncClient):
    def __init__(self, **options: Any) -> None:
        if options.get("cookies"):
            raise ValueError("a partner's client sends no cookie")
        super().__init__(**options)
        self._no_cookies = _NoCookies()

    @property
    def cookies(self) -> httpx.Cookies:
        return self._no_cookies

    @cookies.setter
    def cookies(self, cookies: Any) -> NoReturn:
        raise ValueError("a partner's client sends no cookie")


def partner_client(**options: Any) -> httpx.AsyncClient:
    """``httpx.AsyncClient(**options)`` whose cookies stay empty."""
    return _PartnerClient(**options)
