"""Every field says who may see it, every mutation who may call it: read from the built
schema, checked when the schema is built.

A field of an object type declares a tier (``tiered(Tier.X)``); a field of the root
Mutation or Subscription declares an action (``@allowed(action: …)``). A field that
declares nothing, or whose ``@visibility`` names a tier that no ``VisibleTo`` permission
enforces, makes the build fail with the list of the offending ``Type.field``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from graphql import GraphQLField, GraphQLObjectType, GraphQLSchema
from strawberry.permission import PermissionExtension

from auth.actions import Action, Allowed
from auth.tiers import Tier
from auth.visibility import ReadsCompany, Visibility, VisibleTo

__all__ = ["Declaration", "UndeclaredFields", "check_declarations", "declarations", "undeclared"]


class UndeclaredFields(Exception):
    """Fields that declare no tier (or mutations no action): the schema must not be served."""

    def __init__(self, fields: list[str]) -> None:
        super().__init__(
            "Every field declares who may see it (`tiered(Tier.X)`) and every mutation or "
            "subscription who may call it (`@allowed`); these do not: " + ", ".join(fields)
        )
        self.fields = fields


@dataclass(frozen=True, slots=True)
class Declaration:
    """What one field of the served schema declares (exactly one of ``tier``, ``action``
    for a well-declared field)."""

    type_name: str
    field_name: str
    tier: Tier | None = None
    action: Action | None = None
    enforced: bool = False
    """For a tier above PUBLIC: a ``VisibleTo`` permission of that tier guards the field."""
    on_action_root: bool = False
    """A field of the root Mutation or Subscription: it declares an action, not a tier."""
    reads: ReadsCompany | None = None
    """A root field whose argument names a company it reads at a higher tier (checked and
    audited by its resolver)."""

    @property
    def name(self) -> str:
        return f"{self.type_name}.{self.field_name}"

    @property
    def declared(self) -> bool:
        if self.on_action_root:
            return self.action is not None
        return self.tier is not None and (self.tier is Tier.PUBLIC or self.enforced)


def _object_types(schema: GraphQLSchema) -> Iterator[GraphQLObjectType]:
    for name in sorted(schema.type_map):
        type_ = schema.type_map[name]
        if isinstance(type_, GraphQLObjectType) and not name.startswith("__"):
            yield type_


def _declaration(
    type_name: str, field_name: str, field: GraphQLField, *, on_action_root: bool
) -> Declaration:
    definition = (field.extensions or {}).get("strawberry-definition")
    directives = list(getattr(definition, "directives", ()))
    tiers = [d.tier for d in directives if isinstance(d, Visibility)]
    actions = [d.action for d in directives if isinstance(d, Allowed)]
    guards = {
        permission.tier
        for extension in getattr(definition, "extensions", ())
        if isinstance(extension, PermissionExtension)
        for permission in extension.permissions
        if isinstance(permission, VisibleTo)
    }
    tier = tiers[0] if len(tiers) == 1 else None
    reads = [d for d in directives if isinstance(d, ReadsCompany)]
    return Declaration(
        type_name,
        field_name,
        tier=tier,
        action=actions[0] if len(actions) == 1 else None,
        enforced=tier is not None and guards == {tier},
        on_action_root=on_action_root,
        reads=reads[0] if reads else None,
    )


def declarations(schema: GraphQLSchema) -> list[Declaration]:
    """Every field of every object type of the schema (introspection types aside), by type
    then field name."""
    action_roots = {schema.mutation_type, schema.subscription_type} - {None}
    return [
        _declaration(type_.name, field_name, field, on_action_root=type_ in action_roots)
        for type_ in _object_types(schema)
        for field_name, field in sorted(type_.fields.items())
    ]


def undeclared(schema: GraphQLSchema) -> list[str]:
    """``Type.field`` of every field that declares no tier (no action for a mutation)."""
    return [d.name for d in declarations(schema) if not d.declared]


def check_declarations(schema: GraphQLSchema) -> None:
    missing = undeclared(schema)
    if missing:
        raise UndeclaredFields(missing)
