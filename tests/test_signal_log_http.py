"""The signal log served for real: a record that cannot be written fails alone, and replays (D-055)."""

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from bench.cases import write_gateway_config
from bench.durability import kill_mid_run, retry_unanswered
from reference_server import create_app
from reference_server.config import GatewayConfig
from reference_server.db import open_database
from tests.conftest import UNLIMITED
from tests.gateways import HOOKS, gateway_process
from tests.redis_server import redis_for_test
from webhook_spec.catalogue import error_codes

# Requests run on 4 threads per process, so that their records share group commits.
THREADS = ("--threads", "4")


def _url(gateway, hook: str) -> str:
    return gateway.base_url + HOOKS[hook].path


def _log(directory: Path) -> dict[str, sqlite3.Row]:
    """Every record of the gateway served from `directory`, by logId."""
    connection = sqlite3.connect(directory / "data" / "gateway.sqlite3")
    connection.row_factory = sqlite3.Row
    try:
        return {row["log_id"]: row for row in connection.execute("SELECT * FROM signal_log")}
    finally:
        connection.close()


def _nested(depth: int) -> bytes:
    """A valid signal whose extras hold arrays nested `depth` deep."""
    return b'{"ticker": "AMD", "action": "buy", "extras": {"deep": %s%s}}' % (b"[" * depth, b"]" * depth)


def _send_concurrently(running, valid_hook: str, other_hook: str, other_bodies: list[bytes]) -> tuple:
    """4 threads send 120 distinct valid signals each to `valid_hook` while 2 threads send
    `other_bodies` round and round to `other_hook`; both lists of (body, response)."""
    valid: list[tuple[bytes, requests.Response]] = []
    others: list[tuple[bytes, requests.Response]] = []
    stop = threading.Event()

    def send_valid(sender: int) -> None:
        with requests.Session() as session:
            for n in range(120):
                body = b'{"ticker": "AMD", "action": "buy", "extras": {"n": "%d-%d"}}' % (sender, n)
                valid.append((body, session.post(_url(running, valid_hook), data=body, timeout=10)))

    def send_others() -> None:
        with requests.Session() as session:
            while not stop.is_set():
                for body in other_bodies:
                    others.append((body, session.post(_url(running, other_hook), data=body, timeout=10)))

    senders = [threading.Thread(target=send_valid, args=(n,)) for n in range(4)]
    spoilers = [threading.Thread(target=send_others) for _ in range(2)]
    for thread in (*senders, *spoilers):
        thread.start()
    for thread in senders:
        thread.join(120)
    stop.set()
    for thread in spoilers:
        thread.join(60)
    return valid, others


def _assert_accepted_and_logged(valid: list, log: dict) -> None:
    assert len(valid) == 480
    for body, response in valid:
        assert response.status_code == 200, response.text
        answer = response.json()
        row = log[answer["logId"]]
        assert (row["outcome"], row["signal_id"], row["body"]) == ("accepted", answer["id"], body)


def _assert_refused_and_logged(body: bytes, response: requests.Response, log: dict) -> str:
    """The answer is a catalogued error with a logId, logged with its code and the body as bytes."""
    answer = response.json()
    code = answer["messageCode"]
    row = log[answer["logId"]]
    assert response.status_code == row["status"] == error_codes()[code].status
    assert (row["outcome"], row["message_code"], row["body"], row["signal"]) == ("rejected", code, body, None)
    return code


@pytest.mark.decision("D-057")
def test_a_record_the_database_refuses_fails_alone_and_the_others_of_its_batch_commit(tmp_path):
    """Every accepted record of one webhook is refused by an SQLite trigger, so every batch that holds
    one fails; the valid signals to another webhook sharing those batches are all 200 and logged."""
    refused = HOOKS["limited-a"].uuid
    database = open_database(GatewayConfig(data_dir=tmp_path / "data"))
    database.execute(
        "CREATE TRIGGER refuse_accepted BEFORE INSERT ON signal_log"
        f" WHEN NEW.webhook_uuid = '{refused}' AND NEW.outcome = 'accepted'"
        " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
    )
    database.close()
    signal = b'{"ticker": "AMD", "action": "sell"}'
    with gateway_process(tmp_path, THREADS, rate_limits=UNLIMITED) as running:
        valid, others = _send_concurrently(running, "stocks", "limited-a", [signal])
    log = _log(tmp_path)
    _assert_accepted_and_logged(valid, log)
    assert others
    for body, response in others:
        assert _assert_refused_and_logged(body, response, log) == "internal-error"


@pytest.mark.decision("D-057")
def test_deeply_nested_signals_to_one_webhook_never_cost_another_webhook_a_signal(tmp_path):
    """Issue 10's repro: nesting at the depths where json.dumps in the log ran out of stack. Each is
    now refused by the parser's bound, or, were it accepted but unwritable, refused alone."""
    deep = [_nested(depth) for depth in (*range(60, 70), *range(940, 1000))]
    with gateway_process(tmp_path, THREADS, rate_limits=UNLIMITED) as running:
        valid, others = _send_concurrently(running, "stocks", "limited-a", deep)
    log = _log(tmp_path)
    _assert_accepted_and_logged(valid, log)
    codes = []
    for body, response in others:
        if response.status_code == 200:
            assert log[response.json()["logId"]]["outcome"] == "accepted"
        else:
            codes.append(_assert_refused_and_logged(body, response, log))
    assert set(codes) <= {"malformed-json", "internal-error"}, set(codes)


