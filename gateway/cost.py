"""What a request may cost, and the extension that refuses an operation over it with
``QUERY_TOO_COSTLY`` before anything runs; the price itself is planned by
``gateway/pricing.py``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema
from strawberry.extensions import SchemaExtension

from auth.viewer import ANONYMOUS, Viewer
from auth.visibility import refused_everywhere
from gateway.pricing import CostPlanner, Price

__all__ = ["QUERY_TOO_COSTLY", "CostLimit", "CostPlanner", "CostPolicy", "Price"]

QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"


@dataclass(frozen=True, slots=True)
class CostPolicy:
    """What a request may cost: ``max_cost`` points, and ``max_reads`` partner reads for a
    signed-in viewer or a partner key, ``max_anonymous_reads`` for anyone else."""

    planner: CostPlanner
    max_cost: int
    max_reads: int
    max_anonymous_reads: int

    def refusal(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
        query: str | None,
        viewer: Viewer,
    ) -> GraphQLError | None:
        """Why this viewer may not run this operation (``QUERY_TOO_COSTLY``), or None."""
        signed_in = viewer.is_authenticated
        price = self.planner.price(
            schema,
            document,
            operation_name,
            variables,
            query,
            refused=refused_everywhere(viewer),
            anonymous=not signed_in,
        )
        max_reads = self.max_reads if signed_in else self.max_anonymous_reads
        if price.cost > self.max_cost:
            return GraphQLError(
                f"This query costs {price.cost} points; the most a request may cost is "
                f"{self.max_cost}. Ask for fewer items (`first`) or fewer fields.",
                extensions={"code": QUERY_TOO_COSTLY, "cost": price.cost, "maxCost": self.max_cost},
            )
        if price.reads > max_reads:
            who = "a request" if signed_in else "an anonymous request"
            return GraphQLError(
                f"This query may make {price.reads} reads from partner sources (API "
                f"Entreprise, the aid platforms); {who} may make {max_reads} at most. "
                "Ask for fewer companies at once.",
                extensions={
                    "code": QUERY_TOO_COSTLY,
                    "upstreamReads": price.reads,
                    "maxUpstreamReads": max_reads,
                },
            )
        return None


class CostLimit(SchemaExtension):
    """Refuses an operation over its ``CostPolicy`` with ``QUERY_TOO_COSTLY``, before
    anything runs. Listed after the validation cache: an invalid document is not priced."""

    def __init__(self, policy: CostPolicy) -> None:
        super().__init__()
        self.policy = policy

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is None or context.pre_execution_errors:
            yield
            return
        viewer = getattr(context.context, "viewer", None) or ANONYMOUS
        error = self.policy.refusal(
            context.schema._schema,
            document,
            context.operation_name,
            context.variables,
            context.query,
            viewer,
        )
        if error is not None:
            context.pre_execution_errors = [error]
        yield
