"""``python -m sandbox.catalogues --port 8002``: serve the stand-in aid-scheme catalogues."""

from __future__ import annotations

import argparse

import uvicorn

from sandbox.catalogues.app import create_app
from sandbox.catalogues.config import BPIFRANCE_API_KEY, CataloguesConfig
from sandbox.catalogues.seed import DEFAULT_SEED
from sandbox.entreprise.faults import SandboxConfig


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox.catalogues")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8002)
    parser.add_argument("--api-key", default=BPIFRANCE_API_KEY, help="Bpifrance's X-Api-Key")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args(argv)
    config = CataloguesConfig(
        api_key=args.api_key, seed=args.seed, faults=SandboxConfig(latency_ms=args.latency_ms)
    )
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
