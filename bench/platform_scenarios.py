"""The scenarios of ``python -m bench`` that run both submission platforms as processes of
their own (Mes aides en ligne and DEL):

- eligible schemes: floor and cold (catalogues cached), the first evaluations of the
  referent's other companies, the fully cold first request of a fresh gateway
  (informational), then warm; every answer compared across the phases;
- applications (issue 11): floor and cold, warm, and the SQL statements per page size."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bench import applications as applications_bench
from bench import eligible, eligible_phases, environment, verdicts
from bench.measure import summarize
from bench.phases import Tally, redis_problem, warm_with
from bench.processes import (
    Service,
    Workspace,
    issue_token,
    running_gateway,
    running_platform,
    say,
)

__all__ = ["applications", "eligible_schemes"]


@contextmanager
def _both_platforms(
    args: argparse.Namespace, workspace: Workspace
) -> Iterator[tuple[Workspace, Service, Service]]:
    """Mes aides en ligne and DEL as processes of their own, with the run's added latency,
    and the workspace whose gateways call them."""
    with (
        running_platform(workspace, "mesaides", latency_ms=args.latency_ms) as mesaides,
        running_platform(workspace, "del_", latency_ms=args.latency_ms) as del_,
    ):
        yield (
            dataclasses.replace(workspace, mesaides_url=mesaides.url, del_url=del_.url),
            mesaides,
            del_,
        )


def eligible_schemes(
    args: argparse.Namespace, workspace: Workspace, sandbox: Service, catalogues: Service
) -> dict[str, Any]:
    """Both submission platforms run as their own processes (a cold request reads the
    company's applications for the de minimis criterion): in process, the gateway's CPU
    would answer them, and the floor reads them too."""
    with _both_platforms(args, workspace) as (served, mesaides, del_):
        sandboxes = eligible.CompanySandboxes(sandbox.url, mesaides.url, del_.url)
        pids = (sandbox.pid, mesaides.pid, del_.pid, catalogues.pid)
        return _phases(args, served, sandboxes, catalogues, pids)


def _phases(
    args: argparse.Namespace,
    workspace: Workspace,
    sandboxes: eligible.CompanySandboxes,
    catalogues: Service,
    sandbox_pids: tuple[int, ...],
) -> dict[str, Any]:
    result: dict[str, Any] = {"viewer": eligible.VIEWER_EMAIL, "query": eligible.ELIGIBLE_SCHEMES,
                              "targets": verdicts.ELIGIBLE_TARGETS}  # fmt: skip
    references: dict[str, Any] = {}
    problem = asyncio.run(redis_problem(args.redis_url))
    if problem is None:
        with running_gateway(workspace, "gateway-cold", cache_url=args.redis_url) as gateway:
            token = issue_token(workspace, eligible.VIEWER_EMAIL)
            say(f"eligible schemes, floor + cold (catalogues cached): {args.samples} pairs "
                 f"(gateway pid {gateway.pid}) …")  # fmt: skip
            watch = environment.CpuWatch(gateway.pid, *sandbox_pids)
            floor, cold, upstream, client, evidence = asyncio.run(eligible_phases.cold_and_floor(
                sandboxes, catalogues.url, gateway.url, token, args.redis_url,
                samples=args.samples, warmup=args.warmup,
            ))  # fmt: skip
            cpu = watch.shares()
            say("eligible schemes, first evaluations: the referent's other companies, once "
                 "each …")  # fmt: skip
            first_floor, first = asyncio.run(eligible_phases.first_evaluations(
                sandboxes, gateway.url, token, limit=args.samples,
            ))  # fmt: skip
        result["first_evaluation"] = {"floor": first_floor.as_dict(), "cold": first.as_dict()}
        references["cold"] = client.reference
        result["floor"] = {**floor.as_dict(), "per_source_ms": upstream.per_source_ms()}
        result["cold"] = {**cold.as_dict(), "evidence": evidence, "cpu": cpu}
        result["full_cold"] = _full_cold(args, workspace, sandboxes, catalogues, token, references)
    else:
        say(f"eligible schemes: cold phases SKIPPED — {problem}")
        result["cold"] = {"skipped": problem}
    with running_gateway(workspace, "gateway-warm", cache_url=None) as gateway:
        token = issue_token(workspace, eligible.VIEWER_EMAIL)
        say(f"eligible schemes, warm: {args.samples} samples (gateway pid {gateway.pid}) …")
        watch = environment.CpuWatch(gateway.pid, *sandbox_pids)
        latency, client, evidence = asyncio.run(eligible_phases.warm(
            sandboxes, catalogues.url, gateway.url, token, gateway_pid=gateway.pid,
            samples=args.samples, warmup=args.warmup,
        ))  # fmt: skip
        cpu = watch.shares()
    references["warm"] = client.reference
    result["warm"] = {**latency.as_dict(), "evidence": evidence, "cpu": cpu}
    known = [data for data in references.values() if data is not None]
    result["answer"] = {
        "schemes": len(known[0]["company"]["eligibleSchemes"]) if known else None,
        "verdicts": eligible.verdict_counts(known[0]) if known else None,
        "same_in_every_phase": bool(known) and all(data == known[0] for data in known),
        "phases_compared": [name for name, data in references.items() if data is not None],
    }
    return result


def _full_cold(
    args: argparse.Namespace,
    workspace: Workspace,
    sandboxes: eligible.CompanySandboxes,
    catalogues: Service,
    token: str,
    references: dict[str, Any],
) -> dict[str, Any]:
    """Informational: the first eligibility request of a fresh gateway with Redis flushed
    (catalogues neither cached nor memoised: the gateway keeps its parsed copy 30 s), against
    the direct full read of the catalogues and the company's sources, all at once."""
    if not args.full_cold_samples:
        return {"skipped": "--full-cold-samples 0"}
    floor_samples = min(args.samples, 100)
    say(f"eligible schemes, full-read floor: {floor_samples} samples …")

    async def floor_phase() -> tuple[Tally, eligible_phases.CatalogueFloor]:
        tally = Tally()
        async with eligible_phases.CatalogueFloor(sandboxes, catalogues.url) as direct:
            for _ in range(min(args.warmup, 5)):
                await direct.floor.sample()
            for _ in range(floor_samples):
                await tally.take(direct.floor.sample)
        return tally, direct

    floor, direct = asyncio.run(floor_phase())
    say(f"eligible schemes, fully cold: {args.full_cold_samples} fresh gateways …")
    cold = Tally()
    calls: list[int] = []
    starts: list[float] = []
    for _ in range(args.full_cold_samples):
        started = time.perf_counter()
        with running_gateway(workspace, "gateway-full-cold", cache_url=args.redis_url) as gateway:
            starts.append(time.perf_counter() - started)
            sample, data, made = asyncio.run(eligible_phases.full_cold_sample(
                gateway.url, token, args.redis_url, catalogues.url
            ))  # fmt: skip
        calls.append(made)
        seconds, failure = sample
        if failure is None and references.get("cold") not in (None, data):
            failure = "data differs from the cold phase's"
        if failure is None:
            references["full_cold"] = data
        if failure is None:
            cold.seconds.append(seconds)
        else:
            cold.failures[failure] += 1
    return {
        "floor": {
            **floor.as_dict(),
            "per_source_ms": direct.floor.per_source_ms(),
            "catalogue_items": dict(direct.items),
        },
        "cold": {
            **cold.as_dict(),
            "catalogue_calls_per_request": calls,
            "gateway_start_ms": summarize(starts).as_dict(),
        },
    }


APPLICATION_PAGES = (10, 50)
"""The page sizes whose SQL statements the applications scenario counts."""


def applications(
    args: argparse.Namespace, workspace: Workspace, sandbox: Service, catalogues: Service
) -> dict[str, Any]:
    result: dict[str, Any] = {"viewer": applications_bench.AGENT_EMAIL,
                              "targets": applications_bench.APPLICATIONS_TARGETS}  # fmt: skip
    problem = asyncio.run(redis_problem(args.redis_url))
    if problem is not None:
        return {**result, "not_measured": f"the cold phase needs Redis: {problem}"}
    with _both_platforms(args, workspace) as (served, mesaides, del_):
        with running_gateway(served, "gateway-cold", cache_url=args.redis_url) as gateway:
            token = issue_token(served, applications_bench.AGENT_EMAIL)
            reference, failure = asyncio.run(
                applications_bench.first_answer(gateway.url, token, args.redis_url)
            )
            if failure is not None:
                say(f"applications NOT MEASURED — {failure}")
                return {**result, "not_measured": failure}
            sirets = applications_bench.sirets_of(reference)
            result["companies"] = len(sirets)
            result["applications"] = applications_bench.applications_count(reference)
            say(f"applications, floor + cold: {args.samples} pairs (gateway pid {gateway.pid}) …")
            floor, cold, evidence = asyncio.run(applications_bench.cold_and_floor(
                mesaides.url, del_.url, gateway.url, token, args.redis_url, sirets,
                samples=args.samples, warmup=args.warmup,
            ))  # fmt: skip
        result["floor"] = floor.as_dict()
        result["cold"] = {**cold.as_dict(), "evidence": evidence}
        with running_gateway(served, "gateway-warm", cache_url=None) as gateway:
            say(f"applications, warm: {args.samples} samples (gateway pid {gateway.pid}) …")
            latency, _, evidence = asyncio.run(warm_with(
                lambda session: applications_bench.ApplicationsClient(session, gateway.url, token).request,
                sandbox.url, gateway_pid=gateway.pid, samples=args.samples,
                warmup=args.warmup, concurrency=0, duration=args.duration,
            ))  # fmt: skip
        result["warm"] = {**latency.as_dict(), "evidence": evidence}
        say("applications, SQL statements (in-process) …")
        result["sql"] = asyncio.run(applications_bench.statement_probe(
            served.root, served.database_url, mesaides.url, del_.url, token, APPLICATION_PAGES))  # fmt: skip
    return result
