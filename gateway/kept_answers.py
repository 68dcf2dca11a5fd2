"""Answers kept whole (``gateway.execution.whole``) as the GraphQL view sends them: their bytes
and media type (``KeptAnswer``), and the requests already found to have one, by their bytes
(``KeptRequests``), so that the next such request is not decoded again."""

from __future__ import annotations

from typing import NamedTuple

from starlette.types import Send

from gateway.execution import WholeKey

__all__ = ["KEPT_REQUEST_MAX_BYTES", "KeptAnswer", "KeptRequest", "KeptRequests"]

KEPT_REQUEST_MAX_BYTES = 2048
"""The longest request remembered (``KeptRequests``: its body and the two headers it is read
with): with the bound on their number, a few megabytes at most, whatever clients send."""


class KeptAnswer(NamedTuple):
    """A compiled answer's bytes and media type, as the view sends them."""

    body: bytes
    media_type: str

    async def send(self, send: Send) -> None:
        headers = [
            (b"content-length", str(len(self.body)).encode()),
            (b"content-type", self.media_type.encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})


class KeptRequest(NamedTuple):
    """What a request's body and headers were read as: the key of its kept answer, the media
    type its ``Accept`` asks for, its operation's name."""

    key: WholeKey
    media_type: str
    operation_name: str | None


RequestBytes = tuple[bytes, bytes | None, bytes | None]
"""A request's body, ``Content-Type`` and ``Accept``: all the view reads to find its answer."""


class KeptRequests:
    """Requests without a token whose answer was found kept, by their bytes: reading the same
    bytes again gives the same ``KeptRequest`` (it says nothing of whether the answer is
    still kept: ``WholeAnswers`` decides that). Bodies longer than ``KEPT_REQUEST_MAX_BYTES``
    (with their two headers) are not remembered; past ``size`` requests the oldest is
    dropped."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._known: dict[RequestBytes, KeptRequest] = {}

    def get(self, request: RequestBytes) -> KeptRequest | None:
        return self._known.get(request)

    def remember(self, request: RequestBytes, read: KeptRequest) -> None:
        body, content_type, accept = request
        if len(body) + len(content_type or b"") + len(accept or b"") > KEPT_REQUEST_MAX_BYTES:
            return
        known = self._known
        if request not in known and len(known) >= self._size:
            del known[next(iter(known))]
        known[request] = read
