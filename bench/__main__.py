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
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import aiohttp

from bench import environment, portfolio, report, search, verdicts
from bench.phases import Sample, cold_and_floor, floor_only, redis_problem, warm, warm_with
from bench.processes import Service, Workspace, issue_token, running_gateway, running_sandbox
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
    parser.add_argument("--scenario", default="all",
                        choices=["company-sheet", "referent-search", "agent-portfolio", "all"],
                        help="which scenario to run (default all); each writes its own file")  # fmt: skip
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


def _company_sheet(
    args: argparse.Namespace, workspace: Workspace, sandbox: Service
) -> dict[str, Any]:
    result: dict[str, Any] = {}
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
    result["targets"] = report.TARGETS
    return result


def _referent_search(
    args: argparse.Namespace, workspace: Workspace, sandbox: Service
) -> dict[str, Any]:
    with running_gateway(workspace, "gateway-warm", cache_url=None) as gateway:
        token = issue_token(workspace, search.COMPANY_USER_EMAIL)
        _say(f"referent search, warm: {args.samples} samples over {len(search.FILTERS)} filters, "
             f"then {args.concurrency} clients for {args.duration:g} s (gateway pid {gateway.pid}) …")  # fmt: skip
        clients: list[search.SearchClient] = []

        def client(session: aiohttp.ClientSession) -> Sample:
            clients.append(search.SearchClient(session, gateway.url, token))
            return clients[-1].request

        watch = environment.CpuWatch(gateway.pid, sandbox.pid)
        latency, throughput, evidence = asyncio.run(warm_with(
            client, sandbox.url, gateway_pid=gateway.pid, samples=args.samples,
            warmup=args.warmup, concurrency=args.concurrency, duration=args.duration,
        ))  # fmt: skip
        cpu = watch.shares()
    return {
        "viewer": search.COMPANY_USER_EMAIL,
        "filters": list(search.FILTERS),
        "warm": {**latency.as_dict(), "evidence": evidence, "cpu": cpu},
        "throughput": throughput,
        "total_count": search.total_count_summary(clients[0].total_counts()),
        "targets": verdicts.SEARCH_TARGETS,
    }


def _agent_portfolio(
    args: argparse.Namespace, workspace: Workspace, sandbox: Service
) -> dict[str, Any]:
    result: dict[str, Any] = {"viewer": portfolio.AGENT_EMAIL,
                              "targets": verdicts.PORTFOLIO_TARGETS}  # fmt: skip
    problem = asyncio.run(redis_problem(args.redis_url))
    if problem is not None:
        return {**result, "not_measured": f"the cold phase needs Redis: {problem}"}
    with running_gateway(workspace, "gateway-cold", cache_url=args.redis_url) as gateway:
        token = issue_token(workspace, portfolio.AGENT_EMAIL)
        missing = asyncio.run(portfolio.has_portfolio(gateway.url, token))
        if missing is not None:
            _say(f"agent portfolio NOT MEASURED — Viewer.portfolio: {missing}")
            return {**result, "not_measured": f"Viewer.portfolio not served: {missing}"}
        _say(f"agent portfolio, floor + cold: {args.samples} pairs (gateway pid {gateway.pid}) …")
        watch = environment.CpuWatch(gateway.pid, sandbox.pid)
        floor, cold, evidence = asyncio.run(portfolio.cold_and_floor(
            sandbox.url, gateway.url, token, args.redis_url,
            samples=args.samples, warmup=args.warmup,
        ))  # fmt: skip
        cpu = watch.shares()
    result["floor"] = floor.as_dict()
    result["cold"] = {**cold.as_dict(), "evidence": evidence, "cpu": cpu}
    with running_gateway(workspace, "gateway-warm", cache_url=None) as gateway:
        _say(f"agent portfolio, warm: {args.samples} samples (gateway pid {gateway.pid}) …")
        watch = environment.CpuWatch(gateway.pid, sandbox.pid)
        latency, _, evidence = asyncio.run(warm_with(
            lambda session: portfolio.PortfolioClient(session, gateway.url, token).request,
            sandbox.url, gateway_pid=gateway.pid, samples=args.samples,
            warmup=args.warmup, concurrency=0, duration=args.duration,
        ))  # fmt: skip
        cpu = watch.shares()
    result["warm"] = {**latency.as_dict(), "evidence": evidence, "cpu": cpu}
    _say("agent portfolio, SQL statements and upstream concurrency (in-process) …")
    result["sql"] = asyncio.run(
        portfolio.statement_probe(workspace.root, sandbox.url, token, _PROBE_PAGES)
    )
    return result


Runner = Callable[[argparse.Namespace, Workspace, Service], dict[str, Any]]
_SCENARIOS: dict[str, tuple[Runner, Callable[[dict[str, Any]], dict[str, str]],
                            Callable[[dict[str, Any]], str]]] = {
    "company-sheet": (_company_sheet, report.judge, report.render),
    "referent-search": (_referent_search, verdicts.judge_search, verdicts.render_search),
    "agent-portfolio": (_agent_portfolio, verdicts.judge_portfolio, verdicts.render_portfolio),
}  # fmt: skip
_PROBE_PAGES = (10, 50, 100)


def _run(args: argparse.Namespace, root: Path) -> list[Path]:
    names = list(_SCENARIOS) if args.scenario == "all" else [args.scenario]
    written = []
    with running_sandbox(Workspace(root), latency_ms=args.latency_ms) as sandbox:
        workspace = Workspace(root, sandbox_url=sandbox.url)
        for name in names:
            runner, judge, render = _SCENARIOS[name]
            started = datetime.now(UTC)
            clock = time.perf_counter()
            load_before = environment.load_average()
            busy_before = environment.busy_share()
            figures = runner(args, workspace, sandbox)
            result: dict[str, Any] = {
                "scenario": name,
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
                "machine_busy_before_run": busy_before,
                "load_average": {"before": load_before, "after": environment.load_average()},
                "environment": environment.describe(),
            }
            result["verdicts"] = judge(result)
            print(render(result))
            path = report.write(result, args.results_dir, started, name)
            print(f"\nwritten: {path}\n", flush=True)
            written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    _stop_on_sigterm()
    try:
        with tempfile.TemporaryDirectory(prefix="hub-bench-") as root:
            _run(args, Path(root))
    except KeyboardInterrupt:
        _say("interrupted; every process it started was stopped")
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
