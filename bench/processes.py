"""The processes a run needs (the API Entreprise sandbox, the aid-catalogue sandbox, gateways),
each on a free port, ready before use and always stopped: on success, failure, Ctrl-C or
SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from sandbox.ports import free_port

__all__ = [
    "Service",
    "Workspace",
    "free_port",
    "issue_token",
    "running_catalogues",
    "running_gateway",
    "running_process",
    "running_sandbox",
    "say",
]

_READY_TIMEOUT = 60.0
_STOP_TIMEOUT = 5.0

# Settings the gateway reads from the environment that the bench sets itself or wants unset,
# so that the caller's shell cannot change what is measured.
_SCRUBBED = (
    "MODE", "HOST", "PORT", "DATABASE_URL", "CACHE_URL", "ENTREPRISE_URL", "ENTREPRISE_TOKEN",
    "ENTREPRISE_RECIPIENT", "ENTREPRISE_TIMEOUT", "SANDBOX_PORT", "SANDBOX_LATENCY_MS",
    "OIDC_ISSUER", "DEV_SECRET_FILE", "MAX_DEPTH", "MAX_TOKENS", "MAX_ALIASES", "INTROSPECTION",
    "LOG_LEVEL", "SCHEDULER_ENABLED", "MAIL_FOLDER", "BROKER_URL", "SMTP_HOST",
    "REGION_CATALOGUE_URL", "BPIFRANCE_CATALOGUE_URL", "BPIFRANCE_API_KEY", "FRANCENUM_URL",
    "CATALOGUE_TTL_S", "CATALOGUES_SANDBOX_PORT", "MESAIDES_URL", "MESAIDES_TOKEN", "DEL_URL",
    "DEL_TOKEN", "PLATFORMS_TTL_S", "MESAIDES_SANDBOX_PORT", "DEL_SANDBOX_PORT",
    "RATE_LIMIT_PERSON", "RATE_LIMIT_ANONYMOUS", "TRUSTED_PROXIES",
    "EVENTS_URL", "EVENTS_KEY", "EVENTS_AGENDA_UID", "EVENTS_SANDBOX_PORT", "NEWS_URL",
    "NEWS_SANDBOX_PORT", "FEEDS_TTL_S", "CREALIA_URL", "CREALIA_SANDBOX_PORT",
    "FRANCE_INITIATIVE_URL", "FRANCE_INITIATIVE_KEY", "FRANCE_INITIATIVE_SANDBOX_PORT",
    "IRDI_SORIDEC_URL", "IRDI_SORIDEC_SANDBOX_PORT",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Workspace:
    """The temporary directory a run lives in: dev secret, process logs and, unless
    ``database_url`` names another (PostgreSQL), the SQLite hub database."""

    root: Path
    database_url: str = ""
    sandbox_url: str = ""
    catalogues_url: str = ""
    mesaides_url: str = ""
    del_url: str = ""

    def env(self, **overrides: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k.upper() not in _SCRUBBED}
        env.update(
            MODE="sandbox",
            DATABASE_URL=self.database_url or f"sqlite+aiosqlite:///{self.root / 'hub.db'}",
            DEV_SECRET_FILE=str(self.root / "dev-token-secret"),
            LOG_LEVEL="WARNING",
            # Background jobs (the seed's overdue reminders and their e-mails) are not what
            # is measured: they would share the gateway's core with the requests.
            SCHEDULER_ENABLED="false",
            MAIL_FOLDER=str(self.root / "mail"),
            # One account sends thousands of requests a minute here: the limits are counted
            # (their cost is measured) but never reached.
            RATE_LIMIT_PERSON="1000000000",
            RATE_LIMIT_ANONYMOUS="1000000000",
            # No scenario reads events or news: their stand-ins get free ports, so that two
            # runs on one machine do not fight for the default ones.
            EVENTS_SANDBOX_PORT=str(free_port()),
            NEWS_SANDBOX_PORT=str(free_port()),
            # The financers' stand-ins (small, read once and cached like the catalogues) run
            # in process, on free ports too.
            CREALIA_SANDBOX_PORT=str(free_port()),
            FRANCE_INITIATIVE_SANDBOX_PORT=str(free_port()),
            IRDI_SORIDEC_SANDBOX_PORT=str(free_port()),
        )
        if self.sandbox_url:
            env["ENTREPRISE_URL"] = self.sandbox_url
        if self.catalogues_url:
            # All three set: `serve` then starts no in-process catalogue sandbox on its CPU.
            for name in ("REGION_CATALOGUE_URL", "BPIFRANCE_CATALOGUE_URL", "FRANCENUM_URL"):
                env[name] = self.catalogues_url
        if self.mesaides_url and self.del_url:  # then `serve` starts no platform sandbox
            env.update(MESAIDES_URL=self.mesaides_url, DEL_URL=self.del_url)
        env.update(overrides)
        return env


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    url: str
    pid: int
    log: Path


def _command() -> list[str]:
    script = Path(sys.executable).with_name("hub-gateway")
    return [str(script)] if script.exists() else [sys.executable, "-m", "gateway.cli"]


@contextmanager
def running_process(name: str, args: list[str], env: Mapping[str, str], workspace: Workspace,
             url: str, ready_path: str,
             command: list[str] | None = None,
             ready_statuses: frozenset[int] = frozenset({200})) -> Iterator[Service]:  # fmt: skip
    log = workspace.root / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*(command or _command()), *args],
            cwd=workspace.root,  # no stray .env from the caller's directory
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches the bench only; it stops the group itself
        )
    try:
        _wait_ready(name, process, url + ready_path, log, ready_statuses)
        yield Service(name, url, process.pid, log)
    finally:
        _stop(process)


def _wait_ready(
    name: str,
    process: subprocess.Popen[bytes],
    probe: str,
    log: Path,
    statuses: frozenset[int] = frozenset({200}),
) -> None:
    deadline = time.monotonic() + _READY_TIMEOUT
    with httpx.Client(timeout=1.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}:\n{_tail(log)}")
            try:
                if client.get(probe).status_code in statuses:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    raise RuntimeError(f"{name} was not ready after {_READY_TIMEOUT:.0f}s:\n{_tail(log)}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=_STOP_TIMEOUT)
            return
        except subprocess.TimeoutExpired:
            continue


def _tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@contextmanager
def running_sandbox(workspace: Workspace, *, latency_ms: float) -> Iterator[Service]:
    port = free_port()
    args = ["sandbox", "--port", str(port), "--latency-ms", str(latency_ms)]
    with running_process(
        "sandbox", args, workspace.env(), workspace, f"http://127.0.0.1:{port}", "/_sandbox/stats"
    ) as service:
        yield service


@contextmanager
def running_catalogues(workspace: Workspace, *, latency_ms: float) -> Iterator[Service]:
    """The aid-catalogue sandbox (Région, Bpifrance, France Num) as its own process, with the
    same added latency as the API Entreprise sandbox so that the sources compare."""
    port = free_port()
    args = ["-m", "sandbox.catalogues", "--port", str(port), "--latency-ms", str(latency_ms)]
    with running_process(
        "catalogues", args, workspace.env(), workspace, f"http://127.0.0.1:{port}",
        "/region/_sandbox/stats", command=[sys.executable],
    ) as service:  # fmt: skip
        yield service


@contextmanager
def running_platform(workspace: Workspace, module: str, *, latency_ms: float) -> Iterator[Service]:
    """A submission platform's sandbox (``mesaides`` or ``del_``) as its own process, with the
    run's added latency."""
    port = free_port()
    args = ["-m", f"sandbox.{module}", "--port", str(port), "--latency-ms", str(latency_ms)]
    with running_process(
        module, args, workspace.env(), workspace, f"http://127.0.0.1:{port}", "/_sandbox/stats",
        command=[sys.executable],
    ) as service:  # fmt: skip
        yield service


