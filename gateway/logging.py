"""Structured logs: one JSON object per line on stderr, for the gateway's own events and for
every library that logs through the standard library (uvicorn, httpx, alembic, asyncio…).
Events carry ids and codes, never tokens or personal data.

The gateway's events go through structlog straight to stderr (the cheap path); the standard
library's records go through structlog's ``ProcessorFormatter`` on the root handler, so they
come out in the same shape, their message scrubbed of anything that looks like a SIREN or a
SIRET (partners' URLs carry them, and a sole trader's is personal data)."""

from __future__ import annotations

import logging
import re
import sys
from contextvars import ContextVar, Token
from typing import Any

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

__all__ = [
    "bind_request_ids",
    "configure_logging",
    "logged_request_ids",
    "redact_identifiers",
    "unbind_request_ids",
]

_IDENTIFIER = re.compile(r"(?<!\d)(\d{14}|\d{9})(?!\d)")
"""A SIRET (14 digits) or a SIREN (9) not part of a longer number."""

_QUIET = {
    "alembic": logging.WARNING,
    "mail.log": logging.WARNING,  # aiosmtpd logs addresses at INFO
    # httpx logs every request's URL at INFO, and partners' URLs carry SIRETs: the connectors
    # log their calls themselves, without them.
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
}


def redact_identifiers(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """Masks SIREN/SIRET-like numbers in a foreign record's message (a library's log line is
    free text the gateway does not control)."""
    event = event_dict.get("event")
    if isinstance(event, str):
        event_dict["event"] = _IDENTIFIER.sub("[redacted]", event)
    return event_dict


def _redact_traceback(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """Masks them in a formatted traceback too (an exception's message may quote a URL)."""
    exception = event_dict.get("exception")
    if isinstance(exception, str):
        event_dict["exception"] = _IDENTIFIER.sub("[redacted]", exception)
    return event_dict


_request_ids: ContextVar[tuple[str, str | None] | None] = ContextVar("request_ids", default=None)


def bind_request_ids(request_id: str, client_request_id: str | None) -> Token[Any]:
    """Puts the request's ids (``gateway.middleware.RequestIds``) on every line logged while
    it runs, until ``unbind_request_ids``: one context variable, set once per request
    (structlog's ``bind_contextvars`` cost a kept answer 4 % of its CPU, its variables made
    and set one by one, and read back on every line)."""
    return _request_ids.set((request_id, client_request_id))


def unbind_request_ids(token: Token[Any]) -> None:
    _request_ids.reset(token)


def logged_request_ids() -> dict[str, str]:
    """The ids ``bind_request_ids`` put on the lines logged now."""
    ids = _request_ids.get()
    if ids is None:
        return {}
    if ids[1] is None:
        return {"request_id": ids[0]}
    return {"request_id": ids[0], "client_request_id": ids[1]}


def _add_request_ids(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    for key, value in logged_request_ids().items():
        event_dict.setdefault(key, value)
    return event_dict


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        _add_request_ids,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def _stdlib_handler() -> logging.Handler:
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            *_shared_processors(),
            structlog.stdlib.add_logger_name,
            redact_identifiers,
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            _redact_traceback,
            structlog.processors.JSONRenderer(),
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    return handler


def configure_logging(level: str = "INFO") -> None:
    """Configures structlog and the standard library's root logger (its handlers replaced);
    uvicorn must then be started with ``log_config=None`` so it keeps them."""
    numeric = logging.getLevelName(level.upper())
    root = logging.getLogger()
    for handler in root.handlers[:]:
        root.removeHandler(handler)
    root.addHandler(_stdlib_handler())
    root.setLevel(numeric)
    for name, quiet in _QUIET.items():
        logging.getLogger(name).setLevel(quiet)
    logging.captureWarnings(True)
    structlog.configure(
        processors=[
            *_shared_processors(),
            structlog.processors.format_exc_info,
            _redact_traceback,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
