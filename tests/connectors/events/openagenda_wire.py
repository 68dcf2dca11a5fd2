"""The OpenAgenda test partner's address, agenda, key and clock."""

from __future__ import annotations

from datetime import UTC, datetime

BASE_URL = "http://openagenda.test"
AGENDA = "48213960"
KEY = "test-openagenda-key"
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
