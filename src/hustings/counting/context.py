"""What every counting method receives: the ballots and the rules, checked and resolved."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from hustings.counting.constraints import ConstraintSet
from hustings.counting.profile import Profile
from hustings.counting.result import CountResult, Stage
from hustings.counting.rules import Rules
from hustings.counting.ties import Lot

__all__ = ["CountContext", "join_words", "order_by_votes"]


@dataclass
class CountContext:
    """The resolved inputs of one count, shared by all the methods."""

    profile: Profile
    rules: Rules
    seats: int
    #: Indices of candidates who stand (not withdrawn), in ballot-file order.
    standing: tuple[int, ...]
    constraints: ConstraintSet
    lot: Lot

    @property
    def names(self) -> tuple[str, ...]:
        """Return every candidate's name, withdrawn ones included, in ballot-file order."""
        return self.profile.candidates

    @property
    def attributes(self) -> Mapping[str, Mapping[str, str]]:
        """Return the candidates' attributes as given in the rules."""
        return self.rules.attributes

    def result(
        self,
        *,
        method: str,
        rule_version: str,
        places: int,
        valid: int,
        blank: int,
        quota: Decimal | None,
        elected: Sequence[int],
        stages: Sequence[Stage],
    ) -> CountResult:
        """Return the count's result; what every method reports alike is filled in here."""
        names = self.profile.candidates
        return CountResult(
            method=method,
            rule_version=rule_version,
            title=self.profile.title,
            seats=self.seats,
            candidates=names,
            withdrawn=tuple(names[c] for c in sorted(self.profile.withdrawn)),
            valid=valid,
            invalid=blank + self.profile.rejected,
            quota=quota,
            elected=tuple(names[c] for c in elected),
            stages=tuple(stages),
            tie_breaks=tuple(self.lot.record),
            seed=self.lot.seed_used,
            constraints=self.rules.constraints,
            attributes=self.rules.attributes,
            places=places,
        )


def join_words(items: Sequence[str]) -> str:
    """Join words as prose: "A", "A and B", "A, B and C"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def order_by_votes(
    candidates: Sequence[int],
    votes: Callable[[int], int],
    *,
    constrained: bool,
    break_tie: Callable[[list[int]], int],
) -> list[int]:
    """Order candidates by votes, highest first.

    Equal votes are put in order by `break_tie` only under representation rules, where the order
    of election decides who may still be elected; otherwise ballot-file order stands.
    """
    remaining = sorted(candidates, key=lambda c: (-votes(c), c))
    if not constrained:
        return remaining
    ordered: list[int] = []
    while remaining:
        top = [c for c in remaining if votes(c) == votes(remaining[0])]
        first = top[0] if len(top) == 1 else break_tie(top)
        ordered.append(first)
        remaining.remove(first)
    return ordered
