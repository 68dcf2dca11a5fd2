"""``hub-gateway api-key``: a partner key made from the command line, printed once, that
the gateway then accepts."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from auth.api_keys import ApiKeys, KeyHasher
from auth.viewer import ViewerKind
from connectors.hubdb import CachedDirectory, HubRepository, create_engine, create_session_factory
from connectors.hubdb.partners import PartnerStore
from gateway import cli


@pytest.fixture
def environment(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    pepper = tmp_path / "pepper"
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("API_KEY_PEPPER_FILE", str(pepper))
    monkeypatch.setattr(cli, "configure_logging", lambda level: None)  # keep global logging
    return pepper


async def _viewer(database_url: str, pepper: bytes, key: str) -> object:
    engine = create_engine(database_url)
    try:
        sessions = create_session_factory(engine)
        keys = ApiKeys(PartnerStore(sessions), CachedDirectory(HubRepository(sessions)),
                       KeyHasher(pepper))  # fmt: skip
        return await keys.viewer(key)
    finally:
        await engine.dispose()


def test_the_command_prints_a_key_the_gateway_accepts(
    environment: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["api-key", "--structure", "cci-gard", "--scopes", "companies_read",
                     "--expires-days", "30", "--rate-limit", "10"])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    (key,) = [line for line in printed.splitlines() if line.startswith("hubk_")]
    viewer = asyncio.run(_viewer(database_url, environment.read_bytes(), key))
    assert viewer.kind is ViewerKind.PARTNER and viewer.structure_id == "cci-gard"
    assert viewer.partner.rate_limit == 10


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--structure", "nowhere"], "No structure"),
        (["--structure", "cci-gard", "--scopes", "EVERYTHING"], "Unknown scope"),
    ],
)
def test_bad_arguments_say_what_is_wrong(
    environment: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    assert cli.main(["api-key", *arguments]) == 2
    assert message in capsys.readouterr().err
