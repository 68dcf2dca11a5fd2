"""``hub-gateway bootstrap-admin`` and ``hub-gateway import-directory``: an empty production
database made usable from the command line, idempotently, through the hub connector."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest

from auth.identity import Authenticator
from auth.tokens import Claims
from auth.viewer import ViewerKind
from connectors.hubdb import (
    CachedDirectory,
    HubRepository,
    StructureFilter,
    create_engine,
    create_session_factory,
    migrate,
)
from connectors.hubdb.writes import HubWriter
from gateway import cli

ADMIN = "Jeanne.Martin@laregion.example"


@pytest.fixture
def empty_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated hub database with nothing in it (what production starts from)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}"
    asyncio.run(migrate(url))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setattr(cli, "configure_logging", lambda level: None)  # keep global logging
    return url


class _OneToken:
    """An agents' identity provider that vouches for one person (what OIDC would verify)."""

    def __init__(self, email: str) -> None:
        self.claims = Claims(
            subject="sub-jeanne", email=email, expires_at=time.time() + 300,
            name="Jeanne Martin", provider_kind="AGENT", issuer="https://agents.example",
        )  # fmt: skip

    def verify(self, token: str) -> Claims:
        return self.claims


async def _sign_in(url: str, email: str) -> tuple[object, str | None]:
    """The viewer of a first sign-in with ``email``, and the subject the account got bound to."""
    engine = create_engine(url)
    try:
        sessions = create_session_factory(engine)
        hub = HubRepository(sessions)
        authenticator = Authenticator(
            _OneToken(email), hub, CachedDirectory(hub), binder=HubWriter(sessions)
        )
        viewer = await authenticator.viewer("Bearer t")
        account = (await hub.accounts_by_email([email.lower()]))[email.lower()]
        return viewer, account.idp_subject
    finally:
        await engine.dispose()


async def _directory(url: str) -> tuple[list[str], dict[str, object]]:
    engine = create_engine(url)
    try:
        hub = HubRepository(create_session_factory(engine))
        page = await hub.search_structures(StructureFilter(), 50, None)
        accounts = await hub.accounts_by_email(["anne.bernard@cci-x.example"])
        return sorted(structure.id for structure in page.items), dict(accounts)
    finally:
        await engine.dispose()


def test_bootstrap_admin_makes_an_administrator_bound_at_the_first_sign_in(
    empty_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["bootstrap-admin", "--email", ADMIN, "--structure", "region-occitanie",
                     "--structure-name", "Région Occitanie"])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    assert "structure 'region-occitanie' created" in printed
    assert "jeanne.martin@laregion.example of 'region-occitanie': created" in printed

    viewer, subject = asyncio.run(_sign_in(empty_database, ADMIN))
    assert viewer.kind is ViewerKind.ADMIN  # type: ignore[attr-defined]
    assert subject == "sub-jeanne"


