"""Webhook passwords: the strength rule (D-059), new passwords, and their hash keyed by the hash key."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import string
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise

MIN_PASSWORD_BITS = 128
# A pattern this long makes a password weak: this many characters appearing twice, or a run of this
# many each repeating, or counting on by one from, the one before. A random password has none.
PATTERN_LENGTH = 8
_CLASSES = (  # the alphabets a password's characters are counted in, with their sizes
    (frozenset(string.ascii_lowercase), 26),
    (frozenset(string.ascii_uppercase), 26),
    (frozenset(string.digits), 10),
)
_OTHER = 33  # any other character counts as one of the 33 printable ASCII non-alphanumerics, space included
_HEX = frozenset(string.hexdigits)


def alphabet_size(password: str) -> int:
    """The size of the alphabet the password's characters come from: 10 for digits only, 16 for hex
    digits only, else the sum of the classes used (lower case 26, upper case 26, digits 10, other 33)."""
    characters = set(password)
    if characters <= set(string.digits):
        return 10
    if characters <= _HEX:
        return 16
    size = sum(count for alphabet, count in _CLASSES if characters & alphabet)
    other = characters - set(string.ascii_letters) - set(string.digits)
    return size + (_OTHER if other else 0)


def password_bits(password: str) -> int:
    """The password's entropy as if each character were drawn at random: length * log2(alphabet)."""
    return int(len(password) * math.log2(alphabet_size(password))) if password else 0


def _repeats_a_stretch(password: str) -> bool:
    """Whether some PATTERN_LENGTH characters in a row appear twice in the password (deadbeefdeadbeef)."""
    stretches = [
        password[start : start + PATTERN_LENGTH] for start in range(len(password) - PATTERN_LENGTH + 1)
    ]
    return len(set(stretches)) < len(stretches)


def _longest_run(password: str) -> int:
    """The longest stretch of characters that repeat, or count up or down by one (aaaa, 1234, dcba)."""
    longest = run = min(len(password), 1)
    step = None
    for before, after in pairwise(password):
        difference = ord(after) - ord(before)
        if difference not in (-1, 0, 1):
            run, step = 1, None
        elif difference == step:
            run += 1
        else:
            run, step = 2, difference
        longest = max(longest, run)
    return longest


def password_weakness(password: str) -> str | None:
    """What makes the password too weak to guard a webhook (D-059), or None when it is strong enough."""
    if (run := _longest_run(password)) >= PATTERN_LENGTH:
        return f"has a run of {run} repeated or consecutive characters"
    if _repeats_a_stretch(password):
        return f"repeats a stretch of {PATTERN_LENGTH} characters"
    if (bits := password_bits(password)) < MIN_PASSWORD_BITS:
        return f"has about {bits} bits of entropy, fewer than {MIN_PASSWORD_BITS}"
    return None


def new_password() -> str:
    """A password like the vendor's: 32 random hex characters (128 bits), never one the rule refuses."""
    while True:
        password = secrets.token_hex(16)
        if password_weakness(password) is None:
            return password


def new_salt() -> bytes:
    """A fresh salt for one stored password."""
    return secrets.token_bytes(16)


def salt_hash(salt: bytes, password: str) -> bytes:
    """The hash of a password stored before D-059: keyed by its salt alone, which sits beside it."""
    return hmac.new(salt, password.encode("utf-8"), hashlib.sha256).digest()


@dataclass(frozen=True)
class HashKey:
    """The secret, kept outside the database, that keys every stored password's hash (D-059)."""

    secret: bytes = field(repr=False)

    @cached_property
    def id(self) -> str:
        """A name for the key, stored beside each hash: tells which key made it, reveals nothing of it."""
        return hmac.new(self.secret, b"webhook gateway hash key id", hashlib.sha256).hexdigest()[:16]

    def hash(self, salt: bytes, password: str) -> bytes:
        """The password's hash: HMAC-SHA256 under the key of the salt and the password."""
        return hmac.new(self.secret, salt + password.encode("utf-8"), hashlib.sha256).digest()
