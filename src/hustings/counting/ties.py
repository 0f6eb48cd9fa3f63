"""Decisions by lot, drawn from a seeded generator and recorded, so a recount draws the same."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from hustings.counting.result import TieBreak

__all__ = ["Lot"]


class Lot:
    """Draw lots reproducibly from a seed and keep a record of every tie broken.

    The seed is an integer, or a function that derives one (from the ballots); a derived seed is
    worked out only when the first lot is drawn, so counts that need no lot do not pay for it.
    """

    def __init__(self, seed: int | Callable[[], int], names: Sequence[str]) -> None:
        self._seed = seed if isinstance(seed, int) else None
        self._derive = None if isinstance(seed, int) else seed
        self._random: random.Random | None = None
        self._names = names
        self.record: list[TieBreak] = []

    @property
    def seed(self) -> int:
        """Return the seed, deriving it now if it was not given."""
        if self._seed is None:
            assert self._derive is not None
            self._seed = self._derive()
        return self._seed

    @property
    def seed_used(self) -> int | None:
        """Return the seed if it was given or a lot needed it; None if neither."""
        return self._seed

    def draw(self, stage: int, purpose: str, tied: Sequence[int]) -> int:
        """Choose one of the tied candidates (by index) at random, and record the draw."""
        if self._random is None:
            self._random = random.Random(self.seed)
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
