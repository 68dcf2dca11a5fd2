"""The request limits, a part of ``Settings``: how often a client may call, how large and
costly a query may be, and how long and large an HTTP request may get."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings

__all__ = ["RequestLimitSettings"]


class RequestLimitSettings(BaseSettings):
    api_key_rate_limit: int = Field(
        120, ge=1, description="Requests per minute of a partner API key that sets none."
    )
    rate_limit_person: int = Field(
        600,
        ge=0,
        description="Requests per minute of one signed-in person's account (0: no limit).",
    )
    rate_limit_anonymous: int = Field(
        300,
        ge=0,
        description="Requests per minute of one anonymous client, by its address (0: no limit).",
    )
    trusted_proxies: str = Field(
        "",
        description="Comma-separated addresses or networks of the reverse proxies whose "
        "X-Forwarded-For names the client (e.g. 10.0.0.0/8); unset: the socket's peer is the "
        "client.",
    )
    max_depth: int = Field(12, description="Deepest query accepted.")
    max_tokens: int = Field(2000, description="Most tokens in a query document.")
    max_aliases: int = Field(30, description="Most aliases in a query document.")
    max_fields: int = Field(
        5000, description="Most fields a query selects once its fragments are expanded."
    )
    max_query_cost: int = Field(
        50_000,
        ge=1,
        description="Most a query may cost (QUERY_TOO_COSTLY above): each field 1, a partner "
        "read 10 more, a list's items counted `first` times (auth/costs.py).",
    )
    max_upstream_reads: int = Field(
        300,
        ge=0,
        description="Most partner reads (API Entreprise, the aid platforms) a signed-in "
        "person's or a partner key's query may make (QUERY_TOO_COSTLY above).",
    )
    max_anonymous_upstream_reads: int = Field(
        10,
        ge=0,
        description="Most partner reads an anonymous query may make (QUERY_TOO_COSTLY above).",
    )
    max_body_bytes: int = Field(
        1_048_576, description="Largest request body accepted (HTTP 413 above, before parsing)."
    )
    http_header_timeout_s: float = Field(
        10.0,
        gt=0,
        description="How long a client may take to send a request's line and headers (s); "
        "the connection is closed past it (slowloris).",
    )
    http_body_timeout_s: float = Field(
        30.0,
        gt=0,
        description="How long a client may take to send a request's body (s): HTTP 408 past it.",
    )
    http_keep_alive_s: int = Field(
        5, ge=1, description="How long an idle kept-alive connection stays open (s)."
    )
    http_limit_concurrency: int | None = Field(
        1000,
        ge=1,
        description="Connections and requests in progress at once; HTTP 503 past it.",
    )
    http_max_header_bytes: int = Field(
        16_384,
        ge=1024,
        description="Largest request head (request line and headers) read before refusing it.",
    )
    max_body_drain_bytes: int = Field(
        8_388_608,
        ge=0,
        description="How much of a body past MAX_BODY_BYTES is read and discarded before the "
        "413, so that a client sending its whole body first reads the answer (beyond it, "
        "the connection is closed at once).",
    )
    max_upload_body_bytes: int = Field(
        6_000_000,
        description="Largest multipart (file upload) request body (HTTP 413 above); JSON "
        "requests keep MAX_BODY_BYTES.",
    )
