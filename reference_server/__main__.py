"""Command line of the reference gateway: serve it, manage webhooks, read the signal log."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from reference_server.config import (
    SOURCE_LIMITS,
    ConfigError,
    GatewayConfig,
    WebhookConfig,
    check_webhook_settings,
    load_config,
)
from reference_server.control_access import CONTROL_TOKEN_ENV, FLAG_WARNING, control_token, exposure_error
from reference_server.db import open_database
from reference_server.webhook.retention import Retention, prune
from reference_server.webhook.signal_log import read_entries
from reference_server.webhook.store import (
    Webhook,
    create_webhook,
    list_webhooks,
    open_with_key,
    parse_grace,
    rotate_password,
)
from webhook_spec.openapi import asset_classes, webhook_path


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, help="TOML config file (default: the embedded demo)")
    parser = argparse.ArgumentParser(prog="python -m reference_server", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve", parents=[common], help="serve the gateway with gunicorn (the default)"
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    serve.add_argument("--workers", type=int, default=1, help="processes; more than one needs Redis")
    serve.add_argument(
        "--threads",
        type=int,
        default=0,
        help="threads per worker that run the app; 0 (the default) runs it on the worker's event loop",
    )
    serve.add_argument(
        "--header-timeout", type=float, default=5.0, help="seconds to send a request's line and headers"
    )
    serve.add_argument("--body-timeout", type=float, default=5.0, help="seconds to send a request's body")
    serve.add_argument("--redis-url", help="Redis URI for shared rate limits, e.g. redis://127.0.0.1:6379/0")
    token = serve.add_mutually_exclusive_group()
    token.add_argument(
        "--control-token-file",
        type=Path,
        help=f"enable the test-control API with the bearer token in this file (or set {CONTROL_TOKEN_ENV})",
    )
    token.add_argument("--control-token", help="the token itself, seen by every user in ps: for tests only")
    serve.add_argument(
        "--allow-remote-control",
        action="store_true",
        help="serve the control API on a --host other hosts can reach (it can wipe the signal log)",
    )
    serve.add_argument(
        "--show-urls", action="store_true", help="print the config file's webhook URLs with their passwords"
    )
    webhooks = commands.add_parser("webhooks", help="create, list, or rotate webhooks").add_subparsers(
        dest="action", required=True
    )
    create = webhooks.add_parser("create", parents=[common], help="create a webhook and print its URL once")
    create.add_argument("--asset-class", choices=asset_classes(), default=WebhookConfig.asset_class)
    create.add_argument("--allowed-ticker", action="append", dest="allowed_tickers")
    create.add_argument("--limit-to", choices=SOURCE_LIMITS)
    create.add_argument("--ip-address", action="append", dest="ip_addresses", default=[])
    create.add_argument("--base-url", default="http://127.0.0.1:8000")
    webhooks.add_parser("list", parents=[common], help="list webhooks (never their passwords)")
    rotate = webhooks.add_parser(
        "rotate", parents=[common], help="give a webhook a new password (Generate New URL)"
    )
    rotate.add_argument("uuid")
    rotate.add_argument(
        "--grace",
        type=_grace,
        default=timedelta(0),
        help="keep the old password valid this long too, e.g. 10m (at most 7d; default: none)",
    )
    rotate.add_argument("--base-url", default="http://127.0.0.1:8000")
    log = commands.add_parser(
        "log", parents=[common], help="print the signal log, newest first, as JSON lines"
    )
    log.add_argument("--webhook", help="only this webhook's uuid")
    log.add_argument("--limit", type=int, default=50)
    commands.add_parser(
        "prune-log",
        parents=[common],
        help="delete the signal log records past the configured retention now (D-056)",
    )
    return parser


def _grace(text: str) -> timedelta:
    try:
        return parse_grace(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _serve(config: GatewayConfig, args: argparse.Namespace) -> int:
    from reference_server import create_app
    from reference_server.server.serve import ReadTimeouts, serve

    if args.redis_url:
        config = replace(config, rate_limit_storage=args.redis_url)
    if args.control_token is not None:
        print(FLAG_WARNING, file=sys.stderr)
    try:
        token = control_token(args.control_token, args.control_token_file, os.environ, config.control_token)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    config = replace(config, control_token=token)
    if token and (problem := exposure_error(args.host, args.allow_remote_control)):
        print(f"error: {problem}", file=sys.stderr)
        return 2
    if args.workers > 1 and config.rate_limit_storage.startswith("memory"):
        print("error: several workers must share rate limits: pass --redis-url", file=sys.stderr)
        return 2
    app = create_app(config)
    app.config["SHOW_URLS"] = args.show_urls  # read by the start-up banner (reference_server.server.announce)
    timeouts = ReadTimeouts(header=args.header_timeout, body=args.body_timeout)
    serve(app, args.host, args.port, args.workers, args.threads, timeouts)
    return 0


def _describe(webhook: Webhook) -> str:
    tickers = "any" if webhook.allowed_tickers is None else ",".join(sorted(webhook.allowed_tickers))
    limit = webhook.limit_to or "-"
    return f"{webhook.uuid} {webhook.asset_class:8} tickers={tickers} limit_to={limit} {webhook.origin}"


def _open_store(config: GatewayConfig) -> sqlite3.Connection:
    """The database as the server left it: only `serve` writes the config's webhooks into it."""
    return open_database(config)


