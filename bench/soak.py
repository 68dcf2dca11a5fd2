"""The soak: two gateway instances sharing one hub database (PostgreSQL by default, a
throwaway one) and Redis, the sandbox partners injecting errors, and a mixed workload at a
fixed rate for some minutes.

    python -m bench.soak --minutes 10 --rate 100

Requests go out on a fixed schedule (open loop: a slow answer does not slow the next
request), alternately to each instance: company sheets, company searches, eligibility and
project creations (each with a unique title). It prints: the HTTP statuses (5xx must be 0),
the GraphQL error codes, whether every project created is there once and only once at the
end (nothing lost or duplicated), each instance's RSS and open file descriptors (after the
warm-up and at the end) and the latency drift (p50/p99 of the first window vs the last).
Exit status 1 when a 5xx came back or something was lost or duplicated."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import httpx

from bench.client import GraphQLPoster
from bench.company_search import AGENT_EMAIL as SEARCH_EMAIL
from bench.company_search import FILTERS, SEARCH
from bench.databases import choose_backends, hub_database
from bench.measure import percentile
from bench.phases import redis_problem
from bench.portfolio import AGENT_EMAIL as REFERENT_EMAIL
from bench.processes import (
    Service,
    Workspace,
    issue_token,
    running_catalogues,
    running_gateway,
    running_platform,
    running_sandbox,
)

__all__ = ["main"]

SHEET = """query Sheet($siret: String!) { company(siret: $siret) { siret name
  referent { status } turnover { year amount } compliance { socialUpToDate } } }"""
ELIGIBILITY = """query Eligibility($siret: String!) { company(siret: $siret) { siret
  eligibleSchemes { scheme { id } verdict missing } } }"""
CREATE = """mutation Create($siret: String!, $title: String!) {
  createProject(siret: $siret, title: $title) { id title } }"""
PROJECTS = "query Projects($siret: String!) { company(siret: $siret) { projects { title } } }"
PORTFOLIO = "query Portfolio { viewer { portfolio(first: 100) { edges { node { siret } } } } }"
MUTATED = "84215637400014"  # LEROY SAS: its mandataire creates projects
COMPANY_EMAIL = "claire.leroy@leroy-sas.example"
MIX = (("sheet", 40), ("search", 25), ("eligibility", 15), ("mutation", 20))
_MAX_IN_FLIGHT = 400
_FAULT_PREFIXES = ("", "/region", "/bpifrance", "/francenum")


@dataclass(slots=True)
class Outcome:
    at: float
    kind: str
    seconds: float
    status: int
    codes: tuple[str, ...] = ()


@dataclass(slots=True)
class Run:
    outcomes: list[Outcome] = field(default_factory=list)
    transport_errors: Counter[str] = field(default_factory=Counter)
    skipped: int = 0
    created: set[str] = field(default_factory=set)
    refused: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Footprint:
    rss_mb: float
    fds: int


def footprint(pid: int) -> Footprint:
    """Resident memory and open file descriptors of a process (Linux /proc)."""
    rss_kb = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss_kb = int(line.split()[1])
    return Footprint(round(rss_kb / 1024, 1), len(os.listdir(f"/proc/{pid}/fd")))


def _codes(body: bytes) -> tuple[tuple[str, ...], Any]:
    try:
        answer = json.loads(body)
    except ValueError:
        return ("UNREADABLE",), None
    errors = answer.get("errors") or [] if isinstance(answer, dict) else []
    codes = tuple(str((e.get("extensions") or {}).get("code", "UNCODED")) for e in errors)
    return codes, answer.get("data") if isinstance(answer, dict) else None


class Workload:
    """Chooses each request by its number (a fixed, interleaved mix) and sends it."""

    def __init__(self, posters: list[dict[str, GraphQLPoster]], sirets: list[str], tag: str):
        self._posters = posters
        self._sirets = sirets
        self._tag = tag
        self._kinds = [kind for kind, weight in MIX for _ in range(weight)]
        step = 37  # coprime with 100: the kinds interleave instead of coming in runs
        self._kinds = [self._kinds[(n * step) % len(self._kinds)] for n in range(len(self._kinds))]

    async def send(self, n: int, started: float, run: Run) -> None:
        kind = self._kinds[n % len(self._kinds)]
        posters = self._posters[n % len(self._posters)]
        siret = self._sirets[n % len(self._sirets)]
        title = ""
        if kind == "sheet":
            poster, body = posters["referent"], GraphQLPoster.body(SHEET, "Sheet", {"siret": siret})
        elif kind == "eligibility":
            poster = posters["referent"]
            body = GraphQLPoster.body(ELIGIBILITY, "Eligibility", {"siret": siret})
        elif kind == "search":
            poster = posters["search"]
            body = GraphQLPoster.body(SEARCH, "Companies", {"f": FILTERS[n % len(FILTERS)]})
        else:
            title = f"soak {self._tag} {n:08d}"
            poster = posters["company"]
            body = GraphQLPoster.body(CREATE, "Create", {"siret": MUTATED, "title": title})
        at = time.perf_counter() - started
        # A mutation's request id names it, so a surprise can be found in the kept logs.
        headers = {"X-Request-Id": title.replace(" ", "-")} if title else None
        try:
            seconds, status, answer = await poster.post(body, headers)
        except (aiohttp.ClientError, TimeoutError) as error:
            run.transport_errors[type(error).__name__] += 1
            if title:
                run.refused.add(title)
            return
        codes, data = _codes(answer)
        run.outcomes.append(Outcome(at, kind, seconds, status, codes))
        if title:
            created = ((data or {}).get("createProject") or {}).get("title") == title
            (run.created if status == 200 and created else run.refused).add(title)


async def _drive(workload: Workload, rate: float, seconds: float) -> Run:
    run = Run()
    tasks: set[asyncio.Task[None]] = set()
    started = time.perf_counter()
    total = int(rate * seconds)
    for n in range(total):
        delay = started + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if len(tasks) >= _MAX_IN_FLIGHT:
            run.skipped += 1  # the gateways are this far behind: say so rather than queue
            continue
        task = asyncio.create_task(workload.send(n, started, run))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(tasks)
    return run


async def _portfolio(poster: GraphQLPoster) -> list[str]:
    _, status, body = await poster.post(GraphQLPoster.body(PORTFOLIO, "Portfolio"))
    codes, data = _codes(body)
    edges = (((data or {}).get("viewer") or {}).get("portfolio") or {}).get("edges") or []
    sirets = [edge["node"]["siret"] for edge in edges]
    if status != 200 or not sirets:
        raise RuntimeError(f"the portfolio could not be read: HTTP {status} {codes}")
    return sirets


async def _projects(poster: GraphQLPoster) -> Counter[str]:
    for _ in range(20):  # the final read may meet an injected partner error: read again
        _, status, body = await poster.post(
            GraphQLPoster.body(PROJECTS, "Projects", {"siret": MUTATED})
        )
        codes, data = _codes(body)
        projects = ((data or {}).get("company") or {}).get("projects")
        if status == 200 and isinstance(projects, list):
            return Counter(project["title"] for project in projects)
        await asyncio.sleep(0.5)
    raise RuntimeError(f"the projects could not be read: HTTP {status} {codes}")


async def _soak(
    gateways: list[Service], tokens: dict[str, str], rate: float, seconds: float, warmup: float
) -> tuple[Run, dict[str, tuple[Footprint, Footprint]], Counter[str]]:
    connector = aiohttp.TCPConnector(limit=_MAX_IN_FLIGHT)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        posters = [
            {role: GraphQLPoster(session, gateway.url, token) for role, token in tokens.items()}
            for gateway in gateways
        ]
        sirets = await _portfolio(posters[0]["referent"])
        tag = uuid.uuid4().hex[:8]
        _say(f"warm-up: {warmup:.0f} s at {rate:g} req/s …")
        await _drive(Workload(posters, sirets, f"warmup-{tag}"), rate, warmup)
        before = {gateway.name: footprint(gateway.pid) for gateway in gateways}
        _say(f"soak: {seconds / 60:g} min at {rate:g} req/s …")
        run = await _drive(Workload(posters, sirets, tag), rate, seconds)
        after = {gateway.name: footprint(gateway.pid) for gateway in gateways}
        projects = await _projects(posters[1]["company"])
    soak_titles = Counter({t: n for t, n in projects.items() if t.startswith(f"soak {tag} ")})
    return run, {name: (before[name], after[name]) for name in before}, soak_titles


async def _inject_errors(services: list[Service], rate: float) -> None:
    """Every partner (each catalogue source has its own faults) answers ``rate`` of its calls
    with a 5xx."""
    async with httpx.AsyncClient(timeout=10) as client:
        for service in services:
            set_on = [
                path
                for path in _FAULT_PREFIXES
                if (
                    await client.post(
                        f"{service.url}{path}/_sandbox/faults", json={"error_rate": rate}
                    )
                ).status_code
                == 200
            ]
            if not set_on:
                raise RuntimeError(f"{service.name}: its faults could not be set")


def _window(run: Run, start: float, end: float) -> str:
    seconds = [o.seconds for o in run.outcomes if start <= o.at < end]
    if not seconds:
        return "no answers"
    ms = sorted(s * 1000 for s in seconds)
    return (
        f"p50 {percentile(ms, 50):7.1f} ms  p99 {percentile(ms, 99):7.1f} ms  ({len(ms)} answers)"
    )


def _report(
    run: Run,
    footprints: dict[str, tuple[Footprint, Footprint]],
    projects: Counter[str],
    seconds: float,
) -> bool:
    statuses = Counter(o.status for o in run.outcomes)
    errors = sum(n for status, n in statuses.items() if status >= 500)
    codes = Counter(code for o in run.outcomes for code in o.codes)
    lost = sorted(run.created - set(projects))
    duplicated = sorted(title for title, n in projects.items() if n > 1)
    ghosts = sorted(set(projects) & run.refused)
    window = min(60.0, seconds / 4)
    print(f"\nrequests answered: {len(run.outcomes)}; not sent (over {_MAX_IN_FLIGHT} in flight):"
          f" {run.skipped}; transport errors: {dict(run.transport_errors) or 0}")  # fmt: skip
    print(f"HTTP statuses: {dict(sorted(statuses.items()))}  -> 5xx: {errors}")
    print(f"GraphQL error codes: {dict(codes.most_common()) or 'none'}")
    by_kind = Counter(o.kind for o in run.outcomes)
    print(f"by kind: {dict(by_kind)}")
    print(f"projects created: {len(run.created)} answered created, {len(run.refused)} refused;"
          f" at the end: lost {len(lost)}, duplicated {len(duplicated)},"
          f" present though refused {len(ghosts)}")  # fmt: skip
    if ghosts:
        print(f"present though refused: {ghosts[:10]}")
    for name, (before, after) in footprints.items():
        print(f"{name}: RSS {before.rss_mb} -> {after.rss_mb} MB "
              f"({after.rss_mb - before.rss_mb:+.1f}), open fds {before.fds} -> {after.fds}")  # fmt: skip
    print(f"latency, first {window:.0f} s: {_window(run, 0, window)}")
    print(f"latency, last  {window:.0f} s: {_window(run, seconds - window, seconds + 1)}")
    return errors == 0 and not lost and not duplicated


@contextlib.contextmanager
def _partners(workspace: Workspace, latency_ms: float) -> Iterator[tuple[Workspace, list[Service]]]:
    with (
        running_sandbox(workspace, latency_ms=latency_ms) as sandbox,
        running_catalogues(workspace, latency_ms=latency_ms) as catalogues,
        running_platform(workspace, "mesaides", latency_ms=latency_ms) as mesaides,
        running_platform(workspace, "del_", latency_ms=latency_ms) as del_,
    ):
        wired = dataclasses.replace(
            workspace, sandbox_url=sandbox.url, catalogues_url=catalogues.url,
            mesaides_url=mesaides.url, del_url=del_.url,
        )  # fmt: skip
        yield wired, [sandbox, catalogues, mesaides, del_]


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=100.0, help="requests per second")
    parser.add_argument("--warmup", type=float, default=15.0, help="seconds before measuring")
    parser.add_argument("--error-rate", type=float, default=0.05, help="partner errors injected")
    parser.add_argument("--latency-ms", type=float, default=20.0, help="partner latency added")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--keep", action="store_true",
                        help="keep the run's directory and logs (the gateways' at INFO: access lines)")  # fmt: skip
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14",
                        help="the instances' shared cache")  # fmt: skip
    args = parser.parse_args(argv)
    backends, _ = choose_backends(args.database)
    if problem := asyncio.run(redis_problem(args.redis_url)):
        raise SystemExit(problem)
    seconds = args.minutes * 60
    root = Path(tempfile.mkdtemp(prefix="hub-soak-"))
    level = "INFO" if args.keep else None  # kept logs get the access lines
    try:
        with (
            hub_database(backends[0], root) as database,
            _partners(Workspace(root, database_url=database.url), args.latency_ms) as (
                workspace,
                partners,
            ),
        ):
            _say(f"hub database: {database.describe()}; partners up")
            # One after the other: the first migrates and seeds, the second finds it done.
            with running_gateway(workspace, "gateway-a", cache_url=args.redis_url, log_level=level) as first, \
                    running_gateway(workspace, "gateway-b", cache_url=args.redis_url, log_level=level) as second:  # fmt: skip
                tokens = {"referent": issue_token(workspace, REFERENT_EMAIL),
                          "search": issue_token(workspace, SEARCH_EMAIL),
                          "company": issue_token(workspace, COMPANY_EMAIL)}  # fmt: skip
                asyncio.run(_inject_errors(partners, args.error_rate))
                run, footprints, projects = asyncio.run(
                    _soak([first, second], tokens, args.rate, seconds, args.warmup)
                )
    finally:
        if args.keep:
            _say(f"logs kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    print(f"\nsoak: {args.minutes:g} min at {args.rate:g} req/s, two instances, "
          f"{backends[0]}, Redis, partners with {args.error_rate:.0%} errors "
          f"and {args.latency_ms:g} ms latency")  # fmt: skip
    return 0 if _report(run, footprints, projects, seconds) else 1


if __name__ == "__main__":
    raise SystemExit(main())
