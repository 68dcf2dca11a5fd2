"""``python -m bench.inprocess``: the CPU one warm anonymous request of the side-by-side query
costs in process, through the whole ASGI app (``create_app``, its lifespan, every
middleware, the router and the GraphQL view), with no socket and no HTTP server: what the
gateway's own Python does per request, which the side-by-side ratio hides behind uvicorn and
the load client.

The app runs as ``hub-gateway serve`` runs it in sandbox mode (CORS for local pages, the
anonymous rate limit counted but never reached, logs at WARNING unless ``--log-level``), on
a migrated and seeded SQLite file, with the API Entreprise sandbox in process (read once, at
warm-up). Requests
are sent one at a time on one event loop; the figure is the process's CPU time
(``time.process_time``) over ``--requests`` requests, the median of ``--rounds`` rounds
(each round measures every layer below in turn).

The same requests are also sent to the inner layers alone, which splits the cost:

- ``app``: everything (``create_app``'s ASGI callable);
- ``endpoint``: what the router hands ``/graphql`` to (authentication, rate limit, view);
- ``view``: the GraphQL view alone, the anonymous viewer and request id already on the
  request.

``--profile`` adds cProfile's figures for the layers' own calls, per request."""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import orjson
from asgi_lifespan import LifespanManager
from starlette.types import ASGIApp, Message

from bench.scenarios import UPSTREAM_TOKEN
from bench.side_by_side import QUERY, SIRET
from gateway.app import create_app
from gateway.logging import configure_logging
from gateway.middleware import answer_headers
from gateway.settings import Settings
from sandbox.entreprise.app import create_app as create_sandbox
from tests.databases import migrate_and_seed

__all__ = ["main"]

_BODY = orjson.dumps({"query": QUERY, "variables": {"s": SIRET}})
_HEADERS = [
    (b"host", b"gateway.test"),
    (b"content-type", b"application/json"),
    (b"accept", b"application/json"),
    (b"content-length", str(len(_BODY)).encode()),
    (b"origin", b"http://localhost:3000"),
]
_LAYERS_OF_INTEREST = ("gateway/", "starlette/", "opentelemetry/", "strawberry/asgi")

Request = Callable[[], Awaitable[tuple[int, bytes]]]


def _request_to(app: ASGIApp, state: dict[str, Any] | None = None) -> Request:
    """One POST /graphql to ``app``, as uvicorn hands it over; answers (status, body).
    ``state``: what the request pipeline would have put on the request (an inner layer)."""

    async def receive() -> Message:
        return {"type": "http.request", "body": _BODY, "more_body": False}

    async def request() -> tuple[int, bytes]:
        sent: list[Message] = []

        async def send(message: Message) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/graphql",
            "raw_path": b"/graphql",
            "root_path": "",
            "query_string": b"",
            "headers": list(_HEADERS),
            "client": ("127.0.0.1", 40000),
            "server": ("127.0.0.1", 8000),
            "state": dict(state or {}),
        }
        if state is not None:
            answer_headers(scope)
        await app(scope, receive, send)
        return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])

    return request


async def _cpu_per_request(request: Request, count: int) -> float:
    """Microseconds of process CPU per request, over ``count`` requests."""
    started = time.process_time()
    for _ in range(count):
        await request()
    return (time.process_time() - started) / count * 1e6


async def _rounds(layers: dict[str, Request], count: int, rounds: int) -> dict[str, list[float]]:
    """Each round measures every layer, one after the other, so that a drift of the machine
    weighs on all of them alike."""
    figures: dict[str, list[float]] = {name: [] for name in layers}
    for _ in range(rounds):
        for name, request in layers.items():
            figures[name].append(await _cpu_per_request(request, count))
    return figures


def _print_figures(figures: dict[str, list[float]]) -> None:
    """The median of each layer, then what the outer layers add: the median of the rounds'
    differences (steadier than the difference of the medians on a busy machine)."""
    for name, per_round in figures.items():
        print(f"  {name:<9} {statistics.median(per_round):7.1f} us CPU/request")
    for outer, inner, what in (
        ("app", "endpoint", "middlewares and routing"),
        ("endpoint", "view", "authentication and rate limit"),
    ):
        added = [a - b for a, b in zip(figures[outer], figures[inner], strict=True)]
        print(f"  {what}: {statistics.median(added):.1f} us")


