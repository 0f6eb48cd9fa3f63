"""Ballot papers in parcels: who holds each distinct ballot, at what value, as NumPy arrays.

An STV count by hand sorts papers into parcels, one per candidate, and moves papers from parcel to
parcel at some value. Here every distinct ballot of the profile is one row that moves as a whole
(all its identical papers go the same way), and the state of the count is a few parallel arrays:

- `holder[i]`: the candidate whose parcel holds row i, or -1 once its preferences are exhausted;
- a pointer into row i's ranking at that candidate, so the next preference is found without
  rescanning the ballot;
- `value_class[i]`: an index into `class_values`, the exact fixed-point value of one paper of the
  row. Transfer values are few (each transfer makes at most one new value from each old one), so a
  re-valuation computes each new value once, in Python integers, and then relabels the rows;
- `arrived[i]`: the stage at which the row reached its holder, which identifies sub-parcels.

Moving papers is vectorised: the rows being moved step along their rankings together, and only the
rows whose next preference is not a continuing candidate take another step.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from hustings.counting.errors import CountError
from hustings.counting.profile import Profile

__all__ = ["Movement", "Parcels", "Revaluation"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
#: Candidate indices: int16 when there are few enough candidates, to halve the memory walked.
CandidateArray = npt.NDArray[np.signedinteger[Any]]


@dataclass(frozen=True)
class Movement:
    """What one movement of papers credited: per candidate, and (last slot) as exhausted."""

    #: Value credited to each candidate (index = candidate), fixed-point; the last entry is the
    #: value of the papers that found no continuing candidate.
    values: tuple[int, ...]
    #: Number of papers credited to each candidate; the last entry counts the exhausted papers.
    papers: tuple[int, ...]

    @property
    def exhausted_value(self) -> int:
        """Return the value of the papers that had no further continuing preference."""
        return self.values[-1]

    @property
    def exhausted_papers(self) -> int:
        """Return the number of papers that had no further continuing preference."""
        return self.papers[-1]

    @property
    def transferred_value(self) -> int:
        """Return the value credited to candidates (everything but the exhausted papers)."""
        return sum(self.values[:-1])


@dataclass(frozen=True)
class Revaluation:
    """One value that papers held before a re-valuation, what it became, and how many papers."""

    old: int
    new: int
    papers: int


class Parcels:
    """The parcels of an STV count: every distinct ballot's holder, value and place in its ranking."""

    def __init__(self, profile: Profile, standing: Iterable[int], unit: int) -> None:
        n_rows, width = profile.rankings.shape
        if profile.total_weight * unit >= 2**62:
            # Sums of values are exact 64-bit integers; refuse rather than overflow.
            raise CountError(f"{profile.total_weight} ballots are too many to count exactly")
        self.candidates = len(profile.candidates)
        dtype = np.int16 if self.candidates < np.iinfo(np.int16).max else np.int32
        # One extra column of -1 so that every ranking ends in the "exhausted" mark, however full.
        ranks = np.full((n_rows, width + 1), -1, dtype=dtype)
        ranks[:, :width] = profile.rankings
        self._stride = width + 1
        self._flat: CandidateArray = ranks.ravel()
        self.weights: IntArray = profile.weights.astype(np.int64, copy=False)
        # _accept[c] says whether a paper stops at candidate c when moving on; index -1 (the
        # exhausted mark) always accepts, so every search ends.
        self._accept: BoolArray = np.zeros(self.candidates + 1, dtype=np.bool_)
        self._accept[list(standing)] = True
        self._accept[-1] = True
        self._pointer: IntArray = np.arange(n_rows, dtype=np.int64) * self._stride - 1
        self.holder: CandidateArray = np.full(n_rows, -1, dtype=dtype)
        self.arrived = np.zeros(n_rows, dtype=np.int32)
        self.value_class = np.zeros(n_rows, dtype=np.int32)
        self.class_values: list[int] = [unit]
        self._class_array: IntArray = np.array([unit], dtype=np.int64)
        self._class_of: dict[int, int] = {unit: 0}

    def is_continuing(self, candidate: int) -> bool:
        """Say whether papers may still pass to this candidate."""
        return bool(self._accept[candidate])

    def stop_continuing(self, candidates: Iterable[int]) -> None:
        """Mark candidates as elected or excluded: papers pass over them from now on."""
        for c in candidates:
            self._accept[c] = False

    def first_preferences(self, stage: int = 1) -> Movement:
        """Place every ballot with its first continuing preference and return what each received."""
        return self.move_on(np.arange(self.holder.shape[0], dtype=np.int64), stage)

    def rows_of(self, candidates: Collection[int]) -> IntArray:
        """Return the rows (distinct ballots) held by any of these candidates."""
        if len(candidates) == 1:
            (only,) = candidates
            return np.flatnonzero(self.holder == only)
        chosen = np.zeros(self.candidates + 1, dtype=np.bool_)
        chosen[list(candidates)] = True
        return np.flatnonzero(chosen[self.holder])

    def revalue(self, rows: IntArray, rule: Callable[[int], int]) -> list[Revaluation]:
        """Give each of these rows a new value computed by `rule` from its present value."""
        if rows.size == 0:
            return []
        classes = self.value_class[rows]
        papers = np.zeros(len(self.class_values), dtype=np.int64)
        np.add.at(papers, classes, self.weights[rows])
        mapping = np.arange(len(self.class_values), dtype=np.int32)
        changes = []
        for k in np.flatnonzero(papers).tolist():
            old = self.class_values[k]
            new = rule(old)
            mapping[k] = self._class(new)
            changes.append(Revaluation(old=old, new=new, papers=int(papers[k])))
        self.value_class[rows] = mapping[classes]
        return sorted(changes, key=lambda r: -r.old)

    def move_on(self, rows: IntArray, stage: int) -> Movement:
        """Pass these rows to their next continuing preference and return what each received."""
        pointer = self._pointer[rows] + 1
        holder = self._flat[pointer]
        stuck = np.flatnonzero(~self._accept[holder])
        while stuck.size:
            pointer[stuck] += 1
            following = self._flat[pointer[stuck]]
            holder[stuck] = following
            stuck = stuck[~self._accept[following]]
        self._pointer[rows] = pointer
        self.holder[rows] = holder
        self.arrived[rows] = stage
        weights = self.weights[rows]
        # np.add.at keeps exact integer sums; index -1 (exhausted) lands in the last slot.
        values = np.zeros(self.candidates + 1, dtype=np.int64)
        np.add.at(values, holder, weights * self._class_array[self.value_class[rows]])
        papers = np.zeros(self.candidates + 1, dtype=np.int64)
        np.add.at(papers, holder, weights)
        return Movement(values=tuple(values.tolist()), papers=tuple(papers.tolist()))

    def held(self) -> list[int]:
        """Return the value of the papers each candidate holds now (for checking the totals)."""
        values = np.zeros(self.candidates + 1, dtype=np.int64)
        np.add.at(values, self.holder, self.weights * self._class_array[self.value_class])
        return [int(v) for v in values[:-1]]

    def _class(self, value: int) -> int:
        known = self._class_of.get(value)
        if known is not None:
            return known
        self._class_of[value] = len(self.class_values)
        self.class_values.append(value)
        self._class_array = np.array(self.class_values, dtype=np.int64)
        return len(self.class_values) - 1
