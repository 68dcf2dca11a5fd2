"""Periodic jobs of a gateway instance (the outbox flush, the referent reminders), one
asyncio task each, started and stopped by the app's lifespan.

Every instance runs every job: that a job's work is done once across N instances is the
job's own guarantee, given by the database (the outbox leases rows with ``SKIP LOCKED``,
reminders are taken by conditional updates), not by the scheduler. A job that raises is
logged and runs again at its next tick (with its traceback, unless the database was out of
reach: then one line)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog

from connectors.hubdb import DatabaseUnavailable

__all__ = ["Job", "Scheduler"]

Job = Callable[[datetime], Awaitable[object]]
"""A job receives the scheduler's ``now``; what it returns is logged at debug level."""

_log = structlog.get_logger(__name__)


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class _Entry:
    name: str
    interval_s: float
    job: Job


class Scheduler:
    """``clock`` gives the ``now`` passed to jobs and ``sleep`` waits between runs: tests
    inject fakes for both."""

    def __init__(
        self,
        *,
        clock: Callable[[], datetime] = _utcnow,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._entries: dict[str, _Entry] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._busy: set[str] = set()
        self._stopping = False

    def add(self, name: str, interval_s: float, job: Job) -> None:
        """Run ``job`` at once when started, then every ``interval_s`` seconds (measured
        from the start of each run; a run that overruns is followed by the next at once)."""
        if interval_s <= 0:
            raise ValueError(f"interval_s must be positive, got {interval_s!r}")
        if name in self._entries:
            raise ValueError(f"a job named {name!r} is scheduled already")
        if self._tasks:
            raise RuntimeError("add jobs before start()")
        self._entries[name] = _Entry(name, interval_s, job)

    @property
    def running(self) -> bool:
        return any(not task.done() for task in self._tasks.values())

    async def start(self) -> None:
        if self._tasks:
            raise RuntimeError("the scheduler is already started")
        self._stopping = False
        for entry in self._entries.values():
            self._tasks[entry.name] = asyncio.create_task(
                self._loop(entry), name=f"scheduler:{entry.name}"
            )
        _log.info("scheduler.started", jobs=sorted(self._entries))

    async def stop(self, *, grace_s: float = 5.0) -> None:
        """Cancels idle jobs at once; a job in the middle of a run gets ``grace_s`` seconds
        to finish it, then is cancelled. Returns when every task has ended."""
        self._stopping = True
        tasks, self._tasks = self._tasks, {}
        for name, task in tasks.items():
            if name not in self._busy:
                task.cancel()
        pending = [task for task in tasks.values() if not task.done()]
        if pending:
            _, late = await asyncio.wait(pending, timeout=grace_s)
            for task in late:
                task.cancel()
        await asyncio.gather(*tasks.values(), return_exceptions=True)
        self._busy.clear()
        if tasks:
            _log.info("scheduler.stopped")

    async def _loop(self, entry: _Entry) -> None:
        while not self._stopping:
            started = time.monotonic()
            await self._run(entry)
            if self._stopping:
                return
            await self._sleep(max(0.0, entry.interval_s - (time.monotonic() - started)))

    async def _run(self, entry: _Entry) -> None:
        self._busy.add(entry.name)
        try:
            result = await entry.job(self._clock())
        except DatabaseUnavailable as unavailable:  # logged by the engine, once per interval
            _log.info("scheduler.job_deferred", job=entry.name, reason=unavailable.reason)
        except Exception:  # noqa: BLE001 - a failing job must not stop its loop
            _log.exception("scheduler.job_failed", job=entry.name)
        else:
            _log.debug("scheduler.job_done", job=entry.name, result=repr(result))
        finally:
            self._busy.discard(entry.name)
