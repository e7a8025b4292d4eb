"""The signal log's write path: time-ordered ids and group commit."""

import sqlite3
import threading
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from reference_server.config import GatewayConfig
from reference_server.db import open_database
from reference_server.group_commit import BatchWriteError, GroupCommit
from reference_server.ids import uuid7
from reference_server.signal_log import find_entry, new_entry, write_entries


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


def _entries(count: int) -> list:
    entry = new_entry("0" * 36, "127.0.0.1", datetime.now(UTC))
    return [replace(entry, log_id=uuid7(), status=400, message_code="malformed-json") for _ in range(count)]


def test_a_batch_of_entries_is_written_in_one_transaction(tmp_path):
    db = open_database(GatewayConfig(data_dir=tmp_path))
    entries = _entries(3)
    write_entries(db, entries)
    assert [find_entry(db, entry.log_id) for entry in entries] == entries


def test_a_failing_batch_writes_none_of_its_entries(tmp_path):
    db = open_database(GatewayConfig(data_dir=tmp_path))
    first, second = _entries(2)
    with pytest.raises(sqlite3.IntegrityError):
        write_entries(db, [first, replace(second, log_id=first.log_id)])
    assert find_entry(db, first.log_id) is None


def test_every_record_of_concurrent_writers_is_written_once_and_before_its_write_returns():
    commits = GroupCommit()
    written: list[int] = []
    batches: list[int] = []
    lock = threading.Lock()

    def write_batch(batch: list[int]) -> None:
        with lock:
            batches.append(len(batch))
            written.extend(batch)

    def writer(start: int) -> None:
        for record in range(start, start + 200):
            commits.write(record, write_batch)
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
    commits.write("only", batches.append)
    assert batches == [["only"]]


def test_every_writer_in_a_failed_batch_learns_of_it_and_later_batches_still_work():
    commits = GroupCommit()
    leader_writing, release_leader = threading.Event(), threading.Event()
    outcomes: dict[str, str] = {}

    def leaders_batch(batch: list[str]) -> None:
        leader_writing.set()
        release_leader.wait(5)

    def failing_batch(batch: list[str]) -> None:
        raise OSError("disk full")

    def write(record: str, write_batch) -> None:
        try:
            commits.write(record, write_batch)
            outcomes[record] = "written"
        except BatchWriteError as error:
            outcomes[record] = f"failed: {error.__cause__}"

    leader = threading.Thread(target=write, args=("leader", leaders_batch))
    leader.start()
    leader_writing.wait(5)
    # Both queue behind the leader; one of them then writes both in the next batch, which fails.
    followers = [threading.Thread(target=write, args=(name, failing_batch)) for name in ("one", "two")]
    for follower in followers:
        follower.start()
    while len(commits._queue) < 2:
        time.sleep(0.001)
    release_leader.set()
    for thread in (leader, *followers):
        thread.join(5)
    assert outcomes == {"leader": "written", "one": "failed: disk full", "two": "failed: disk full"}
    write("after", lambda batch: None)
    assert outcomes["after"] == "written"
