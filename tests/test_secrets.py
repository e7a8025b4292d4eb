"""Webhook secrets (D-059): weak uuids and passwords refused at start, and password hashes keyed by a
hash key kept outside the database, so that a copied database alone does not allow guessing."""

import hashlib
import hmac
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import requests

from conformance.embedded_gateway import config_toml, numbered_webhook, running_gateway
from reference_server.config import DEMO_WEBHOOK, parse_config
from reference_server.webhook.hash_key import ENV_VAR
from reference_server.webhook.passwords import (
    MIN_PASSWORD_BITS,
    HashKey,
    new_password,
    password_bits,
    password_weakness,
)
from tests.gateways import HOOKS
from webhook_spec.openapi import webhook_path

SIGNAL = b'{"ticker": "AMD", "action": "buy"}'
README = Path(__file__).resolve().parent.parent / "README.md"
STRONG = numbered_webhook(1, "strong")


def _serve(config: Path) -> subprocess.CompletedProcess:
    """Run `python -m reference_server serve` with `config`, expecting it to refuse to start."""
    command = [sys.executable, "-m", "reference_server", "serve", "--port", "0", "--config", str(config)]
    return subprocess.run(command, capture_output=True, text=True, timeout=30)


def _cli(config: Path, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "reference_server", *args, "--config", str(config)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def _write(directory: Path, *webhooks, **gateway) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "gateway.toml"
    config.write_text(config_toml(webhooks, directory / "data", gateway))
    return config


def _post(base_url: str, uuid: str, password: str) -> requests.Response:
    return requests.post(base_url + webhook_path(uuid, password), data=SIGNAL, timeout=10)


def _database_bytes(data_dir: Path) -> bytes:
    """The database with its WAL, as a thief copying the data directory's SQLite files would get it."""
    return b"".join(path.read_bytes() for path in sorted(data_dir.glob("gateway.sqlite3*")))


@pytest.mark.decision("D-059")
@pytest.mark.parametrize(
    ("password", "weakness"),
    [
        ("a", "has about 4 bits of entropy"),
        ("hunter2hunter3", "has about 72 bits of entropy"),  # lower case and digits: 36 symbols
        ("Tr0ub4dor&3Tr0ub4dor&", "repeats a stretch of 8 characters"),
        ("Xq7!mZ2#vL9@pR4$tW8&", None),  # 20 characters of all four classes: 131 bits
        ("a353c3e16f9e3ded7c58cfedd2c38d74", None),  # 32 hex characters: 128 bits
        ("0" * 31 + "1", "has a run of 31 repeated or consecutive characters"),
        ("00000000000000000000000000000001", "has a run of 31"),  # the kit's old test passwords
        ("abcdefghijklmnopqrstuvwxyzABCDEF", "has a run of 26"),
        ("0123456789abcdef" * 2, "has a run of 10"),
        ("deadbeef" * 4, "repeats a stretch of 8 characters"),
        ("a353c3e16f9e3ded7c58cfedd2c3", "has about 112 bits"),  # 28 hex characters
    ],
)
def test_the_strength_rule(password, weakness):
    found = password_weakness(password)
    assert found == weakness or (found and weakness and found.startswith(weakness)), found


@pytest.mark.decision("D-059")
def test_passwords_the_project_hands_out_pass_the_rule():
    readme_configs = [
        tomllib.loads(block)
        for block in re.findall(r"```toml\n(.*?)```", README.read_text(), re.DOTALL)
        if "[[webhooks]]" in block
    ]
    assert readme_configs, "the README shows no example config"
    for document in readme_configs:  # the README's example config is accepted as it stands
        assert parse_config(document, Path(".")).webhooks
    passwords = [DEMO_WEBHOOK["password"], *(hook.password for hook in HOOKS.values()), new_password()]
    assert all(password_weakness(password) is None for password in passwords)
    assert password_bits(DEMO_WEBHOOK["password"]) == MIN_PASSWORD_BITS  # 32 hex characters: just enough


@pytest.mark.decision("D-059")
@pytest.mark.parametrize(
    ("webhook", "message"),
    [
        (
            {"uuid": "x", "password": STRONG.password},
            r"error: webhooks\[1\]: uuid 'x' is not a UUID \(8-4-4-4-12 hex digits\): use e\.g\. "
            r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
        ),
        (
            {"uuid": "8c9d9620-c50d-416e-926e-0ec01ee83522", "password": "a"},
            r"error: webhooks\[1\] \(8c9d9620-c50d-416e-926e-0ec01ee83522\): password has about 4 bits of "
            r"entropy, fewer than 128; use 32 random hex characters, e\.g\. (?P<suggested>[0-9a-f]{32})",
        ),
        (
            {"uuid": "8c9d9620-c50d-416e-926e-0ec01ee83522", "password": "0" * 31 + "1"},
            r"error: webhooks\[1\] \(8c9d9620-c50d-416e-926e-0ec01ee83522\): password has a run of 31 "
            r"repeated or consecutive characters; use 32 random hex characters, e\.g\. [0-9a-f]{32}",
        ),
    ],
)
def test_a_weak_config_refuses_to_start_and_says_what_to_fix(tmp_path, webhook, message):
    config = tmp_path / "gateway.toml"
    entries = [{"uuid": STRONG.uuid, "password": STRONG.password}, webhook]
    config.write_text(
        "".join(f'[[webhooks]]\nuuid = "{w["uuid"]}"\npassword = "{w["password"]}"\n' for w in entries)
    )
    result = _serve(config)
    assert result.returncode == 2
    assert "Listening at" not in result.stdout
    match = re.fullmatch(message, result.stderr.strip())
    assert match, result.stderr
    if "suggested" in match.groupdict():
        assert password_weakness(match["suggested"]) is None  # the suggestion itself passes the rule
    assert not (tmp_path / "data").exists()  # refused before anything was written


@pytest.mark.decision("D-059")
def test_the_hash_key_is_a_0600_file_outside_the_database(tmp_path):
    config = _write(tmp_path, STRONG)
    with running_gateway(["--config", str(config)]) as gateway:
        assert _post(gateway.base_url, STRONG.uuid, STRONG.password).status_code == 200
        key_file = tmp_path / "data" / "hash-key"
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        secret = bytes.fromhex(key_file.read_text())
        assert len(secret) == 32
        database = _database_bytes(tmp_path / "data")
    assert secret not in database and secret.hex().encode() not in database
    connection = sqlite3.connect(tmp_path / "data" / "gateway.sqlite3")
    salt, stored = connection.execute(
        "SELECT password_salt, password_hash FROM webhooks WHERE uuid = ?", (STRONG.uuid,)
    ).fetchone()
    connection.close()
    # What the database holds is no test of a guess: the salt alone (the old scheme) does not make the
    # hash; the key from the file, outside the database, does.
    assert hmac.new(salt, STRONG.password.encode(), hashlib.sha256).digest() != stored
    assert HashKey(secret).hash(salt, STRONG.password) == stored


@pytest.mark.decision("D-059")
def test_a_hash_key_others_can_read_refuses_to_start(tmp_path):
    config = _write(tmp_path, STRONG)
    with running_gateway(["--config", str(config)]):
        pass  # made the key file
    key_file = tmp_path / "data" / "hash-key"
    key_file.chmod(0o644)
    result = _serve(config)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: {key_file}: permissions 0644 let others read or change the hash key:"
        f" run chmod 600 {key_file}"
    )
    key_file.chmod(0o600)
    with running_gateway(["--config", str(config)]) as gateway:
        assert _post(gateway.base_url, STRONG.uuid, STRONG.password).status_code == 200


