"""``python -m sandbox.del_ --port 8004``: serve the DEL stand-in."""

from __future__ import annotations

import argparse

import uvicorn

from sandbox.del_.app import create_app
from sandbox.entreprise.faults import SandboxConfig
from sandbox.platforms.config import DEL_TOKEN, PlatformConfig


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox.del_")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8004)
    parser.add_argument("--token", default=DEL_TOKEN)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args(argv)
    config = PlatformConfig(token=args.token, faults=SandboxConfig(latency_ms=args.latency_ms))
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
