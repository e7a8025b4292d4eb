"""The embedded gateway's start leaves the kit's process free: the caller's work runs while it starts."""

import os

import pytest
import requests

from conformance.embedded_gateway import ROLE_WEBHOOKS, config_toml, running_gateway


def _config(tmp_path) -> list[str]:
    config = tmp_path / "gateway.toml"
    config.write_text(config_toml(ROLE_WEBHOOKS, tmp_path / "data", {}))
    return ["--config", str(config)]


def _serving_processes(directory) -> list[str]:
    """The live processes whose command line names `directory` (the gateway's config is in it)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline, open(f"/proc/{pid}/stat") as stat:
                named = str(directory).encode() in cmdline.read()
                if named and stat.read().rsplit(")", 1)[1].split()[0] != "Z":
                    found.append(pid)
        except OSError:
            continue
    return found


def test_the_work_runs_while_the_gateway_starts_and_the_gateway_serves_after_it(tmp_path):
    launched_before_the_work = []

    def work() -> None:
        launched_before_the_work.append(bool(_serving_processes(tmp_path)))

    with running_gateway(_config(tmp_path), cwd=tmp_path, while_starting=work) as gateway:
        assert launched_before_the_work == [True]
        answer = requests.post(gateway.base_url + ROLE_WEBHOOKS[0].path, data=b"{}", timeout=10)
        assert answer.status_code == 400


def test_failed_work_stops_the_starting_gateway(tmp_path):
    def fail() -> None:
        raise RuntimeError("the work failed")

    starting = running_gateway(_config(tmp_path), cwd=tmp_path, while_starting=fail)
    with pytest.raises(RuntimeError, match="the work failed"), starting:
        pass
    assert _serving_processes(tmp_path) == []  # the gateway's whole process group is gone
