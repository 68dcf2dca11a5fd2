"""One GET to API Entreprise: mandatory parameters, time budget, retries, quota, breaker.

Every call is a GET (idempotent), so timeouts, connection errors, 429, 502, 503 and 504 are
retried with exponential backoff and full jitter — all inside ``config.timeout``. A circuit
breaker per upstream family (insee, infogreffe, dgfip, urssaf; purgatory) opens after
``breaker_threshold`` consecutive failed calls and fails fast until it half-opens.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import structlog
from purgatory import AsyncCircuitBreakerFactory
from purgatory.domain.model import OpenedState

from connectors.entreprise.config import EntrepriseConfig
from connectors.entreprise.endpoints import Endpoint
from connectors.entreprise.failures import (
    RETRYABLE_STATUSES,
    failure_for,
    upstream_error_summary,
)
from connectors.entreprise.ratelimits import RateLimits, parse_retry_after
from connectors.errors import ConnectorError, RateLimited, UpstreamUnavailable
from connectors.metrics import UPSTREAM_CALLS, UPSTREAM_SECONDS

__all__ = ["Sleep", "UpstreamCaller"]

Sleep = Callable[[float], Awaitable[None]]

_log = structlog.get_logger(__name__)


def _is_not_a_failure(exc: BaseException) -> bool:
    """Only "the upstream is unwell" counts against the breaker; 404, 4xx and 429 do not."""
    return not isinstance(exc, UpstreamUnavailable)


class UpstreamCaller:
    def __init__(
        self,
        client: httpx.AsyncClient,
        config: EntrepriseConfig,
        *,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._client = client
        self._config = config
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._rate_limits = RateLimits(low_watermark=config.rate_limit_low_watermark)
        self._breakers = AsyncCircuitBreakerFactory(
            default_threshold=config.breaker_threshold,
            default_ttl=config.breaker_reset_seconds,
            exclude=[(ConnectorError, _is_not_a_failure), asyncio.CancelledError],
        )
        self._breakers.add_listener(self._on_breaker_event)

    async def get(self, endpoint: Endpoint, identifier: str, *, object: str) -> dict[str, Any]:
        """The decoded JSON body of a 2xx answer, or a typed ConnectorError."""
        wait = self._rate_limits.wait_needed(endpoint.name)
        if wait > 0:
            raise RateLimited(endpoint.source, f"{endpoint.source}: quota spent, retry later", wait)
        breaker = await self._breakers.get_breaker(endpoint.source)
        try:
            async with breaker:
                return await self._get_with_retries(endpoint, identifier, object)
        except OpenedState as opened:
            opened.with_traceback(None)  # purgatory re-raises one instance: keep it from growing
            _log.warning("entreprise.breaker_fail_fast", endpoint=endpoint.name)
            raise failure_for(endpoint.source, None, reason="circuit breaker open") from None

    async def _get_with_retries(
        self, endpoint: Endpoint, identifier: str, object: str
    ) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._config.timeout
        params = {
            "context": self._config.context,
            "recipient": self._config.recipient,
            "object": object,
        }
        headers = {"Authorization": f"Bearer {self._config.token}"}
        path = endpoint.url_path(identifier)
        attempt = 0
        while True:
            budget = deadline - loop.time()
            if budget <= 0:
                raise failure_for(endpoint.source, None, reason="time budget spent")
            started = loop.time()
            retry_after: float | None = None
            try:
                async with asyncio.timeout(budget):
                    response = await self._client.get(path, params=params, headers=headers)
            except (httpx.TimeoutException, TimeoutError):
                status, reason = None, "timeout"
            except httpx.RequestError as exc:  # connection, protocol, decoding errors
                status, reason = None, f"connection error: {type(exc).__name__}"
            else:
                status = response.status_code
                self._rate_limits.record(endpoint.name, response.headers)
                if 200 <= status < 300:
                    self._log_call(endpoint, status, started, attempt)
                    return self._json_body(endpoint, response)
                reason = upstream_error_summary(self._safe_json(response))
                if status == 429:
                    retry_after = parse_retry_after(response.headers.get("retry-after"))
            self._log_call(endpoint, status, started, attempt)
            error = failure_for(endpoint.source, status, reason=reason, retry_after=retry_after)
            retryable = status is None or status in RETRYABLE_STATUSES
            if not retryable or attempt >= self._config.max_retries:
                self._remember_quota(endpoint, status, retry_after)
                raise error
            delay = retry_after if retry_after is not None else self._backoff(attempt)
            if delay >= deadline - loop.time():
                self._remember_quota(endpoint, status, retry_after)
                raise error
            _log.info(
                "entreprise.retry", endpoint=endpoint.name, status=status, delay=round(delay, 3)
            )
            await self._sleep(delay)
            attempt += 1

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self._config.backoff_max, self._config.backoff_base * 2**attempt)
        return self._rng.uniform(0, ceiling)

    def _remember_quota(self, endpoint: Endpoint, status: int | None, wait: float | None) -> None:
        if status == 429 and wait:
            self._rate_limits.block(endpoint.name, wait)

    def _json_body(self, endpoint: Endpoint, response: httpx.Response) -> dict[str, Any]:
        body = self._safe_json(response)
        if not isinstance(body, dict):
            raise failure_for(endpoint.source, None, reason="unreadable response body")
        return body

    @staticmethod
    def _safe_json(response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            return None

    @staticmethod
    def _log_call(endpoint: Endpoint, status: int | None, started: float, attempt: int) -> None:
        duration = asyncio.get_running_loop().time() - started
        UPSTREAM_CALLS.labels(endpoint.source, endpoint.name, str(status or "error")).inc()
        UPSTREAM_SECONDS.labels(endpoint.source, endpoint.name).observe(duration)
        duration_ms = round(duration * 1000, 1)
        _log.info(
            "entreprise.call",
            endpoint=endpoint.name,
            source=endpoint.source,
            status=status,
            duration_ms=duration_ms,
            attempt=attempt,
        )

    @staticmethod
    def _on_breaker_event(circuit: str, event_name: str, event: object) -> None:
        if event_name == "state_changed":
            _log.warning(
                "entreprise.breaker_state", family=circuit, state=getattr(event, "state", None)
            )