@pytest.mark.decision("D-059")
def test_a_database_copied_without_its_hash_key_does_not_authenticate(tmp_path):
    original = _write(tmp_path / "original", STRONG)
    created = _cli(original, "webhooks", "create")
    assert created.returncode == 0, created.stderr
    uuid, password = created.stdout.strip().rsplit("/", 2)[-2:]
    with running_gateway(["--config", str(original)]) as gateway:
        assert _post(gateway.base_url, uuid, password).status_code == 200
    # A thief copies the database, but not the hash-key file beside it.
    copy = _write(tmp_path / "copy", STRONG)
    (tmp_path / "copy" / "data").mkdir()
    for path in (tmp_path / "original" / "data").glob("gateway.sqlite3*"):
        shutil.copy(path, tmp_path / "copy" / "data" / path.name)
    result = _serve(copy)
    assert result.returncode == 2
    assert "Listening at" not in result.stdout
    assert result.stderr.startswith(
        "error: 1 stored webhook(s) were hashed with another hash key than the one"
    )
    assert "give the gateway the hash key this database was used with" in result.stderr
    # With its key, the copy serves the webhook again.
    shutil.copy(tmp_path / "original" / "data" / "hash-key", tmp_path / "copy" / "data" / "hash-key")
    with running_gateway(["--config", str(copy)]) as gateway:
        assert _post(gateway.base_url, uuid, password).status_code == 200


