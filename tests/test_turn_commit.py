"""One COMMIT per event-loop turn (D-092): records on the loop's thread share it, answers wait for it;
WAL checkpoints on a thread of their own (D-093).

Real SQLite files and a real asyncio loop for the turn commit itself; a real gateway over real
sockets for the promise it keeps: no 200 before its signal is committed.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import sqlite3
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from reference_server.db import connect, immediate_transaction
from reference_server.webhook.checkpointer import BACKSTOP_PAGES, DELAY, Checkpointer
from reference_server.webhook.turn_commit import TurnCommit
from tests.gateways import HOOKS, gateway_process, loopback_address

pytestmark = pytest.mark.decision("D-092")


def _insert(connection: sqlite3.Connection, row: str) -> str:
    connection.execute("INSERT INTO records (name) VALUES (?)", (row,))
    return f"wrote {row}"


@pytest.fixture
def database_path(tmp_path) -> str:
    return str(tmp_path / "turns.db")


@pytest.fixture
def database(database_path):
    """A WAL database with a `records` table, and a reader of what is committed, on connections of its own."""
    path = database_path
    writer = connect(path)
    writer.execute("CREATE TABLE records (name TEXT PRIMARY KEY)")
    writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the table in the database file itself
    reader = connect(path)

    def committed() -> list[str]:
        return [name for (name,) in reader.execute("SELECT name FROM records ORDER BY rowid")]

    yield writer, committed
    writer.close()
    reader.close()


def _on_a_loop(turns: TurnCommit, body: Callable[[], Awaitable[None]]) -> None:
    """Run `body` on a fresh event loop to which `turns` is attached."""
    loop = asyncio.new_event_loop()

    async def run() -> None:
        turns.attach(asyncio.get_running_loop())
        await body()

    try:
        loop.run_until_complete(run())
    finally:
        loop.close()


def _in_one_turn(step: Callable[[TurnCommit, list[tuple[str, bool]]], object]) -> list[tuple[str, bool]]:
    """Run `step` in one callback of a fresh loop with an attached turn commit, then let the loop go on;
    the answers handed to after_commit (by `_answer`), in the order they were called."""
    turns: TurnCommit = TurnCommit(_insert)
    answered: list[tuple[str, bool]] = []

    async def body() -> None:
        step(turns, answered)
        for _ in range(3):
            await asyncio.sleep(0)

    _on_a_loop(turns, body)
    return answered


def _answer(turns: TurnCommit, answered: list[tuple[str, bool]], name: str) -> None:
    turns.after_commit(lambda ok: answered.append((name, ok)))


def test_the_first_record_of_a_turn_commits_at_once_and_the_others_at_the_turns_end(database):
    writer, committed = database
    seen: list[list[str]] = []

    def step(turns: TurnCommit, _answered: list) -> None:
        for name in ("a", "b", "c"):
            turns.write(writer, name)
            seen.append(committed())

    _in_one_turn(step)
    assert seen == [["a"], ["a"], ["a"]]
    assert committed() == ["a", "b", "c"]
    assert not writer.in_transaction


def test_an_answer_waits_for_the_commit_of_what_was_written_before_it_and_answers_keep_their_order(database):
    writer, committed = database
    answered_within_the_turn: list[tuple[str, bool]] = []

    def step(turns: TurnCommit, answered: list) -> None:
        turns.write(writer, "first")
        _answer(turns, answered, "first")  # committed already: answered at once
        turns.write(writer, "second")
        _answer(turns, answered, "second")
        _answer(turns, answered, "wrote nothing")  # waits behind the second, whose connection it may share
        answered_within_the_turn.extend(answered)

    answered = _in_one_turn(step)
    assert answered_within_the_turn == [("first", True)]
    assert answered == [("first", True), ("second", True), ("wrote nothing", True)]
    assert committed() == ["first", "second"]


def test_a_failed_commit_writes_its_records_again_alone_and_fails_the_answer_of_one_that_cannot_be(database):
    writer, committed = database
    # A deferred foreign key fails only at COMMIT: the record named "orphan" points at nothing.
    writer.execute("PRAGMA foreign_keys=ON")
    writer.execute("CREATE TABLE parents (id TEXT PRIMARY KEY)")
    writer.execute(
        "CREATE TABLE children (parent TEXT REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED)"
    )
    writer.execute(
        "CREATE TRIGGER orphan AFTER INSERT ON records WHEN NEW.name = 'orphan'"
        " BEGIN INSERT INTO children VALUES ('nobody'); END"
    )

    def step(turns: TurnCommit, answered: list) -> None:
        for name in ("first", "second", "orphan", "third"):
            turns.write(writer, name)
            _answer(turns, answered, name)

    answered = _in_one_turn(step)
    assert answered == [("first", True), ("second", True), ("orphan", False), ("third", True)]
    assert committed() == ["first", "second", "third"]
    assert not writer.in_transaction


def test_a_statement_that_rolls_back_the_turns_transaction_fails_alone(database):
    writer, committed = database
    writer.execute(
        "CREATE TRIGGER roll_back BEFORE INSERT ON records WHEN NEW.name = 'doomed'"
        " BEGIN SELECT RAISE(ROLLBACK, 'refused'); END"
    )
    refused: list[str] = []

    def step(turns: TurnCommit, answered: list) -> None:
        for name in ("first", "second", "doomed", "third"):
            try:
                turns.write(writer, name)
            except sqlite3.Error as error:
                refused.append(str(error))
            _answer(turns, answered, name)

    answered = _in_one_turn(step)
    assert refused == ["refused"]
    assert committed() == ["first", "second", "third"]
    assert [ok for _, ok in answered] == [True, True, True, True]  # "doomed" wrote nothing to wait for


def test_another_transaction_on_the_connection_commits_the_turns_first(database):
    writer, committed = database
    seen: list[list[str]] = []

    def step(turns: TurnCommit, _answered: list) -> None:
        turns.write(writer, "first")
        turns.write(writer, "second")
        with immediate_transaction(writer):
            seen.append(committed())
            writer.execute("INSERT INTO records (name) VALUES ('its own')")
        turns.write(writer, "third")

    _in_one_turn(step)
    assert seen == [["first", "second"]]
    assert committed() == ["first", "second", "its own", "third"]


def test_only_the_attached_loops_thread_is_engaged(database):
    engaged: list[tuple[bool, bool]] = []

    def step(turns: TurnCommit, _answered: list) -> None:
        with ThreadPoolExecutor(1) as pool:
            engaged.append((turns.engaged(), pool.submit(turns.engaged).result()))

    _in_one_turn(step)
    assert engaged == [(True, False)]
    assert not TurnCommit(_insert).engaged()  # attached nowhere


# Over HTTP: a real gateway, many clients at once, each checking the log the moment its 200 arrives.


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    """A gateway and its database file."""
    directory = tmp_path_factory.mktemp("turns")
    with gateway_process(directory, rate_limits="1000000/minute") as running:
        yield running, directory / "data" / "gateway.sqlite3"


_OUTCOME = "SELECT outcome FROM signal_log WHERE log_id = ?"


def test_every_200_is_committed_when_its_client_reads_it_with_many_clients_at_once(gateway):
    gateway, database = gateway
    url = gateway.base_url + HOOKS["stocks"].path
    failures: list[str] = []

    def client(number: int) -> int:
        reader = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        session = requests.Session()
        try:
            for index in range(40):
                body = json.dumps({"ticker": "AMD", "action": "buy", "extras": {"n": f"{number}-{index}"}})
                answer = session.post(url, data=body, timeout=10)
                log_id = answer.json()["logId"]
                found = reader.execute(_OUTCOME, (log_id,)).fetchall()
                if answer.status_code != 200 or found != [("accepted",)]:
                    failures.append(f"{answer.status_code} {log_id}: {found}")
            return 40
        finally:
            reader.close()
            session.close()

    with ThreadPoolExecutor(32) as pool:
        answered = sum(pool.map(client, range(32)))
    assert answered == 1280
    assert failures == []


def test_signals_pipelined_in_one_read_with_one_the_log_refuses_are_answered_in_order(gateway):
    """The second and later signals of one read share the turn's transaction; one whose record the
    database refuses rolls it back, and the others are written again and answered 200, in order."""
    gateway, database = gateway
    with sqlite3.connect(database) as admin:
        admin.execute(
            "CREATE TRIGGER IF NOT EXISTS refuse_doomed BEFORE INSERT ON signal_log"
            " WHEN NEW.outcome = 'accepted' AND CAST(NEW.body AS TEXT) LIKE '%doomed%'"
            " BEGIN SELECT RAISE(ROLLBACK, 'refused by the test'); END"
        )
    names = ["one", "two", "doomed", "four"]
    requests_in_one_write = b""
    for name in names:
        body = json.dumps({"ticker": "AMD", "action": "buy", "extras": {"name": name}}).encode()
        head = f"POST {HOOKS['stocks'].path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        requests_in_one_write += f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body
    try:
        with socket.create_connection(loopback_address(gateway.base_url)) as sock:
            sock.settimeout(10)
            sock.sendall(requests_in_one_write)
            answer = b""
            while len(re.findall(rb"HTTP/1\.1 ", answer)) < len(names) or not answer.endswith(b"}"):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                answer += chunk
    finally:
        with sqlite3.connect(database) as admin:
            admin.execute("DROP TRIGGER refuse_doomed")
    statuses = re.findall(rb"HTTP/1\.1 (\d{3}) ", answer)
    assert statuses == [b"200", b"200", b"500", b"200"]
    with sqlite3.connect(database) as reader:
        logged = {
            json.loads(signal)["extras"]["name"]: outcome
            for outcome, signal in reader.execute(
                "SELECT outcome, signal FROM signal_log WHERE signal IS NOT NULL"
            )
            if "name" in json.loads(signal).get("extras", {})
        }
    assert {name: logged.get(name) for name in names} == {
        "one": "accepted",
        "two": "accepted",
        "doomed": None,  # logged refused, in a form that can be written: without its signal
        "four": "accepted",
    }


# WAL checkpoints on a thread of their own (D-093).


def _in_the_database_file(path: str) -> int:
    """Records in the database file itself, ignoring its WAL: those a checkpoint has copied there."""
    reader = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return reader.execute("SELECT count(*) FROM records").fetchone()[0]
    finally:
        reader.close()


def _write_turns(path: str, turns: int, per_turn: int, after: float = 0.0) -> TurnCommit:
    """Write `turns` loop turns of `per_turn` records each through a turn commit with a checkpointer;
    then keep the loop `after` seconds more."""
    writer = connect(path)
    turn_commit: TurnCommit = TurnCommit(_insert, Checkpointer(path, "NORMAL"))

    async def body() -> None:
        for turn in range(turns):
            for index in range(per_turn):
                turn_commit.write(writer, f"{turn}-{index}")
            await asyncio.sleep(0)
        await asyncio.sleep(after)

    try:
        _on_a_loop(turn_commit, body)
    finally:
        writer.close()
    return turn_commit


@pytest.mark.decision("D-093")
def test_commits_on_the_loop_are_checkpointed_by_another_thread_shortly_after(database, database_path):
    path = database_path  # its records table made by `database`
    assert _in_the_database_file(path) == 0
    turn_commit = _write_turns(path, turns=1, per_turn=3, after=DELAY * 6)
    assert _in_the_database_file(path) == 3  # checkpointed while the loop slept, by the other thread
    assert turn_commit.checkpointer is not None and turn_commit.checkpointer.thread is not None
    assert turn_commit.checkpointer.thread.ident != threading.get_ident()


@pytest.mark.decision("D-093")
def test_the_loops_connection_checkpoints_only_as_a_backstop(database, database_path):
    path = database_path  # its records table made by `database`
    writer = connect(path)
    Checkpointer(path, "NORMAL").take_over(writer)
    assert writer.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == BACKSTOP_PAGES
    writer.close()


@pytest.mark.decision("D-093")
def test_the_wal_stays_within_its_bound_under_steady_writes(database, database_path):
    """Writes that never pause give the checkpointing thread no moment with no commit in flight; the
    loop's own backstop checkpoint then lets the WAL start over, so it never grows past its bound."""
    path = database_path  # its records table made by `database`
    _write_turns(path, turns=6000, per_turn=4)
    pages = os.path.getsize(path + "-wal") // 4096
    assert pages <= BACKSTOP_PAGES * 1.2, pages
    writer = connect(path)
    assert writer.execute("SELECT count(*) FROM records").fetchone()[0] == 24000
    writer.close()


def test_an_answer_that_fails_holds_up_none_of_the_others(database):
    writer, _ = database

    def broken(_ok: bool) -> None:
        raise ConnectionResetError("the client is gone")

    def step(turns: TurnCommit, answered: list) -> None:
        turns.write(writer, "first")
        turns.write(writer, "second")
        turns.after_commit(broken)
        turns.write(writer, "third")
        _answer(turns, answered, "third")

    assert _in_one_turn(step) == [("third", True)]
