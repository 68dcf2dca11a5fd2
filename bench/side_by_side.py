"""The "side-by-side" scenario: hub-gateway against Apollo Server 5 on the same query, from the
same API Entreprise sandbox, each server pinned to the same core and the load client to the
other, anonymous, both servers keeping the upstream answer in memory (warm).

- Apollo Server 5 (graphql-js, Node) and the load client (autocannon) come from the npm
  registry, pinned by ``bench/apollo/package-lock.json``, installed with ``npm ci`` into a
  folder of the system's temporary directory named by the lock file's hash (reused while the
  lock is unchanged).
- The gateway runs as it is served: an anonymous answer of public records is kept whole
  (``gateway.execution.whole``) while the record is fresh. A second gateway with
  ``KEEP_PUBLIC_ANSWERS=false`` (each request runs its compiled plan) is measured beside it,
  so that what the kept answers bring is seen, not assumed.
- A bare ASGI app on the gateway's server stack (uvicorn, uvloop, httptools) answering the
  same bytes gives the ceiling of the Python stack.
- Each server answers once first: the answers must be equal as JSON (the gateway's is the
  reference); then every answer of the load runs must be byte-identical to that server's own
  first answer (autocannon's ``expectBody``), else it counts as a mismatch.
- Three runs per server, interleaved (gateway, Apollo, bare, gateway, …) so that a drift of
  the machine hits all alike; the median of the three is the figure."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from bench.processes import Service, Workspace, free_port, running_gateway, running_process
from bench.report import passed, table
from bench.scenarios import UPSTREAM_PARAMS, UPSTREAM_TOKEN

__all__ = ["QUERY", "SIDE_BY_SIDE_TARGETS", "judge", "measure", "render"]

SIDE_BY_SIDE_TARGETS = {"throughput_ratio_min": 1.2}
QUERY = (
    "query($s:String!){company(siret:$s){siret name naf{code label} "
    "address{city postalCode departmentCode} active}}"
)
SIRET = "84215637400014"
_APOLLO = Path(__file__).resolve().parent / "apollo"
EXECUTED = "hub-gateway, every request executed"
"""The gateway with KEEP_PUBLIC_ANSWERS=false: each request runs its compiled plan (the
figure the target is judged on is the gateway as it is served, answers kept whole)."""
_SERVER_CORE, _CLIENT_CORE = "0", "1"
_RUNS = 3


def _body() -> str:
    return json.dumps({"query": QUERY, "variables": {"s": SIRET}}, separators=(",", ":"))


def node_modules() -> Path:
    """The pinned Node packages, installed once per lock file."""
    lock = (_APOLLO / "package-lock.json").read_bytes()
    folder = (
        Path(tempfile.gettempdir()) / f"hub-bench-apollo-{hashlib.sha256(lock).hexdigest()[:16]}"
    )
    if not (folder / "node_modules" / ".package-lock.json").exists():
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(_APOLLO / name, folder / name)
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=folder, check=True,
            timeout=600,
        )  # fmt: skip
    for name in ("server.mjs", "load.mjs"):
        shutil.copyfile(_APOLLO / name, folder / name)
    return folder


def _pinned(core: str) -> list[str]:
    return ["taskset", "-c", core] if shutil.which("taskset") else []


def _executed_env() -> dict[str, str]:
    """The second gateway's: answers not kept, and its own ports for the sandboxes a gateway
    starts in sandbox mode (the first holds the default ones)."""
    ports = ("MESAIDES_SANDBOX_PORT", "DEL_SANDBOX_PORT", "CATALOGUES_SANDBOX_PORT")
    return {"KEEP_PUBLIC_ANSWERS": "false", **{name: str(free_port()) for name in ports}}


@contextmanager
def _apollo(workspace: Workspace, folder: Path, sandbox_url: str) -> Iterator[Service]:
    port = free_port()
    env = {
        **os.environ,
        "NODE_ENV": "production",
        "SANDBOX_URL": sandbox_url,
        "UPSTREAM_TOKEN": UPSTREAM_TOKEN,
        "UPSTREAM_PARAMS": json.dumps(UPSTREAM_PARAMS),
        "PORT": str(port),
    }
    command = [*_pinned(_SERVER_CORE), "node", str(folder / "server.mjs")]
    with running_process("apollo", [], env, workspace, f"http://127.0.0.1:{port}",
                  "/", command=command,
                  ready_statuses=frozenset({200, 400})) as service:  # fmt: skip
        # Apollo Server 5 has no health route: any answer to GET / (400 for CSRF prevention).
        yield service


@contextmanager
def _bare(workspace: Workspace, body: bytes) -> Iterator[Service]:
    port = free_port()
    env = {**os.environ, "BARE_BODY": body.decode()}
    args = [
        "-m", "uvicorn", "bench.bare_asgi:app", "--app-dir", str(_APOLLO.parent.parent),
        "--host", "127.0.0.1", "--port", str(port), "--loop", "uvloop", "--http", "httptools",
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    command = [*_pinned(_SERVER_CORE), sys.executable]
    with running_process("bare-asgi", args, env, workspace, f"http://127.0.0.1:{port}", "/",
                  command=command) as service:  # fmt: skip
        yield service


def _first_answer(url: str) -> bytes:
    response = httpx.post(
        url, content=_body(), headers={"content-type": "application/json"}, timeout=30
    )
    response.raise_for_status()
    return response.content


def _load(
    folder: Path, url: str, expected: bytes, concurrency: int, seconds: float
) -> dict[str, Any]:
    command = [
        *_pinned(_CLIENT_CORE), "node", str(folder / "load.mjs"), url, _body(),
        expected.decode(), str(concurrency), str(max(1, round(seconds))),
    ]  # fmt: skip
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 120, check=True
    )
    run: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    run["req_per_s"] = round(run["requests"] / run["seconds"], 1) if run["seconds"] else 0.0
    return run


def measure(
    workspace: Workspace, sandbox_url: str, *, concurrency: int, seconds: float, say: Any
) -> dict[str, Any]:
    say("side by side: installing Apollo Server 5 and autocannon (npm ci, pinned) …")
    folder = node_modules()
    with (
        running_gateway(workspace, "gateway-side", cache_url=None,
                        prefix=_pinned(_SERVER_CORE)) as gateway,
        running_gateway(workspace, "gateway-side-executed", cache_url=None,
                        prefix=_pinned(_SERVER_CORE),
                        env=_executed_env()) as executed,
        _apollo(workspace, folder, sandbox_url) as apollo,
    ):  # fmt: skip
        servers = {
            "hub-gateway": f"{gateway.url}/graphql",
            EXECUTED: f"{executed.url}/graphql",
            "apollo-server-5": apollo.url,
        }
        answers = {name: _first_answer(url) for name, url in servers.items()}
        reference = json.loads(answers["hub-gateway"])
        same = {name: json.loads(body) == reference for name, body in answers.items()}
        with _bare(workspace, answers["hub-gateway"]) as bare:
            servers["bare-asgi"] = bare.url
            answers["bare-asgi"] = answers["hub-gateway"]
            say(f"side by side: warm-up, then {_RUNS} runs × {len(servers)} servers of "
                f"{seconds:g} s, {concurrency} connections …")  # fmt: skip
            for name, url in servers.items():
                _load(folder, url, answers[name], concurrency, 2)
            runs: dict[str, list[dict[str, Any]]] = {name: [] for name in servers}
            for _ in range(_RUNS):
                for name, url in servers.items():
                    runs[name].append(_load(folder, url, answers[name], concurrency, seconds))
    figures = {
        name: {
            "req_per_s_median": statistics.median(r["req_per_s"] for r in found),
            "runs": found,
            "failed": sum(r["non2xx"] + r["errors"] + r["timeouts"] + r["mismatches"] for r in found),
        }
        for name, found in runs.items()
    }  # fmt: skip
    return {
        "query": QUERY,
        "variables": {"s": SIRET},
        "viewer": "anonymous",
        "pinning": {"servers": f"core {_SERVER_CORE}", "load client": f"core {_CLIENT_CORE}"}
        if _pinned(_SERVER_CORE)
        else "taskset not found: not pinned",
        "same_answer": same,
        "servers": figures,
        "targets": SIDE_BY_SIDE_TARGETS,
    }


def _ratio(result: dict[str, Any], name: str) -> float | None:
    servers = result["servers"]
    apollo = servers["apollo-server-5"]["req_per_s_median"]
    return round(servers[name]["req_per_s_median"] / apollo, 2) if apollo else None


def judge(result: dict[str, Any]) -> dict[str, str]:
    ratio = _ratio(result, "hub-gateway")
    failed = sum(server["failed"] for server in result["servers"].values())
    return {
        "throughput_vs_apollo": passed(
            ratio is not None and ratio >= SIDE_BY_SIDE_TARGETS["throughput_ratio_min"]
        ),
        "all_answers_correct": passed(failed == 0 and all(result["same_answer"].values())),
    }


def render(result: dict[str, Any]) -> str:
    verdicts = result["verdicts"]
    rows: list[tuple[str, ...]] = []
    for name, server in result["servers"].items():
        runs = " / ".join(f"{r['req_per_s']:.0f}" for r in server["runs"])
        target = ""
        if name == "hub-gateway":
            minimum = SIDE_BY_SIDE_TARGETS["throughput_ratio_min"]
            target = f"≥ {minimum}× Apollo → {verdicts['throughput_vs_apollo']}"
        ratio = _ratio(result, name)
        rows.append((f"{name} req/s (runs: {runs})", f"{server['req_per_s_median']:.0f}",
                     "—" if ratio is None else f"{ratio:.2f}×", target))  # fmt: skip
    failed = {name: server["failed"] for name, server in result["servers"].items()}
    rows.append(("failed or different answers", json.dumps(failed), "",
                 f"0, same answer → {verdicts['all_answers_correct']}"))  # fmt: skip
    return "\n".join(
        table("side by side (× Apollo Server 5)", ("figure", "median", "× Apollo", "target"), rows)
    )
