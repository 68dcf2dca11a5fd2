"""What a result was measured on: the machine, Python, key packages and the git commit."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["CpuWatch", "busy_share", "describe", "load_average", "process_cpu_seconds"]

_REPO = Path(__file__).resolve().parents[1]
_PACKAGES = ("strawberry-graphql", "graphql-core", "starlette", "uvicorn", "uvloop", "httptools",
             "httpx", "httpx-aiohttp", "aiohttp", "aiocache", "redis", "sqlalchemy", "aiosqlite",
             "asyncpg", "structlog")  # fmt: skip


def describe() -> dict[str, Any]:
    return {
        "machine": {
            "platform": platform.platform(),
            "cpu_model": _cpu_model(),
            "nproc": len(os.sched_getaffinity(0)),
            "memory_gib": _memory_gib(),
        },
        "python": sys.version.split()[0],
        "python_implementation": platform.python_implementation(),
        "packages": {name: _version(name) for name in _PACKAGES},
        "git": _git(),
    }


def load_average() -> float:
    """The 1-minute load average: other work on the machine skews the figures."""
    return round(os.getloadavg()[0], 2)


def busy_share(seconds: float = 1.0) -> float | None:
    """Share (0–1) of all CPUs busy over ``seconds``, measured while the bench itself idles:
    what other work on the machine takes from the run."""
    first = _cpu_times()
    if first is None:
        return None
    time.sleep(seconds)
    second = _cpu_times()
    if second is None:
        return None
    busy, total = second[0] - first[0], second[1] - first[1]
    return round(busy / total, 3) if total else None


class CpuWatch:
    """Splits the machine's CPU time over a phase into the run's own processes (the bench, the
    gateway, the sandbox) and everything else: another test suite on the machine shows up
    here rather than silently as a slower gateway."""

    def __init__(self, *pids: int) -> None:
        self._pids = (os.getpid(), *pids)
        self._start = self._snapshot()

    def _snapshot(self) -> tuple[int, int, int] | None:
        machine = _cpu_times()
        if machine is None:
            return None
        return machine[0], machine[1], sum(_process_ticks(pid) for pid in self._pids)

    def shares(self) -> dict[str, float] | None:
        """{"run": share of all CPUs the run used, "other": share used by other work}."""
        end = self._snapshot()
        if self._start is None or end is None or end[1] == self._start[1]:
            return None
        total = end[1] - self._start[1]
        busy = end[0] - self._start[0]
        ours = end[2] - self._start[2]
        return {"run": round(ours / total, 3), "other": round(max(busy - ours, 0) / total, 3)}


def process_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far."""
    return _process_ticks(pid) / os.sysconf("SC_CLK_TCK")


def _process_ticks(pid: int) -> int:
    """utime + stime of a process and its waited-for children, in clock ticks."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    fields = stat.rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15])  # utime stime cutime cstime


def _cpu_times() -> tuple[int, int] | None:
    """(busy, total) jiffies of all CPUs since boot."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    total = sum(fields[:8])  # guest time is already counted in user
    return total - idle, total


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _git() -> dict[str, Any]:
    def run(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args], cwd=_REPO, capture_output=True, text=True, timeout=10, check=True
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout

    commit = run("rev-parse", "HEAD")
    status = run("status", "--porcelain")
    return {
        "commit": commit.strip() if commit else None,
        "dirty": None if status is None else bool(status.strip()),
    }
