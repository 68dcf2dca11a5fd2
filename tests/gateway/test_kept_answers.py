"""The requests found to have a kept answer, remembered by their bytes: bounded in number and
in size, whatever clients send."""

from __future__ import annotations

from gateway.kept_answers import KEPT_REQUEST_MAX_BYTES, KeptRequest, KeptRequests

READ = KeptRequest(("q", None, b""), "application/json", None)


def _request(body: bytes) -> tuple[bytes, bytes | None, bytes | None]:
    return body, b"application/json", None


def test_a_request_is_remembered_by_its_body_and_the_headers_it_is_read_with() -> None:
    known = KeptRequests(size=4)
    known.remember(_request(b"{}"), READ)

    assert known.get(_request(b"{}")) == READ
    assert known.get((b"{}", b"application/json", b"application/graphql-response+json")) is None
    assert known.get(_request(b"{ }")) is None


def test_a_long_body_is_not_remembered() -> None:
    known = KeptRequests(size=4)
    long = b" " * (KEPT_REQUEST_MAX_BYTES + 1)
    known.remember(_request(long), READ)

    assert known.get(_request(long)) is None


def test_a_request_with_long_headers_is_not_remembered() -> None:
    known = KeptRequests(size=4)
    request = (b"{}", b"application/json", b"*/*;q=0.1, " * 200)
    known.remember(request, READ)

    assert known.get(request) is None


def test_past_its_size_the_oldest_request_is_forgotten() -> None:
    known = KeptRequests(size=2)
    for body in (b"1", b"2", b"3"):
        known.remember(_request(body), READ)

    assert [known.get(_request(body)) for body in (b"1", b"2", b"3")] == [None, READ, READ]
