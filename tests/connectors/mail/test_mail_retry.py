from __future__ import annotations

import random

import pytest

from connectors.mail import MAX_ATTEMPTS, next_attempt_delay


def test_ceilings_double_from_base_then_cap() -> None:
    delays = [next_attempt_delay(n, jitter=lambda: 1.0) for n in range(1, MAX_ATTEMPTS + 1)]

    assert delays[:8] == [30, 60, 120, 240, 480, 960, 1920, 3600]
    assert delays[8:] == [3600] * (MAX_ATTEMPTS - 8)


def test_full_jitter_scales_the_ceiling() -> None:
    assert next_attempt_delay(3, jitter=lambda: 0.0) == 0
    assert next_attempt_delay(3, jitter=lambda: 0.5) == 60
    assert next_attempt_delay(3, base=2, cap=5, jitter=lambda: 0.5) == 2.5


def test_random_delays_stay_within_the_ceiling() -> None:
    rng = random.Random(1234)
    for attempts in range(1, 40):
        ceiling = min(3600, 30 * 2 ** (attempts - 1))
        delays = [next_attempt_delay(attempts, jitter=rng.random) for _ in range(50)]
        assert all(0 <= delay <= ceiling for delay in delays)


def test_very_many_attempts_do_not_overflow() -> None:
    assert next_attempt_delay(10_000, jitter=lambda: 1.0) == 3600


@pytest.mark.parametrize("attempts", [0, -1])
def test_attempts_start_at_one(attempts: int) -> None:
    with pytest.raises(ValueError, match="attempts"):
        next_attempt_delay(attempts)


@pytest.mark.parametrize("fraction", [-0.1, 1.5, float("nan")])
def test_jitter_must_be_a_fraction(fraction: float) -> None:
    with pytest.raises(ValueError, match="jitter"):
        next_attempt_delay(1, jitter=lambda: fraction)


def test_max_attempts_rides_out_a_few_hours() -> None:
    worst_case = sum(next_attempt_delay(n, jitter=lambda: 1.0) for n in range(1, MAX_ATTEMPTS))

    assert MAX_ATTEMPTS == 12
    assert 4 * 3600 < worst_case < 6 * 3600
