"""Shared fixtures: real gateway processes on loopback ports."""

import pytest

from tests.gateways import gateway_process

# High enough that the functional tests never meet the limits; the rate-limit tests use their own gateway.
UNLIMITED = "100000/minute;1000000/hour"


@pytest.fixture(scope="session")
def gateway(tmp_path_factory):
    """A gateway that believes no proxy: X-Forwarded-For is ignored."""
    with gateway_process(tmp_path_factory.mktemp("gateway"), rate_limits=UNLIMITED) as running:
        yield running


@pytest.fixture(scope="session")
def proxied_gateway(tmp_path_factory):
    """A gateway behind a trusted proxy on loopback: X-Forwarded-For names the client."""
    directory = tmp_path_factory.mktemp("proxied")
    with gateway_process(directory, rate_limits=UNLIMITED, trusted_proxies=["127.0.0.1"]) as running:
        yield running
