"""``python -m sandbox.entreprise --port 8001``: serve the stand-in API Entreprise."""

from __future__ import annotations

import argparse

import uvicorn

from sandbox.entreprise.app import create_app
from sandbox.entreprise.faults import SandboxConfig


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox.entreprise")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--token", default=SandboxConfig().token)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args(argv)
    config = SandboxConfig(token=args.token, latency_ms=args.latency_ms)
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