def test_bootstrap_admin_run_again_changes_nothing(
    empty_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["bootstrap-admin", "--email", ADMIN, "--structure", "region-occitanie",
                 "--structure-name", "Région Occitanie"]  # fmt: skip
    assert cli.main(arguments) == 0
    capsys.readouterr()
    assert cli.main(arguments) == 0
    printed = capsys.readouterr().out
    assert ": unchanged" in printed and "created" not in printed


def test_bootstrap_admin_needs_a_name_to_create_a_structure(
    empty_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["bootstrap-admin", "--email", ADMIN, "--structure", "region-occitanie"])
    assert code == 2
    assert "--structure-name" in capsys.readouterr().err


STRUCTURES_CSV = """\
id;name;kind;department_code;postal_code;city;support_kinds
cci-x;CCI X;CCI;30;30000;Nîmes;CREATION|REPRISE
bge-x;BGE X;bge;31;;;
"""
AGENTS_CSV = """\
email,first_name,last_name,structure,title,roles,filieres,territories
anne.bernard@cci-x.example,Anne,Bernard,cci-x,Conseillère,REFERENT,aeronautique|hydrogene,30
"""


@pytest.fixture
def directory_files(tmp_path: Path) -> list[str]:
    structures, agents = tmp_path / "structures.csv", tmp_path / "agents.csv"
    structures.write_text(STRUCTURES_CSV, encoding="utf-8")
    agents.write_text(AGENTS_CSV, encoding="utf-8")
    return [str(structures), str(agents)]


def test_import_directory_is_a_dry_run_by_default(
    empty_database: str, directory_files: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["import-directory", *directory_files]) == 0
    printed = capsys.readouterr().out
    assert "dry run, nothing written" in printed
    assert "3 created, 0 updated, 0 unchanged; 0 errors" in printed
    assert asyncio.run(_directory(empty_database)) == ([], {})


def test_import_directory_applies_then_finds_everything_unchanged(
    empty_database: str, directory_files: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["import-directory", "--apply", *directory_files]) == 0
    assert "(applied)" in capsys.readouterr().out
    structures, accounts = asyncio.run(_directory(empty_database))
    assert structures == ["bge-x", "cci-x"] and list(accounts) == ["anne.bernard@cci-x.example"]

    assert cli.main(["import-directory", "--apply", *directory_files]) == 0
    assert "0 created, 0 updated, 3 unchanged; 0 errors" in capsys.readouterr().out


def test_import_directory_reports_a_changed_row_as_updated(
    empty_database: str, directory_files: list[str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    assert cli.main(["import-directory", "--apply", *directory_files]) == 0
    capsys.readouterr()
    moved = tmp_path / "moved.json"
    moved.write_text(json.dumps({"agents": [
        {"email": "Anne.Bernard@cci-x.example", "first_name": "Anne", "last_name": "Bernard",
         "structure": "bge-x", "roles": ["REFERENT", "FUNDING_EXPERT"]},
    ]}), encoding="utf-8")  # fmt: skip

    assert cli.main(["import-directory", "--apply", str(moved)]) == 0
    assert "0 created, 1 updated, 0 unchanged" in capsys.readouterr().out


def test_import_directory_names_each_bad_row_by_its_line_and_writes_nothing(
    empty_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    structures = tmp_path / "structures.csv"
    structures.write_text(STRUCTURES_CSV + "Bad Id;X;NOPE;999x;;;\n", encoding="utf-8")
    agents = tmp_path / "agents.csv"
    agents.write_text(AGENTS_CSV + "c.d@x.example,Carl,Dé,nowhere,,,,\n", encoding="utf-8")

    code = cli.main(["import-directory", "--apply", str(structures), str(agents)])

    assert code == 1
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith(f"{structures}:4: id: ")
    assert "kind: " in printed[0] and "department_code: " in printed[0]
    assert printed[1] == f"{agents}:3: no structure has the id 'nowhere'"
    assert "nothing written" in printed[-1] and "2 errors" in printed[-1]
    assert asyncio.run(_directory(empty_database)) == ([], {})


def test_import_directory_refuses_a_file_that_is_neither_kind(
    empty_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.csv"
    other.write_text("siret,name\n1,x\n", encoding="utf-8")
    assert cli.main(["import-directory", str(other)]) == 1
    assert f"{other}:1: the header names neither" in capsys.readouterr().out


def test_import_directory_names_a_bad_json_item_by_its_line(
    empty_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = tmp_path / "directory.json"
    directory.write_text(
        '{\n  "structures": [{"id": "cci-x", "name": "CCI X", "kind": "CCI"}],\n'
        '  "agents": [\n'
        '    {"email": "a@cci-x.example", "first_name": "A", "last_name": "B",'
        ' "structure": "cci-x"},\n\n'
        '    {"email": "not-an-email", "first_name": "C", "last_name": "D",'
        ' "structure": "cci-x"}\n  ]\n}\n',
        encoding="utf-8",
    )
    assert cli.main(["import-directory", str(directory)]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(f"{directory}:6 (agents[1]): email: ")
    assert "not-an-email" not in first  # the offending value is not echoed
