"""Every field declares its tier, every mutation its action: or the schema does not build."""

from __future__ import annotations

import pytest
import strawberry

import gateway.served_schema
from auth.actions import Action, Allowed
from auth.declarations import UndeclaredFields, check_declarations, declarations, undeclared
from auth.tiers import Tier
from auth.visibility import Visibility, tiered
from gateway.errors import HubSchema
from gateway.served_schema import build_schema
from gateway.settings import Settings
from schema import Mutation, Query, Subscription


def test_every_field_of_the_served_schema_declares_a_tier_or_an_action(
    schema: HubSchema,
) -> None:
    found = declarations(schema._schema)
    assert undeclared(schema._schema) == []
    names = {d.name for d in found}
    # the contract fields are all there, and every root of the schema is read
    assert {
        "Company.turnover",
        "Agent.email",
        "Query.company",
        "Mutation.registerCompany",
        "Subscription.notifications",
        "CompanyEdge.node",
    } <= names
    tiers = {d.name: d.tier for d in found}
    assert tiers["Company.turnover"] is Tier.TIER2
    assert tiers["Agent.email"] is Tier.NETWORK_OR_CHOSEN
    assert all(d.enforced for d in found if d.tier not in (None, Tier.PUBLIC))


@strawberry.type
class Secret:
    shown: str = tiered(Tier.PUBLIC)
    leaky: str = strawberry.field()  # no tier
    # claims tier 2 in the SDL, but nothing enforces it
    pretend: str = strawberry.field(directives=[Visibility(tier=Tier.TIER2)])


@strawberry.type
class LeakyQuery(Query):
    @tiered(Tier.PUBLIC)
    def secret(self) -> Secret:
        return Secret(shown="a", leaky="b", pretend="c")


@strawberry.type
class LeakyMutation(Mutation):
    @strawberry.mutation
    def undeclared_action(self) -> bool:
        return True

    @strawberry.mutation(directives=[Allowed(action=Action.SET_AGENT_ROLES)])
    def declared_action(self) -> bool:
        return True


def test_a_field_or_mutation_without_a_declaration_is_named() -> None:
    schema = HubSchema(query=LeakyQuery, mutation=LeakyMutation, subscription=Subscription)
    with pytest.raises(UndeclaredFields) as raised:
        check_declarations(schema._schema)
    assert raised.value.fields == [
        "LeakyMutation.undeclaredAction",
        "Secret.leaky",
        "Secret.pretend",
    ]
    assert "Secret.leaky" in str(raised.value)


def test_the_gateway_refuses_to_build_a_schema_with_an_undeclared_field(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(gateway.served_schema, "Query", LeakyQuery)
    with pytest.raises(UndeclaredFields, match="Secret.leaky"):
        build_schema(Settings())
