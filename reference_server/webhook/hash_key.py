"""The hash key's home outside the database: the operator's, or a file made on first start (D-059)."""

from __future__ import annotations

import os
import secrets
import stat
from contextlib import suppress
from pathlib import Path

from reference_server.config import ConfigError, GatewayConfig
from reference_server.webhook.passwords import HashKey

ENV_VAR = "WEBHOOK_GATEWAY_HASH_KEY"  # the key itself, in hex
FILE_NAME = "hash-key"  # in the data directory, unless the operator gives the key
KEY_BYTES = 32
MIN_KEY_BYTES = 16


def key_source(config: GatewayConfig) -> str:
    """Where the gateway takes its hash key from, as an operator would name it."""
    if os.environ.get(ENV_VAR) is not None:
        return f"the environment variable {ENV_VAR}"
    return str(config.hash_key_file or config.data_dir / FILE_NAME)


def _parse(text: str, where: str) -> HashKey:
    try:
        secret = bytes.fromhex(text.strip())
    except ValueError:
        secret = b""
    if len(secret) < MIN_KEY_BYTES:
        raise ConfigError(f"{where}: the hash key must be at least {2 * MIN_KEY_BYTES} hex digits")
    return HashKey(secret)


def _read(path: Path) -> HashKey:
    """The key in `path`, which nobody but its owner may read or write."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the hash key: {error.strerror}") from None
    with os.fdopen(descriptor, encoding="ascii", errors="replace") as file:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise ConfigError(f"{path}: the hash key must be a regular file")
        if mode & 0o077:
            raise ConfigError(
                f"{path}: permissions {stat.S_IMODE(mode):04o} let others read or change the hash key:"
                f" run chmod 600 {path}"
            )
        return _parse(file.read(), str(path))


def _create(path: Path) -> None:
    """Write a new random key to `path` with mode 0600, atomically: a reader never sees a partial key,
    and of two processes creating it at once, one key wins for both."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_hex(KEY_BYTES) + "\n")
            file.flush()
            os.fsync(file.fileno())
        with suppress(FileExistsError):
            os.link(temporary, path)  # unlike a rename, never replaces a key made meanwhile
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    finally:
        temporary.unlink(missing_ok=True)


def load_hash_key(config: GatewayConfig) -> HashKey:
    """The hash key: the environment variable's, else the configured file's, else the data directory's
    hash-key file, created with a new random key if it does not exist yet."""
    value = os.environ.get(ENV_VAR)
    if value is not None:
        return _parse(value, ENV_VAR)
    if config.hash_key_file is not None:
        return _read(config.hash_key_file)
    path = config.data_dir / FILE_NAME
    if not path.exists():
        _create(path)
    return _read(path)