async def _profile(request: Request, count: int) -> pstats.Stats:
    profiler = cProfile.Profile(time.process_time)  # CPU, as the figures: steadier when busy
    profiler.enable()
    for _ in range(count):
        await request()
    profiler.disable()
    return pstats.Stats(profiler)


def _print_layers(stats: pstats.Stats, count: int, top: int) -> None:
    """The calls of the middlewares, the router and the view: cumulative and own microseconds
    per request (under cProfile, which inflates both; read them as shares)."""
    rows = []
    for (filename, line, name), row in stats.stats.items():  # type: ignore[attr-defined]
        _, calls, own, cumulative, _ = row
        if any(part in filename for part in _LAYERS_OF_INTEREST):
            where = filename.split("site-packages/")[-1].split("fused-middleware/")[-1]
            rows.append((cumulative, own, calls, f"{where}:{line} {name}"))
    rows.sort(reverse=True)
    print(f"{'cum us/req':>10} {'own us/req':>10} {'calls/req':>9}  function")
    for cumulative, own, calls, where in rows[:top]:
        per = 1e6 / count
        print(f"{cumulative * per:10.1f} {own * per:10.1f} {calls / count:9.1f}  {where}")


async def _run(arguments: argparse.Namespace) -> None:
    configure_logging(arguments.log_level)
    with tempfile.TemporaryDirectory(prefix="hub-inprocess-") as folder:
        root = Path(folder)
        database_url = f"sqlite+aiosqlite:///{root / 'hub.sqlite3'}"
        await migrate_and_seed(database_url)
        settings = Settings(
            mode="sandbox",
            database_url=database_url,
            dev_secret_file=root / "dev-token-secret",
            file_store_path=root / "files",
            scheduler_enabled=False,
            log_level=arguments.log_level,
            rate_limit_person=1_000_000_000,
            rate_limit_anonymous=1_000_000_000,
        )
        entreprise = httpx.AsyncClient(
            base_url="http://sandbox.test",
            transport=httpx.ASGITransport(app=create_sandbox()),
            headers={"Authorization": f"Bearer {UPSTREAM_TOKEN}"},
        )
        app = create_app(settings, entreprise_client=entreprise)
        async with LifespanManager(app):
            anonymous = {"request_id": "0" * 32, "client_request_id": None}
            layers = {
                "app": _request_to(app),
                "endpoint": _request_to(app.state.graphql, anonymous),
                "view": _request_to(app.state.graphql.app, anonymous),
            }
            for name, request in layers.items():
                status, body = await request()
                answer = orjson.loads(body)
                if status != 200 or "errors" in answer or answer["data"]["company"] is None:
                    raise SystemExit(f"{name}: unexpected answer {status} {body[:300]!r}")
                for _ in range(arguments.warmup):
                    await request()
            print(f"in process, {arguments.requests} requests x {arguments.rounds} rounds")
            _print_figures(await _rounds(layers, arguments.requests, arguments.rounds))
            if arguments.profile:
                stats = await _profile(layers["app"], arguments.requests)
                _print_layers(stats, arguments.requests, arguments.top)
        await entreprise.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.inprocess", description=__doc__)
    parser.add_argument("--requests", type=int, default=1000, help="requests per layer and round")
    parser.add_argument("--rounds", type=int, default=7, help="rounds (median)")
    parser.add_argument("--warmup", type=int, default=500, help="requests before measuring")
    parser.add_argument("--profile", action="store_true", help="cProfile's figures per layer")
    parser.add_argument(
        "--log-level",
        default="WARNING",
        help="WARNING as the bench's servers; INFO as production, which writes an access "
        "line per request (to stderr: redirect it)",
    )
    parser.add_argument("--top", type=int, default=45, help="rows of the profile")
    asyncio.run(_run(parser.parse_args()))


if __name__ == "__main__":
    main()