@contextmanager
def running_gateway(
    workspace: Workspace,
    name: str,
    *,
    cache_url: str | None,
    log_level: str | None = None,
    prefix: list[str] | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[Service]:
    """A gateway with its own process; ``ENTREPRISE_URL`` is the separate sandbox, so the
    sandbox never shares the gateway's CPU. ``cache_url=None``: in-memory cache.
    ``log_level``: instead of the bench's WARNING (INFO: an access line per request).
    ``prefix`` goes before the command (``taskset -c 0``: pinned to a core); ``env``: more
    settings."""
    port = free_port()
    env = workspace.env(
        **({"CACHE_URL": cache_url} if cache_url else {}),
        **({"LOG_LEVEL": log_level} if log_level else {}),
        **(env or {}),
    )
    args = ["serve", "--host", "127.0.0.1", "--port", str(port)]
    command = [*(prefix or []), *_command()]
    with running_process(
        name, args, env, workspace, f"http://127.0.0.1:{port}", "/healthz", command=command
    ) as service:
        yield service


def issue_token(workspace: Workspace, email: str) -> str:
    """A dev token, from the same database and secret file as the gateways."""
    done = subprocess.run(
        [*_command(), "token", email],
        cwd=workspace.root,
        env=workspace.env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"hub-gateway token failed ({done.returncode}): {done.stderr.strip()}")
    return lines[-1].strip()


def say(message: str) -> None:
    """A line of the bench's progress, on stderr (the figures go to stdout)."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)
