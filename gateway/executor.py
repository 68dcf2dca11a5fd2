"""graphql-core's executor as the hub runs it when an operation has no compiled plan
(``gateway.execution``): Strawberry's, with the work graphql-core drops unstarted closed.

When a non-null field fails, graphql-core cancels the tasks of its pending siblings; those
that never started would leave their resolvers' coroutines unawaited (Python warns of each).
``HubExecutor`` wraps every field's and list item's pending work in
``gateway.execution.cancel.Cancellable``, which closes them."""

from __future__ import annotations

from typing import Any

from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from gateway.execution.cancel import cancellable

__all__ = ["HubExecutor"]


class HubExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor; pending work cancelled unstarted leaves nothing unawaited."""

    def execute_field(self, *args: Any, **kwargs: Any) -> Any:
        return cancellable(super().execute_field(*args, **kwargs))

    def complete_list_item_value(
        self,
        item: Any,
        complete_results: list[Any],
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        is_awaitable = super().complete_list_item_value(item, complete_results, *args, **kwargs)
        if is_awaitable:
            complete_results[-1] = cancellable(complete_results[-1])
        return is_awaitable

    def complete_awaitable_list_item_value(self, *args: Any, **kwargs: Any) -> Any:
        return cancellable(super().complete_awaitable_list_item_value(*args, **kwargs))
