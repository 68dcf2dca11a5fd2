"""The one partner call: retries for idempotent calls only, Retry-After, the time budget, the
breaker per source, the quota and error-summary hooks, metrics and logs."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

import httpx
import pytest
import respx
from prometheus_client import REGISTRY
from structlog.testing import capture_logs

from connectors.errors import NotFound, RateLimited, UpstreamRefused, UpstreamUnavailable
from connectors.http import LogNames, Resilience

if TYPE_CHECKING:  # the fixtures' types (tests/connectors/http/conftest.py)
    from tests.connectors.http.conftest import FakeSleep, MakeCaller

OK = {"ok": True}


@pytest.mark.parametrize("status", [429, 502, 503, 504])
async def test_get_is_retried_on_a_retryable_status_until_it_succeeds(
    router: respx.MockRouter, make_caller: MakeCaller, fake_sleep: FakeSleep, status: int
) -> None:
    route = router.get("/items")
    route.side_effect = [httpx.Response(status), httpx.Response(status),
                         httpx.Response(200, json=OK)]  # fmt: skip

    assert await make_caller().get_json("/items", name="items") == OK
    assert route.call_count == 3
    assert len(fake_sleep.delays) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422, 500])
async def test_other_statuses_fail_at_once(
    router: respx.MockRouter, make_caller: MakeCaller, fake_sleep: FakeSleep, status: int
) -> None:
    route = router.get("/items").respond(status)

    with pytest.raises((NotFound, UpstreamRefused, UpstreamUnavailable)):
        await make_caller().get_json("/items", name="items")
    assert route.call_count == 1
    assert fake_sleep.delays == []


async def test_post_without_idempotency_is_not_retried(
    router: respx.MockRouter, make_caller: MakeCaller, fake_sleep: FakeSleep
) -> None:
    route = router.post("/submissions").respond(503)

    with pytest.raises(UpstreamUnavailable):
        await make_caller().send("POST", "/submissions", name="submit", json={"siret": "1"})
    assert route.call_count == 1
    assert fake_sleep.delays == []


async def test_post_marked_idempotent_is_retried(
    router: respx.MockRouter, make_caller: MakeCaller, fake_sleep: FakeSleep
) -> None:
    route = router.post("/submissions")
    route.side_effect = [httpx.Response(503), httpx.Response(201, json={"id": "s-1"})]

    answer = await make_caller().send(
        "POST", "/submissions", name="submit", json={"siret": "1"},
        headers={"Idempotency-Key": "k-1"}, idempotent=True,
    )  # fmt: skip

    assert answer == {"id": "s-1"}
    assert route.call_count == 2
    assert [call.request.headers["Idempotency-Key"] for call in route.calls] == ["k-1", "k-1"]


async def test_timeouts_and_connection_errors_are_retried(
    router: respx.MockRouter, make_caller: MakeCaller
) -> None:
    route = router.get("/items")
    route.side_effect = [httpx.ReadTimeout("slow"), httpx.ConnectError("down"),
                         httpx.Response(200, json=OK)]  # fmt: skip

    assert await make_caller().get_json("/items", name="items") == OK
    assert route.call_count == 3


async def test_retry_after_of_a_429_replaces_the_backoff(
    router: respx.MockRouter, make_caller: MakeCaller, fake_sleep: FakeSleep
) -> None:
    route = router.get("/items")
    route.side_effect = [httpx.Response(429, headers={"Retry-After": "3"}),
                         httpx.Response(200, json=OK)]  # fmt: skip

    assert await make_caller().get_json("/items", name="items") == OK
    assert fake_sleep.delays == [3.0]


async def test_retry_after_longer_than_budget_fails_at_once(
    router: respx.MockRouter, make_caller: MakeCaller, fake_sleep: FakeSleep
) -> None:
    route = router.get("/items").respond(429, headers={"Retry-After": "60"})

    with pytest.raises(RateLimited) as caught:
        await make_caller().get_json("/items", name="items")

    assert caught.value.retry_after == 60.0
    assert route.call_count == 1
    assert fake_sleep.delays == []


async def test_no_retry_when_the_backoff_would_end_past_the_budget(
    router: respx.MockRouter, make_caller: MakeCaller, fake_sleep: FakeSleep
) -> None:
    class Ceiling(random.Random):
        def uniform(self, a: float, b: float) -> float:
            return b

    route = router.get("/items").respond(502)
    caller = make_caller(
        Resilience(timeout=1.0, max_retries=5, backoff_base=0.6, backoff_max=10.0), rng=Ceiling()
    )

    with pytest.raises(UpstreamUnavailable):
        await caller.get_json("/items", name="items")

    assert fake_sleep.delays == [0.6]  # the next wait, 1.2 s, would end past the 1 s budget
    assert route.call_count == 2


async def test_backoff_is_full_jitter_drawn_from_the_injected_generator(
    router: respx.MockRouter, make_caller: MakeCaller, fake_sleep: FakeSleep
) -> None:
    router.get("/items").respond(503)
    caller = make_caller(
        Resilience(timeout=60.0, max_retries=3, backoff_base=0.5, backoff_max=1.5),
        rng=random.Random(7),
    )

    with pytest.raises(UpstreamUnavailable):
        await caller.get_json("/items", name="items")

    twin = random.Random(7)
    assert fake_sleep.delays == [twin.uniform(0, 0.5), twin.uniform(0, 1.0), twin.uniform(0, 1.5)]


async def test_the_whole_call_stays_inside_its_time_budget(
    router: respx.MockRouter, make_caller: MakeCaller
) -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200, json=OK)

    router.get("/items").mock(side_effect=slow)
    caller = make_caller(Resilience(timeout=0.2, max_retries=5), sleep=asyncio.sleep)
    started = time.monotonic()

    with pytest.raises(UpstreamUnavailable, match="timeout"):
        await caller.get_json("/items", name="items")

    assert time.monotonic() - started < 0.5


async def test_a_hung_attempt_is_cut_at_its_own_timeout_and_the_next_one_answers(
    router: respx.MockRouter, make_caller: MakeCaller, fake_sleep: FakeSleep
) -> None:
    attempts: list[int] = []

    async def hung_once(request: httpx.Request) -> httpx.Response:
        attempts.append(len(attempts))
        if len(attempts) == 1:
            await asyncio.Event().wait()  # never answers
        return httpx.Response(200, json=OK)

    router.get("/items").mock(side_effect=hung_once)
    caller = make_caller(Resilience(timeout=30.0, attempt_timeout=0.05, max_retries=2))

    assert await caller.get_json("/items", name="items") == OK  # not 30 s on the first
    assert attempts == [0, 1]
    assert len(fake_sleep.delays) == 1


def test_an_attempt_gets_half_the_budget_unless_told() -> None:
    assert Resilience(timeout=5.0).per_attempt == 2.5
    assert Resilience(timeout=5.0, attempt_timeout=1.0).per_attempt == 1.0


class RecordingQuota:
    def __init__(self, wait: float = 0.0) -> None:
        self.wait = wait
        self.recorded: list[tuple[str, str | None]] = []
        self.blocked: list[tuple[str, float]] = []

    def wait_needed(self, call: str) -> float:
        return self.wait

    def record(self, call: str, headers: Mapping[str, str]) -> None:
        self.recorded.append((call, headers.get("x-quota-left")))

    def block(self, call: str, seconds: float) -> None:
        self.blocked.append((call, seconds))


async def test_quota_hook_refuses_before_calling(
    router: respx.MockRouter, make_caller: MakeCaller
) -> None:
    route = router.get("/items").respond(200, json=OK)

    with pytest.raises(RateLimited) as caught:
        await make_caller(quota=RecordingQuota(wait=12.0)).get_json("/items", name="items")

    assert caught.value.retry_after == 12.0
    assert route.call_count == 0


async def test_quota_hook_reads_every_answer_error_answers_included(
    router: respx.MockRouter, make_caller: MakeCaller
) -> None:
    route = router.get("/items")
    route.side_effect = [httpx.Response(503, headers={"X-Quota-Left": "9"}),
                         httpx.Response(200, json=OK, headers={"X-Quota-Left": "8"})]  # fmt: skip
    quota = RecordingQuota()

    await make_caller(quota=quota).get_json("/items", name="items")

    assert quota.recorded == [("items", "9"), ("items", "8")]


async def test_a_429_the_retries_could_not_outwait_is_handed_to_the_quota(
    router: respx.MockRouter, make_caller: MakeCaller
) -> None:
    router.get("/items").respond(429, headers={"Retry-After": "90"})
    quota = RecordingQuota()

    with pytest.raises(RateLimited):
        await make_caller(quota=quota).get_json("/items", name="items")

    assert quota.blocked == [("items", 90.0)]


async def test_error_summary_hook_words_the_failure(
    router: respx.MockRouter, make_caller: MakeCaller
) -> None:
    router.get("/items").respond(422, json={"error": {"code": "E42", "secret": "x"}})

    def summarise(response: httpx.Response) -> str:
        return str(response.json()["error"]["code"])

    with pytest.raises(UpstreamRefused) as caught:
        await make_caller(summarise=summarise).get_json("/items", name="items")

    assert caught.value.message == "partner: refused the call, HTTP 422 (E42)"


async def test_default_summary_is_the_status_line(
    router: respx.MockRouter, make_caller: MakeCaller
) -> None:
    router.get("/items").respond(401, json={"detail": "token abc refused"})

    with pytest.raises(UpstreamRefused) as caught:
        await make_caller().get_json("/items", name="items")

    assert caught.value.message == "partner: refused the call, HTTP 401 (HTTP 401)"


async def test_headers_go_with_every_call_and_a_call_may_add_its_own(
    router: respx.MockRouter, make_caller: MakeCaller
) -> None:
    route = router.route(path="/items").respond(200, json=OK)
    caller = make_caller(headers={"X-Api-Key": "k"})

    await caller.get_json("/items", name="items", params={"page": 2})
    await caller.send("PUT", "/items", name="items", headers={"If-Match": "v1"})

    first, second = (call.request for call in route.calls)
    assert first.headers["X-Api-Key"] == "k" and first.url.params["page"] == "2"
    assert second.headers["X-Api-Key"] == "k" and second.headers["If-Match"] == "v1"


@pytest.mark.parametrize("body", [b"<html>", b"[1, 2]"])
async def test_get_object_finds_anything_but_a_json_object_unreadable(
    router: respx.MockRouter, make_caller: MakeCaller, body: bytes
) -> None:
    route = router.get("/items").respond(200, content=body)

    with pytest.raises(UpstreamUnavailable, match="unreadable response body"):
        await make_caller().get_object("/items", name="items")
    assert route.call_count == 1


async def test_breaker_opens_per_source_and_fails_fast(
    router: respx.MockRouter, make_caller: MakeCaller
) -> None:
    failing = router.get("/insee").respond(503)
    other = router.get("/dgfip").respond(200, json=OK)
    caller = make_caller(Resilience(max_retries=0, breaker_threshold=2))
    for _ in range(2):
        with pytest.raises(UpstreamUnavailable):
            await caller.get_json("/insee", name="etablissement", source="insee")

    with capture_logs() as logs, pytest.raises(UpstreamUnavailable, match="circuit breaker open"):
        await caller.get_json("/insee", name="etablissement", source="insee")

    assert failing.call_count == 2
    assert await caller.get_json("/dgfip", name="bilans", source="dgfip") == OK
    assert other.call_count == 1
    assert {"event": "partner.breaker_fail_fast", "source": "insee", "call": "etablissement",
            "log_level": "warning"} in logs  # fmt: skip


async def test_breaker_state_is_readable_and_exported_per_source(
    router: respx.MockRouter, make_caller: MakeCaller
) -> None:
    router.get("/sirene").respond(503)
    router.get("/bilans").respond(200, json=OK)
    caller = make_caller(Resilience(max_retries=0, breaker_threshold=2))
    await caller.get_json("/bilans", name="bilans", source="bilans-family")
    for _ in range(2):
        with pytest.raises(UpstreamUnavailable):
            await caller.get_json("/sirene", name="etablissement", source="sirene-family")

    assert caller.breaker_states() == {"bilans-family": "closed", "sirene-family": "open"}
    state = "hub_upstream_breaker_state"
    assert REGISTRY.get_sample_value(state, {"source": "sirene-family"}) == 2
    assert REGISTRY.get_sample_value(state, {"source": "bilans-family"}) == 0


async def test_refusals_and_not_found_leave_the_breaker_closed(
    router: respx.MockRouter, make_caller: MakeCaller
) -> None:
    router.get("/missing").respond(404)
    router.get("/refused").respond(403)
    router.get("/limited").respond(429)
    ok = router.get("/items").respond(200, json=OK)
    caller = make_caller(Resilience(max_retries=0, breaker_threshold=2))
    for path in ("/missing", "/refused", "/limited", "/missing"):
        with pytest.raises((NotFound, UpstreamRefused, RateLimited)):
            await caller.get_json(path, name="items")

    assert await caller.get_json("/items", name="items") == OK
    assert ok.call_count == 1


async def test_each_attempt_is_logged_under_the_partners_names(
    router: respx.MockRouter, make_caller: MakeCaller
) -> None:
    route = router.get("/items")
    route.side_effect = [httpx.Response(502), httpx.Response(200, json=OK)]
    caller = make_caller(logs=LogNames(prefix="acme", label="endpoint"))

    with capture_logs() as logs:
        await caller.get_json("/items", name="items")

    events = [(e["event"], e.get("status"), e.get("attempt"), e.get("endpoint")) for e in logs]
    assert events == [("acme.call", 502, 0, "items"), ("acme.retry", 502, None, "items"),
                      ("acme.call", 200, 1, "items")]  # fmt: skip


async def test_each_attempt_is_counted_in_the_metrics(
    router: respx.MockRouter, make_caller: MakeCaller
) -> None:
    route = router.get("/counted")
    route.side_effect = [httpx.ConnectError("down"), httpx.Response(200, json=OK)]

    def count(status: str) -> float:
        labels = {"source": "partner", "endpoint": "counted", "status": status}
        return REGISTRY.get_sample_value("hub_upstream_calls_total", labels) or 0.0

    before = count("error"), count("200")
    await make_caller().get_json("/counted", name="counted")

    assert (count("error") - before[0], count("200") - before[1]) == (1.0, 1.0)


async def test_no_httpx_exception_reaches_the_caller(
    router: respx.MockRouter, make_caller: MakeCaller
) -> None:
    router.get("/items").mock(side_effect=httpx.RemoteProtocolError("peer closed"))

    with pytest.raises(UpstreamUnavailable, match="connection error: RemoteProtocol") as caught:
        await make_caller().get_json("/items", name="items")

    assert caught.value.__cause__ is None and caught.value.__suppress_context__
