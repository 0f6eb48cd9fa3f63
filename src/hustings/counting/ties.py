"""Decisions by lot, drawn from a seeded generator and recorded, so that a recount draws the same."""

from __future__ import annotations

import random
from collections.abc import Sequence

from hustings.counting.result import TieBreak

__all__ = ["Lot"]


class Lot:
    """Draw lots reproducibly from a seed and keep a record of every tie broken."""

    def __init__(self, seed: int, names: Sequence[str]) -> None:
        self.seed = seed
        self._random = random.Random(seed)
        self._names = names
        self.record: list[TieBreak] = []

    def draw(self, stage: int, purpose: str, tied: Sequence[int]) -> int:
        """Choose one of the tied candidates (by index) at random, and record the draw."""
        ordered = sorted(tied)
        chosen = ordered[self._random.randrange(len(ordered))]
        self.note(stage, purpose, ordered, chosen, "lot")
        return chosen

    def note(self, stage: int, purpose: str, tied: Sequence[int], chosen: int, by: str) -> None:
        """Record a tie that was broken by some rule other than lot (or by lot, from draw)."""
        names = tuple(self._names[i] for i in sorted(tied))
        self.record.append(
            TieBreak(
                stage=stage,
                purpose=purpose,
                candidates=names,
                chosen=self._names[chosen],
                by=by,  # type: ignore[arg-type]
            )
        )
