"""Vectorised reading of plain BLT ballot lines, for files of a million ballots.

Real exports of cast ballots put one ballot per line (`weight pref ... 0`), and most lines of a large
file repeat earlier ones. Parsing 10 million tokens one by one in Python takes seconds; here NumPy
turns the bytes into a fixed-width matrix of candidate numbers in cache-sized chunks, and identical
rows are merged exactly (hash, then a full comparison of every row with its group's first row).

This path only ever *accepts* the simple, unambiguous layout. Whenever anything is unusual (a ballot
spanning lines, a comment, an equal ranking, a bad number, a duplicate...) it returns None and the
token-level parser in `blt.py` reads the file instead, and reports any error with its line.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["ballot_arrays"]

RankArray = npt.NDArray[np.int32]
IntArray = npt.NDArray[np.int64]

# About 256 KiB of text per chunk keeps every temporary array in the CPU's cache.
_CHUNK = 1 << 18
# Odd 64-bit multipliers (from splitmix64 and friends) for the row hash.
_MIX = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
        0xC4CEB9FE1A85EC53,
        0x94D049BB133111EB,
        0xBF58476D1CE4E5B9,
    ],
    dtype=np.uint64,
)
# Largest token accepted here (18 digits always fits in int64); weights summed as float64 must
# stay exact, so the total is checked against 2**53 before using bincount.
_MAX_DIGITS = 18
_EXACT_FLOAT = 1 << 53


def _canonical(region: bytes) -> bytes:
    """Return the ballot lines with single spaces, no blank lines and no stray whitespace."""
    if b"\r" in region:
        region = region.replace(b"\r", b" ")
    if b"\t" in region:
        region = region.replace(b"\t", b" ")
    while b"  " in region:
        region = region.replace(b"  ", b" ")
    if b" \n" in region:
        region = region.replace(b" \n", b"\n")
    if b"\n " in region:
        region = region.replace(b"\n ", b"\n")
    while b"\n\n" in region:
        region = region.replace(b"\n\n", b"\n")
    if region[:1] in (b" ", b"\n"):
        region = region.lstrip(b" \n")
    return region


def _token_values(
    chunk: npt.NDArray[np.uint8], seps: npt.NDArray[np.intp]
) -> npt.NDArray[Any] | None:
    """Return the integer value of each token (the digits before each separator)."""
    lens = np.diff(seps, prepend=-1)
    if int(lens.min()) < 2:
        return None  # two separators in a row: not the canonical layout
    longest = int(lens.max()) - 1
    if longest > _MAX_DIGITS:
        return None
    # int32 halves the memory traffic whenever every token has at most 9 digits.
    kind = np.dtype(np.int32 if longest <= 9 else np.int64)
    values: npt.NDArray[Any] = chunk[seps - 1].astype(kind)
    values -= 48
    if longest >= 2:
        tens: npt.NDArray[Any] = chunk[seps - 2].astype(kind)
        tens -= 48
        tens *= 10
        tens *= lens >= 3
        values += tens
        power = 100
        for k in range(3, longest + 1):
            longer = np.flatnonzero(lens > k)
            digit: npt.NDArray[Any] = chunk[seps[longer] - k].astype(kind)
            digit -= 48
            digit *= power
            values[longer] += digit
            power *= 10
    return values


def _group_rows(keys: npt.NDArray[np.uint64]) -> IntArray:
    """Return, for each row of `keys`, the index of the first identical row (exact)."""
    n = keys.shape[0]
    h = keys[:, 0] * _MIX[0]
    for j in range(1, keys.shape[1]):
        h += keys[:, j] * _MIX[j % len(_MIX)]
    h ^= h >> np.uint64(31)
    h *= _MIX[3]
    h ^= h >> np.uint64(29)
    bits = max(4, (2 * n).bit_length())
    mask = (1 << bits) - 1
    slot = (h & np.uint64(mask)).astype(np.int64)
    table = np.full(1 << bits, n, dtype=np.int32 if n < 2**31 - 1 else np.int64)
    first = np.arange(n, dtype=np.int64)
    pending = first.copy()
    # Open addressing with linear probing, all rows at once. Rows with equal keys always probe the
    # same slots at the same time, so they land in the same group; a row joins a group only after
    # an exact comparison of every word, so a hash collision can never merge different ballots.
    # Among rows claiming the same empty slot the earliest wins: fancy assignment writes in order,
    # so the rows are written in reverse and the earliest lands last.
    table[slot[::-1]] = pending[::-1]
    holder = table[slot].astype(np.int64)
    while True:
        others = np.flatnonzero(holder != pending)
        rows, holder = pending[others], holder[others]
        theirs = keys[holder]
        mine = keys[rows]
        differ = mine[:, 0] ^ theirs[:, 0]
        for j in range(1, keys.shape[1]):
            differ |= mine[:, j] ^ theirs[:, j]
        same = differ == 0
        first[rows[same]] = holder[same]
        moved = ~same
        pending = rows[moved]
        if not len(pending):
            return first
        slot = (slot[others[moved]] + 1) & mask
        holder = table[slot].astype(np.int64)
        empty = holder == n
        if empty.any():
            table[slot[empty][::-1]] = pending[empty][::-1]
            holder = table[slot].astype(np.int64)


def ballot_arrays(
    data: bytes, start: int, stop: int, candidates: int, *, lines: int | None = None
) -> tuple[RankArray, IntArray] | None:
    """Parse one-ballot-per-line BLT text into merged (rankings, weights), or None if unusual.

    `data[start:stop]` holds the ballot lines only (everything between the header and the line
    holding the lone 0 that ends the ballots), each ending in a newline. Rankings use 0-based
    candidate indices padded with -1. `lines`, if known, is the number of newlines in the region.
    """
    arrays = _ballot_arrays(data, start, stop, candidates, lines)
    if arrays is None:
        region = data[start:stop]
        if any(s in region for s in (b"\r", b"\t", b"  ", b" \n", b"\n ", b"\n\n")):
            region = _canonical(region)
            if region and not region.endswith(b"\n"):
                region += b"\n"
            arrays = _ballot_arrays(region, 0, len(region), candidates, None)
    return arrays


def _ballot_arrays(
    region: bytes, begin: int, end: int, candidates: int, lines: int | None
) -> tuple[RankArray, IntArray] | None:
    """Parse canonically laid out ballot lines (single spaces, no blank lines)."""
    if begin >= end:
        return np.full((0, 1), -1, dtype=np.int32), np.zeros(0, dtype=np.int64)
    if region[end - 1] != 10:
        return None
    n_ballots = region.count(b"\n", begin, end) if lines is None else lines
    item = np.dtype(np.uint8 if candidates < 256 else np.uint16)
    per_word = 8 // item.itemsize
    # Row layout: one word of padding (the weight's slot), then the preferences, padded to whole
    # 64-bit words so that each row reads as a few uint64 keys. Widened if a longer ballot appears.
    width = per_word + -(-min(candidates, 2 * per_word) // per_word) * per_word
    matrix = np.zeros((n_ballots + 1, width), dtype=item)
    weights = np.empty(n_ballots, dtype=np.int64)
    data = np.frombuffer(region, dtype=np.uint8)
    done = 0
    start = begin
    while start < end:
        stop = region.find(b"\n", min(start + _CHUNK, end - 1), end) + 1
        chunk = data[start:stop]
        start = stop
        if bool((chunk > 57).any()):
            return None
        seps = np.flatnonzero(chunk < 48)
        sep_chars = chunk[seps]
        at_newline = sep_chars == 10
        if np.count_nonzero(at_newline) + np.count_nonzero(sep_chars == 32) != len(seps):
            return None  # some other punctuation: a comment, a '-', an '=', a quote...
        values = _token_values(chunk, seps)
        if values is None:
            return None
        last = np.flatnonzero(at_newline)
        n = len(last)
        if done + n > n_ballots:
            return None
        first = np.empty_like(last)
        first[0] = 0
        first[1:] = last[:-1] + 1
        tokens = last - first + 1
        if int(tokens.min()) < 2 or bool(values[last].any()):
            return None  # a line without a weight and a closing 0
        line_weights = values[first]
        if int(line_weights.min()) < 1:
            return None
        values[first] = 0
        # Only the closing 0 and the (now zeroed) weight may be 0 on a line: no ballot mid-line.
        if np.count_nonzero(values) != len(values) - 2 * n or int(values.max()) > candidates:
            return None
        if candidates < 8 * values.itemsize:
            # One bit per candidate (bit 0 for the weight and the closing 0): a line ranks nobody
            # twice when the bits it sets, less bit 0, number its preferences.
            unsigned = values.view(np.uint32 if values.itemsize == 4 else np.uint64)
            bits = np.left_shift(unsigned.dtype.type(1), unsigned)
            marked = np.bitwise_count(np.bitwise_or.reduceat(bits, first))
            if not np.array_equal(marked, tokens - 1):
                return None
        weights[done : done + n] = line_weights
        widest = int(tokens.max()) - 2
        if widest > width - per_word:
            wider = per_word + -(-widest // per_word) * per_word
            grown = np.zeros((n_ballots + 1, wider), dtype=item)
            grown[:, :width] = matrix
            matrix, width = grown, wider
        # Scatter every token of line i to row (done + i), weight at column per_word - 1 (ignored),
        # preferences from column per_word, the closing 0 after them (harmless: it is 0).
        offsets = np.arange(done, done + n, dtype=np.int64) * width + (per_word - 1) - first
        jumps = np.zeros(len(values), dtype=np.int64)
        jumps[0] = offsets[0]
        jumps[first[1:]] = np.diff(offsets)
        flat = np.cumsum(jumps)
        flat += np.arange(len(values))
        matrix.ravel()[flat] = values
        done += n
    if done != n_ballots:
        return None
    keys = matrix[:n_ballots, per_word:].view(np.uint64)
    group = _group_rows(keys)
    distinct = np.flatnonzero(group == np.arange(n_ballots))
    if float(weights.sum(dtype=np.float64)) < _EXACT_FLOAT:
        merged = np.bincount(group, weights=weights, minlength=n_ballots)[distinct]
        distinct_weights = merged.astype(np.int64)
    else:
        sums = np.zeros(n_ballots, dtype=np.int64)
        np.add.at(sums, group, weights)
        distinct_weights = sums[distinct]
    rows = matrix[distinct, per_word:]
    used = int(np.count_nonzero(rows.any(axis=0)))
    rows = rows[:, : max(used, 1)]
    if candidates >= 32:
        ordered = np.sort(rows, axis=1)
        if bool(((ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] != 0)).any()):
            return None
    rankings = np.subtract(rows, 1, dtype=np.int32)
    return rankings, distinct_weights
