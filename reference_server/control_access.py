"""Where the test-control API's token comes from, and on which addresses the API may be served (D-061)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Mapping
from pathlib import Path

from reference_server.config import ConfigError

CONTROL_TOKEN_ENV = "WEBHOOK_GATEWAY_CONTROL_TOKEN"
FLAG_WARNING = (
    "warning: --control-token shows the token to every user of this machine (ps, /proc/PID/cmdline); "
    f"set {CONTROL_TOKEN_ENV} or pass --control-token-file instead"
)


def read_token_file(path: Path) -> str:
    """The token held in `path`, without surrounding whitespace; ConfigError when unreadable or empty."""
    try:
        token = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"--control-token-file: cannot read {path}: {error}") from None
    if not token:
        raise ConfigError(f"--control-token-file: {path} holds no token")
    return token


def control_token(
    flag: str | None, file: Path | None, environ: Mapping[str, str], configured: str | None
) -> str | None:
    """The control token: --control-token or --control-token-file, else the environment's, else the
    config file's; None when none is given (no control API)."""
    if flag is not None:
        if not flag.strip():
            raise ConfigError("--control-token: the token is empty")
        return flag
    if file is not None:
        return read_token_file(file)
    return environ.get(CONTROL_TOKEN_ENV) or configured or None


def _addresses(host: str) -> list[str]:
    try:
        return [ipaddress.ip_address(host).compressed]
    except ValueError:
        pass
    try:
        return [info[4][0] for info in socket.getaddrinfo(host, None)]
    except (OSError, UnicodeError):
        return []


def is_loopback(host: str) -> bool:
    """Whether `host` (an address or a name) can be reached from this machine only: it resolves, and
    every address it resolves to is a loopback address (0.0.0.0 and :: are every address)."""
    addresses = [ipaddress.ip_address(address.partition("%")[0]) for address in _addresses(host)]
    mapped = [getattr(address, "ipv4_mapped", None) or address for address in addresses]
    return bool(mapped) and all(address.is_loopback for address in mapped)


def exposure_error(host: str, allow_remote: bool) -> str | None:
    """Why the control API may not be served on `host`, or None when it may."""
    if allow_remote or is_loopback(host):
        return None
    return (
        f"the test-control API (/control/reset wipes the signal log) is served on loopback only, "
        f"and --host {host} is reachable from other hosts: serve it on 127.0.0.1, or pass "
        "--allow-remote-control if the address is on a network you trust"
    )