@pytest.mark.decision("D-059")
def test_an_operator_key_in_the_environment_leaves_no_key_file(tmp_path, monkeypatch):
    config = _write(tmp_path, STRONG)
    monkeypatch.setenv(ENV_VAR, "ab" * 32)  # the gateway's environment is this test's
    with running_gateway(["--config", str(config)]) as gateway:
        assert _post(gateway.base_url, STRONG.uuid, STRONG.password).status_code == 200
    assert not (tmp_path / "data" / "hash-key").exists()
    monkeypatch.setenv(ENV_VAR, "not hex")
    result = _serve(config)
    assert (result.returncode, result.stderr.strip()) == (
        2,
        f"error: {ENV_VAR}: the hash key must be at least 32 hex digits",
    )


# The webhooks and signal_log tables as they were before D-059 and D-060 added columns to them.
_OLD_TABLES = """
CREATE TABLE webhooks (
    uuid TEXT PRIMARY KEY,
    password_salt BLOB NOT NULL,
    password_hash BLOB NOT NULL,
    asset_class TEXT NOT NULL,
    allowed_tickers TEXT,
    limit_to TEXT,
    ip_addresses TEXT NOT NULL DEFAULT '[]',
    rate_limits TEXT,
    origin TEXT NOT NULL CHECK (origin IN ('config', 'cli', 'control')),
    created_at TEXT NOT NULL
);
CREATE TABLE signal_log (
    log_id TEXT PRIMARY KEY,
    webhook_uuid TEXT NOT NULL,
    received_at TEXT NOT NULL,
    source_address TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
    status INTEGER NOT NULL,
    message_code TEXT,
    signal_id TEXT,
    body BLOB,
    signal TEXT
);
"""


@pytest.mark.decision("D-059")
def test_a_database_hashed_the_old_way_is_migrated(tmp_path):
    config = _write(tmp_path, STRONG)
    (tmp_path / "data").mkdir()
    legacy = numbered_webhook(2, "legacy")
    salt = os.urandom(16)
    connection = sqlite3.connect(tmp_path / "data" / "gateway.sqlite3")
    connection.executescript(_OLD_TABLES)
    with connection:
        connection.execute(
            "INSERT INTO webhooks (uuid, password_salt, password_hash, asset_class, origin, created_at)"
            " VALUES (?, ?, ?, 'stocks', 'cli', '2024-01-01T00:00:00+00:00')",
            (legacy.uuid, salt, hmac.new(salt, legacy.password.encode(), hashlib.sha256).digest()),
        )
    connection.close()
    with running_gateway(["--config", str(config)]) as gateway:
        assert "1 webhook(s) have password hashes made before the hash key" in "".join(gateway.output)
        assert _post(gateway.base_url, legacy.uuid, "f" * 32).status_code == 400
        assert _post(gateway.base_url, legacy.uuid, legacy.password).status_code == 200  # re-hashed now
        assert _post(gateway.base_url, legacy.uuid, legacy.password).status_code == 200
    key = HashKey(bytes.fromhex((tmp_path / "data" / "hash-key").read_text()))
    connection = sqlite3.connect(tmp_path / "data" / "gateway.sqlite3")
    salt, stored, key_id = connection.execute(
        "SELECT password_salt, password_hash, hash_key_id FROM webhooks WHERE uuid = ?", (legacy.uuid,)
    ).fetchone()
    matched = [row[0] for row in connection.execute("SELECT matched_password FROM signal_log ORDER BY rowid")]
    connection.close()
    assert (key_id, stored) == (key.id, key.hash(salt, legacy.password))
    assert matched == [None, "current", "current"]
