"""The published schema: schema.graphql is the served SDL, and the current schema breaks no
client of the last release but as the deprecation policy allows (docs/schema-changes.md)."""

from __future__ import annotations

from datetime import date
from importlib.metadata import version
from pathlib import Path

import graphql
import pytest
import strawberry

import gateway.cli
from auth.declarations import declarations
from auth.tiers import Tier
from auth.visibility import tiered
from gateway import published_schema
from gateway.cli import main
from gateway.errors import HubSchema

ROOT = Path(__file__).resolve().parents[2]
PUBLISHED = ROOT / "schema.graphql"
RELEASES = ROOT / "releases"

_DIRECTIVE = "directive @visibility(tier: Tier!) on FIELD_DEFINITION\nenum Tier { PUBLIC TIER2 }\n"
_WHY = "Use `name`. Deprecated on 2026-01-05, removed on or after 2026-07-05."


def _sdl(query_fields: str, extra: str = "") -> str:
    return f"{_DIRECTIVE}type Query {{\n{query_fields}\n}}\n{extra}"


def _compare(
    released: str, current: str, *, current_version: str = "0.2.0", today: str = "2026-08-01"
) -> published_schema.Report:
    return published_schema.compare(
        released,
        current,
        released_version="0.1.0",
        current_version=current_version,
        today=date.fromisoformat(today),
    )


@pytest.fixture(autouse=True)
def _no_process_logging(monkeypatch: pytest.MonkeyPatch) -> None:
    # the CLI configures the process's logging; not the test process's
    monkeypatch.setattr(gateway.cli, "configure_logging", lambda level: None)


def test_the_committed_schema_is_the_served_one(schema: HubSchema) -> None:
    assert PUBLISHED.read_text(encoding="utf-8") == published_schema.sdl(schema), (
        "schema.graphql is stale: run `.venv/bin/hub-gateway schema --update schema.graphql`"
    )


def test_the_schema_breaks_no_client_of_the_last_release(schema: HubSchema) -> None:
    release = published_schema.latest_release(RELEASES)
    assert release is not None, "releases/ holds the last release's schema-<version>.graphql"
    report = published_schema.compare(
        release.read_text(encoding="utf-8"),
        published_schema.sdl(schema),
        released_version=published_schema.release_version(release),
        current_version=version("hub-gateway"),
        today=date.today(),
    )
    assert report.ok, report.render()


def test_the_sdl_shows_each_fields_tier_and_each_mutations_action(schema: HubSchema) -> None:
    sdl = published_schema.sdl(schema)
    assert "directive @visibility(tier: Tier!) on FIELD_DEFINITION" in sdl
    [turnover] = [line for line in sdl.splitlines() if line.startswith("  turnover: [Turnover!]")]
    assert turnover.endswith("@visibility(tier: TIER2)")  # after its @cost
    assert "@allowed(action: REGISTER_COMPANY)" in sdl
    assert "notifications: Notification! @allowed(action: READ_OWN_NOTIFICATIONS)" in sdl


def test_every_fields_declared_tier_or_action_is_on_it_in_the_sdl(schema: HubSchema) -> None:
    printed = graphql.build_schema(published_schema.sdl(schema))
    for declaration in declarations(schema._schema):
        type_ = printed.type_map[declaration.type_name]
        assert isinstance(type_, graphql.GraphQLObjectType)
        node = type_.fields[declaration.field_name].ast_node
        assert node is not None
        declared = {
            d.name.value: graphql.print_ast(d.arguments[0].value)
            for d in node.directives or ()
            if d.name.value in ("visibility", "allowed")
        }
        if declaration.action is not None:
            assert declared == {"allowed": declaration.action.name}, declaration.name
        else:
            assert declaration.tier is not None
            assert declared == {"visibility": declaration.tier.name}, declaration.name


def test_removing_a_field_never_deprecated_is_breaking() -> None:
    report = _compare(_sdl("name: String\nold: String"), _sdl("name: String"))
    assert report.breaking == ["Field Query.old was removed."] and not report.ok


def test_removing_a_deprecated_field_passes_in_a_release_once_its_date_has_come() -> None:
    released = _sdl(f'name: String\nold: String @deprecated(reason: "{_WHY}")')
    report = _compare(released, _sdl("name: String"))
    assert report.ok and report.removed == ["Field Query.old was removed."]


def test_removing_a_deprecated_field_before_its_date_is_breaking() -> None:
    released = _sdl(f'name: String\nold: String @deprecated(reason: "{_WHY}")')
    report = _compare(released, _sdl("name: String"), today="2026-07-04")
    assert report.breaking == ["Field Query.old was removed."]


def test_removing_a_deprecated_field_waits_for_a_new_version() -> None:
    released = _sdl(f'name: String\nold: String @deprecated(reason: "{_WHY}")')
    report = _compare(released, _sdl("name: String"), current_version="0.1.0")
    assert not report.ok and "waits for a release" in report.breaking[0]


def test_a_type_goes_with_the_deprecated_field_that_led_to_it() -> None:
    types = "type OldConnection { edges: [OldEdge!]! }\ntype OldEdge { node: String }\n"
    released = _sdl(f'name: String\nold: OldConnection @deprecated(reason: "{_WHY}")', types)
    report = _compare(released, _sdl("name: String"))
    assert report.ok, report.render()
    assert sorted(report.removed) == [
        "Field Query.old was removed.",
        "OldConnection was removed.",
        "OldEdge was removed.",
    ]


def test_a_type_still_reached_by_a_live_field_may_not_go() -> None:
    types = "type Old { id: ID }\n"
    released = _sdl(f'a: Old @deprecated(reason: "{_WHY}")\nb: Old', types)
    report = _compare(released, _sdl("name: String"))
    assert "Field Query.b was removed." in report.breaking
    assert "Old was removed." in report.breaking


