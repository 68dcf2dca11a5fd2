"""A real nginx (Debian's) in front of two ``hub-gateway serve`` processes sharing one
PostgreSQL database and one Redis, as docs/deploying.md describes: nginx runs the committed
``deploy/hub-gateway-proxy.conf``; queries reach both instances, a subscription opened
through nginx on one instance receives what a mutation on the other caused, and the
scheduled jobs run once across the two: one reminder e-mail for the overdue request, one
e-mail of the outbox for the accepted one (at the instances' sandbox SMTP sinks).

Skipped, saying why, without nginx (``make nginx`` installs it), PostgreSQL
(``TEST_DATABASE_URL``) or Redis (``TEST_REDIS_URL``)."""

from __future__ import annotations

import asyncio
import email
import json
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path

import httpx
import pytest
import redis.asyncio as aioredis
import sqlalchemy as sa
import websockets

from auth.tokens import DevTokenIssuer, load_or_create_secret
from connectors.broker import CHANNEL
from connectors.hubdb import create_engine, create_session_factory
from connectors.hubdb.models import Company, ReferentAssignment
from connectors.hubdb.writes import HubWriter
from tests.databases import POSTGRES_ENV, PostgresServer
from tests.servers import free_port, hub_gateway_command, sandbox_ports, stop, wait_until_ready

ROOT = Path(__file__).resolve().parents[2]
PROXY_CONF = ROOT / "deploy" / "hub-gateway-proxy.conf"
PAUL, PIERRE = "paul.girard@biocosmetiques.example", "pierre.durand@cci-gard.example"
PAUL_SIRET = "44306184100047"
WAITING = "99999999900011"  # the company whose referent request is overdue
START_S = 120.0  # a bound on the waits (processes start on a shared machine), no timing


def _nginx() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found is None:
        pytest.skip("nginx is not installed: `make nginx` installs Debian's nginx-light")
    return found


@dataclass
class Instance:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


