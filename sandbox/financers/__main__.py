"""``python -m sandbox.financers crealia --port 8013``: serve one financer's stand-in
(``crealia`` 8013, ``franceinitiative`` 8014, ``irdisoridec`` 8015 by default)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

import uvicorn
from starlette.applications import Starlette

from sandbox.entreprise.faults import SandboxConfig
from sandbox.financers import (
    FranceInitiativeConfig,
    create_crealia,
    create_france_initiative,
    create_irdi_soridec,
)

_PORTS = {"crealia": 8013, "franceinitiative": 8014, "irdisoridec": 8015}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox.financers")
    parser.add_argument("source", choices=sorted(_PORTS))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args(argv)
    faults = SandboxConfig(latency_ms=args.latency_ms)
    apps: dict[str, Callable[[], Starlette]] = {
        "crealia": lambda: create_crealia(faults),
        "franceinitiative": lambda: create_france_initiative(FranceInitiativeConfig(faults=faults)),
        "irdisoridec": lambda: create_irdi_soridec(faults),
    }
    port = args.port or _PORTS[args.source]
    uvicorn.run(apps[args.source](), host=args.host, port=port, log_level="info")


if __name__ == "__main__":
    main()
