"""Nothing accepted is lost: a gateway killed with SIGKILL mid-load keeps every signal it answered 200."""

import os
import signal
import sqlite3
import threading
import time

import pytest
import requests

from reference_server.config import GatewayConfig
from tests.gateways import HOOKS, gateway_process

SIGNAL = b'{"ticker": "AMD", "action": "buy"}'


def _send_until_killed(url: str, accepted: list[str], stop: threading.Event) -> None:
    session = requests.Session()
    while not stop.is_set():
        try:
            response = session.post(url, data=SIGNAL, timeout=5)
        except requests.RequestException:
            return  # the gateway is gone
        if response.status_code == 200:
            accepted.append(response.json()["logId"])


@pytest.mark.decision("D-048")
def test_the_default_keeps_what_a_process_kill_cannot_take():
    assert GatewayConfig().sqlite_synchronous == "NORMAL"


@pytest.mark.decision("D-048")
def test_every_signal_answered_200_survives_sigkill(tmp_path):
    accepted: list[str] = []
    stop = threading.Event()
    with gateway_process(tmp_path) as running:
        url = running.base_url + HOOKS["stocks"].path
        senders = [threading.Thread(target=_send_until_killed, args=(url, accepted, stop)) for _ in range(4)]
        for sender in senders:
            sender.start()
        deadline = time.monotonic() + 10
        while len(accepted) < 200 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.killpg(running.process.pid, signal.SIGKILL)  # the master and its workers, mid-load
        stop.set()
        for sender in senders:
            sender.join(10)
    connection = sqlite3.connect(tmp_path / "data" / "gateway.sqlite3")
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        logged = {
            row[0] for row in connection.execute("SELECT log_id FROM signal_log WHERE outcome = 'accepted'")
        }
    finally:
        connection.close()
    assert len(accepted) >= 200
    assert set(accepted) - logged == set()