def _webhooks(config: GatewayConfig, args: argparse.Namespace) -> int:
    if args.action == "rotate" and args.uuid.lower() in {webhook.uuid for webhook in config.webhooks}:
        print(
            f"error: webhook {args.uuid} is declared in the config file: change its password there",
            file=sys.stderr,
        )
        return 2
    # Creating and rotating hash a password: they need the hash key (D-059).
    connection, key = (_open_store(config), None) if args.action == "list" else open_with_key(config)
    try:
        if args.action == "create":
            settings = check_webhook_settings(
                {
                    "asset_class": args.asset_class,
                    "allowed_tickers": args.allowed_tickers or None,
                    "limit_to": args.limit_to,
                    "ip_addresses": args.ip_addresses,
                },
                "webhooks create",
            )
            with connection:
                uuid, password = create_webhook(connection, key, "cli", **settings)
            print(f"{args.base_url}{webhook_path(uuid, password)}")
        elif args.action == "rotate":
            password, until = rotate_password(connection, key, args.uuid, args.grace)
            print(f"{args.base_url}{webhook_path(args.uuid.lower(), password)}")
            if until is not None:
                print(f"the old password stays valid until {until:%Y-%m-%dT%H:%M:%SZ}", file=sys.stderr)
        else:
            for webhook in list_webhooks(connection):
                print(_describe(webhook))
    except (LookupError, PermissionError, ConfigError) as error:
        print(f"error: {error.args[0]}", file=sys.stderr)
        return 2
    finally:
        connection.close()
    return 0


def _log(config: GatewayConfig, args: argparse.Namespace) -> int:
    connection = _open_store(config)
    try:
        for entry in read_entries(connection, args.webhook, args.limit):
            print(json.dumps(entry.as_json()))
    finally:
        connection.close()
    return 0


def _prune_log(config: GatewayConfig, _args: argparse.Namespace) -> int:
    retention = Retention.of(config)
    connection = _open_store(config)
    try:
        deleted = prune(connection, retention)
    finally:
        connection.close()
    kept = f"{retention.days:g} days" if retention.days else "no age limit"
    bound = f"{retention.max_rows} records" if retention.max_rows else "no count limit"
    print(f"pruned {deleted} signal log records (retention: {kept}, {bound})")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["serve", *argv]  # serve is the default command
    args = _parser().parse_args(argv)
    try:
        config = load_config(args.config) if args.config else GatewayConfig()
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    command = {"serve": _serve, "webhooks": _webhooks, "log": _log, "prune-log": _prune_log}[args.command]
    try:
        return command(config, args)
    except ConfigError as error:  # found when the command reads the data directory: the hash key (D-059)
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
