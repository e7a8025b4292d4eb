"""Decoding a body's content codings within the body limit (D-084): pure functions, no server."""

import gzip
import tracemalloc
import zlib

import pytest

from webhook_spec.content_coding import content_codings, decode_body

LIMIT = 64 * 1024
SIGNAL = b'{"ticker": "AMD", "action": "buy"}'


@pytest.mark.decision("D-084")
@pytest.mark.parametrize(
    ("header", "codings"),
    [
        ("gzip", ("gzip",)),
        (" X-GZIP ", ("x-gzip",)),
        ("identity", ()),
        ("", ()),
        ("deflate, identity, gzip", ("deflate", "gzip")),
        ("gzip,,deflate", ("gzip", "deflate")),
        ("br", None),
        ("gzip, compress", None),
        ("gzip;q=1", None),
    ],
)
def test_content_codings_lists_what_the_gateway_decodes(header, codings):
    assert content_codings(header) == codings


@pytest.mark.decision("D-084")
def test_codings_are_undone_last_applied_first():
    assert decode_body(zlib.compress(gzip.compress(SIGNAL)), ("gzip", "deflate"), LIMIT) == SIGNAL


@pytest.mark.decision("D-084")
def test_a_decoded_body_may_fill_the_limit_and_not_one_byte_more():
    assert decode_body(gzip.compress(b" " * LIMIT), ("gzip",), LIMIT) == b" " * LIMIT
    assert decode_body(gzip.compress(b" " * (LIMIT + 1)), ("gzip",), LIMIT) == "payload-too-large"
    members = gzip.compress(b" " * LIMIT) + gzip.compress(b" ")  # the limit holds across gzip members
    assert decode_body(members, ("gzip",), LIMIT) == "payload-too-large"


@pytest.mark.decision("D-084")
@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_a_bomb_is_refused_without_inflating_it(coding):
    """10 MB of zeros, compressed to about 10 KB: decoding stops one byte past the limit, so it never
    holds more than a few times the limit in memory (inflating it whole would take 10 MB)."""
    zeros = b"\0" * 10_000_000
    bomb = gzip.compress(zeros) if coding == "gzip" else zlib.compress(zeros)
    del zeros
    assert len(bomb) < 20_000
    tracemalloc.start()
    try:
        assert decode_body(bomb, (coding,), LIMIT) == "payload-too-large"
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * LIMIT, peak
