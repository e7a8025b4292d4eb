"""Time-ordered record ids: UUID version 7 (RFC 9562), which Python's uuid module lacks before 3.14."""

from __future__ import annotations

import os
import time

_MILLISECONDS = (1 << 48) - 1
_RANDOM_A = (1 << 12) - 1
_RANDOM_B = (1 << 62) - 1


def uuid7() -> str:
    """A random UUID whose first 48 bits are the Unix time in milliseconds.

    New rows then land at the right edge of the signal log's primary-key index instead of at random
    pages of it, which keeps each commit's writes small however large the log grows.
    """
    milliseconds = time.time_ns() // 1_000_000 & _MILLISECONDS
    random_bits = int.from_bytes(os.urandom(10), "big")
    value = (
        milliseconds << 80
        | 0x7 << 76
        | (random_bits >> 62 & _RANDOM_A) << 64
        | 0b10 << 62
        | random_bits & _RANDOM_B
    )
    digits = f"{value:032x}"
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def uuid7_floor(unix_milliseconds: int) -> str:
    """A string that sorts before every uuid7 made at or after this Unix time, and after every earlier one."""
    milliseconds = unix_milliseconds & _MILLISECONDS
    return f"{milliseconds >> 16:08x}-{milliseconds & 0xFFFF:04x}-0000-0000-000000000000"