@contextmanager
def _started(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        stop(process)


async def _overdue_referent_request(url: str) -> None:
    """One referent request past its due date, never reminded; the seed's pending requests
    count as reminded already (so the one e-mail expected is this one)."""
    now = datetime.now(UTC)
    engine = create_engine(url)
    try:
        async with HubWriter(create_session_factory(engine)).transaction() as tx:
            await tx.session.execute(
                sa.update(ReferentAssignment).where(ReferentAssignment.status == "PENDING")
                .values(reminded_at=now)
            )  # fmt: skip
            tx.session.add(Company(siret=WAITING, siren=WAITING[:9], display_name="ATELIER NGINX",
                                   registered_at=now - timedelta(days=5)))  # fmt: skip
            await tx.session.flush()
            await tx.create_assignment(siret=WAITING, agent_id="agent-pierre-durand",
                                       now=now - timedelta(days=4),
                                       due_at=now - timedelta(days=2))  # fmt: skip
    finally:
        await engine.dispose()


def _nginx_conf(folder: Path, port: int, instances: list[Instance]) -> Path:
    servers = "\n".join(f"        server {i.address};" for i in instances)
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""daemon off;
master_process on;
worker_processes 1;
pid {folder}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ''      '';
    }}
    upstream hub_gateway {{
{servers}
        keepalive 8;
    }}
    server {{
        listen 127.0.0.1:{port};
        # which instance answered (the test's own addition to the committed file)
        add_header X-Upstream $upstream_addr always;
        include {PROXY_CONF};
    }}
}}
""",
        encoding="utf-8",
    )
    return conf


def _unprivileged(command: list[str]) -> list[str]:
    """nginx as an unprivileged user: as is when not root, else as ``nobody``."""
    if os.geteuid() != 0:
        return command
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command]


@asynccontextmanager
async def _pair(tmp_path: Path) -> AsyncIterator[tuple[str, list[Instance], Path, DevTokenIssuer]]:
    """Two gateway instances and nginx in front; yields nginx's base URL."""
    nginx = _nginx()
    admin_url, redis_url = os.environ.get(POSTGRES_ENV), os.environ.get("TEST_REDIS_URL")
    if not admin_url or not redis_url:
        pytest.skip(f"{POSTGRES_ENV} and TEST_REDIS_URL are needed: the instances share them")
    server = PostgresServer(admin_url)
    database_url = await server.new_database()
    mail = tmp_path / "mail"
    shared = {
        **os.environ,
        "MODE": "sandbox",
        "DATABASE_URL": database_url,
        "CACHE_URL": redis_url,
        "BROKER_URL": redis_url,
        "DEV_SECRET_FILE": str(tmp_path / "dev-secret"),
        "API_KEY_PEPPER_FILE": str(tmp_path / "pepper"),
        "MAIL_FOLDER": str(mail),
        "FILE_STORE_PATH": str(tmp_path / "files"),
        "OUTBOX_INTERVAL_S": "0.3",
        "REMINDERS_INTERVAL_S": "0.3",
        "RECONCILE_INTERVAL_S": "3600",
        "STATUS_POLL_INTERVAL_S": "3600",
        "LOG_LEVEL": "WARNING",
    }
    try:
        migrating = await asyncio.create_subprocess_exec(
            *hub_gateway_command(), "migrate", env=shared, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        output, _ = await migrating.communicate()
        assert migrating.returncode == 0, output.decode()
        await _overdue_referent_request(database_url)
        with ExitStack() as stack, _instances(shared, tmp_path) as instances:
            await asyncio.gather(
                *(
                    wait_until_ready(
                        f"http://{i.address}/readyz", i.process, i.log, timeout_s=START_S
                    )
                    for i in instances
                )
            )
            # nginx's own folder outside pytest's (which only its owner may enter)
            folder = Path(tempfile.mkdtemp(prefix="hub-nginx-"))
            stack.callback(shutil.rmtree, folder, ignore_errors=True)
            folder.chmod(0o777)
            port = free_port()
            conf = _nginx_conf(folder, port, instances)
            log = folder / "nginx.log"
            command = _unprivileged([nginx, "-e", "stderr", "-p", str(folder), "-c", str(conf)])
            with _started(command, dict(os.environ), log) as process:
                await wait_until_ready(
                    f"http://127.0.0.1:{port}/healthz", process, log, timeout_s=START_S
                )
                issuer = DevTokenIssuer(load_or_create_secret(tmp_path / "dev-secret"))
                yield f"127.0.0.1:{port}", instances, mail, issuer
    finally:
        await server.close()


@contextmanager
def _instances(shared: dict[str, str], tmp_path: Path) -> Iterator[list[Instance]]:
    """Both started at once, and both told to stop at once."""
    instances = []
    try:
        for name in ("a", "b"):
            port = free_port()
            env = {
                **shared,
                **sandbox_ports(),  # each instance its own sandbox partners, on free ports
            }
            log = tmp_path / f"gateway-{name}.log"
            command = [*hub_gateway_command(), "serve", "--no-migrate", "--port", str(port)]
            with log.open("wb") as output:
                process = subprocess.Popen(
                    command, env=env, stdout=output, stderr=subprocess.STDOUT
                )
            instances.append(Instance(port, process, log))
        yield instances
    finally:
        for instance in instances:
            if instance.process.poll() is None:
                instance.process.send_signal(signal.SIGTERM)
        for instance in instances:
            stop(instance.process)


def _auth(issuer: DevTokenIssuer, address: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issuer.issue(subject=address, email=address)}"}


async def _listeners(redis_url: str) -> int:
    """How many connections listen on the broker's channel (other tests' included)."""
    client = aioredis.Redis.from_url(redis_url)
    try:
        return int((await client.pubsub_numsub(CHANNEL))[0][1])
    finally:
        await client.aclose()


async def _subscribed(redis_url: str, before: int) -> None:
    """Until one more connection listens on the broker's channel than ``before``: the
    instance's first subscription opened its listening connection."""
    async with asyncio.timeout(START_S):
        while await _listeners(redis_url) <= before:
            await asyncio.sleep(0.05)


def _mails(folder: Path) -> list[tuple[str, str]]:
    """(To, Subject) of every e-mail the instances' sandbox SMTP sinks received."""
    found = []
    for path in folder.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        found.append((str(message["To"]), str(message["Subject"])))
    return found


def _reminders(folder: Path) -> list[tuple[str, str]]:
    return [mail for mail in _mails(folder) if "ATELIER NGINX" in mail[1]]


def _to_paul(folder: Path) -> list[tuple[str, str]]:
    return [mail for mail in _mails(folder) if PAUL in mail[0]]


async def test_two_instances_behind_nginx_share_queries_subscriptions_and_jobs(
    tmp_path: Path,
) -> None:
    async with _pair(tmp_path) as (proxy, instances, mail, issuer):
        base = f"http://{proxy}"
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            answered_by = set()
            for _ in range(6):
                response = await client.post("/graphql", json={"query": "{ viewer { kind } }"})
                assert response.json() == {"data": {"viewer": {"kind": "ANONYMOUS"}}}
                answered_by.add(response.headers["x-upstream"])
            assert answered_by == {i.address for i in instances}
            assert (await client.get("/metrics")).status_code == 404  # not forwarded

            # A subscription through nginx (the WebSocket upgrade), on one instance…
            async with websockets.connect(
                f"ws://{proxy}/graphql",
                subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
            ) as ws:
                subscribed_on = ws.response.headers["X-Upstream"] if ws.response else None
                assert subscribed_on in {i.address for i in instances}
                other = next(i for i in instances if i.address != subscribed_on)
                await ws.send(
                    json.dumps({"type": "connection_init", "payload": _auth(issuer, PAUL)})
                )
                assert json.loads(await ws.recv())["type"] == "connection_ack"
                listening = await _listeners(os.environ["TEST_REDIS_URL"])
                await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
                    "query": "subscription { notifications { kind } }"}}))  # fmt: skip
                await _subscribed(os.environ["TEST_REDIS_URL"], listening)

                # …receives what a mutation on the other instance caused.
                async with httpx.AsyncClient(base_url=f"http://{other.address}") as direct:
                    found = await direct.post("/graphql", headers=_auth(issuer, PAUL), json={
                        "query": f'{{ company(siret: "{PAUL_SIRET}") {{ referent {{ id }} }} }}'})  # fmt: skip
                    assignment = found.json()["data"]["company"]["referent"]["id"]
                    accepted = await direct.post("/graphql", headers=_auth(issuer, PIERRE), json={
                        "query": "mutation($id: ID!) { respondToReferentRequest("
                                 "assignmentId: $id, accept: true) { status } }",
                        "variables": {"id": assignment}})  # fmt: skip
                    assert accepted.json()["data"]["respondToReferentRequest"] == {
                        "status": "ACCEPTED"
                    }
                async with asyncio.timeout(START_S):
                    message = json.loads(await ws.recv())
                assert message["type"] == "next" and message["id"] == "1"
                assert message["payload"]["data"]["notifications"]["kind"]

        # The overdue request is reminded once across the two instances, and the acceptance
        # is mailed once: one e-mail each at the sandbox SMTP sinks.
        async with asyncio.timeout(START_S):
            while not (_reminders(mail) and _to_paul(mail)):
                await asyncio.sleep(0.1)
        for _ in range(5):  # more ticks of both schedulers (0.3 s each)
            await asyncio.sleep(0.3)
        assert len(_reminders(mail)) == 1
        assert len(_to_paul(mail)) == 1
