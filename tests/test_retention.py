"""The signal log's retention (D-056): pruning by age and by count, off the request path, and at once."""

import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from reference_server import create_app
from reference_server.__main__ import main
from reference_server.config import ConfigError, GatewayConfig, parse_config
from reference_server.db import open_database
from reference_server.webhook.ids import uuid7, uuid7_floor
from reference_server.webhook.retention import Retention, prune
from reference_server.webhook.signal_log import LogEntry, log_entry, new_entry, write_entries

DAY = 86_400_000


def _entries(count: int, days_ago: float = 0) -> list[LogEntry]:
    at = time.time_ns() // 1_000_000 - round(days_ago * DAY)
    entry = new_entry("0" * 36, "127.0.0.1", datetime.now(UTC))
    return [
        replace(entry, log_id=uuid7_floor(at)[:14] + uuid7()[14:], status=400, message_code="malformed-json")
        for _ in range(count)
    ]


def _log_ids(db) -> list[str]:
    return [row[0] for row in db.execute("SELECT log_id FROM signal_log ORDER BY rowid")]


@pytest.mark.decision("D-056")
def test_the_default_keeps_90_days_and_a_million_records():
    assert Retention.of(GatewayConfig()) == Retention(days=90, max_rows=1_000_000)


@pytest.mark.decision("D-056")
def test_records_older_than_the_retention_are_pruned_and_newer_ones_kept(tmp_path):
    db = open_database(GatewayConfig(data_dir=tmp_path))
    old, recent = _entries(1200, days_ago=91), _entries(3, days_ago=89)
    write_entries(db, old + recent)
    assert prune(db, Retention(days=90, max_rows=0), pause=0) == 1200  # in batches of 100
    assert _log_ids(db) == [entry.log_id for entry in recent]


@pytest.mark.decision("D-056")
def test_beyond_the_count_the_oldest_records_are_pruned(tmp_path):
    db = open_database(GatewayConfig(data_dir=tmp_path))
    entries = _entries(1234)
    write_entries(db, entries)
    assert prune(db, Retention(days=0, max_rows=100), pause=0) == 1134
    assert _log_ids(db) == [entry.log_id for entry in entries[-100:]]
    assert prune(db, Retention(days=0, max_rows=100), pause=0) == 0


@pytest.mark.decision("D-056")
def test_a_retention_of_zero_keeps_everything(tmp_path):
    db = open_database(GatewayConfig(data_dir=tmp_path))
    write_entries(db, _entries(5, days_ago=10_000))
    assert prune(db, Retention(days=0, max_rows=0), pause=0) == 0
    assert len(_log_ids(db)) == 5


@pytest.mark.decision("D-056")
def test_the_failed_authentication_counts_are_pruned_by_the_same_age(tmp_path):
    db = open_database(GatewayConfig(data_dir=tmp_path))
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "failed_auth_counts" not in tables:
        pytest.skip("this gateway keeps no failed-authentication counts")
    db.executemany(
        "INSERT INTO failed_auth_counts (webhook_uuid, source, minute, count) VALUES ('w', '::1', ?, 7)",
        [("2020-01-01T00:00",), (datetime.now(UTC).isoformat()[:16],)],
    )
    prune(db, Retention(days=90, max_rows=0), pause=0)
    assert [row[0] for row in db.execute("SELECT minute FROM failed_auth_counts")] == [
        datetime.now(UTC).isoformat()[:16]
    ]


@pytest.mark.decision("D-056")
def test_a_log_write_starts_the_pruning_on_a_thread_of_its_own_and_does_not_wait_for_it(tmp_path):
    app = create_app(GatewayConfig(data_dir=tmp_path, log_retention_days=0, log_max_rows=10))
    db = open_database(app.config["GATEWAY"])
    write_entries(db, _entries(3_000))  # 30 batches with a pause after each: over a second
    pruner = app.extensions["signal_log_pruner"]
    with app.app_context():
        log_entry(_entries(1)[0])
        assert pruner.thread is not None and pruner.thread.name == "signal-log-pruner"
        assert pruner.thread.is_alive()  # the write returned while the pruning goes on
        assert db.execute("SELECT count(*) FROM signal_log").fetchone()[0] > 10
        started = pruner.thread
        log_entry(_entries(1)[0])
        assert pruner.thread is started  # at most one pruning at a time, and once per interval
    started.join(30)
    assert db.execute("SELECT count(*) FROM signal_log").fetchone()[0] <= 11  # the second write may follow


@pytest.mark.decision("D-056")
def test_prune_log_prunes_at_once_from_the_command_line(tmp_path, capsys):
    config = tmp_path / "gateway.toml"
    config.write_text('[gateway]\ndata_dir = "data"\nlog_retention_days = 30\nlog_max_rows = 3\n')
    db = open_database(GatewayConfig(data_dir=tmp_path / "data"))
    entries = _entries(2, days_ago=31) + _entries(5)
    write_entries(db, entries)
    assert main(["prune-log", "--config", str(config)]) == 0
    assert capsys.readouterr().out == "pruned 4 signal log records (retention: 30 days, 3 records)\n"
    assert _log_ids(db) == [entry.log_id for entry in entries[-3:]]


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("replay_window", -1),
        ("replay_window", "10s"),
        ("replay_window", float("nan")),
        ("replay_window", True),
        ("log_retention_days", float("inf")),
        ("log_max_rows", 10.5),
        ("log_max_rows", -1),
    ],
)
def test_a_replay_window_or_retention_that_is_no_number_of_0_or_more_is_refused(tmp_path, setting, value):
    with pytest.raises(ConfigError, match=f"gateway.{setting}: must be a"):
        parse_config({"gateway": {setting: value}}, tmp_path)


def test_the_settings_are_read_from_the_config(tmp_path):
    config = parse_config(
        {"gateway": {"replay_window": 2.5, "log_retention_days": 7, "log_max_rows": 50}}, tmp_path
    )
    assert (config.replay_window, config.log_retention_days, config.log_max_rows) == (2.5, 7.0, 50)
