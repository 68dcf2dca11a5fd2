"""One resilient call to a partner: the only loop in the project that sends a request to one.

Every call runs inside a time budget (retries and waits included), each attempt inside a
shorter one (a hung partner leaves time for another attempt), behind a circuit breaker per
source (``connectors.http.breaker``: one probe when half-open, an adaptive open window; only
``UpstreamUnavailable`` counts against it), and is retried only
when it is idempotent (GETs; a POST when its caller says so, e.g. it carries an idempotency
key) and its failure is worth it (timeout, connection error, 429, 502, 503, 504), waiting the
partner's ``Retry-After`` or a full-jitter backoff (``connectors.http.retries``). A partner's
quota rules plug in as a ``Quota``, its error bodies as a summariser. Failures come out as the
typed errors of ``connectors.errors``, never as httpx exceptions; every attempt is counted in
``connectors.metrics`` and logged.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import structlog
from opentelemetry import trace
from opentelemetry.propagate import inject
from opentelemetry.trace import SpanKind

from connectors.errors import ConnectorError, RateLimited, UpstreamUnavailable
from connectors.http.breaker import Breaker, BreakerState
from connectors.http.failures import (
    RETRY_AFTER_STATUSES,
    Summarise,
    failure_for,
    parse_retry_after,
    status_line,
)
from connectors.http.logs import LogNames
from connectors.http.quota import NoQuota, Quota
from connectors.http.request_urls import call_url
from connectors.http.retries import AttemptFailed, Resilience, RetryPolicy, Sleep
from connectors.http.tally import count_call
from connectors.metrics import BREAKER_STATE, BREAKER_STATES, UPSTREAM_CALLS, UPSTREAM_SECONDS

__all__ = ["ResilientCaller"]

_log = structlog.get_logger(__name__)
_tracer = trace.get_tracer(__name__)

_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

Params = Mapping[str, str | int]
Decode = Callable[[str, httpx.Response], Any]


@dataclass(frozen=True, slots=True)
class _Call:
    method: str
    path: str
    name: str
    source: str
    params: Params | None
    json: Any
    headers: Mapping[str, str]
    idempotent: bool
    decode: Decode


def _json(source: str, response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise failure_for(source, None, reason="unreadable response body") from None


def _json_object(source: str, response: httpx.Response) -> dict[str, Any]:
    body = _json(source, response)
    if not isinstance(body, dict):
        raise failure_for(source, None, reason="unreadable response body")
    return body


def _text(source: str, response: httpx.Response) -> str:
    return response.text


class ResilientCaller:
    """Calls one partner through ``client``. ``source`` names it in errors, metrics and logs
    and keys its breaker; a call may name another source (a family of the partner's
    endpoints, e.g. API Entreprise's ``insee``), which then has a breaker of its own."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        source: str,
        resilience: Resilience,
        *,
        headers: Mapping[str, str] | None = None,
        quota: Quota | None = None,
        summarise: Summarise = status_line,
        logs: LogNames | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``headers`` go with every call (e.g. the partner's API key); ``summarise`` says
        in a few words what an error answer said (never a credential)."""
        self._client = client
        self.source = source
        self._headers = dict(headers or {})
        self._resilience = resilience
        self._quota: Quota = quota or NoQuota()
        self._summarise = summarise
        self._logs = logs or LogNames()
        self._retries = RetryPolicy(resilience, on_retry=self._log_retry, sleep=sleep, rng=rng)
        self._clock = clock
        self._breakers: dict[str, Breaker] = {}

    def breaker_states(self) -> dict[str, BreakerState]:
        """Each source's breaker as it stands (metrics read it); a source not called yet is
        absent (closed)."""
        return {source: breaker.state for source, breaker in self._breakers.items()}

    async def get_json(
        self, path: str, *, name: str, source: str | None = None, params: Params | None = None
    ) -> Any:
        """The decoded JSON body of a 2xx answer, or a typed ConnectorError. ``name`` labels
        the call in metrics and logs (e.g. ``"region_page"``) and keys its quota."""
        return await self._call(
            _Call("GET", path, name, source or self.source, params, None, self._headers,
                  True, _json)
        )  # fmt: skip

    async def get_object(
        self, path: str, *, name: str, source: str | None = None, params: Params | None = None
    ) -> dict[str, Any]:
        """As ``get_json``, for partners whose every answer is a JSON object: any other body
        is unreadable."""
        body: dict[str, Any] = await self._call(
            _Call("GET", path, name, source or self.source, params, None, self._headers,
                  True, _json_object)
        )  # fmt: skip
        return body

    async def get_text(
        self, path: str, *, name: str, source: str | None = None, params: Params | None = None
    ) -> str:
        """The text of a 2xx answer (a feed, a page: parsed by the partner's module), or a
        typed ConnectorError."""
        body: str = await self._call(
            _Call("GET", path, name, source or self.source, params, None, self._headers,
                  True, _text)
        )  # fmt: skip
        return body

    async def send(
        self,
        method: str,
        path: str,
        *,
        name: str,
        source: str | None = None,
        params: Params | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Any method; the decoded JSON body of a 2xx answer. A call is retried only when it is
        idempotent: by default GET, HEAD, OPTIONS, PUT and DELETE are, POST and PATCH are
        not, unless the caller says so (e.g. it sends an idempotency key)."""
        method = method.upper()
        return await self._call(
            _Call(
                method,
                path,
                name,
                source or self.source,
                params,
                json,
                {**self._headers, **headers} if headers else self._headers,
                method in _IDEMPOTENT_METHODS if idempotent is None else idempotent,
                _json,
            )
        )

    async def _call(self, call: _Call) -> Any:
        wait = self._quota.wait_needed(call.name)
        if wait > 0:
            raise RateLimited(call.source, f"{call.source}: quota spent, retry later", wait)
        breaker = self._breaker(call.source)
        if not breaker.admit():
            _log.warning(
                self._logs.event("breaker_fail_fast"),
                source=call.source,
                **{self._logs.label: call.name},
            )
            raise failure_for(call.source, None, reason="circuit breaker open")
        try:
            answer = await self._with_retries(call)
        except UpstreamUnavailable:
            breaker.failed()
            raise
        except ConnectorError:  # 404, a refusal, a 429: the partner answered
            breaker.succeeded()
            raise
        except BaseException:  # cancelled, or a bug of ours: no verdict on the partner
            breaker.abandoned()
            raise
        breaker.succeeded()
        return answer

    def _breaker(self, source: str) -> Breaker:
        breaker = self._breakers.get(source)
        if breaker is None:
            resilience = self._resilience
            breaker = self._breakers[source] = Breaker(
                threshold=resilience.breaker_threshold,
                base_s=resilience.breaker_open_base,
                max_s=resilience.breaker_reset_seconds,
                clock=self._clock,
                on_change=lambda state: self._on_breaker_change(source, state),
            )
            BREAKER_STATE.labels(source).set(BREAKER_STATES[BreakerState.CLOSED])
        return breaker

    async def _with_retries(self, call: _Call) -> Any:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._resilience.timeout
        try:
            try:
                return await self._attempt(call, 0, deadline)
            except AttemptFailed as first:
                if not (call.idempotent and first.retryable):
                    raise  # a POST without an idempotency key, a 404, a 422: never again
                return await self._retries.after(
                    first, deadline - loop.time(), lambda n: self._attempt(call, n, deadline)
                )
        except AttemptFailed as failed:
            if failed.status == 429 and failed.retry_after:
                self._quota.block(call.name, failed.retry_after)
            raise failed.error from None

    async def _attempt(self, call: _Call, attempt: int, deadline: float) -> Any:
        loop = asyncio.get_running_loop()
        budget = min(deadline - loop.time(), self._resilience.per_attempt)
        if budget <= 0:
            raise failure_for(call.source, None, reason="timeout, time budget spent")
        started = loop.time()
        retry_after: float | None = None
        try:
            response = await self._traced_request(call, budget)
        except (httpx.TimeoutException, TimeoutError):
            status, reason = None, "timeout"
        except httpx.RequestError as exc:  # connection, protocol, decoding errors
            status, reason = None, f"connection error: {type(exc).__name__}"
        else:
            status = response.status_code
            self._quota.record(call.name, response.headers)
            if 200 <= status < 300:
                self._log_call(call, status, started, attempt)
                return call.decode(call.source, response)
            reason = self._summarise(response)
            if status in RETRY_AFTER_STATUSES:
                retry_after = parse_retry_after(response.headers.get("retry-after"))
        self._log_call(call, status, started, attempt)
        error = failure_for(call.source, status, reason=reason, retry_after=retry_after)
        raise AttemptFailed(error, call.name, status, retry_after)

    async def _traced_request(self, call: _Call, budget: float) -> httpx.Response:
        """One HTTP request in a client span named after the call (never its URL, which may
        carry a SIRET), the span's context sent along in ``traceparent``."""
        attributes = {
            "hub.source": call.source,
            "hub.call": call.name,
            "http.request.method": call.method,
        }
        with _tracer.start_as_current_span(
            f"{call.source} {call.name}", kind=SpanKind.CLIENT, attributes=attributes
        ) as span:
            headers = dict(call.headers)
            inject(headers)
            url = call_url(self._client.base_url, call.path, call.params)
            request = self._client.build_request(
                call.method,
                call.path if url is None else url,
                params=call.params if url is None else None,
                json=call.json,
                headers=headers,
            )
            async with asyncio.timeout(budget):
                response = await self._client.send(request)
            span.set_attribute("http.response.status_code", response.status_code)
            return response

    def _log_call(self, call: _Call, status: int | None, started: float, attempt: int) -> None:
        duration = asyncio.get_running_loop().time() - started
        UPSTREAM_CALLS.labels(call.source, call.name, str(status or "error")).inc()
        count_call(call.source)
        UPSTREAM_SECONDS.labels(call.source, call.name).observe(duration)
        _log.info(
            self._logs.event("call"),
            source=call.source,
            status=status,
            duration_ms=round(duration * 1000, 1),
            attempt=attempt,
            **{self._logs.label: call.name},
        )

    def _log_retry(self, failed: AttemptFailed, delay: float) -> None:
        _log.info(
            self._logs.event("retry"),
            source=failed.error.source,
            status=failed.status,
            delay=round(delay, 3),
            **{self._logs.label: failed.call},
        )

    def _on_breaker_change(self, source: str, state: BreakerState) -> None:
        BREAKER_STATE.labels(source).set(BREAKER_STATES[state])
        _log.warning(self._logs.event("breaker_state"), family=source, state=state.value)
