"""Content codings of a request body (Content-Encoding): which the gateway decodes, and decoding them
within the body size limit, so that a small compressed body cannot inflate into a large one (D-084)."""

from __future__ import annotations

import zlib
from collections.abc import Callable

_GZIP_WBITS = 16 + zlib.MAX_WBITS  # the gzip format (RFC 1952), its CRC-32 checked
_ZLIB_WBITS = zlib.MAX_WBITS  # "deflate" is the zlib format (RFC 1950, RFC 9110 8.4.1.2), Adler-32 checked
_WBITS = {"gzip": _GZIP_WBITS, "x-gzip": _GZIP_WBITS, "deflate": _ZLIB_WBITS}
DECODED_CODINGS = ("gzip", "deflate")  # what a 415 offers in its Accept-Encoding (x-gzip is gzip's alias)

UNSUPPORTED = "unsupported-content-encoding"
TOO_LARGE = "payload-too-large"
MALFORMED = "malformed-content-encoding"


def content_codings(header: str) -> tuple[str, ...] | None:
    """The codings a Content-Encoding header lists, in the order they were applied, identity left out;
    None when one of them is not a coding the gateway decodes."""
    codings = tuple(token.strip().lower() for token in header.split(","))
    codings = tuple(coding for coding in codings if coding and coding != "identity")
    return codings if all(coding in _WBITS for coding in codings) else None


def decode_body(body: bytes, codings: tuple[str, ...], limit: int) -> bytes | str:
    """`body` with `codings` undone, last applied first; or the error code: payload-too-large when a
    decoded body would pass `limit` bytes (decoding stops there), malformed-content-encoding when the
    data is not what its coding says, is cut short or has bytes after its end."""
    for coding in reversed(codings):
        decoded = _inflate(body, _WBITS[coding], limit)
        if isinstance(decoded, str):
            return decoded
        body = decoded
    return body


def _inflate(data: bytes, wbits: int, limit: int) -> bytes | str:
    """One coding undone; a gzip body may hold several members, one after another (RFC 1952)."""
    output = b""
    while True:
        inflater = zlib.decompressobj(wbits)
        try:
            output += inflater.decompress(data, limit + 1 - len(output))  # never more than one byte past
        except zlib.error:
            return MALFORMED
        if len(output) > limit:
            return TOO_LARGE
        if not inflater.eof:  # all the input was used and the stream has not ended
            return MALFORMED
        data = inflater.unused_data
        if not data:
            return output
        if wbits != _GZIP_WBITS:
            return MALFORMED


def read_decoded(
    content_encoding: str | None, read_body: Callable[[], bytes | str], limit: int
) -> bytes | str:
    """The body `read_body` gives, with the codings `content_encoding` names undone; or the error code, in
    the order of D-084: unsupported-content-encoding before the body is read, payload-too-large past
    `limit` as sent (or as decoded), malformed-content-encoding, or the code `read_body` gave instead."""
    codings = () if content_encoding is None else content_codings(content_encoding)
    if codings is None:
        return UNSUPPORTED
    body = read_body()
    if isinstance(body, str):
        return body
    if len(body) > limit:
        return TOO_LARGE
    return decode_body(body, codings, limit) if codings else body
