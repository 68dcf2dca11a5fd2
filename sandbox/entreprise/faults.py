"""Sandbox settings and the faults it injects (changeable at run time)."""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Literal

__all__ = ["FAULT_FIELDS", "Fault", "FaultInjector", "SandboxConfig"]

Fault = Literal["timeout", "error", "rate_limit"]

FAULT_FIELDS = ("latency_ms", "error_rate", "timeout_rate", "rate_limit_rate", "timeout_seconds")
_RATES = ("error_rate", "timeout_rate", "rate_limit_rate")


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    token: str = "sandbox-token"
    latency_ms: float = 0
    """Added to every call."""
    error_rate: float = 0
    """Share of calls answered 502 or 503."""
    timeout_rate: float = 0
    """Share of calls that hang ``timeout_seconds`` (then answer 504)."""
    rate_limit_rate: float = 0
    """Share of calls answered 429 with ``Retry-After: 1``."""
    timeout_seconds: float = 10
    seed: int = 20261123
    """Seeds both the company data and the fault draws."""
    quota_per_minute: int = 10_000
    """Per endpoint, reported in ``RateLimit-*`` headers; past it, calls get 429."""


class FaultInjector:
    """Draws, call by call, whether to inject a fault; deterministic for a given seed and
    call order."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self._rng = random.Random(config.seed)

    def settings(self) -> dict[str, float]:
        current = asdict(self.config)
        return {name: float(current[name]) for name in FAULT_FIELDS}

    def update(self, changes: dict[str, Any]) -> dict[str, float]:
        """Apply ``changes`` (a subset of FAULT_FIELDS); ValueError names a bad field."""
        known = {field.name for field in fields(SandboxConfig)} & set(FAULT_FIELDS)
        clean: dict[str, float] = {}
        for name, value in changes.items():
            if name not in known:
                raise ValueError(f"unknown fault field: {name}")
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ValueError(f"{name} must be a number >= 0")
            if name in _RATES and value > 1:
                raise ValueError(f"{name} must be between 0 and 1")
            clean[name] = float(value)
        self.config = replace(self.config, **clean)  # type: ignore[arg-type]
        return self.settings()

    def draw(self) -> Fault | None:
        config = self.config
        if not (config.timeout_rate or config.error_rate or config.rate_limit_rate):
            return None
        roll = self._rng.random()
        if roll < config.timeout_rate:
            return "timeout"
        if roll < config.timeout_rate + config.error_rate:
            return "error"
        if roll < config.timeout_rate + config.error_rate + config.rate_limit_rate:
            return "rate_limit"
        return None

    def error_status(self) -> int:
        return self._rng.choice((502, 503))
