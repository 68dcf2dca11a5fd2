"""What the gateway's logs may carry."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import httpx
import pytest
import structlog

from gateway.logging import bind_request_ids, configure_logging, unbind_request_ids


def test_an_http_call_writes_no_url_to_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    configure_logging("INFO")
    caplog.set_level(logging.INFO)  # the root's level: httpx keeps its own
    with httpx.Client(transport=httpx.MockTransport(lambda _: httpx.Response(200))) as client:
        client.get("https://partner.test/v3/insee/sirene/etablissements/84215637400014")
    assert "84215637400014" not in caplog.text


@pytest.fixture
def json_logging() -> Iterator[None]:
    """Undoes the gateway's logging after a test that bound it to its captured stderr (that
    stream is closed once the test ends)."""
    yield
    structlog.reset_defaults()
    root = logging.getLogger()
    for handler in root.handlers[:]:
        root.removeHandler(handler)


@pytest.mark.usefixtures("json_logging")
def test_a_library_log_line_is_json_with_identifiers_masked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO")
    logging.getLogger("some.library").warning("GET /v3/etablissements/%s failed", "84215637400014")
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["logger"] == "some.library"
    assert line["level"] == "warning"
    assert line["event"] == "GET /v3/etablissements/[redacted] failed"


@pytest.mark.usefixtures("json_logging")
def test_a_traceback_in_the_logs_has_identifiers_masked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO")
    try:
        raise ValueError("GET https://partner.test/v3/insee/sirene/etablissements/84215637400014")
    except ValueError:
        logging.getLogger("some.library").exception("call failed")
        structlog.get_logger("gateway.test").exception("unexpected_error")
    lines = [json.loads(line) for line in capsys.readouterr().err.strip().splitlines()]
    assert [line["event"] for line in lines] == ["call failed", "unexpected_error"]
    for line in lines:
        assert "etablissements/[redacted]" in line["exception"]
        assert "842156374" not in json.dumps(line)


@pytest.mark.usefixtures("json_logging")
def test_log_lines_carry_the_request_ids_bound_and_no_more_once_unbound(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO")
    token = bind_request_ids("a" * 32, "crm-req-0001")
    structlog.get_logger("gateway.test").warning("inside the request")
    logging.getLogger("a.library").warning("a library's line, inside the request")
    structlog.get_logger("gateway.test").warning("its own", request_id="given")
    unbind_request_ids(token)
    structlog.get_logger("gateway.test").warning("after the request")
    lines = [json.loads(line) for line in capsys.readouterr().err.strip().splitlines()]
    assert [(line.get("request_id"), line.get("client_request_id")) for line in lines] == [
        ("a" * 32, "crm-req-0001"),
        ("a" * 32, "crm-req-0001"),
        ("given", "crm-req-0001"),  # a line's own id is kept
        (None, None),
    ]
