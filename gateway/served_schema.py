"""The GraphQL schema as served: its limits, caches, extensions and compiled operations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graphql import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.schema.config import StrawberryConfig

from auth.declarations import check_declarations
from gateway.access import OperationNames
from gateway.audit import AuditTrail
from gateway.cost import CostLimit, CostPlanner, CostPolicy
from gateway.errors import ErrorPolicy, HubSchema, SubscriptionsOnlyOverWebsockets, Warnings
from gateway.execution import CompiledOperations, refuse_field_hooks
from gateway.executor import HubExecutor
from gateway.identity_notice import IdentityNoticeExtension
from gateway.limits import BoundedValidationCache, ReportingParserCache, coded_limit
from gateway.settings import Settings
from gateway.tracing import OperationSpan
from schema import Mutation, Query, Subscription
from schema.scalars import SCALAR_OVERRIDES

__all__ = ["build_schema"]


def build_schema(settings: Settings, extensions: Sequence[Any] = ()) -> HubSchema:
    """Query limits are on by default; parsing and validation are cached (a validated
    document is not validated again), which matters on the hot path.

    Extensions are made per request (Strawberry keeps request state on them), but the limit
    rules are made once here: the validation cache is keyed by the rule classes, and the
    stock limiters would make new classes for every request, so nothing would ever hit.

    A document that selects more than MAX_FIELDS fields once its fragments are expanded is
    refused before validation. A field that declares no tier (a mutation no action) fails
    the build: ``UndeclaredFields`` names them. ``extensions``: more schema extensions (or
    factories of them); one with a ``resolve`` hook is refused (``refuse_field_hooks``)."""
    limit_rules = [
        *coded_limit(QueryDepthLimiter(max_depth=settings.max_depth).validation_rules, "depth"),
        *coded_limit(
            MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules, "aliases"
        ),
    ]
    if not settings.introspection:
        limit_rules.append(NoSchemaIntrospectionCustomRule)
    cost = CostPolicy(
        CostPlanner(maxsize=512),
        max_cost=settings.max_query_cost,
        max_reads=settings.max_upstream_reads,
        max_anonymous_reads=settings.max_anonymous_upstream_reads,
    )
    extensions = [
        lambda: ReportingParserCache(maxsize=512),
        lambda: AddValidationRules(limit_rules),
        lambda: BoundedValidationCache(max_fields=settings.max_fields, maxsize=512),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: CostLimit(cost),  # after the validation cache: prices valid documents only
        lambda: ErrorPolicy(suggestions=settings.field_suggestions),
        SubscriptionsOnlyOverWebsockets,
        Warnings,
        AuditTrail,
        IdentityNoticeExtension,
        OperationNames,
        OperationSpan,
        *extensions,
    ]
    schema = HubSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=StrawberryConfig(),
        scalar_overrides=SCALAR_OVERRIDES,
        execution_context_class=HubExecutor,
    )
    check_declarations(schema._schema)
    refuse_field_hooks(schema.get_extensions())
    schema.compiled = CompiledOperations(
        schema._schema, cost, hide_suggestions=not settings.field_suggestions
    )
    return schema