_NODE = "interface Node { id: ID }\ntype New implements Node { id: ID }\n"


@pytest.mark.parametrize(
    ("kept", "released_types", "current_types"),
    [
        (
            "found: Found",
            "union Found = Old | New\ntype New { id: ID }\ntype Old { id: ID }\n",
            "union Found = New\ntype New { id: ID }\n",
        ),
        (
            "node: Node",
            _NODE + "type Old implements Node { id: ID }\n",
            _NODE,
        ),
    ],
)
def test_a_type_reached_through_a_union_or_an_interface_may_not_go(
    kept: str, released_types: str, current_types: str
) -> None:
    released = _sdl(f'a: Old @deprecated(reason: "{_WHY}")\n{kept}', released_types)
    report = _compare(released, _sdl(kept, current_types))
    assert "Old was removed." in report.breaking  # a client may select `... on Old`
    assert report.removed == ["Field Query.a was removed."]


def test_removing_a_deprecated_argument_or_enum_value_follows_the_same_rule() -> None:
    released = _sdl(
        f'f(x: Int @deprecated(reason: "{_WHY}"), y: Int): Kind',
        f'enum Kind {{ A B @deprecated(reason: "{_WHY}") C }}\n',
    )
    current = _sdl("f(y: Int): Kind", "enum Kind { A C }\n")
    report = _compare(released, current)
    assert report.ok, report.render()
    assert sorted(report.removed) == [
        "Argument Query.f(x:) was removed.",
        "Enum value Kind.B was removed.",
    ]


@pytest.mark.parametrize(
    ("reason", "problem"),
    [
        ("Use `name`.", "the reason must say"),
        ("Deprecated on 2026-01-05, removed on or after 2026-06-30.", "less than 6 months"),
        ("Deprecated on 2026-02-30, removed on or after 2026-09-01.", "the reason must say"),
    ],
)
def test_a_deprecation_names_its_date_and_a_removal_six_months_on(
    reason: str, problem: str
) -> None:
    current = _sdl(f'name: String\nold: String @deprecated(reason: "{reason}")')
    report = _compare(_sdl("name: String\nold: String"), current)
    assert not report.ok and len(report.deprecations) == 1
    assert report.deprecations[0].startswith("Query.old: ") and problem in report.deprecations[0]


def test_a_deprecation_of_august_31st_may_go_on_the_last_day_of_february() -> None:
    why = "Deprecated on 2026-08-31, removed on or after 2027-02-28."
    current = _sdl(f'name: String\nold: String @deprecated(reason: "{why}")')
    assert _compare(_sdl("name: String\nold: String"), current).ok


def test_a_tier_change_and_a_dangerous_change_are_warnings() -> None:
    released = _sdl("name: String @visibility(tier: PUBLIC)", "enum Kind { A }\n")
    current = _sdl("name: String @visibility(tier: TIER2)", "enum Kind { A B }\n")
    report = _compare(released, current)
    assert report.ok
    assert report.dangerous == [
        "Enum value Kind.B was added.",
        "Query.name: tier PUBLIC became TIER2.",
    ]


def test_the_cli_prints_writes_checks_and_compares_the_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], schema: HubSchema
) -> None:
    sdl = published_schema.sdl(schema)
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == sdl

    target = tmp_path / "schema.graphql"
    assert main(["schema", "--check", str(target)]) == 1
    assert "is stale" in capsys.readouterr().out
    assert main(["schema", "--update", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == sdl
    assert main(["schema", "--check", str(target)]) == 0

    # A release that had a field the schema no longer has, never deprecated: it fails.
    release = tmp_path / "schema-0.0.9.graphql"
    release.write_text(sdl.replace("type Query {\n", "type Query {\n  gone: String\n"))
    capsys.readouterr()
    assert main(["schema", "--breaking-since", str(release)]) == 1
    assert "Field Query.gone was removed." in capsys.readouterr().out
    assert main(["schema", "--breaking-since", str(RELEASES / "schema-0.1.0.graphql")]) == 0
    # A folder stands for its latest release; an empty one is a configuration error.
    assert main(["schema", "--breaking-since", str(tmp_path)]) == 1
    assert "compared with " + str(release) in capsys.readouterr().out
    (tmp_path / "empty").mkdir()
    assert main(["schema", "--breaking-since", str(tmp_path / "empty")]) == 2


def test_a_release_file_is_named_after_its_version(tmp_path: Path) -> None:
    for name in ("schema-0.9.0.graphql", "schema-0.10.0.graphql", "notes.graphql"):
        (tmp_path / name).write_text("type Query { a: Int }\n")
    latest = published_schema.latest_release(tmp_path)
    assert latest is not None and published_schema.release_version(latest) == "0.10.0"
    with pytest.raises(ValueError, match="schema-<version>"):
        published_schema.release_version(tmp_path / "notes.graphql")


@strawberry.type
class Sheet:
    name: str = tiered(Tier.PUBLIC)
    old_name: str = tiered(Tier.TIER2, deprecation_reason=_WHY)


@strawberry.type
class SheetQuery:
    sheet: Sheet = tiered(Tier.PUBLIC)  # printed, never run


def test_a_tiered_field_deprecated_under_the_policy_can_go_in_the_next_release() -> None:
    released = published_schema.sdl(strawberry.Schema(query=SheetQuery))
    # the tier and the deprecation, side by side
    line = f'  oldName: String! @visibility(tier: TIER2) @deprecated(reason: "{_WHY}")\n'
    assert line in released
    current = released.replace(line, "")
    report = _compare(released, current)
    assert report.ok and report.removed == ["Field Sheet.oldName was removed."]
