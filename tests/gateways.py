"""Gateway processes for the HTTP tests: configs written as TOML, served by the real command."""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from conformance.embedded_gateway import RunningGateway, running_gateway


@dataclass(frozen=True)
class Hook:
    """A webhook of a test config: its settings in TOML terms."""

    name: str
    uuid: str
    password: str
    settings: dict

    def path(self, password: str | None = None) -> str:
        """The webhook URL's path, with its own password unless another is given."""
        return f"/trading/webhook/{self.uuid}/{self.password if password is None else password}"


def _hook(number: int, name: str, **settings) -> Hook:
    return Hook(name, f"00000000-0000-4000-8000-{number:012d}", f"{number:032x}", settings)


HOOKS = {
    hook.name: hook
    for hook in (
        _hook(1, "stocks", asset_class="stocks"),
        _hook(2, "options", asset_class="options"),
        _hook(3, "futures", asset_class="futures"),
        _hook(4, "crypto", asset_class="crypto"),
        _hook(5, "tradingview", asset_class="stocks", limit_to="tradingview"),
        _hook(6, "trendspider", asset_class="stocks", limit_to="trendspider"),
        _hook(7, "ip-list", asset_class="stocks", limit_to="ip", ip_addresses=["203.0.113.7", "10.0.0.0/8"]),
        _hook(8, "ip-loopback", asset_class="stocks", limit_to="ip", ip_addresses=["127.0.0.0/8"]),
        _hook(9, "ticker-list", asset_class="stocks", allowed_tickers=["AAPL", "amd"]),
        _hook(10, "futures-list", asset_class="futures", allowed_tickers=["MNQ"]),
        _hook(11, "limited-a", asset_class="stocks"),
        _hook(12, "limited-b", asset_class="stocks"),
    )
}


def config_toml(gateway: dict, data_dir: Path) -> str:
    """A config file: the [gateway] table given, and every test webhook."""
    lines = ["[gateway]", f"data_dir = {json.dumps(str(data_dir))}"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in gateway.items()]
    for hook in HOOKS.values():
        lines += ["", "[[webhooks]]", f'uuid = "{hook.uuid}"', f'password = "{hook.password}"']
        lines += [f"{key} = {json.dumps(value)}" for key, value in hook.settings.items()]
    return "\n".join(lines) + "\n"


@contextmanager
def gateway_process(directory: Path, args: tuple[str, ...] = (), **gateway) -> RunningGateway:
    """Serve the test config (with `gateway` settings) from `directory` while the block runs."""
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "gateway.toml"
    config.write_text(config_toml(gateway, directory / "data"))
    with running_gateway(["--config", str(config), *args]) as running:
        yield running
