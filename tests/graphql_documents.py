"""Hypothesis strategies for valid GraphQL query documents over a whole schema: random
paths down to a bounded depth, aliases, named fragments and inline fragments, arguments
as literals or as variables, with argument values drawn from pools of meaningful ones, and
(when asked) ``@include``/``@skip`` on variables."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    get_named_type,
    is_required_input_field,
)
from hypothesis import strategies as st

__all__ = ["Document", "documents"]

MAX_DEPTH = 6
MAX_ALIASES = 20
_GENERIC: dict[str, st.SearchStrategy[Any]] = {
    "String": st.sampled_from(["", "Durand", "30", "é", "%_", "x" * 300]),
    "ID": st.sampled_from(["agent-pierre-durand", "cci-gard", "nope", ""]),
    "Int": st.integers(min_value=-1, max_value=30),
    "Boolean": st.booleans(),
    "Float": st.sampled_from([0.0, 0.3, 0.6, 1.5, -1.0]),
    "Decimal": st.sampled_from(["20000", "4000", "0", "-5", "1e12"]),
    "Date": st.sampled_from(["2026-11-23", "2021-01-01"]),
    "DateTime": st.sampled_from(["2026-11-23T10:00:00+00:00", "2020-01-01T00:00:00Z"]),
}


@dataclass(frozen=True)
class Document:
    query: str
    variables: dict[str, Any]
    switches: tuple[str, ...] = ()
    """The variables an ``@include``/``@skip`` reads."""

    def __str__(self) -> str:
        return f"{self.query}\nvariables: {json.dumps(self.variables, ensure_ascii=False)}"


@dataclass
class _Building:
    draw: st.DrawFn
    pools: Mapping[str, st.SearchStrategy[Any]]
    fragments: list[str] = field(default_factory=list)
    variables: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    count: int = 0
    aliases: int = 0
    max_depth: int = MAX_DEPTH
    with_switches: bool = False
    """Whether ``@include``/``@skip`` are drawn at all."""
    switches: list[str] = field(default_factory=list)
    """The Boolean variables they read."""

    def name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"


def _value(build: _Building, key: str, type_: GraphQLInputType) -> Any:
    """A value of ``type_`` (as JSON, the way a client sends variables)."""
    if isinstance(type_, GraphQLNonNull):
        return _value(build, key, type_.of_type)
    if key in build.pools:
        return build.draw(build.pools[key])
    if isinstance(type_, GraphQLList):
        size = build.draw(st.integers(min_value=0, max_value=2))
        return [_value(build, key, type_.of_type) for _ in range(size)]
    if isinstance(type_, GraphQLEnumType):
        return build.draw(st.sampled_from(sorted(type_.values)))
    if isinstance(type_, GraphQLInputObjectType):
        names = sorted(type_.fields)
        required = [name for name in names if is_required_input_field(type_.fields[name])]
        optional = [name for name in names if name not in required]
        chosen = required + (
            build.draw(st.lists(st.sampled_from(optional), unique=True)) if optional else []
        )
        return {
            name: _value(build, f"{type_.name}.{name}", type_.fields[name].type) for name in chosen
        }
    assert isinstance(type_, GraphQLScalarType)
    return build.draw(_GENERIC[type_.name])


def _literal(value: Any, type_: GraphQLInputType) -> str:
    if isinstance(type_, GraphQLNonNull):
        return _literal(value, type_.of_type)
    if value is None:
        return "null"
    if isinstance(type_, GraphQLList):
        return "[" + ", ".join(_literal(item, type_.of_type) for item in value) + "]"
    if isinstance(type_, GraphQLEnumType):
        return str(value)
    if isinstance(type_, GraphQLInputObjectType):
        inner = ", ".join(f"{k}: {_literal(v, type_.fields[k].type)}" for k, v in value.items())
        return "{" + inner + "}"
    return json.dumps(value, ensure_ascii=False)  # JSON strings, numbers, booleans are GraphQL's


def _arguments(build: _Building, parent: str, name: str, field_: Any) -> str:
    given = []
    for arg_name, argument in field_.args.items():
        required = isinstance(argument.type, GraphQLNonNull)
        if not required and not build.draw(st.booleans()):
            continue
        value = _value(build, f"{parent}.{name}.{arg_name}", argument.type)
        if build.draw(st.booleans()):
            variable = build.name("v")
            build.variables.append(f"${variable}: {argument.type}")
            build.values[variable] = value
            given.append(f"{arg_name}: ${variable}")
        else:
            given.append(f"{arg_name}: {_literal(value, argument.type)}")
    return f"({', '.join(given)})" if given else ""


def _switch(build: _Building) -> str:
    """Nothing, or an ``@include``/``@skip`` on a new Boolean variable (drawn only when the
    documents take them)."""
    if not build.with_switches or not build.draw(st.booleans()):
        return ""
    directive = build.draw(st.sampled_from(["include", "skip"]))
    variable = build.name("s")
    build.variables.append(f"${variable}: Boolean!")
    build.switches.append(variable)
    build.values[variable] = build.draw(st.booleans())
    return f" @{directive}(if: ${variable})"


def _field(build: _Building, parent: GraphQLObjectType, name: str, depth: int) -> str:
    field_ = parent.fields[name]
    arguments = _arguments(build, parent.name, name, field_)
    alias = ""
    if build.aliases < MAX_ALIASES and (arguments or build.draw(st.booleans())):
        build.aliases += 1
        alias = f"{build.name('a')}: "
    named = get_named_type(field_.type)
    inner = ""
    if isinstance(named, GraphQLObjectType):
        inner = " { " + _selection(build, named, depth + 1) + " }"
    return f"{alias}{name}{arguments}{_switch(build)}{inner}"


def _selection(
    build: _Building, type_: GraphQLObjectType, depth: int, names: Sequence[str] = ()
) -> str:
    names = names or sorted(type_.fields)
    if depth >= build.max_depth:  # leaves only (a type without any ends with __typename)
        names = [n for n in names if not isinstance(get_named_type(type_.fields[n].type),
                                                    GraphQLObjectType)]  # fmt: skip
    if not names:
        return "__typename"
    chosen = build.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    parts = []
    for name in chosen:
        selected = _field(build, type_, name, depth)
        wrapping = build.draw(st.sampled_from(["plain", "plain", "inline", "fragment"]))
        if wrapping == "inline":
            selected = f"... on {type_.name}{_switch(build)} {{ {selected} }}"
        elif wrapping == "fragment":
            fragment = build.name("F")
            build.fragments.append(f"fragment {fragment} on {type_.name} {{ {selected} }}")
            selected = f"...{fragment}{_switch(build)}"
        parts.append(selected)
    if build.draw(st.booleans()):
        parts.append("__typename")
    return " ".join(parts)


@st.composite
def documents(
    draw: st.DrawFn,
    schema: GraphQLSchema,
    pools: Mapping[str, st.SearchStrategy[Any]],
    *,
    roots: Sequence[str] = (),
    max_depth: int = MAX_DEPTH,
    switches: bool = False,
) -> Document:
    """A query over ``schema``; ``pools`` give the values of arguments and input fields by
    ``Type.field.argument`` or ``InputType.field``. ``roots``: the root fields to choose
    from (all, when empty); ``switches``: put ``@include``/``@skip`` on some fields, inline
    fragments and fragment spreads, each on a Boolean variable of its own."""
    query = schema.query_type
    assert query is not None
    build = _Building(draw, pools, max_depth=max_depth, with_switches=switches)
    body = _selection(build, query, 0, roots)
    header = f"({', '.join(build.variables)})" if build.variables else ""
    text = " ".join([f"query Leak{header} {{ {body} }}", *build.fragments])
    return Document(text, build.values, tuple(build.switches))
