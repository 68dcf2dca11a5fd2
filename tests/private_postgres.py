"""A PostgreSQL cluster of the test suite's own, to stop and freeze: never the machine's shared
server. ``initdb`` in a temporary folder, the postmaster on an ephemeral port of the loopback
and its socket in that folder, run as the ``postgres`` OS user when the tests run as root
(PostgreSQL refuses to run as root). ``PrivatePostgres.start()`` skips the test, saying why,
where no PostgreSQL server binaries are installed."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.servers import free_port

__all__ = ["PrivatePostgres"]

_TIMEOUT_S = 60


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class PrivatePostgres:
    """One throwaway cluster: ``start``, ``stop`` (stopped), ``freeze``/``thaw`` (SIGSTOP /
    SIGCONT of the postmaster and its backends: hung), ``destroy``."""

    def __init__(self) -> None:
        self.port = 0
        self._bin: Path | None = None
        self._root: Path | None = None
        self._as: list[str] = []
        self._running = False

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        """Makes the cluster on first use, then starts it (on the same port)."""
        if self._root is None:
            self._create()
        self.thaw()
        if not self._running:
            self._ctl("start", "-w", "-l", str(self._path("log")), "-o", self._options())
            self._running = True

    def stop(self) -> None:
        self.thaw()
        if self._running:
            self._ctl("stop", "-w", "-m", "immediate")
            self._running = False

    def freeze(self) -> None:
        self._signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self._signal(signal.SIGCONT)

    def _signal(self, signal_number: int) -> None:
        """To the postmaster and its backends; one that ended since they were listed (a
        backend whose client left) needs no signal."""
        for pid in self._processes():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal_number)

    def destroy(self) -> None:
        if self._root is None:
            return
        self.thaw()
        self._running = False
        subprocess.run(
            [*self._as, str(self._bin / "pg_ctl"), "stop", "-D", str(self._path("data")),
             "-m", "immediate"],
            capture_output=True, timeout=_TIMEOUT_S, check=False,
        )  # fmt: skip
        shutil.rmtree(self._root, ignore_errors=True)
        self._root = None

    def _create(self) -> None:
        self._bin = _binaries()
        if self._bin is None:
            pytest.skip("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb)")
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                pytest.skip("running as root without runuser: PostgreSQL will not run as root")
            self._as = ["runuser", "-u", "postgres", "--"]
        self._root = Path(tempfile.mkdtemp(prefix="hub-private-pg-"))
        if self._as:
            shutil.chown(self._root, user="postgres")
        self.port = free_port()
        initdb = subprocess.run(
            [*self._as, str(self._bin / "initdb"), "-D", str(self._path("data")), "-A", "trust",
             "-U", "postgres", "--no-sync"],
            capture_output=True, text=True, timeout=_TIMEOUT_S, check=False,
        )  # fmt: skip
        if initdb.returncode != 0:
            self.destroy()
            pytest.skip(f"initdb failed here: {initdb.stderr.strip()[-300:]}")

    def _options(self) -> str:
        """fsync off (a stopped server's writes are in the OS cache, which the tests keep), but
        commits written at once: with synchronous_commit off, an immediate stop lost the last
        commits (the seed's accounts, on a busy machine) and the restarted database no longer
        knew the signed-in agent."""
        return (
            f"-p {self.port} -k {self._root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off"
        )

    def _ctl(self, *args: str) -> None:
        assert self._bin is not None
        subprocess.run(
            [*self._as, str(self._bin / "pg_ctl"), "-D", str(self._path("data")), *args],
            capture_output=True, text=True, timeout=_TIMEOUT_S, check=True,
        )  # fmt: skip

    def _path(self, name: str) -> Path:
        assert self._root is not None
        return self._root / name

    def _processes(self) -> list[int]:
        """The postmaster (its pid file's first line) and every process whose parent it is."""
        pid_file = self._path("data") / "postmaster.pid"
        if not pid_file.exists():
            return []
        postmaster = int(pid_file.read_text().split()[0])
        children = [
            int(entry.name)
            for entry in Path("/proc").iterdir()
            if entry.name.isdigit() and _parent(entry) == postmaster
        ]
        return [postmaster, *children]


def _parent(process: Path) -> int | None:
    try:
        fields = (process / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1])
