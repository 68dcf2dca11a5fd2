"""``python -m bench``: the "company sheet" benchmark of hub-gateway.

Starts the API Entreprise sandbox (with its latency) and, one after the other, a gateway
with a Redis cache flushed before each request (cold) and one with the in-memory cache
(warm), all in a temporary directory; prints the figures against the direct-upstream floor
and writes them to ``bench/results/``. Exits 0 even when a target is missed."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from bench import environment, report
from bench.phases import cold_and_floor, floor_only, redis_problem, warm
from bench.processes import Workspace, issue_token, running_gateway, running_sandbox
from bench.scenarios import REFERENT_EMAIL

_RESULTS = Path(__file__).resolve().parent / "results"


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--samples", type=int, default=200,
                        help="floor, cold and warm latency samples each (default 200)")  # fmt: skip
    parser.add_argument("--warmup", type=int, default=30,
                        help="unmeasured requests before each phase (default 30)")  # fmt: skip
    parser.add_argument("--duration", type=float, default=10.0,
                        help="seconds of the throughput run (default 10)")  # fmt: skip
    parser.add_argument("--concurrency", type=int, default=32,
                        help="clients of the throughput run (default 32)")  # fmt: skip
    parser.add_argument("--latency-ms", type=float, default=40.0,
                        help="latency the sandbox adds per call (default 40)")  # fmt: skip
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15",
                        help="Redis db for the cold gateway, FLUSHDB'd before each request")  # fmt: skip
    parser.add_argument("--results-dir", type=Path, default=_RESULTS)
    args = parser.parse_args(argv)
    if args.samples < 1 or args.concurrency < 1 or args.duration <= 0 or args.warmup < 0:
        parser.error("--samples and --concurrency must be >= 1, --duration > 0, --warmup >= 0")
    return args


def _stop_on_sigterm() -> None:
    def stop(signum: int, frame: object) -> NoReturn:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


def _say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _run(args: argparse.Namespace, root: Path) -> dict[str, Any]:
    workspace = Workspace(root)
    result: dict[str, Any] = {}
    with running_sandbox(workspace, latency_ms=args.latency_ms) as sandbox:
        workspace = Workspace(root, sandbox_url=sandbox.url)
        problem = asyncio.run(redis_problem(args.redis_url))
        if problem is None:
            with running_gateway(workspace, "gateway-cold", cache_url=args.redis_url) as gateway:
                token = issue_token(workspace, REFERENT_EMAIL)
                _say(f"floor + cold: {args.samples} pairs (gateway pid {gateway.pid}) …")
                watch = environment.CpuWatch(gateway.pid, sandbox.pid)
                floor, cold, evidence = asyncio.run(cold_and_floor(
                    sandbox.url, gateway.url, token, args.redis_url,
                    samples=args.samples, warmup=args.warmup,
                ))  # fmt: skip
                cpu = watch.shares()
            result["floor"] = floor.as_dict()
            result["cold"] = {**cold.as_dict(), "evidence": evidence, "cpu": cpu}
        else:
            _say(f"cold phase SKIPPED — {problem}")
            floor = asyncio.run(floor_only(sandbox.url, samples=args.samples, warmup=args.warmup))
            result["floor"] = floor.as_dict()
            result["cold"] = {"skipped": problem}
        with running_gateway(workspace, "gateway-warm", cache_url=None) as gateway:
            token = issue_token(workspace, REFERENT_EMAIL)
            _say(f"warm: {args.samples} samples, then {args.concurrency} clients for "
                 f"{args.duration:g} s (gateway pid {gateway.pid}) …")  # fmt: skip
            watch = environment.CpuWatch(gateway.pid, sandbox.pid)
            latency, throughput, evidence = asyncio.run(warm(
                sandbox.url, gateway.url, token, gateway_pid=gateway.pid,
                samples=args.samples, warmup=args.warmup,
                concurrency=args.concurrency, duration=args.duration,
            ))  # fmt: skip
            cpu = watch.shares()
        result["warm"] = {**latency.as_dict(), "evidence": evidence, "cpu": cpu}
        result["throughput"] = throughput
    return result


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    _stop_on_sigterm()
    started = datetime.now(UTC)
    clock = time.perf_counter()
    load_before = environment.load_average()
    busy_before = environment.busy_share()
    try:
        with tempfile.TemporaryDirectory(prefix="hub-bench-") as root:
            figures = _run(args, Path(root))
    except KeyboardInterrupt:
        _say("interrupted; every process it started was stopped")
        return 130
    result: dict[str, Any] = {
        "scenario": "company-sheet",
        "started_at": started.isoformat(timespec="seconds"),
        "wall_time_s": round(time.perf_counter() - clock, 1),
        "config": {
            "samples": args.samples,
            "warmup": args.warmup,
            "duration_s": args.duration,
            "concurrency": args.concurrency,
            "sandbox_latency_ms": args.latency_ms,
            "redis_url": args.redis_url,
        },
        **figures,
        "targets": report.TARGETS,
        "machine_busy_before_run": busy_before,
        "load_average": {"before": load_before, "after": environment.load_average()},
        "environment": environment.describe(),
    }
    result["verdicts"] = report.judge(result)
    print(report.render(result))
    path = report.write(result, args.results_dir, started)
    print(f"\nwritten: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