@pytest.fixture(scope="module")
def replaying(tmp_path_factory):
    """A gateway with a replay window long enough for slow machines, and its directory."""
    directory = tmp_path_factory.mktemp("replays")
    with gateway_process(directory, rate_limits=UNLIMITED, replay_window=60) as running:
        yield running, directory


@pytest.mark.decision("D-055")
def test_the_same_body_again_is_answered_with_the_first_signals_id_and_payload_and_logged_as_its_replay(
    replaying,
):
    running, directory = replaying
    body = b'{"ticker": "amd", "action": "buy", "price": "10", "extras": {"case": "replayed"}}'
    first = requests.post(_url(running, "stocks"), data=body, timeout=10).json()
    again = requests.post(_url(running, "stocks"), data=body, timeout=10).json()
    assert (again["id"], again["payload"]) == (first["id"], first["payload"])
    assert again["logId"] != first["logId"]
    log = _log(directory)
    assert log[first["logId"]]["replay_of"] is None
    replay = log[again["logId"]]
    assert (replay["replay_of"], replay["signal_id"], replay["outcome"]) == (
        first["logId"],
        first["id"],
        "accepted",
    )


@pytest.mark.decision("D-055")
def test_another_body_or_another_webhook_is_a_new_signal(replaying):
    running, _ = replaying
    body = b'{"ticker": "AMD", "action": "buy", "extras": {"case": "new"}}'
    first = requests.post(_url(running, "stocks"), data=body, timeout=10).json()
    other_body = requests.post(_url(running, "stocks"), data=body + b"\n", timeout=10).json()
    other_webhook = requests.post(_url(running, "limited-a"), data=body, timeout=10).json()
    assert len({first["id"], other_body["id"], other_webhook["id"]}) == 3


@pytest.mark.decision("D-055")
def test_a_replay_is_found_after_a_restart(tmp_path):
    body = b'{"ticker": "AMD", "action": "sell", "extras": {"case": "restart"}}'
    with gateway_process(tmp_path, replay_window=60) as running:
        first = requests.post(_url(running, "stocks"), data=body, timeout=10).json()
    with gateway_process(tmp_path, replay_window=60) as running:
        again = requests.post(_url(running, "stocks"), data=body, timeout=10).json()
    assert again["id"] == first["id"] and _log(tmp_path)[again["logId"]]["replay_of"] == first["logId"]


@pytest.mark.decision("D-055")
def test_identical_requests_at_once_to_two_workers_make_one_signal(tmp_path):
    with (
        redis_for_test(tmp_path / "redis") as redis,
        gateway_process(
            tmp_path, ("--workers", "2", "--redis-url", redis.url(3)), rate_limits=UNLIMITED
        ) as running,
        ThreadPoolExecutor(16) as pool,
    ):
        rounds = []
        for n in range(5):
            body = b'{"ticker": "AMD", "action": "buy", "extras": {"round": %d}}' % n
            sessions = [requests.Session() for _ in range(16)]
            posts = [
                pool.submit(session.post, _url(running, "stocks"), data=body, timeout=10)
                for session in sessions
            ]
            rounds.append([post.result() for post in posts])
            for session in sessions:
                session.close()
    log = _log(tmp_path)
    for responses in rounds:
        answers = [response.json() for response in responses]
        assert {response.status_code for response in responses} == {200}
        assert len({answer["id"] for answer in answers}) == 1
        originals = [answer for answer in answers if log[answer["logId"]]["replay_of"] is None]
        assert len(originals) == 1


TOKEN = "replay-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _paper_trades(tmp_path, replay_window: float) -> tuple[list[dict], list[dict]]:
    """Send one signal twice to a webhook with a paper account: the answers and the account's trades."""
    client = create_app(
        GatewayConfig(data_dir=tmp_path, control_token=TOKEN, replay_window=replay_window)
    ).test_client()
    body = {"asset_class": "stocks", "subscriptions": [{"settings": {}, "account": {"equity": 100000}}]}
    created = client.post("/control/webhooks", json=body, headers=AUTH).json
    signal = b'{"ticker": "SQ", "action": "buy", "signalPrice": 70}'
    answers = [client.post(created["path"], data=signal).json for _ in range(2)]
    trades = [
        trade
        for log_id in {answer["logId"] for answer in answers}
        for trade in client.get(f"/control/trades?log_id={log_id}", headers=AUTH).json["trades"]
    ]
    return answers, trades


@pytest.mark.decision("D-055")
def test_a_replay_is_never_traded_again_on_the_paper_broker(tmp_path):
    answers, trades = _paper_trades(tmp_path, replay_window=10)
    assert answers[0]["id"] == answers[1]["id"]
    assert [trade["signal_id"] for trade in trades] == [answers[0]["id"]]


@pytest.mark.decision("D-055")
def test_with_the_window_off_the_same_body_trades_twice(tmp_path):
    answers, trades = _paper_trades(tmp_path / "off", replay_window=0)
    assert answers[0]["id"] != answers[1]["id"]
    assert sorted(trade["signal_id"] for trade in trades) == sorted(answer["id"] for answer in answers)


@pytest.mark.decision("D-055")
def test_after_a_sigkill_mid_load_retrying_every_unanswered_request_makes_no_duplicate(tmp_path):
    config = write_gateway_config(tmp_path)
    senders, killed_at = kill_mid_run(config, threads=4, seconds=1.5, first_sender=0)
    retries = retry_unanswered(config, senders.unanswered, killed_at)
    assert senders.acknowledged and senders.unanswered  # the kill cut requests off mid-way
    assert (retries.sent, retries.failed, retries.duplicates) == (len(senders.unanswered), 0, 0)
