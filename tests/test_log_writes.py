"""The signal log's write path: time-ordered ids, group commit, a record that fails alone, replays."""

import sqlite3
import threading
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from reference_server import create_app
from reference_server.config import GatewayConfig
from reference_server.db import connect, open_database
from reference_server.webhook.group_commit import BatchWriteError, GroupCommit
from reference_server.webhook.ids import uuid7, uuid7_floor
from reference_server.webhook.signal_log import (
    LogEntry,
    LogWriteError,
    find_entry,
    log_entry,
    new_entry,
    prepare,
    read_entries,
    write_entries,
    write_rows,
)

WEBHOOK = "8c9d9620-c50d-416e-926e-0ec01ee83522"
BODY = b'{"ticker": "AMD", "action": "buy"}'


def test_a_uuid7_is_an_rfc_9562_version_7_uuid():
    value = uuid.UUID(uuid7())
    assert value.version == 7
    assert value.variant == uuid.RFC_4122


def test_a_uuid7_starts_with_the_time_in_milliseconds():
    before = datetime.now(UTC).timestamp() * 1000
    milliseconds = uuid.UUID(uuid7()).int >> 80
    after = datetime.now(UTC).timestamp() * 1000
    assert int(before) <= milliseconds <= after


def test_uuid7s_from_different_milliseconds_sort_by_time():
    ids = [uuid7()]
    while len(ids) < 5:
        if (later := uuid7())[:13] != ids[-1][:13]:  # the first 13 characters hold the milliseconds
            ids.append(later)
    assert ids == sorted(ids)


def test_a_uuid7_floor_sorts_between_the_ids_of_earlier_and_later_milliseconds():
    now = time.time_ns() // 1_000_000
    made = uuid7()
    assert uuid7_floor(now - 1) < made < uuid7_floor(now + 2)


def _uuid7_at(unix_milliseconds: int) -> str:
    """A uuid7 as if made at that time."""
    return uuid7_floor(unix_milliseconds)[:14] + uuid7()[14:]


def _database(tmp_path) -> sqlite3.Connection:
    return open_database(GatewayConfig(data_dir=tmp_path))


def _entries(count: int) -> list[LogEntry]:
    entry = new_entry(WEBHOOK, "127.0.0.1", datetime.now(UTC))
    return [replace(entry, log_id=uuid7(), status=400, message_code="malformed-json") for _ in range(count)]


def _accepted(body: bytes = BODY, webhook: str = WEBHOOK) -> LogEntry:
    entry = new_entry(webhook, "127.0.0.1", datetime.now(UTC))
    return replace(entry, outcome="accepted", status=200, signal_id=uuid7(), body=body, signal={"n": 1})


def test_a_batch_of_entries_is_written_in_one_transaction(tmp_path):
    db = _database(tmp_path)
    entries = _entries(3)
    assert write_entries(db, entries) == entries
    assert [find_entry(db, entry.log_id) for entry in entries] == entries


def test_a_failing_batch_writes_none_of_its_entries(tmp_path):
    db = _database(tmp_path)
    first, second = _entries(2)
    with pytest.raises(sqlite3.IntegrityError):
        write_entries(db, [first, replace(second, log_id=first.log_id)])
    assert find_entry(db, first.log_id) is None
    assert not db.in_transaction


