"""``python -m sandbox.events --port 8011``: serve the OpenAgenda stand-in."""

from __future__ import annotations

import argparse

import uvicorn

from sandbox.entreprise.faults import SandboxConfig
from sandbox.events.app import EventsSandboxConfig, create_app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox.events")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8011)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args(argv)
    config = EventsSandboxConfig(faults=SandboxConfig(latency_ms=args.latency_ms))
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
