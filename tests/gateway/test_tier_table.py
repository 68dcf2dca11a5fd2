"""The tier matrix in docs/security.md is the one the schema declares: a stale table fails."""

from __future__ import annotations

from pathlib import Path

import pytest

import gateway.cli
from auth.declarations import declarations
from gateway import tier_table
from gateway.cli import main
from gateway.errors import HubSchema

SECURITY = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def test_the_committed_tier_matrix_is_the_schemas(schema: HubSchema) -> None:
    document = SECURITY.read_text(encoding="utf-8")
    assert tier_table.updated(document, schema._schema) == document, (
        "docs/security.md is stale: run `.venv/bin/hub-gateway tiers --update docs/security.md`"
    )


def test_the_table_names_every_declared_field_with_its_tier(schema: HubSchema) -> None:
    table = tier_table.render(schema._schema)
    rows = {
        line.split(" | ")[0].strip("| ") + ":" + line.split(" | ")[1]: line
        for line in table.splitlines()
        if line.startswith("| ") and "`" in line
    }
    for declaration in declarations(schema._schema):
        declared = declaration.tier or declaration.action
        assert declared is not None
        row = rows[f"{declaration.type_name}:`{declared.name}`"]
        assert f"`{declaration.field_name}`" in row


def test_the_cli_prints_the_table_and_rewrites_a_stale_one(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    schema: HubSchema,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the CLI configures the process's logging; not the test process's
    monkeypatch.setattr(gateway.cli, "configure_logging", lambda level: None)
    assert main(["tiers"]) == 0
    assert capsys.readouterr().out == tier_table.render(schema._schema)
    stale = tmp_path / "security.md"
    stale.write_text(f"intro\n{tier_table.BEGIN}\n| old |\n{tier_table.END}\nafter\n")
    assert main(["tiers", "--update", str(stale)]) == 0
    rewritten = stale.read_text()
    assert rewritten.startswith("intro\n") and rewritten.endswith("after\n")
    assert "| old |" not in rewritten and "| Company | `TIER2` |" in rewritten
    with pytest.raises(ValueError, match="tier-matrix"):
        tier_table.updated("no markers here", schema._schema)
