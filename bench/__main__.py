"""``python -m bench``: the benchmark of hub-gateway (company sheet, referent search, agent
portfolio, eligible schemes).

Starts the API Entreprise sandbox and the aid-catalogue sandbox (with the same latency) and,
one after the other, a gateway with a Redis cache emptied before each request (cold) and one
with the in-memory cache (warm), all in a temporary directory; prints the figures against the
direct-upstream floor and writes them to ``bench/results/``; every scenario once per hub
database backend (``--database``: SQLite, PostgreSQL or both). Exits 0 even when a target is
missed."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import signal
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import aiohttp

from bench import (
    applications,
    company_search,
    environment,
    indicators,
    platform_scenarios,
    portfolio,
    report,
    search,
    side_by_side,
    verdicts,
)
from bench.databases import HubDatabase, choose_backends, hub_database
from bench.phases import (
    Sample,
    cold_and_floor,
    floor_only,
    redis_problem,
    warm,
    warm_with,
)
from bench.processes import (
    Service,
    Workspace,
    issue_token,
    running_catalogues,
    running_gateway,
    running_sandbox,
    say,
)
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
                        choices=["company-sheet", "referent-search", "agent-portfolio",
                                 "eligible-schemes", "company-search", "applications", "side-by-side",
                                 "indicators", "all"],
                        help="which scenario to run (default all); each writes its own file")  # fmt: skip
    parser.add_argument("--full-cold-samples", type=int, default=5,
                        help="eligible schemes: fully cold requests, each on a fresh gateway "
                             "(~10 s to start each; default 5; 0 skips them)")  # fmt: skip
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"],
                        help="the hub database's backend; each scenario runs once per backend "
                             "(default: both if PostgreSQL answers at BENCH_DATABASE_URL or "
                             "TEST_DATABASE_URL, else sqlite)")  # fmt: skip
    parser.add_argument("--results-dir", type=Path, default=_RESULTS)
    args = parser.parse_args(argv)
    if args.samples < 1 or args.concurrency < 1 or args.duration <= 0 or args.warmup < 0:
        parser.error("--samples and --concurrency must be >= 1, --duration > 0, --warmup >= 0")
    if args.full_cold_samples < 0:
        parser.error("--full-cold-samples must be >= 0")
    return args


def _stop_on_sigterm() -> None:
    def stop(signum: int, frame: object) -> NoReturn:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


def _company_sheet(
    args: argparse.Namespace, workspace: Workspace, sandbox: Service, catalogues: Service
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    problem = asyncio.run(redis_problem(args.redis_url))
    if problem is None:
        with running_gateway(workspace, "gateway-cold", cache_url=args.redis_url) as gateway:
            token = issue_token(workspace, REFERENT_EMAIL)
            say(f"floor + cold: {args.samples} pairs (gateway pid {gateway.pid}) …")
            watch = environment.CpuWatch(gateway.pid, sandbox.pid, catalogues.pid)
            floor, cold, evidence = asyncio.run(cold_and_floor(
                sandbox.url, gateway.url, token, args.redis_url,
                samples=args.samples, warmup=args.warmup,
            ))  # fmt: skip
            cpu = watch.shares()
        result["floor"] = floor.as_dict()
        result["cold"] = {**cold.as_dict(), "evidence": evidence, "cpu": cpu}
    else:
        say(f"cold phase SKIPPED — {problem}")
        floor = asyncio.run(floor_only(sandbox.url, samples=args.samples, warmup=args.warmup))
        result["floor"] = floor.as_dict()
        result["cold"] = {"skipped": problem}
    with running_gateway(workspace, "gateway-warm", cache_url=None) as gateway:
        token = issue_token(workspace, REFERENT_EMAIL)
        say(f"warm: {args.samples} samples, then {args.concurrency} clients for "
             f"{args.duration:g} s (gateway pid {gateway.pid}) …")  # fmt: skip
        watch = environment.CpuWatch(gateway.pid, sandbox.pid, catalogues.pid)
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
    args: argparse.Namespace, workspace: Workspace, sandbox: Service, catalogues: Service
) -> dict[str, Any]:
    with running_gateway(workspace, "gateway-warm", cache_url=None) as gateway:
        token = issue_token(workspace, search.COMPANY_USER_EMAIL)
        say(f"referent search, warm: {args.samples} samples over {len(search.FILTERS)} filters, "
             f"then {args.concurrency} clients for {args.duration:g} s (gateway pid {gateway.pid}) …")  # fmt: skip
        clients: list[search.SearchClient] = []

        def client(session: aiohttp.ClientSession) -> Sample:
            clients.append(search.SearchClient(session, gateway.url, token))
            return clients[-1].request

        watch = environment.CpuWatch(gateway.pid, sandbox.pid, catalogues.pid)
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


def _company_search(
    args: argparse.Namespace, workspace: Workspace, sandbox: Service, catalogues: Service
) -> dict[str, Any]:
    with running_gateway(workspace, "gateway-warm", cache_url=None) as gateway:
        token = issue_token(workspace, company_search.AGENT_EMAIL)
        say(f"company search, warm: {args.samples} samples over "
             f"{len(company_search.FILTERS)} filters, then {args.concurrency} clients for "
             f"{args.duration:g} s (gateway pid {gateway.pid}) …")  # fmt: skip
        clients: list[company_search.CompanySearchClient] = []

        def client(session: aiohttp.ClientSession) -> Sample:
            clients.append(company_search.CompanySearchClient(session, gateway.url, token))
            return clients[-1].request

        watch = environment.CpuWatch(gateway.pid, sandbox.pid, catalogues.pid)
        latency, throughput, evidence = asyncio.run(warm_with(
            client, sandbox.url, gateway_pid=gateway.pid, samples=args.samples,
            warmup=args.warmup, concurrency=args.concurrency, duration=args.duration,
        ))  # fmt: skip
        cpu = watch.shares()
    counts = clients[0].total_counts()
    return {
        "title": "company search",
        "viewer": company_search.AGENT_EMAIL,
        "filters": list(company_search.FILTERS),
        "warm": {**latency.as_dict(), "evidence": evidence, "cpu": cpu},
        "throughput": throughput,
        "total_count": search.total_count_summary(counts, company_search.FILTERS),
        "targets": verdicts.SEARCH_TARGETS,
    }


def _agent_portfolio(
    args: argparse.Namespace, workspace: Workspace, sandbox: Service, catalogues: Service
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
            say(f"agent portfolio NOT MEASURED — Viewer.portfolio: {missing}")
            return {**result, "not_measured": f"Viewer.portfolio not served: {missing}"}
        say(f"agent portfolio, floor + cold: {args.samples} pairs (gateway pid {gateway.pid}) …")
        watch = environment.CpuWatch(gateway.pid, sandbox.pid, catalogues.pid)
        floor, cold, evidence = asyncio.run(portfolio.cold_and_floor(
            sandbox.url, gateway.url, token, args.redis_url,
            samples=args.samples, warmup=args.warmup,
        ))  # fmt: skip
        cpu = watch.shares()
    result["floor"] = floor.as_dict()
    result["cold"] = {**cold.as_dict(), "evidence": evidence, "cpu": cpu}
    with running_gateway(workspace, "gateway-warm", cache_url=None) as gateway:
        say(f"agent portfolio, warm: {args.samples} samples (gateway pid {gateway.pid}) …")
        watch = environment.CpuWatch(gateway.pid, sandbox.pid, catalogues.pid)
        latency, _, evidence = asyncio.run(warm_with(
            lambda session: portfolio.PortfolioClient(session, gateway.url, token).request,
            sandbox.url, gateway_pid=gateway.pid, samples=args.samples,
            warmup=args.warmup, concurrency=0, duration=args.duration,
        ))  # fmt: skip
        cpu = watch.shares()
    result["warm"] = {**latency.as_dict(), "evidence": evidence, "cpu": cpu}
    say("agent portfolio, SQL statements and upstream concurrency (in-process) …")
    result["sql"] = asyncio.run(
        portfolio.statement_probe(
            workspace.root, workspace.database_url, sandbox.url, token, _PROBE_PAGES
        )
    )
    return result


def _indicators(
    args: argparse.Namespace, workspace: Workspace, sandbox: Service, catalogues: Service
) -> dict[str, Any]:
    with running_gateway(workspace, "gateway-warm", cache_url=None) as gateway:
        say(f"indicators: writing {indicators.INTERACTIONS} interactions …")
        count = asyncio.run(indicators.seed_interactions(workspace.env()["DATABASE_URL"]))
        token = issue_token(workspace, indicators.AGENT_EMAIL)
        say(f"indicators, warm: {args.samples} samples over {len(indicators.YEARS)} years "
             f"(gateway pid {gateway.pid}) …")  # fmt: skip
        latency, _, evidence = asyncio.run(warm_with(
            lambda session: indicators.IndicatorsClient(session, gateway.url, token).request,
            sandbox.url, gateway_pid=gateway.pid, samples=args.samples,
            warmup=args.warmup, concurrency=0, duration=args.duration,
        ))  # fmt: skip
    return {
        "viewer": indicators.AGENT_EMAIL,
        "interactions": count,
        "warm": {**latency.as_dict(), "evidence": evidence},
        "targets": indicators.TARGETS,
    }


def _side_by_side(
    args: argparse.Namespace, workspace: Workspace, sandbox: Service, catalogues: Service
) -> dict[str, Any]:
    return side_by_side.measure(
        workspace, sandbox.url, concurrency=args.concurrency, seconds=args.duration, say=say
    )


Runner = Callable[[argparse.Namespace, Workspace, Service, Service], dict[str, Any]]
_SCENARIOS: dict[str, tuple[Runner, Callable[[dict[str, Any]], dict[str, str]],
                            Callable[[dict[str, Any]], str]]] = {
    "company-sheet": (_company_sheet, report.judge, report.render),
    "referent-search": (_referent_search, verdicts.judge_search, verdicts.render_search),
    "agent-portfolio": (_agent_portfolio, verdicts.judge_portfolio, verdicts.render_portfolio),
    "eligible-schemes": (platform_scenarios.eligible_schemes, verdicts.judge_eligible, verdicts.render_eligible),
    "company-search": (_company_search, verdicts.judge_search, verdicts.render_search),
    "applications": (platform_scenarios.applications, applications.judge, applications.render),
    "side-by-side": (_side_by_side, side_by_side.judge, side_by_side.render),
    "indicators": (_indicators, indicators.judge, indicators.render),
}  # fmt: skip
_PROBE_PAGES = (10, 50, 100)


def _run(args: argparse.Namespace, root: Path, backends: list[str]) -> list[Path]:
    names = list(_SCENARIOS) if args.scenario == "all" else [args.scenario]
    written = []
    with (
        running_sandbox(Workspace(root), latency_ms=args.latency_ms) as sandbox,
        running_catalogues(Workspace(root), latency_ms=args.latency_ms) as catalogues,
    ):
        base = Workspace(root, sandbox_url=sandbox.url, catalogues_url=catalogues.url)
        for backend in backends:
            with hub_database(backend, root) as database:
                workspace = dataclasses.replace(base, database_url=database.url)
                for name in names:
                    say(f"{name} on {backend} …")
                    path = _scenario(args, name, database, workspace, sandbox, catalogues)
                    written.append(path)
    return written


def _scenario(
    args: argparse.Namespace,
    name: str,
    database: HubDatabase,
    workspace: Workspace,
    sandbox: Service,
    catalogues: Service,
) -> Path:
    runner, judge, render = _SCENARIOS[name]
    started = datetime.now(UTC)
    clock = time.perf_counter()
    load_before = environment.load_average()
    busy_before = environment.busy_share()
    figures = runner(args, workspace, sandbox, catalogues)
    result: dict[str, Any] = {
        "scenario": name,
        "database": database.describe(),
        "started_at": started.isoformat(timespec="seconds"),
        "wall_time_s": round(time.perf_counter() - clock, 1),
        "config": {
            "samples": args.samples,
            "warmup": args.warmup,
            "duration_s": args.duration,
            "concurrency": args.concurrency,
            "sandbox_latency_ms": args.latency_ms,
            "full_cold_samples": args.full_cold_samples,
            "redis_url": args.redis_url,
        },
        **figures,
        "machine_busy_before_run": busy_before,
        "load_average": {"before": load_before, "after": environment.load_average()},
        "environment": environment.describe(),
    }
    result["verdicts"] = judge(result)
    print(f"\n{name} — hub database on {database.backend}")
    print(render(result))
    path = report.write(result, args.results_dir, started, f"{name}-{database.backend}")
    print(f"\nwritten: {path}\n", flush=True)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    _stop_on_sigterm()
    backends, skipped = choose_backends(args.database)
    if skipped is not None:
        print(f"NOTE: {skipped}; this run measures SQLite only", flush=True)
    try:
        with tempfile.TemporaryDirectory(prefix="hub-bench-") as root:
            _run(args, Path(root), backends)
    except KeyboardInterrupt:
        say("interrupted; every process it started was stopped")
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
