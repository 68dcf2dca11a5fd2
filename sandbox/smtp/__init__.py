"""A local SMTP sink: receives what the hub sends, in memory and as ``.eml`` files."""

from __future__ import annotations

from sandbox.smtp.sink import DEFAULT_FOLDER, ReceivedMail, SmtpSink

__all__ = ["DEFAULT_FOLDER", "ReceivedMail", "SmtpSink"]
