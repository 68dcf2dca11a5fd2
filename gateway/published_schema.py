"""The published schema: the SDL frontends code against (``schema.graphql``, with each field's
``@visibility`` / ``@allowed``), and the change policy that compares it with the last
release's (``releases/schema-<version>.graphql``), docs/schema-changes.md.

graphql-core's ``find_breaking_changes`` says what would break a client; a removal passes
only when the released schema had deprecated the element with a reason naming its dates
(``DEPRECATION_FORMAT``), the removal date has come, and the version is past the release's.
``find_dangerous_changes`` and a field's tier becoming another are warnings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from graphql import (
    BreakingChange,
    BreakingChangeType,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    find_breaking_changes,
    find_dangerous_changes,
    get_named_type,
)
from graphql.language import EnumValueNode
from strawberry import Schema

__all__ = [
    "DEPRECATION_FORMAT",
    "MIN_NOTICE_MONTHS",
    "Deprecation",
    "Report",
    "compare",
    "deprecation_problems",
    "latest_release",
    "release_version",
    "sdl",
    "update_file",
]

MIN_NOTICE_MONTHS = 6
"""A deprecated element is removed no sooner than this many months after its deprecation."""

DEPRECATION_FORMAT = re.compile(
    r"deprecated on (?P<since>\d{4}-\d{2}-\d{2}), "
    r"removed on or after (?P<removal>\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)
"""What a ``@deprecated`` reason must contain, after why and what to use instead:
``"Use `x`. Deprecated on 2026-12-04, removed on or after 2027-06-04."``"""

_RELEASE = re.compile(r"schema-(?P<version>\d+(?:\.\d+)*)\.graphql")
_REMOVALS = {
    BreakingChangeType.FIELD_REMOVED: re.compile(r"Field (?P<c>\w+\.\w+) was removed\."),
    BreakingChangeType.ARG_REMOVED: re.compile(r"Argument (?P<c>\w+\.\w+\(\w+:\)) was removed\."),
    BreakingChangeType.VALUE_REMOVED_FROM_ENUM: re.compile(
        r"Enum value (?P<c>\w+\.\w+) was removed\."
    ),
    BreakingChangeType.TYPE_REMOVED: re.compile(r"(?P<c>\w+) was removed\."),
}


@dataclass(frozen=True, slots=True)
class Deprecation:
    """A deprecated element of a schema: ``Type.field``, ``Type.field(arg:)`` or ``Enum.VALUE``."""

    coordinate: str
    reason: str

    @property
    def dates(self) -> tuple[date, date] | None:
        """(deprecated on, removed on or after), or None when the reason does not say."""
        found = DEPRECATION_FORMAT.search(self.reason)
        if found is None:
            return None
        try:
            return date.fromisoformat(found["since"]), date.fromisoformat(found["removal"])
        except ValueError:
            return None

    def problem(self) -> str | None:
        dates = self.dates
        if dates is None:
            return (
                f"{self.coordinate}: the reason must say 'deprecated on YYYY-MM-DD, removed on "
                f"or after YYYY-MM-DD' (got {self.reason!r})"
            )
        since, removal = dates
        if removal < _add_months(since, MIN_NOTICE_MONTHS):
            return (
                f"{self.coordinate}: removal {removal} is less than {MIN_NOTICE_MONTHS} months "
                f"after the deprecation ({since})"
            )
        return None


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for dom in (day.day, 30, 29, 28):  # 31 August + 6 months: the last day of February
        try:
            return date(year, month, dom)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def _deprecations(schema: GraphQLSchema) -> Iterator[Deprecation]:
    for type_ in _named_types(schema):
        if isinstance(type_, GraphQLEnumType):
            for name, value in type_.values.items():
                if value.deprecation_reason is not None:
                    yield Deprecation(f"{type_.name}.{name}", value.deprecation_reason)
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for name, field_ in type_.fields.items():
                reason = field_.deprecation_reason
                if reason is not None:
                    yield Deprecation(f"{type_.name}.{name}", reason)
                for arg_name, arg in getattr(field_, "args", {}).items():
                    if arg.deprecation_reason is not None:
                        coordinate = f"{type_.name}.{name}({arg_name}:)"
                        yield Deprecation(coordinate, arg.deprecation_reason)


def _named_types(schema: GraphQLSchema) -> Iterator[GraphQLNamedType]:
    for name in sorted(schema.type_map):
        if not name.startswith("__"):
            yield schema.type_map[name]


def deprecation_problems(schema: GraphQLSchema) -> list[str]:
    """Every ``@deprecated`` whose reason does not follow the policy."""
    return [p for d in _deprecations(schema) if (p := d.problem()) is not None]


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def release_version(path: Path) -> str:
    """The version a released SDL file is named after (``schema-0.1.0.graphql``)."""
    found = _RELEASE.fullmatch(path.name)
    if found is None:
        raise ValueError(f"{path.name}: a released schema is named schema-<version>.graphql")
    return found["version"]


def latest_release(folder: Path) -> Path | None:
    """The released SDL of the highest version in ``folder``."""
    released = [p for p in folder.glob("schema-*.graphql") if _RELEASE.fullmatch(p.name)]
    return max(released, key=lambda p: _version(release_version(p)), default=None)


def _tiers(schema: GraphQLSchema) -> dict[str, str]:
    """``Type.field`` → the tier its ``@visibility`` names (output fields and criteria)."""
    tiers: dict[str, str] = {}
    for type_ in _named_types(schema):
        if not isinstance(type_, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            continue
        for name, field_ in type_.fields.items():
            node = field_.ast_node
            for directive in (node.directives or ()) if node else ():
                for argument in directive.arguments or ():
                    if directive.name.value == "visibility" and isinstance(
                        argument.value, EnumValueNode
                    ):
                        tiers[f"{type_.name}.{name}"] = argument.value.value
    return tiers


@dataclass(slots=True)
class Report:
    """What changed between the released schema and the current one."""

    breaking: list[str] = field(default_factory=list)
    """Changes that break clients and the policy does not allow: the check fails."""
    removed: list[str] = field(default_factory=list)
    """Removals of elements deprecated in the release, their date come, in a new version."""
    dangerous: list[str] = field(default_factory=list)
    """Warnings: changes that may change what a client sees (a tier among them)."""
    deprecations: list[str] = field(default_factory=list)
    """``@deprecated`` reasons of the current schema that do not follow the policy: they fail."""

    @property
    def ok(self) -> bool:
        return not self.breaking and not self.deprecations

    def render(self) -> str:
        sections = (
            ("breaking changes (not allowed)", self.breaking),
            ("deprecations not following the policy", self.deprecations),
            ("removals after deprecation (allowed)", self.removed),
            ("dangerous changes (warnings)", self.dangerous),
        )
        lines = [
            line
            for title, items in sections
            if items
            for line in (f"{title}:", *(f"  - {item}" for item in items))
        ]
        return "\n".join(lines or ["no change that can break a client"]) + "\n"


@dataclass(frozen=True, slots=True)
class _Context:
    old: GraphQLSchema
    new: GraphQLSchema
    due: frozenset[str]
    """Coordinates deprecated in the release whose removal date has come."""


def _references(schema: GraphQLSchema, type_name: str) -> Iterator[tuple[str, str]]:
    """(owner type, coordinate) of every field and argument whose type is ``type_name``; a
    union it belongs to, an interface it implements (``... on`` it) are references that no
    deprecation covers: their coordinate is the owner's name."""
    for owner in _named_types(schema):
        if isinstance(owner, GraphQLUnionType) and type_name in {t.name for t in owner.types}:
            yield owner.name, owner.name
        if not isinstance(owner, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            continue
        if isinstance(owner, GraphQLObjectType | GraphQLInterfaceType) and owner.name == type_name:
            yield from ((i.name, i.name) for i in owner.interfaces)
        for name, field_ in owner.fields.items():
            if get_named_type(field_.type).name == type_name:
                yield owner.name, f"{owner.name}.{name}"
            for arg_name, arg in getattr(field_, "args", {}).items():
                if get_named_type(arg.type).name == type_name:
                    yield owner.name, f"{owner.name}.{name}({arg_name}:)"


def _type_removal_allowed(context: _Context, name: str, seen: frozenset[str]) -> bool:
    """A type may go when everything that led to it was deprecated and is due, or went
    with a type that may go (a connection and its edge type)."""
    if name in seen:
        return True
    return all(
        coordinate in context.due
        or (
            owner not in context.new.type_map
            and _type_removal_allowed(context, owner, seen | {name})
        )
        for owner, coordinate in _references(context.old, name)
    )


def _allowed(change: BreakingChange, context: _Context) -> bool:
    pattern = _REMOVALS.get(change.type)
    found = pattern.fullmatch(change.description) if pattern else None
    if found is None:
        return False
    if change.type is BreakingChangeType.TYPE_REMOVED:
        return _type_removal_allowed(context, found["c"], frozenset())
    return found["c"] in context.due


def compare(
    released_sdl: str,
    current_sdl: str,
    *,
    released_version: str,
    current_version: str,
    today: date,
) -> Report:
    """The changes from the release to the current schema, judged by the policy."""
    old, new = build_schema(released_sdl), build_schema(current_sdl)
    in_a_release = _version(current_version) > _version(released_version)
    due = frozenset(
        d.coordinate
        for d in _deprecations(old)
        if d.problem() is None and (dates := d.dates) is not None and dates[1] <= today
    )
    context = _Context(old, new, due)
    report = Report(deprecations=deprecation_problems(new))
    for change in find_breaking_changes(old, new):
        if not _allowed(change, context):
            report.breaking.append(change.description)
        elif in_a_release:
            report.removed.append(change.description)
        else:
            report.breaking.append(
                f"{change.description} (deprecated and due, but a removal waits for a release: "
                f"the version is still {current_version})"
            )
    report.dangerous.extend(change.description for change in find_dangerous_changes(old, new))
    old_tiers, new_tiers = _tiers(old), _tiers(new)
    report.dangerous.extend(
        f"{coordinate}: tier {old_tiers[coordinate]} became {tier}."
        for coordinate, tier in sorted(new_tiers.items())
        if old_tiers.get(coordinate, tier) != tier
    )
    return report


def sdl(schema: Schema) -> str:
    """The schema's SDL as published: every field with its ``@visibility`` or ``@allowed``."""
    return schema.as_str() + "\n"


def update_file(path: Path, sdl: str) -> bool:
    """Writes ``sdl`` to ``path``; True when it changed."""
    before = path.read_text(encoding="utf-8") if path.exists() else None
    if before != sdl:
        path.write_text(sdl, encoding="utf-8")
    return before != sdl
