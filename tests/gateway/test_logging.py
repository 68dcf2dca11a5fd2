"""What the gateway's logs may carry."""

from __future__ import annotations

import logging

import httpx
import pytest

from gateway.logging import configure_logging


def test_an_http_call_writes_no_url_to_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    configure_logging("INFO")
    caplog.set_level(logging.INFO)  # the root's level: httpx keeps its own
    with httpx.Client(transport=httpx.MockTransport(lambda _: httpx.Response(200))) as client:
        client.get("https://partner.test/v3/insee/sirene/etablissements/84215637400014")
    assert "84215637400014" not in caplog.text
