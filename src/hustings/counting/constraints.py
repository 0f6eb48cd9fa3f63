"""Representation rules: which sets of winners are allowed, and who must be guarded or doomed.

Every method asks one question of this module: given the candidates already elected and those still
continuing, can the remaining seats still be filled so that every rule holds? From that one oracle
follow the guard and doom sets of Grey-Fitzgerald as described by I.D. Hill (Voting matters 9): a
continuing candidate is *guarded* when excluding them would make the rules impossible to meet, and
*doomed* when electing them would. Candidates whose membership of every group is the same are
interchangeable for this question, so the search runs over those few kinds, not over candidates.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from hustings.counting.errors import CountError, InfeasibleConstraints
from hustings.counting.rules import Constraint

__all__ = ["ConstraintSet"]


@dataclass(frozen=True)
class ConstraintSet:
    """The representation rules of one count, resolved to candidate indices."""

    seats: int
    constraints: tuple[Constraint, ...]
    #: For each constraint, the indices of the candidates it concerns.
    members: tuple[frozenset[int], ...]

    @classmethod
    def build(
        cls,
        constraints: Sequence[Constraint],
        candidates: Sequence[str],
        attributes: Mapping[str, Mapping[str, str]],
        seats: int,
        standing: Collection[int],
    ) -> ConstraintSet:
        """Resolve the rules against the candidates, refusing any that no result could meet."""
        unknown = sorted(set(attributes) - set(candidates))
        if unknown:
            raise CountError(f"attributes name candidates not on the ballot: {', '.join(unknown)}")
        known_attributes = {a for attrs in attributes.values() for a in attrs}
        members = []
        for c in constraints:
            if c.attribute not in known_attributes:
                raise CountError(
                    f"{c.label()}: no candidate has the attribute {c.attribute!r}"
                    + (" (no attributes were given)" if not attributes else "")
                )
            members.append(
                frozenset(
                    i
                    for i, name in enumerate(candidates)
                    if attributes.get(name, {}).get(c.attribute) == c.value
                )
            )
        built = cls(seats=seats, constraints=tuple(constraints), members=tuple(members))
        built._refuse_if_infeasible(frozenset(standing))
        return built

    def __bool__(self) -> bool:
        return bool(self.constraints)

    def _refuse_if_infeasible(self, standing: frozenset[int]) -> None:
        places = min(self.seats, len(standing))
        for c, group in zip(self.constraints, self.members, strict=True):
            available = len(group & standing)
            if c.minimum > places:
                raise InfeasibleConstraints(
                    f"{c.label()}: the rule asks for more winners than there are seats to fill "
                    f"({places})"
                )
            if c.minimum > available:
                raise InfeasibleConstraints(
                    f"{c.label()}: only {available} such "
                    f"{'candidate stands' if available == 1 else 'candidates stand'}"
                )
            outside = len(standing - group)
            if c.maximum is not None and c.maximum + outside < places:
                raise InfeasibleConstraints(
                    f"{c.label()}: only {outside} other "
                    f"{'candidate stands' if outside == 1 else 'candidates stand'} "
                    f"for the remaining {places - c.maximum} "
                    f"{'seat' if places - c.maximum == 1 else 'seats'}"
                )
        if not self.feasible(frozenset(), standing):
            raise InfeasibleConstraints(
                "the representation rules cannot all be met together: "
                + "; ".join(c.label() for c in self.constraints)
            )

    def feasible(self, elected: Collection[int], continuing: Collection[int]) -> bool:
        """Say whether some choice of continuing candidates can fill the seats within the rules."""
        if not self.constraints:
            return True
        elected_counts = [len(group.intersection(elected)) for group in self.members]
        maxima = [self.seats if c.maximum is None else c.maximum for c in self.constraints]
        minima = [c.minimum for c in self.constraints]
        if any(e > m for e, m in zip(elected_counts, maxima, strict=True)):
            return False
        to_fill = min(self.seats - len(elected), len(continuing))
        if to_fill < 0:
            return False
        kinds = Counter(tuple(c in group for group in self.members) for c in continuing)
        kind_list = list(kinds.items())
        # What every group could still gain from the kinds not yet decided, for pruning.
        reachable = [[0] * len(self.members) for _ in range(len(kind_list) + 1)]
        for k in range(len(kind_list) - 1, -1, -1):
            signature, available = kind_list[k]
            for g, inside in enumerate(signature):
                reachable[k][g] = reachable[k + 1][g] + (available if inside else 0)
        remaining_total = [0] * (len(kind_list) + 1)
        for k in range(len(kind_list) - 1, -1, -1):
            remaining_total[k] = remaining_total[k + 1] + kind_list[k][1]

        def search(k: int, left: int, counts: list[int]) -> bool:
            if left == 0:
                return all(n >= m for n, m in zip(counts, minima, strict=True))
            if k == len(kind_list) or remaining_total[k] < left:
                return False
            for g, n in enumerate(counts):
                if n + min(reachable[k][g], left) < minima[g]:
                    return False
            signature, available = kind_list[k]
            for take in range(min(available, left), -1, -1):
                trial = [
                    n + (take if inside else 0) for n, inside in zip(counts, signature, strict=True)
                ]
                if all(n <= m for n, m in zip(trial, maxima, strict=True)) and search(
                    k + 1, left - take, trial
                ):
                    return True
            return False

        return search(0, to_fill, elected_counts)

    def guard_and_doom(
        self, elected: Collection[int], continuing: Collection[int]
    ) -> tuple[frozenset[int], frozenset[int]]:
        """Return (guarded, doomed): who may not be excluded, and who may not be elected."""
        if not self.constraints:
            return frozenset(), frozenset()
        elected_set = frozenset(elected)
        continuing_set = frozenset(continuing)
        guarded = frozenset(
            c for c in continuing_set if not self.feasible(elected_set, continuing_set - {c})
        )
        doomed = frozenset(
            c for c in continuing_set if not self.feasible(elected_set | {c}, continuing_set - {c})
        )
        return guarded, doomed

    def violations(self, winners: Iterable[int]) -> list[str]:
        """Return each rule a set of winners breaks, in words (empty when all hold)."""
        chosen = frozenset(winners)
        broken = []
        for c, group in zip(self.constraints, self.members, strict=True):
            n = len(group & chosen)
            if n < c.minimum or (c.maximum is not None and n > c.maximum):
                broken.append(f"{c.label()}: {n} elected")
        return broken
