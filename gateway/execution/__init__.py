"""Compiled execution: an operation compiled once into a plan, run per request straight from
the viewer and the loaded records to the answer (``docs/execution.md``)."""

from gateway.execution.operations import CompiledOperations, refuse_field_hooks

__all__ = ["CompiledOperations", "refuse_field_hooks"]
