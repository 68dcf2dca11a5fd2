"""An extension run around every field would be skipped by compiled plans: it is refused when
the schema is built, with a message that says why and what to use instead."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from strawberry.extensions import SchemaExtension
from strawberry.extensions.tracing import OpenTelemetryExtension

from gateway.graphql import build_schema
from gateway.settings import ConfigurationError, Settings


class Timing(SchemaExtension):
    def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        return _next(root, info, *args, **kwargs)


class OperationOnly(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield


@pytest.mark.parametrize("extension", [Timing, OpenTelemetryExtension])
def test_an_extension_with_a_resolve_hook_is_refused_at_start_up(extension: type) -> None:
    with pytest.raises(ConfigurationError, match="resolve hook") as refused:
        build_schema(Settings(), [extension])
    assert extension.__name__ in str(refused.value)
    assert "on_operation" in str(refused.value)


def test_an_operation_level_extension_is_taken() -> None:
    schema = build_schema(Settings(), [OperationOnly])
    assert any(isinstance(e, OperationOnly) for e in schema.get_extensions())
    assert schema.compiled is not None
