"""A stand-in for OpenAgenda's public v2 API: the Région's agenda of economic events."""

from __future__ import annotations

from sandbox.events.app import EventsSandboxConfig, create_app

__all__ = ["EventsSandboxConfig", "create_app"]
