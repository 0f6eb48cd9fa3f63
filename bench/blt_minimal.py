"""Read the plain BLT files that synth_profiles.py writes, for the peer drivers (stdlib only).

This is deliberately minimal: one ballot per line ("weight pref ... 0"), strict rankings, no
withdrawn candidates. It is not Hustings's reader (the peers' venv does not have Hustings) and it
does not try to accept every BLT quirk; on anything else it stops with the line number.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

__all__ = ["BltProfile", "read_blt"]


@dataclass(frozen=True)
class BltProfile:
    """Candidate names, seats, and each distinct ranking (0-based indices) with its weight."""

    names: list[str]
    seats: int
    rankings: Counter[tuple[int, ...]]

    @property
    def ballots(self) -> int:
        """Return the total weight of all ballots."""
        return sum(self.rankings.values())


def _unquote(text: str, path: Path, line: int) -> str:
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        sys.exit(f"{path}:{line}: expected a quoted name, got {text!r}")
    return text[1:-1].replace('""', '"')


def read_blt(path: Path) -> BltProfile:
    """Read a plain one-ballot-per-line BLT file."""
    with path.open(encoding="utf-8") as f:
        lines = f.read().splitlines()
    header = lines[0].split()
    if len(header) != 2:
        sys.exit(f"{path}:1: expected 'candidates seats', got {lines[0]!r}")
    candidates, seats = int(header[0]), int(header[1])
    try:
        end = lines.index("0", 1)
    except ValueError:
        sys.exit(f"{path}: no '0' line ends the ballots")
    # Count identical lines first (in C) so that each distinct ballot is parsed once: the peers
    # then spend their time counting, not in this reader.
    # A dict lookup turns a candidate number into its index and rejects unknown numbers at once.
    index = {str(number): number - 1 for number in range(1, candidates + 1)}.__getitem__
    rankings: Counter[tuple[int, ...]] = Counter()
    for text, repeats in Counter(lines[1:end]).items():
        fields = text.split()
        try:
            if fields[-1] != "0":
                raise ValueError
            ranking = tuple(map(index, fields[1:-1]))
            weight = int(fields[0])
        except (IndexError, KeyError, ValueError):
            sys.exit(f"{path}:{lines.index(text) + 1}: not a plain ballot line: {text!r}")
        if weight < 0 or len(set(ranking)) != len(ranking):
            sys.exit(f"{path}:{lines.index(text) + 1}: not a plain ballot line: {text!r}")
        rankings[ranking] += weight * repeats
    number = end + 1
    names = [_unquote(text.strip(), path, number + 1 + i) for i, text in enumerate(lines[number:])]
    if len(names) != candidates + 1:
        sys.exit(f"{path}: expected {candidates} names and a title, found {len(names)} lines")
    return BltProfile(names=names[:candidates], seats=seats, rankings=rankings)
