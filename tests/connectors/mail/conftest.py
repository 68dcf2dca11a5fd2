"""A real SMTP sink on 127.0.0.1 and a Mailer pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from connectors.mail import MailConfig, Mailer
from sandbox.smtp import SmtpSink


@pytest.fixture
async def sink(tmp_path: Path) -> AsyncIterator[SmtpSink]:
    sink = SmtpSink(folder=tmp_path / "mail")
    await sink.start()
    yield sink
    await sink.stop()


@pytest.fixture
def mail_config(sink: SmtpSink) -> MailConfig:
    return MailConfig(host="127.0.0.1", port=sink.port, timeout=2.0, local_hostname="gateway.test")


@pytest.fixture
def mailer(mail_config: MailConfig) -> Mailer:
    return Mailer(mail_config)
