"""A stand-in for the Région's news feed (RSS 2.0)."""

from __future__ import annotations

from sandbox.news.app import NewsSandboxConfig, create_app

__all__ = ["NewsSandboxConfig", "create_app"]
