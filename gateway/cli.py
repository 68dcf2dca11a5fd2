"""``hub-gateway``: serve, migrate, token, api-key, sandbox, oidc-sandbox, tiers, schema."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from importlib.metadata import version
from pathlib import Path

import uvicorn
from pydantic import ValidationError
from pydantic_settings import SettingsError
from starlette.types import ASGIApp

from auth.scopes import Scope
from auth.tokens import DevTokenIssuer
from connectors.hubdb import CachedDirectory, migrate, normalize_email
from connectors.hubdb.partners import UnknownStructure
from gateway import published_schema, tier_table
from gateway.app import create_app
from gateway.graphql import build_schema
from gateway.logging import configure_logging
from gateway.services import api_keys, dev_issuer, dev_token, open_hub_database
from gateway.settings import ConfigurationError, Settings

__all__ = ["main"]


async def _prepare_database(settings: Settings) -> None:
    """Migrate to the latest schema; in sandbox mode, also load the seed (idempotent)."""
    await migrate(settings.database_url)
    if settings.sandbox:
        from gateway import sandbox_wiring  # sandbox mode only: see gateway/sandbox_wiring.py

        await sandbox_wiring.seed_database(settings.database_url)


async def _issue_token(settings: Settings, issuer: DevTokenIssuer, email: str) -> str:
    key = normalize_email(email)
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


def _server(app: ASGIApp, host: str, port: int, log_level: str) -> uvicorn.Server:
    config = uvicorn.Config(
        app, host=host, port=port, log_level=log_level.lower(), access_log=False
    )
    return uvicorn.Server(config)


async def _serve(settings: Settings) -> None:
    await _prepare_database(settings)
    servers = [_server(create_app(settings), settings.host, settings.port, settings.log_level)]
    if settings.sandbox:
        from gateway import sandbox_wiring  # sandbox mode only: see gateway/sandbox_wiring.py

        servers.extend(
            _server(stand_in.app, "127.0.0.1", stand_in.port, "warning")
            for stand_in in sandbox_wiring.partner_stand_ins(settings)
        )
    base = f"http://{settings.host}:{settings.port}"
    token = (
        f"from {', '.join(p.issuer for p in settings.identity_providers)}"
        if settings.identity_providers
        else ".venv/bin/hub-gateway token pierre.durand@cci-gard.example"
    )
    print(
        f"\nhub-gateway ({settings.mode}) on {base}\n"
        f"  GraphiQL:   {base}/graphql\n"
        f"  health:     {base}/healthz  {base}/readyz  metrics: {base}/metrics\n"
        f"  e-mails:    {settings.mail_folder}/*.eml (the sandbox SMTP sink)\n"
        f"  a token:    {token}\n"
        '              then in GraphiQL\'s headers: {"Authorization": "Bearer <token>"}\n'
        "  a partner:  .venv/bin/hub-gateway api-key --structure cci-gard\n",
        flush=True,
    )
    await asyncio.gather(*(server.serve() for server in servers))


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
    await _server(app, "127.0.0.1", port, "warning").serve()


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
    commands.add_parser("migrate", help="migrate the hub database (and seed it in sandbox mode)")
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
            asyncio.run(_serve(settings))
        elif args.command == "migrate":
            asyncio.run(_prepare_database(settings))
            print(f"database ready: {settings.database_url}")
        elif args.command == "token":
            print(asyncio.run(_issue_token(settings, dev_issuer(settings), args.email)))
        elif args.command == "api-key":
            print(asyncio.run(_create_api_key(settings, args)))
        elif args.command == "sandbox":
            from gateway import sandbox_wiring  # a sandbox command

            app = sandbox_wiring.entreprise_stand_in(latency_ms=args.latency_ms)
            asyncio.run(_server(app, "127.0.0.1", args.port, "warning").serve())
        elif args.command == "oidc-sandbox":
            asyncio.run(_oidc_sandbox(args.port))
        elif args.command == "tiers":
            _tiers(settings, args.update)
        elif args.command == "schema":
            return _schema(settings, args)
    except (ConfigurationError, ValidationError, SettingsError) as error:
        print(f"hub-gateway: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
