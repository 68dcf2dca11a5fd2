"""Compiled execution: an operation compiled once into a plan, run per request straight from
the viewer and the loaded records to the answer (``docs/execution.md``)."""

from gateway.execution.operations import CompiledOperations, refuse_field_hooks
from gateway.execution.whole import WholeAnswers

__all__ = ["CompiledOperations", "WholeAnswers", "refuse_field_hooks"]
