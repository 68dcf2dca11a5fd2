"""The backoff: full jitter under a ceiling that doubles each retry, up to its maximum."""

from __future__ import annotations

import random

from connectors.errors import UpstreamUnavailable
from connectors.http.retries import AttemptFailed, Resilience, RetryPolicy


class Ceiling(random.Random):
    def uniform(self, a: float, b: float) -> float:
        return b


def test_backoff_ceiling_doubles_up_to_the_maximum() -> None:
    policy = RetryPolicy(Resilience(backoff_base=0.1, backoff_max=0.3),
                         on_retry=lambda failed, delay: None, rng=Ceiling())  # fmt: skip

    assert [policy.backoff(retry) for retry in range(4)] == [0.1, 0.2, 0.3, 0.3]


def test_only_no_answer_and_the_retryable_statuses_are_worth_another_attempt() -> None:
    error = UpstreamUnavailable("acme", "acme: unavailable")
    worth = {status: AttemptFailed(error, "call", status, None).retryable
             for status in (None, 429, 500, 502, 503, 504, 404)}  # fmt: skip

    assert worth == {None: True, 429: True, 500: False, 502: True, 503: True, 504: True,
                     404: False}  # fmt: skip
