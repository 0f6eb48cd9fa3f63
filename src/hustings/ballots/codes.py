"""Voting codes and trackers: random, typable, and stored only as keyed digests.

A code is 16 characters of Crockford's base32 (80 bits), written in four groups of four. The
alphabet leaves out I, L, O and U, and reading a code back maps the look-alikes (I and L to 1, O to
0), so a code copied from paper by hand still works.
"""

from __future__ import annotations

import re
import secrets

from hustings.accounts import keyed

__all__ = [
    "ALPHABET",
    "CODE_LENGTH",
    "TRACKER_LENGTH",
    "code_digest",
    "code_digests",
    "format_code",
    "new_code",
    "new_tracker",
    "normalise_code",
]

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 16 x 5 bits = 80 bits
TRACKER_LENGTH = 10  # 50 bits: enough to be unguessable among a few hundred thousand ballots
_LOOK_ALIKES = str.maketrans({"I": "1", "L": "1", "O": "0"})
_SEPARATORS = re.compile(r"[\s\-–—_.]+")
_PURPOSE = "ballots.code"


def _random(length: int) -> str:
    # One draw of 5 x length random bits, read five at a time: uniform over the alphabet, and
    # about ten times faster than a secrets.choice per character when minting a whole roll.
    bits = secrets.randbits(5 * length)
    return "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(length))


def _grouped(raw: str, size: int) -> str:
    return "-".join(raw[i : i + size] for i in range(0, len(raw), size))


def new_code() -> str:
    """Return a fresh voting code in its written form, such as "7K2M-Q9XD-4HNP-R3WB"."""
    return _grouped(_random(CODE_LENGTH), 4)


def new_tracker() -> str:
    """Return a fresh receipt tracker in its written form, such as "K7M2Q-9XD4H"."""
    return _grouped(_random(TRACKER_LENGTH), 5)


def normalise_code(text: str) -> str | None:
    """Return the code's 16 bare characters, or None if the text cannot be a code."""
    bare = _SEPARATORS.sub("", text).upper().translate(_LOOK_ALIKES)
    if len(bare) != CODE_LENGTH or any(char not in ALPHABET for char in bare):
        return None
    return bare


def format_code(text: str) -> str:
    """Return a code (bare or written) in its written form."""
    bare = normalise_code(text)
    if bare is None:
        raise ValueError("not a voting code")
    return _grouped(bare, 4)


def code_digest(code: str) -> str:
    """Return the keyed digest under which a code is stored (the current SECRET_KEY)."""
    bare = normalise_code(code)
    if bare is None:
        raise ValueError("not a voting code")
    return keyed.digest(_PURPOSE, bare)


def code_digests(code: str) -> list[str]:
    """Return the code's digest under every accepted key; empty if the text is not a code."""
    bare = normalise_code(code)
    if bare is None:
        return []
    return keyed.digests(_PURPOSE, bare)
