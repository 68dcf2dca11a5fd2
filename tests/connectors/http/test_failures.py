"""One mapping from a partner's status to the connector errors, and Retry-After read."""

from __future__ import annotations

import pytest

from connectors.errors import (
    ConnectorError,
    NotFound,
    RateLimited,
    UpstreamRefused,
    UpstreamUnavailable,
)
from connectors.http import failure_for, parse_retry_after


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (404, NotFound),
        (429, RateLimited),
        (400, UpstreamRefused),
        (401, UpstreamRefused),
        (403, UpstreamRefused),
        (422, UpstreamRefused),
        (500, UpstreamUnavailable),
        (502, UpstreamUnavailable),
        (503, UpstreamUnavailable),
        (504, UpstreamUnavailable),
        (None, UpstreamUnavailable),
    ],
)
def test_status_mapping(status: int | None, expected: type[ConnectorError]) -> None:
    error = failure_for("dgfip", status, reason="test", retry_after=2.0)
    assert type(error) is expected
    assert error.source == "dgfip"


def test_only_a_rate_limit_carries_its_wait() -> None:
    limited = failure_for("dgfip", 429, reason="quota", retry_after=2.0)
    assert isinstance(limited, RateLimited) and limited.retry_after == 2.0
    assert not hasattr(failure_for("dgfip", 503, reason="down", retry_after=2.0), "retry_after")


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("2", 2.0),
        (" 1.5 ", 1.5),
        ("-3", 0.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", None),
        (None, None),
    ],
)
def test_retry_after_is_read_in_seconds(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds
