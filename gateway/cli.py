"""``hub-gateway``: serve, migrate, bootstrap-admin, import-directory, token, api-key, sandbox,
oidc-sandbox, tiers, schema."""

from __future__ import annotations

import argparse
import asyncio
import errno
import socket
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from importlib.metadata import version
from pathlib import Path

import structlog
import uvloop
from pydantic import ValidationError
from pydantic_settings import SettingsError

from auth.scopes import Scope
from auth.tokens import DevTokenIssuer
from connectors.hubdb import CachedDirectory, migrate, normalize_email
from connectors.hubdb.enums import StructureKind
from connectors.hubdb.migrate import DatabaseUnreachable, check_reachable, redacted_url
from connectors.hubdb.partners import UnknownStructure
from gateway import published_schema, tier_table
from gateway.app import create_app, metrics_app
from gateway.graphql import build_schema
from gateway.logging import configure_logging
from gateway.operators import bootstrap_admin, import_directory
from gateway.server import gateway_server, plain_server
from gateway.services import api_keys, dev_issuer, dev_token, open_hub_database
from gateway.settings import ConfigurationError, Settings

__all__ = ["main"]

_log = structlog.get_logger("gateway.cli")


async def _prepare_database(settings: Settings) -> str:
    """Migrate to the latest schema (under the migration lock: N instances starting together
    migrate once); in sandbox mode, also load the seed (idempotent). What was done, in a line
    without the database's password."""
    migration = await migrate(settings.database_url)
    if settings.sandbox:
        from gateway import sandbox_wiring  # sandbox mode only: see gateway/sandbox_wiring.py

        await sandbox_wiring.seed_database(settings.database_url)
    where = redacted_url(settings.database_url)
    if migration.applied:
        return f"database migrated from {migration.before or 'empty'} to {migration.after}: {where}"
    return f"database already at {migration.after}: {where}"


def _check_port_free(host: str, port: int, setting: str) -> None:
    """A clear line, instead of uvicorn's exit in the middle of start-up, when a port the
    gateway needs is taken."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise ConfigurationError(f"cannot listen on {host}:{port} ({setting}): {error}")
            raise ConfigurationError(
                f"port {port} on {host} is in use ({setting}): stop what holds it, or set "
                f"{setting} to a free port (e.g. {setting}={port + 100})."
            ) from None


async def _issue_token(settings: Settings, issuer: DevTokenIssuer, email: str) -> str:
    key = normalize_email(email)
    await check_reachable(settings.database_url)
    async with open_hub_database(settings) as database:
        account = (await database.hub.accounts_by_email([key])).get(key)
    if account is None:
        raise ConfigurationError(f"No seeded account has the e-mail {email!r}.")
    return dev_token(issuer, account)


async def _create_api_key(settings: Settings, args: argparse.Namespace) -> str:
    """A partner API key made from the command line (the operator stands for the
    administrator): the key is printed once, only its hash is stored."""
    try:
        scopes = frozenset(Scope[name.strip().upper()] for name in args.scopes.split(","))
    except KeyError as error:
        names = ", ".join(Scope.__members__)
        raise ConfigurationError(f"Unknown scope {error}; the scopes are {names}.") from None
    expires = datetime.now(UTC) + timedelta(days=args.expires_days) if args.expires_days else None
    await check_reachable(settings.database_url)
    try:
        async with open_hub_database(settings) as database:
            keys = api_keys(database, CachedDirectory(database.hub), settings)
            key, record = await keys.create(
                structure_id=args.structure,
                name=args.name,
                scopes=scopes,
                expires_at=expires,
                rate_limit=args.rate_limit,
            )
    except UnknownStructure:
        raise ConfigurationError(f"No structure has the id {args.structure!r}.") from None
    return (
        f"API key {record.id} for {record.structure_id} ({', '.join(record.scopes)}):\n"
        f"{key}\n(shown once: send it as 'Authorization: Bearer <key>')"
    )


async def _serve(settings: Settings, *, prepare: bool = True) -> None:
    """``prepare`` False (``serve --no-migrate``): the schema was migrated as its own step;
    the database must answer all the same."""
    if prepare:
        _tell("database_ready", await _prepare_database(settings))
    else:
        await check_reachable(settings.database_url)
    ports = [(settings.host, settings.port, "PORT")]
    if settings.metrics_port is not None:
        ports.append((settings.metrics_host, settings.metrics_port, "METRICS_PORT"))
    stand_ins = []
    if settings.sandbox:
        from gateway import sandbox_wiring  # sandbox mode only: see gateway/sandbox_wiring.py

        stand_ins = sandbox_wiring.partner_stand_ins(settings)
        ports.extend(("127.0.0.1", s.port, s.port_setting) for s in stand_ins)
    for host, port, setting in ports:
        _check_port_free(host, port, setting)
    grace_s = settings.shutdown_grace_s
    servers = [gateway_server(create_app(settings), settings, serving=True)]
    if settings.metrics_port is not None:
        servers.append(
            plain_server(metrics_app(settings), settings.metrics_host, settings.metrics_port)
        )
    servers.extend(plain_server(s.app, "127.0.0.1", s.port, grace_s=grace_s) for s in stand_ins)
    if sys.stdout.isatty():
        print(_banner(settings), flush=True)
    else:  # a log collector, not a person: JSON lines only
        _log.info(
            "gateway_listening", url=f"http://{settings.host}:{settings.port}", mode=settings.mode
        )
    await asyncio.gather(*(server.serve() for server in servers))


def _tell(event: str, message: str) -> None:
    """A line for the person at a terminal; a JSON log line for a log collector."""
    if sys.stdout.isatty():
        print(message, flush=True)
    else:
        _log.info(event, message=message)


def _banner(settings: Settings) -> str:
    base = f"http://{settings.host}:{settings.port}"
    if settings.metrics_port is not None:
        metrics = f"http://{settings.metrics_host}:{settings.metrics_port}/metrics"
    elif settings.metrics_token is not None:
        metrics = f"{base}/metrics (Authorization: Bearer <METRICS_TOKEN>)"
    elif settings.metrics_public:
        metrics = f"{base}/metrics"
    else:
        metrics = "not served (set METRICS_TOKEN or METRICS_PORT)"
    lines = [
        f"\nhub-gateway ({settings.mode}) on {base}",
        f"  GraphQL:    {base}/graphql{'  (GraphiQL on GET)' if settings.graphiql else ''}",
        f"  health:     {base}/healthz  {base}/readyz",
        f"  metrics:    {metrics}",
    ]
    if not settings.sandbox:
        return "\n".join(lines) + "\n"
    token = (
        f"from {', '.join(p.issuer for p in settings.identity_providers)}"
        if settings.identity_providers
        else ".venv/bin/hub-gateway token pierre.durand@cci-gard.example"
    )
    lines += [
        f"  e-mails:    {settings.mail_folder}/*.eml (the sandbox SMTP sink)",
        f"  a token:    {token}",
        '              then in GraphiQL\'s headers: {"Authorization": "Bearer <token>"}',
        "  a partner:  .venv/bin/hub-gateway api-key --structure cci-gard",
    ]
    return "\n".join(lines) + "\n"


async def _oidc_sandbox(port: int) -> None:
    """The local identity providers (agents and the hub's own) on one port."""
    from gateway import sandbox_wiring  # a sandbox command: see gateway/sandbox_wiring.py

    base = f"http://127.0.0.1:{port}"
    app, setting = sandbox_wiring.identity_providers(base)
    print(
        f"\nlocal OIDC providers on {base}: agents at {base}/agents, the hub's own at {base}/hub\n"
        f"  run the gateway against them:\n"
        f"    OIDC_PROVIDERS='{setting}' make serve\n"
        f"  a token:  curl '{base}/agents/mint?email=pierre.durand@cci-gard.example"
        f"&given_name=Pierre&usual_name=Durand'\n"
        f"            curl '{base}/hub/mint?email=claire.leroy@leroy-sas.example"
        f"&given_name=Claire&family_name=Leroy'\n",
        flush=True,
    )
    await plain_server(app, "127.0.0.1", port).serve()


def _tiers(settings: Settings, update: Path | None) -> None:
    schema = build_schema(settings)._schema
    if update is None:
        print(tier_table.render(schema), end="")
    elif tier_table.update_file(update, schema):
        print(f"{update}: tier matrix updated")
    else:
        print(f"{update}: tier matrix already up to date")


def _schema(settings: Settings, args: argparse.Namespace) -> int:
    """Prints the SDL, or writes it (``--update``), or fails when a file is stale
    (``--check``) or the schema breaks clients of a release (``--breaking-since``)."""
    sdl = published_schema.sdl(build_schema(settings))
    if args.update is not None:
        changed = published_schema.update_file(args.update, sdl)
        print(f"{args.update}: {'updated' if changed else 'already up to date'}")
    elif args.check is not None:
        if not args.check.exists() or args.check.read_text(encoding="utf-8") != sdl:
            print(f"{args.check} is stale: run `hub-gateway schema --update {args.check}`")
            return 1
        print(f"{args.check}: up to date")
    elif args.breaking_since is not None:
        release = args.breaking_since
        if release.is_dir():
            release = published_schema.latest_release(release)
            if release is None:
                raise ConfigurationError(f"{args.breaking_since} holds no schema-<version>.graphql")
        print(f"compared with {release}")
        report = published_schema.compare(
            release.read_text(encoding="utf-8"),
            sdl,
            released_version=published_schema.release_version(release),
            current_version=version("hub-gateway"),
            today=datetime.now(UTC).date() if args.today is None else args.today,
        )
        print(report.render(), end="")
        return 0 if report.ok else 1
    else:
        print(sdl, end="")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hub-gateway", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve", help="run the gateway (and, in sandbox mode, the partners)"
    )
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument(
        "--no-migrate", action="store_true",
        help="do not migrate at start (run `hub-gateway migrate` as its own step)",
    )  # fmt: skip
    commands.add_parser("migrate", help="migrate the hub database (and seed it in sandbox mode)")
    admin = commands.add_parser(
        "bootstrap-admin",
        help="make an e-mail the hub's administrator (bound at its first OIDC sign-in)",
    )
    admin.add_argument("--email", required=True, help="the administrator's e-mail")
    admin.add_argument("--structure", required=True, help="their structure's id, e.g. region")
    admin.add_argument("--structure-name", help="creates the structure when it does not exist")
    admin.add_argument(
        "--structure-kind", default="REGION", choices=list(StructureKind.__members__),
        help="the kind of a structure created (default REGION)",
    )  # fmt: skip
    admin.add_argument("--first-name", help="default: from the e-mail")
    admin.add_argument("--last-name", help="default: from the e-mail")
    directory = commands.add_parser(
        "import-directory",
        help="upsert the network's structures and agents from CSV or JSON (dry run by default)",
    )
    directory.add_argument("files", nargs="+", type=Path, metavar="FILE")
    directory.add_argument("--apply", action="store_true", help="write (default: a dry run)")
    token = commands.add_parser("token", help="print a dev token for a seeded account (sandbox)")
    token.add_argument("email")
    api_key = commands.add_parser(
        "api-key", help="create a partner API key for a structure and print it once"
    )
    api_key.add_argument("--structure", required=True, help="the structure's id, e.g. cci-gard")
    api_key.add_argument(
        "--scopes", default="COMPANIES_READ,DIRECTORY_READ",
        help=f"comma-separated, among {', '.join(Scope.__members__)}",
    )  # fmt: skip
    api_key.add_argument("--name", default="sandbox key", help="what the key is for")
    api_key.add_argument("--expires-days", type=int, help="days until it expires")
    api_key.add_argument("--rate-limit", type=int, help="requests per minute")
    sandbox = commands.add_parser("sandbox", help="run the API Entreprise sandbox alone")
    sandbox.add_argument("--port", type=int, default=8001)
    sandbox.add_argument("--latency-ms", type=float, default=0.0)
    oidc = commands.add_parser("oidc-sandbox", help="run local OIDC providers (sandbox)")
    oidc.add_argument("--port", type=int, default=8003)
    tiers = commands.add_parser("tiers", help="print the tier matrix generated from the schema")
    tiers.add_argument("--update", type=Path, metavar="FILE", help="rewrite the table in FILE")
    schema = commands.add_parser(
        "schema", help="print the SDL with each field's @visibility / @allowed"
    )
    target = schema.add_mutually_exclusive_group()
    target.add_argument("--update", type=Path, metavar="FILE", help="write the SDL to FILE")
    target.add_argument("--check", type=Path, metavar="FILE", help="fail when FILE is stale")
    target.add_argument(
        "--breaking-since", type=Path, metavar="RELEASE", nargs="?", const=Path("releases"),
        help="fail on changes that break clients of RELEASE (releases/schema-<version>.graphql;"
        " a folder, or nothing: its latest release, by default in ./releases)",
    )  # fmt: skip
    schema.add_argument("--today", type=date.fromisoformat, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    try:
        overrides = {k: v for k in ("host", "port") if (v := getattr(args, k, None)) is not None}
        settings = Settings(**overrides)
        configure_logging(settings.log_level)
        if args.command == "serve":
            # uvicorn picks uvloop only when it makes the loop itself; serve runs several
            # servers in one loop of its own, so it asks for uvloop's (a third less CPU per
            # request than asyncio's on the hot path).
            uvloop.run(_serve(settings, prepare=not args.no_migrate))
        elif args.command == "migrate":
            print(asyncio.run(_prepare_database(settings)))
        elif args.command == "bootstrap-admin":
            print(
                asyncio.run(
                    bootstrap_admin(
                        settings, email=args.email, structure=args.structure,
                        structure_name=args.structure_name, structure_kind=args.structure_kind,
                        first_name=args.first_name, last_name=args.last_name,
                    )
                )
            )  # fmt: skip
        elif args.command == "import-directory":
            report, complete = asyncio.run(import_directory(settings, args.files, apply=args.apply))
            print(report)
            return 0 if complete else 1
        elif args.command == "token":
            print(asyncio.run(_issue_token(settings, dev_issuer(settings), args.email)))
        elif args.command == "api-key":
            print(asyncio.run(_create_api_key(settings, args)))
        elif args.command == "sandbox":
            from gateway import sandbox_wiring  # a sandbox command

            app = sandbox_wiring.entreprise_stand_in(latency_ms=args.latency_ms)
            asyncio.run(plain_server(app, "127.0.0.1", args.port).serve())
        elif args.command == "oidc-sandbox":
            asyncio.run(_oidc_sandbox(args.port))
        elif args.command == "tiers":
            _tiers(settings, args.update)
        elif args.command == "schema":
            return _schema(settings, args)
    except (ConfigurationError, ValidationError, SettingsError) as error:
        print(f"hub-gateway: {error}", file=sys.stderr)
        return 2
    except DatabaseUnreachable as error:
        print(
            f"hub-gateway: {error} (check DATABASE_URL, and that the server runs and accepts "
            "this host)",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
