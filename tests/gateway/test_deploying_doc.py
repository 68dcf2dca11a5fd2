"""docs/deploying.md's environment example names every setting the gateway reads."""

from __future__ import annotations

from pathlib import Path

from gateway.settings import Settings

DEPLOYING = Path(__file__).resolve().parents[2] / "docs" / "deploying.md"


def test_the_deploying_guide_names_every_setting() -> None:
    text = DEPLOYING.read_text(encoding="utf-8")
    missing = [name.upper() for name in Settings.model_fields if name.upper() not in text]
    assert missing == []
