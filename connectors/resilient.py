"""One resilient JSON GET, for the partner connectors that have no special protocol (the aid
catalogues): a time budget, retries with exponential backoff and full jitter (or the
partner's ``Retry-After``), and a circuit breaker per source (purgatory).

Every call is a GET (idempotent), so timeouts, connection errors, 429, 502, 503 and 504 are
retried inside ``Resilience.timeout``. Failures come out as the typed connector errors of
``connectors.errors``, never as httpx exceptions.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import structlog
from purgatory import AsyncCircuitBreakerFactory
from purgatory.domain.model import OpenedState

from connectors.entreprise.failures import RETRYABLE_STATUSES, failure_for
from connectors.entreprise.ratelimits import parse_retry_after
from connectors.errors import ConnectorError, UpstreamUnavailable
from connectors.metrics import UPSTREAM_CALLS, UPSTREAM_SECONDS

__all__ = ["Resilience", "ResilientGetter", "Sleep"]

Sleep = Callable[[float], Awaitable[None]]

_log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Resilience:
    timeout: float = 5.0
    """Total budget of one call in seconds, retries and waits included."""
    max_retries: int = 2
    breaker_threshold: int = 5
    breaker_reset_seconds: float = 30.0
    backoff_base: float = 0.2
    backoff_max: float = 2.0


def _is_not_a_failure(exc: BaseException) -> bool:
    """Only "the partner is unwell" counts against the breaker; 404, 4xx and 429 do not."""
    return not isinstance(exc, UpstreamUnavailable)


class ResilientGetter:
    """GETs JSON from one partner (``source``) through ``client``."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        source: str,
        resilience: Resilience,
        *,
        headers: Mapping[str, str] | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        """``headers`` go with every call (e.g. the partner's API key)."""
        self._client = client
        self.source = source
        self._headers = dict(headers or {})
        self._resilience = resilience
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._breakers = AsyncCircuitBreakerFactory(
            default_threshold=resilience.breaker_threshold,
            default_ttl=resilience.breaker_reset_seconds,
            exclude=[(ConnectorError, _is_not_a_failure), asyncio.CancelledError],
        )

    async def get_json(
        self,
        path: str,
        *,
        name: str,
        params: Mapping[str, str | int] | None = None,
    ) -> Any:
        """The decoded JSON body of a 2xx answer, or a typed ConnectorError. ``name`` labels
        the call in metrics and logs (e.g. ``"region_page"``)."""
        breaker = await self._breakers.get_breaker(self.source)
        try:
            async with breaker:
                return await self._get_with_retries(path, name, params or {})
        except OpenedState as opened:
            opened.with_traceback(None)  # purgatory re-raises one instance: keep it small
            _log.warning("partner.breaker_fail_fast", source=self.source)
            raise failure_for(self.source, None, reason="circuit breaker open") from None

    async def _get_with_retries(self, path: str, name: str, params: Mapping[str, str | int]) -> Any:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._resilience.timeout
        attempt = 0
        while True:
            budget = deadline - loop.time()
            if budget <= 0:
                raise failure_for(self.source, None, reason="time budget spent")
            started = loop.time()
            retry_after: float | None = None
            try:
                async with asyncio.timeout(budget):
                    response = await self._client.get(path, params=params, headers=self._headers)
            except (httpx.TimeoutException, TimeoutError):
                status, reason = None, "timeout"
            except httpx.RequestError as exc:
                status, reason = None, f"connection error: {type(exc).__name__}"
            else:
                status = response.status_code
                if 200 <= status < 300:
                    self._log_call(name, status, started, attempt)
                    try:
                        return response.json()
                    except ValueError:
                        raise failure_for(
                            self.source, None, reason="unreadable response body"
                        ) from None
                reason = f"HTTP {status}"
                if status == 429:
                    retry_after = parse_retry_after(response.headers.get("retry-after"))
            self._log_call(name, status, started, attempt)
            error = failure_for(self.source, status, reason=reason, retry_after=retry_after)
            retryable = status is None or status in RETRYABLE_STATUSES
            if not retryable or attempt >= self._resilience.max_retries:
                raise error
            delay = retry_after if retry_after is not None else self._backoff(attempt)
            if delay >= deadline - loop.time():
                raise error
            _log.info("partner.retry", source=self.source, call=name, status=status)
            await self._sleep(delay)
            attempt += 1

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self._resilience.backoff_max, self._resilience.backoff_base * 2**attempt)
        return self._rng.uniform(0, ceiling)

    def _log_call(self, name: str, status: int | None, started: float, attempt: int) -> None:
        duration = asyncio.get_running_loop().time() - started
        UPSTREAM_CALLS.labels(self.source, name, str(status or "error")).inc()
        UPSTREAM_SECONDS.labels(self.source, name).observe(duration)
        _log.info(
            "partner.call",
            source=self.source,
            call=name,
            status=status,
            duration_ms=round(duration * 1000, 1),
            attempt=attempt,
        )