def test_every_record_of_concurrent_writers_is_written_once_and_before_its_write_returns():
    commits = GroupCommit()
    written: list[int] = []
    batches: list[int] = []
    lock = threading.Lock()

    def write_batch(batch: list[int]) -> list[int]:
        with lock:
            batches.append(len(batch))
            written.extend(batch)
        return [record * 2 for record in batch]

    def writer(start: int) -> None:
        for record in range(start, start + 200):
            assert commits.write(record, write_batch) == record * 2  # each writer gets its own result
            with lock:
                assert record in written  # committed before write() returned

    threads = [threading.Thread(target=writer, args=(n * 1000,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(written) == [n * 1000 + i for n in range(8) for i in range(200)]
    assert sum(batches) == 1600


def test_a_lone_writer_writes_its_own_record_at_once():
    commits = GroupCommit()
    batches: list[list[str]] = []

    def write_batch(batch: list[str]) -> list[None]:
        batches.append(batch)
        return [None]

    commits.write("only", write_batch)
    assert batches == [["only"]]


def _one_batch_behind_a_leader(commits: GroupCommit, records: list, write_batch) -> dict:
    """Write `records` from threads queued behind a blocked leader, so that they form one batch;
    each record's outcome ("written", or the error's type)."""
    leader_writing, release_leader = threading.Event(), threading.Event()
    outcomes: dict = {}

    def leaders_batch(batch: list) -> list:
        leader_writing.set()
        release_leader.wait(5)
        return [None] * len(batch)

    def write(record, batch_writer) -> None:
        try:
            commits.write(record, batch_writer)
            outcomes[record] = "written"
        except BatchWriteError as error:
            outcomes[record] = type(error.__cause__).__name__

    leader = threading.Thread(target=write, args=("leader", leaders_batch))
    leader.start()
    leader_writing.wait(5)
    followers = [threading.Thread(target=write, args=(record, write_batch)) for record in records]
    for follower in followers:
        follower.start()
    deadline = time.monotonic() + 5
    while len(commits._queue) < len(records) and time.monotonic() < deadline:
        time.sleep(0.001)
    assert len(commits._queue) == len(records), "the followers did not queue behind the leader"
    release_leader.set()
    for thread in (leader, *followers):
        thread.join(5)
    del outcomes["leader"]
    return outcomes


@pytest.mark.decision("D-057")
def test_a_record_that_fails_its_batch_fails_alone_and_the_others_of_the_batch_are_written():
    commits = GroupCommit()
    batches: list[list[str]] = []

    def write_batch(batch: list[str]) -> list[None]:
        batches.append(sorted(batch))
        if "bad" in batch:
            raise ValueError("cannot write 'bad'")
        return [None] * len(batch)

    outcomes = _one_batch_behind_a_leader(commits, ["one", "bad", "two"], write_batch)
    assert outcomes == {"one": "written", "bad": "ValueError", "two": "written"}
    assert batches[0] == ["bad", "one", "two"]  # tried together first, then each alone
    assert sorted(batches[1:]) == [["bad"], ["one"], ["two"]]


def test_every_writer_of_a_batch_that_cannot_be_written_learns_of_it_and_later_batches_work():
    commits = GroupCommit()

    def failing_batch(batch: list[str]) -> list[None]:
        raise OSError("disk full")

    outcomes = _one_batch_behind_a_leader(commits, ["one", "two"], failing_batch)
    assert outcomes == {"one": "OSError", "two": "OSError"}
    assert commits.write("after", lambda batch: [None]) is None


@pytest.mark.decision("D-057")
def test_a_batch_on_sqlite_commits_all_but_the_record_sqlite_refuses(tmp_path):
    db = _database(tmp_path)
    commits = GroupCommit()
    taken = _entries(1)[0]
    write_entries(db, [taken])
    good = _entries(5)
    clash = replace(_entries(1)[0], log_id=taken.log_id)  # its primary key is taken: IntegrityError
    rows = {f"record {index}": prepare(entry, 0) for index, entry in enumerate([*good, clash])}

    def write_batch(names: list[str]) -> list:
        return write_rows(db, [rows[name] for name in names])

    outcomes = _one_batch_behind_a_leader(commits, list(rows), write_batch)
    assert sorted(outcomes.values()) == ["IntegrityError"] + ["written"] * 5
    assert all(find_entry(db, entry.log_id) == entry for entry in good)
    assert find_entry(db, taken.log_id) == taken


def _nested(depth: int) -> dict:
    value: list = []
    for _ in range(depth):
        value = [value]
    return {"ticker": "AMD", "action": "buy", "extras": {"deep": value}}


@pytest.mark.decision("D-057")
def test_a_signal_json_cannot_serialize_is_refused_before_it_joins_a_batch():
    entry = replace(_accepted(), signal=_nested(100_000))
    with pytest.raises(LogWriteError) as refused:
        prepare(entry, 10)
    assert isinstance(refused.value.__cause__, RecursionError)


@pytest.mark.decision("D-057")
def test_concurrent_records_commit_while_one_that_cannot_be_serialized_fails_alone(tmp_path):
    app = create_app(GatewayConfig(data_dir=tmp_path, replay_window=0))
    good = [replace(_accepted(), body=b"%d" % n) for n in range(200)]
    bad = [replace(_accepted(), signal=_nested(100_000)) for _ in range(20)]
    failures: list[str] = []

    def write(entries: list[LogEntry]) -> None:
        with app.app_context():
            for entry in entries:
                try:
                    log_entry(entry)
                except LogWriteError:
                    failures.append(entry.log_id)

    threads = [threading.Thread(target=write, args=(good[n::4],)) for n in range(4)]
    threads.append(threading.Thread(target=write, args=(bad,)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    db = connect(str(app.config["GATEWAY"].database))
    assert sorted(failures) == sorted(entry.log_id for entry in bad)
    assert all(find_entry(db, entry.log_id) == entry for entry in good)
    assert all(find_entry(db, entry.log_id) is None for entry in bad)


@pytest.mark.decision("D-055")
def test_the_same_body_to_the_same_webhook_within_the_window_is_a_replay_of_the_first(tmp_path):
    db = _database(tmp_path)
    original, again = _accepted(), _accepted()
    (first,) = write_entries(db, [original], replay_window=10)
    (second,) = write_entries(db, [again], replay_window=10)
    assert first == original and first.replay_of is None
    assert (second.replay_of, second.signal_id) == (original.log_id, original.signal_id)
    assert second.signal == original.signal
    assert find_entry(db, again.log_id) == second  # logged too, as a replay
    (third,) = write_entries(db, [_accepted()], replay_window=10)
    assert third.replay_of == original.log_id  # a replay's replay names the original


@pytest.mark.decision("D-055")
@pytest.mark.parametrize(
    "other",
    [
        pytest.param(lambda: _accepted(body=BODY + b" "), id="another body"),
        pytest.param(lambda: _accepted(webhook="00000000-0000-4000-8000-000000000001"), id="another webhook"),
    ],
)
def test_another_body_or_webhook_is_a_new_signal(tmp_path, other):
    db = _database(tmp_path)
    write_entries(db, [_accepted()], replay_window=10)
    (written,) = write_entries(db, [other()], replay_window=10)
    assert written.replay_of is None


@pytest.mark.decision("D-055")
def test_the_same_body_after_the_window_or_with_the_window_off_is_a_new_signal(tmp_path):
    db = _database(tmp_path)
    eleven_seconds_ago = time.time_ns() // 1_000_000 - 11_000
    write_entries(db, [replace(_accepted(), log_id=_uuid7_at(eleven_seconds_ago))], replay_window=10)
    (after,) = write_entries(db, [_accepted()], replay_window=10)
    assert after.replay_of is None
    (off,) = write_entries(db, [_accepted()], replay_window=0)
    assert off.replay_of is None


@pytest.mark.decision("D-055")
def test_a_refused_request_is_never_an_original(tmp_path):
    db = _database(tmp_path)
    write_entries(db, [replace(_accepted(), outcome="rejected", status=400, message_code="x")], 10)
    (written,) = write_entries(db, [_accepted()], replay_window=10)
    assert written.replay_of is None


@pytest.mark.decision("D-055")
def test_of_identical_records_in_one_batch_the_first_is_the_original(tmp_path):
    db = _database(tmp_path)
    written = write_entries(db, [_accepted() for _ in range(4)], replay_window=10)
    assert written[0].replay_of is None
    assert {entry.replay_of for entry in written[1:]} == {written[0].log_id}


@pytest.mark.decision("D-055")
def test_of_identical_records_from_many_connections_at_once_exactly_one_is_the_original(tmp_path):
    _database(tmp_path).close()
    config = GatewayConfig(data_dir=tmp_path)
    start = threading.Barrier(8)
    written: list[LogEntry] = []

    def write() -> None:  # a connection of its own, as another worker process has
        db = connect(str(config.database))
        entries = [_accepted() for _ in range(10)]
        start.wait(5)
        for entry in entries:
            written.extend(write_entries(db, [entry], replay_window=10))
        db.close()

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    originals = [entry for entry in written if entry.replay_of is None]
    assert len(written) == 80 and len(originals) == 1
    assert {entry.signal_id for entry in written} == {originals[0].signal_id}


def test_the_replay_lookup_uses_the_index_of_originals(tmp_path):
    db = _database(tmp_path)
    plan = db.execute(
        "EXPLAIN QUERY PLAN SELECT log_id FROM signal_log"
        " WHERE webhook_uuid = ? AND body_digest = ? AND log_id >= ? ORDER BY log_id LIMIT 1",
        (WEBHOOK, b"x", "0"),
    ).fetchall()
    assert "signal_log_originals" in " ".join(row[-1] for row in plan)


def _earlier_database(tmp_path) -> None:
    """A database as the versions before the replay columns (D-055) and D-094 left it, with one record."""
    old = sqlite3.connect(tmp_path / "gateway.sqlite3")
    old.executescript(
        "CREATE TABLE signal_log (log_id TEXT PRIMARY KEY, webhook_uuid TEXT NOT NULL,"
        " received_at TEXT NOT NULL, source_address TEXT NOT NULL, outcome TEXT NOT NULL"
        " CHECK (outcome IN ('accepted', 'rejected')), status INTEGER NOT NULL, message_code TEXT,"
        " signal_id TEXT, body BLOB, signal TEXT);"
        "CREATE INDEX signal_log_by_webhook ON signal_log (webhook_uuid, received_at);"
        "INSERT INTO signal_log VALUES ('old', 'w', '2025-01-01T00:00:00+00:00', '127.0.0.1', 'accepted',"
        " 200, NULL, 's', x'7b7d', '{}');"
    )
    old.close()


def test_a_database_of_an_earlier_version_gets_the_replay_columns_and_keeps_its_records(tmp_path):
    _earlier_database(tmp_path)
    db = _database(tmp_path)
    columns = {row[1] for row in db.execute("PRAGMA table_info(signal_log)")}
    assert {"replay_of", "body_digest"} <= columns
    assert find_entry(db, "old").replay_of is None
    assert write_entries(db, [_accepted()], replay_window=10)[0].replay_of is None


@pytest.mark.decision("D-094")
def test_a_database_of_an_earlier_version_loses_the_by_webhook_index_and_keeps_its_records(tmp_path):
    _earlier_database(tmp_path)
    db = _database(tmp_path)
    indexes = {row[1] for row in db.execute("PRAGMA index_list(signal_log)")}
    assert "signal_log_by_webhook" not in indexes
    assert [entry.log_id for entry in read_entries(db, "w")] == ["old"]


@pytest.mark.decision("D-094")
def test_the_newest_records_of_one_webhook_come_first_among_many_of_others(tmp_path):
    db = _database(tmp_path)
    others = [replace(entry, webhook_uuid="other") for entry in _entries(50)]
    mine = _entries(3)
    write_entries(db, [*others[:25], mine[0], *others[25:], mine[1], mine[2]])
    assert [entry.log_id for entry in read_entries(db, WEBHOOK, limit=2)] == [mine[2].log_id, mine[1].log_id]
