"""Compiled execution: an operation compiled once into a plan, run per request straight from
the viewer and the loaded records to the answer (``docs/execution.md``)."""

from gateway.execution.kept import kept_as_fragment, kept_as_value
from gateway.execution.operations import CompiledOperations, refuse_field_hooks
from gateway.execution.whole import KEPT_WHOLE, WholeAnswers, WholeKey

__all__ = [
    "KEPT_WHOLE",
    "CompiledOperations",
    "WholeAnswers",
    "WholeKey",
    "kept_as_fragment",
    "kept_as_value",
    "refuse_field_hooks",
]
