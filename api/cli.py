"""`hr`: serve, migrate, seed-demo, token, schema, config-docs.

Without DATABASE_URL (outside production) every command uses the embedded PostgreSQL
under HR_DATA_DIR, starting it if needed, so `make run` works on a bare machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from api.settings import Settings, get_settings


def _settings_with_database() -> Settings:
    settings = get_settings()
    if not settings.database_url:
        if settings.is_production:
            sys.exit("DATABASE_URL must be set in production")
        from tenants.embedded import start_embedded_postgres

        url = start_embedded_postgres((settings.data_dir / "pg").resolve())
        os.environ["DATABASE_URL"] = url
        get_settings.cache_clear()
        settings = get_settings()
    return settings


def cmd_migrate(args: argparse.Namespace) -> None:
    from api.services import database_config
    from tenants.migrate import migrate

    settings = _settings_with_database()
    asyncio.run(migrate(database_config(settings)))
    print("migrations: at head; request role ready", file=sys.stderr)


def cmd_seed_demo(args: argparse.Namespace) -> None:
    from api.seed import seed_demo
    from api.services import database_config
    from tenants.database import create_app_engine, create_owner_engine

    settings = _settings_with_database()

    async def run() -> bool:
        config = database_config(settings)
        owner, app = create_owner_engine(config), create_app_engine(config)
        try:
            from datetime import date

            return await seed_demo(owner, app, date.today())
        finally:
            await owner.dispose()
            await app.dispose()

    created = asyncio.run(run())
    print("demo tenant acme: " + ("created" if created else "already present"), file=sys.stderr)


def cmd_token(args: argparse.Namespace) -> None:
    from api.auth.dev_issuer import load_or_create_key, mint_token

    settings = get_settings()
    key = load_or_create_key(settings.dev_key_path)
    token = mint_token(
        key, settings.dev_issuer, settings.audience, email=args.email, tenant=args.tenant,
        scope=args.scope, tenant_claim=settings.tenant_claim, lifetime=args.lifetime,
    )
    print(token)


def cmd_schema(args: argparse.Namespace) -> None:
    from api.schema import schema

    print(schema.as_str())


def cmd_config_docs(args: argparse.Namespace) -> None:
    from api.settings_docs import render

    print(render(), end="")


def cmd_serve(args: argparse.Namespace) -> None:
    if args.port:
        os.environ["PORT"] = str(args.port)
    if args.host:
        os.environ["HOST"] = args.host
    get_settings.cache_clear()
    settings = _settings_with_database()
    from api.app import create_app
    from api.server import GracefulServer

    GracefulServer(
        create_app(settings),
        settings.host,
        settings.port,
        settings.shutdown_grace_seconds,
        settings.keep_alive_seconds,
    ).run()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="hr", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve GraphQL over HTTP")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(func=cmd_serve)
    commands.add_parser("migrate", help="apply migrations and grant the request role").set_defaults(func=cmd_migrate)
    commands.add_parser("seed-demo", help="load the demo tenant acme (idempotent)").set_defaults(func=cmd_seed_demo)
    token = commands.add_parser("token", help="mint a development token (HR_DEV_AUTH=1 servers accept it)")
    token.add_argument("--tenant", help="tenant slug")
    token.add_argument("--email", required=True)
    token.add_argument("--scope")
    token.add_argument("--lifetime", type=int, default=8 * 3600, help="seconds")
    token.set_defaults(func=cmd_token)
    commands.add_parser("schema", help="print the GraphQL SDL").set_defaults(func=cmd_schema)
    commands.add_parser(
        "config-docs", help="print docs/configuration.md, generated from the settings"
    ).set_defaults(func=cmd_config_docs)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
