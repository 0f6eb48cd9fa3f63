"""Meek STV by New Zealand's rules: Local Electoral Regulations 2001, Schedule 1A, Part 1.

Every value is an integer number of 10**-9 votes (clause 5: nine digits after the point). The rule
set is Schedule 1A as the New Zealand STV calculator (I.D. Hill's program, "NZ rules") applies it,
which is how New Zealand's official results are produced. Where the calculator departs from the
letter of the Schedule we follow the calculator and say so: a ballot's remaining value after a
successful candidate takes their share is that value minus the share (the Schedule rounds both up,
which can create votes), and the lowest candidate may be excluded at the first iteration.
docs/counting/meek-stv.md sets out every step with its clause, and the order of operations.

Speed: within one stage no candidate changes status, so every ballot's path is fixed: the
successful candidates it passes through (each keeps a share) and the hopeful candidate who takes
the rest, or exhaustion. Ballots with the same path are counted together, so each iteration of
clause 10 runs over the few distinct paths, not over the ballots.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from hustings.counting.context import CountContext, join_words, order_by_votes
from hustings.counting.errors import CountError
from hustings.counting.fixed import scale, to_decimal
from hustings.counting.result import Action, CountResult, Stage

__all__ = ["MAX_ITERATIONS", "PLACES", "RULE_VERSION", "SURPLUS_LIMIT", "count_meek"]

RULE_VERSION = (
    "NZ Local Electoral Regulations 2001 Schedule 1A (Meek's method, as counted by the NZ STV "
    "calculator)"
)
#: Clause 5 and clause 10: every value to 9 decimal digits after the point.
PLACES = 9
UNIT = scale(PLACES)
#: Clause 13: the total surplus below which the lowest hopeful candidate is excluded (0.0001).
SURPLUS_LIMIT = UNIT // 10_000
#: Iterations allowed between two decisions before the count is abandoned as broken.
MAX_ITERATIONS = 1_000_000

IntArray = npt.NDArray[np.int64]

_OUT, _SUCCESSFUL, _HOPEFUL, _END = 0, 1, 2, 3


def count_meek(context: CountContext) -> CountResult:
    """Count the ballots by Meek STV under NZ Schedule 1A and return the full result."""
    return _MeekCount(context).run()


def _fmt(value: int) -> str:
    return f"{to_decimal(value, PLACES):f}"


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


class _Paths:
    """Every valid ballot's path through the candidates, grouped into distinct paths.

    A path is the sequence of successful candidates a ballot meets before its first hopeful
    candidate (excluded and withdrawn candidates are passed over), then that hopeful candidate, or
    nothing if the ballot is exhausted. Paths change only when a candidate's status changes, and
    then only for the ballots whose hopeful candidate was that candidate.
    """

    def __init__(
        self,
        rankings: npt.NDArray[np.int32],
        weights: IntArray,
        standing: Sequence[int],
        candidates: int,
    ) -> None:
        self.n = candidates
        #: Candidate indices with padding mapped to the sentinel index n.
        self.ranks: IntArray = np.where(rankings < 0, self.n, rankings).astype(np.int64)
        self.width = self.ranks.shape[1]
        self.status: IntArray = np.full(self.n + 1, _OUT, dtype=np.int64)
        self.status[list(standing)] = _HOPEFUL
        self.status[self.n] = _END
        rows = self.ranks.shape[0]
        self.weights = weights.astype(np.int64)
        self.prefix: IntArray = np.zeros(rows, dtype=np.int64)
        self.pos: IntArray = np.full(rows, -1, dtype=np.int64)
        self.term: IntArray = np.full(rows, -1, dtype=np.int64)
        # Prefix 0 is the empty sequence; each further prefix extends a parent by one candidate.
        self.prefix_rows: list[IntArray] = [np.full(0, self.n, dtype=np.int64)]
        self.prefix_memo: dict[int, int] = {}
        self._advance(np.arange(rows, dtype=np.int64))
        valid = self.term >= 0
        #: Weight of ballots with no preference for any standing candidate (blank, in effect).
        self.blank = int(self.weights[~valid].sum())
        if not valid.all():
            self.ranks = self.ranks[valid]
            self.weights = self.weights[valid]
            self.prefix = self.prefix[valid]
            self.pos = self.pos[valid]
            self.term = self.term[valid]
        self.valid = int(self.weights.sum())

    def elect(self, candidate: int) -> None:
        """Make a hopeful candidate successful: their ballots now pass on beyond them."""
        self.status[candidate] = _SUCCESSFUL
        rows = np.flatnonzero(self.term == candidate)
        self._extend(rows, candidate)
        self._advance(rows)

    def exclude(self, candidate: int) -> None:
        """Exclude a hopeful candidate: their ballots pass over them from now on."""
        self.status[candidate] = _OUT
        self._advance(np.flatnonzero(self.term == candidate))

    def group(self) -> tuple[IntArray, IntArray]:
        """Return the distinct paths (one row each, padded with n) and how many ballots take each."""
        key = self.prefix * (self.n + 1) + (self.term + 1)
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        if ordered.size == 0:
            return np.full((0, 1), self.n, dtype=np.int64), np.zeros(0, dtype=np.int64)
        starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
        counts = np.add.reduceat(self.weights[order], starts)
        keys = ordered[starts]
        distinct, inverse = np.unique(keys // (self.n + 1), return_inverse=True)
        rows = [self.prefix_rows[p] for p in distinct.tolist()]
        longest = max((len(row) for row in rows), default=0)
        table = np.full((len(rows), longest + 1), self.n, dtype=np.int64)
        for i, row in enumerate(rows):
            table[i, : len(row)] = row
        paths = table[inverse]
        terms = keys % (self.n + 1) - 1
        paths[:, longest] = np.where(terms >= 0, terms, self.n)
        return paths, counts.astype(np.int64)

    def _extend(self, rows: IntArray, candidate: int) -> None:
        """Append a successful candidate to the prefix of each of these rows."""
        if rows.size == 0:
            return
        parents = self.prefix[rows]
        distinct, inverse = np.unique(parents, return_inverse=True)
        children = np.empty(distinct.size, dtype=np.int64)
        for i, parent in enumerate(distinct.tolist()):
            memo_key = parent * (self.n + 1) + candidate
            child = self.prefix_memo.get(memo_key)
            if child is None:
                child = len(self.prefix_rows)
                self.prefix_rows.append(np.append(self.prefix_rows[parent], candidate))
                self.prefix_memo[memo_key] = child
            children[i] = child
        self.prefix[rows] = children[inverse]

    def _advance(self, rows: IntArray) -> None:
        """Move these rows past their current position to their next hopeful candidate."""
        while rows.size:
            self.pos[rows] += 1
            pos = self.pos[rows]
            inside = pos < self.width
            cand = np.full(rows.size, self.n, dtype=np.int64)
            cand[inside] = self.ranks[rows[inside], pos[inside]]
            status = self.status[cand]
            ended = status == _END
            self.term[rows[ended]] = -1
            hopeful = status == _HOPEFUL
            self.term[rows[hopeful]] = cand[hopeful]
            successful = status == _SUCCESSFUL
            if successful.any():
                for c in np.unique(cand[successful]).tolist():
                    self._extend(rows[successful & (cand == c)], c)
            rows = rows[~(ended | hopeful)]


def _distribute(paths: IntArray, counts: IntArray, keep: IntArray, n: int) -> tuple[IntArray, int]:
    """Clause 10: share every ballot among its candidates by keep value; return votes and loss."""
    value = np.full(counts.size, UNIT, dtype=np.int64)
    votes = np.zeros(n + 1, dtype=np.int64)
    for column in paths.T:
        k = keep[column]
        # A successful candidate keeps the value times their keep value, rounded up to 9 digits,
        # and the ballot goes on worth exactly the rest: the NZ calculator's rounding, which
        # conserves every vote (read literally, clause 10 would round the rest up as well).
        part = (value * k + (UNIT - 1)) // UNIT
        value -= part
        np.add.at(votes, column, part * counts)
    return votes, int((value * counts).sum())


@dataclass
class _Iteration:
    """What one iteration of clause 10 produced."""

    number: int
    votes: IntArray
    exhausted: int
    quota: int
    keep: IntArray
    #: The successful candidates when the votes were distributed, in order of election.
    successful: tuple[int, ...]


@dataclass
class _Pending:
    """Decisions taken since the last stage was closed, with the reasons in words."""

    elected: list[int] = field(default_factory=list)
    excluded: list[int] = field(default_factory=list)
    doomed: list[int] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.elected or self.excluded)


class _MeekCount:
    """The state of one Meek count, advanced iteration by iteration."""

    def __init__(self, context: CountContext) -> None:
        self.context = context
        self.names = context.names
        self.n = len(self.names)
        self.seats = context.seats
        self.constraints = context.constraints
        self.lot = context.lot
        profile = context.profile
        self.paths = _Paths(profile.rankings, profile.weights, context.standing, self.n)
        self.valid = self.paths.valid
        if self.valid * UNIT >= 2**62:
            raise CountError(f"{self.valid} ballots are too many for 9-digit fixed-point counting")
        self.keep: IntArray = np.zeros(self.n + 1, dtype=np.int64)
        self.keep[list(context.standing)] = UNIT
        self.hopeful: list[int] = list(context.standing)
        #: Candidates elected by clause 3 without reaching the quota.
        self.filled: list[int] = []
        self.elected: list[int] = []
        self.excluded: list[int] = []
        self.guarded: frozenset[int] = frozenset()
        #: Every candidate's votes at each iteration, for the ahead-at-first-difference rule.
        self.history: list[IntArray] = []
        self.iteration = 0
        self.stage_first_iteration = 1
        self.stages: list[Stage] = []
        self.last_totals: IntArray = np.zeros(self.n + 1, dtype=np.int64)
        self.last_exhausted = 0

    # The count ----------------------------------------------------------------------------

    def run(self) -> CountResult:
        """Carry out the whole count and return its result."""
        paths, counts = self.paths.group()
        pending = _Pending()
        #: Keep values used at each iteration since the last decision, to detect repetition.
        seen: set[bytes] = set()
        while True:
            if self.iteration - self.stage_first_iteration + 1 >= MAX_ITERATIONS:
                raise CountError(
                    f"the keep values did not settle within {MAX_ITERATIONS} iterations after "
                    f"iteration {self.stage_first_iteration}"
                )
            it = self._iterate(paths, counts)
            stage = len(self.stages) + 1
            first = it.number == 1
            action: Action = "first-preferences" if first else "iteration"
            if first:
                # Representation rules may doom a candidate before any vote is transferred.
                self._apply_doom(pending, stage)
            self._elect_reaching_quota(it, pending, stage)
            if len(self.elected) >= self.seats or self._can_fill():
                self._close(it, pending, action)
                if len(self.elected) < self.seats and self.hopeful:
                    if pending:
                        self._update_keep_values(it)
                        self._fill_after_recount()
                    else:
                        self._fill(it)  # nothing changed: the same votes stand
                break
            surplus = self._surplus(it)
            if not pending.doomed:
                self._exclude_lowest(it, surplus, pending, stage)
            changed = self._update_keep_values(it)
            if not pending and (not changed or self.keep.tobytes() in seen):
                self._exclude_stable(it, surplus, pending, stage)
            if pending or first:
                self._close(it, pending, action)
                pending = _Pending()
                seen.clear()
                if self._can_fill():
                    if self.hopeful:
                        self._fill_after_recount()
                    break
                paths, counts = self.paths.group()
            else:
                seen.add(it.keep.tobytes())
        return self._result()

    def _iterate(self, paths: IntArray, counts: IntArray) -> _Iteration:
        self.iteration += 1
        keep = self.keep.copy()
        votes, exhausted = _distribute(paths, counts, keep, self.n)
        if int(votes.sum()) + exhausted != self.valid * UNIT:
            raise CountError("internal error: votes were not conserved in clause 10")
        # Clauses 5 and 11: q = (v - vnt) / (n + 1), truncated to 9 digits, + 0.000000001.
        quota = (self.valid * UNIT - exhausted) // (self.seats + 1) + 1
        self.history.append(votes[: self.n].copy())
        return _Iteration(self.iteration, votes, exhausted, quota, keep, tuple(self.elected))

    # Decisions ------------------------------------------------------------------------------

    def _elect_reaching_quota(self, it: _Iteration, pending: _Pending, stage: int) -> None:
        # Clauses 6 and 12: a hopeful candidate whose votes equal or exceed the quota succeeds.
        reached = [c for c in self.hopeful if it.votes[c] >= it.quota]
        for c in self._by_votes(reached, it, stage):
            if len(self.elected) >= self.seats:
                break
            if c not in self.hopeful:
                continue  # doomed by an election earlier in this loop
            self.hopeful.remove(c)
            self.elected.append(c)
            self.paths.elect(c)
            pending.elected.append(c)
            pending.reasons.append(
                f"{self.names[c]} has {_fmt(int(it.votes[c]))}, at least the quota, and is "
                f"elected (clause {6 if it.number == 1 else 12})."
            )
            self._apply_doom(pending, stage)

    def _exclude_lowest(self, it: _Iteration, surplus: int, pending: _Pending, stage: int) -> None:
        # Clause 13: exclude the hopeful candidate with the least votes if their votes plus the
        # total surplus are less than the votes of every other hopeful candidate, or if the total
        # surplus is less than 0.0001. Guarded candidates may not be excluded.
        open_to_exclusion = [c for c in self.hopeful if c not in self.guarded]
        if not open_to_exclusion:
            return
        lowest = min(int(it.votes[c]) for c in open_to_exclusion)
        tied = [c for c in open_to_exclusion if it.votes[c] == lowest]
        others = [int(it.votes[c]) for c in open_to_exclusion if it.votes[c] != lowest]
        if len(tied) == 1 and others and lowest + surplus < min(others):
            c = tied[0]
            reason = (
                f"{self.names[c]} has the fewest votes ({_fmt(lowest)}); with the total surplus "
                f"{_fmt(surplus)} they could not overtake the next lowest ({_fmt(min(others))}), so "
                "they are excluded (clause 13)."
            )
        elif surplus < SURPLUS_LIMIT:
            c, tie = self._lowest(tied, stage)
            reason = (
                f"The total surplus {_fmt(surplus)} is less than 0.0001, so {self.names[c]}, "
                f"with the fewest votes ({_fmt(lowest)}), is excluded (clause 13){tie}."
            )
        else:
            return
        self._exclude(c, pending, reason, stage)

    def _exclude_stable(self, it: _Iteration, surplus: int, pending: _Pending, stage: int) -> None:
        # The keep values have stopped changing (or returned to earlier values) while the total
        # surplus is still at least 0.0001: further iterations would repeat themselves. The NZ
        # calculator then excludes the lowest hopeful candidate (its "surplus negligible" case).
        open_to_exclusion = [c for c in self.hopeful if c not in self.guarded]
        if not open_to_exclusion:
            raise CountError("internal error: every hopeful candidate is guarded")
        lowest = min(int(it.votes[c]) for c in open_to_exclusion)
        tied = [c for c in open_to_exclusion if it.votes[c] == lowest]
        c, tie = self._lowest(tied, stage)
        reason = (
            f"The keep values no longer change with a total surplus of {_fmt(surplus)}, so "
            f"{self.names[c]}, with the fewest votes ({_fmt(lowest)}), is excluded{tie}."
        )
        self._exclude(c, pending, reason, stage)

    def _exclude(self, c: int, pending: _Pending, reason: str, stage: int) -> None:
        self.hopeful.remove(c)
        self.excluded.append(c)
        self.keep[c] = 0
        self.paths.exclude(c)
        pending.excluded.append(c)
        pending.reasons.append(reason)
        self._apply_doom(pending, stage)

    def _apply_doom(self, pending: _Pending, stage: int) -> None:
        """Recompute guards and dooms, excluding every doomed candidate at once."""
        if not self.constraints:
            return
        while len(self.elected) < self.seats:
            guarded, doomed = self.constraints.guard_and_doom(self.elected, self.hopeful)
            self.guarded = guarded
            if not doomed:
                return
            names = [self.names[c] for c in sorted(doomed)]
            for c in sorted(doomed):
                self.hopeful.remove(c)
                self.excluded.append(c)
                self.keep[c] = 0
                self.paths.exclude(c)
                pending.excluded.append(c)
                pending.doomed.append(c)
            pending.reasons.append(
                f"{join_words(names)} cannot be elected without breaking a representation rule and "
                f"{'is' if len(names) == 1 else 'are'} excluded (doomed)."
            )

    def _update_keep_values(self, it: _Iteration) -> bool:
        # Clause 17: kc = q x kc / vc for each successful candidate over the quota; the product
        # q x kc is rounded up to 9 digits, and so is the quotient. A keep value never exceeds 1.
        changed = False
        for c in self.elected:
            votes = int(it.votes[c])
            if votes <= it.quota:
                continue
            product = _ceil_div(it.quota * int(it.keep[c]), UNIT)
            new = min(_ceil_div(product * UNIT, votes), UNIT)
            if new != self.keep[c]:
                self.keep[c] = new
                changed = True
        return changed

    def _surplus(self, it: _Iteration) -> int:
        # Clause 13's total surplus: what successful candidates hold above the quota.
        return sum(
            max(int(it.votes[c]) - it.quota, 0) for c in self.elected if c not in self.filled
        )

    def _can_fill(self) -> bool:
        # Clause 3: counting is complete when successful plus hopeful candidates equal the seats.
        return len(self.hopeful) + len(self.elected) <= self.seats

    def _fill_after_recount(self) -> None:
        # Redistribute once more so that the sheet shows where the last excluded votes went.
        paths, counts = self.paths.group()
        self._fill(self._iterate(paths, counts))

    def _fill(self, it: _Iteration) -> None:
        chosen = sorted(self.hopeful, key=lambda c: (-int(it.votes[c]), c))
        left = self.seats - len(self.elected)
        for c in chosen:
            self.hopeful.remove(c)
            self.elected.append(c)
            self.filled.append(c)
        note = (
            f"The {len(chosen)} hopeful candidate"
            f"{'s' if len(chosen) != 1 else ''} {'fill' if len(chosen) != 1 else 'fills'} the "
            f"{left} remaining seat{'s' if left != 1 else ''} and "
            f"{'are' if len(chosen) != 1 else 'is'} elected (clause 3)."
        )
        self._close(it, _Pending(elected=chosen, reasons=[note]), "fill")

    def _lowest(self, tied: list[int], stage: int) -> tuple[int, str]:
        """Return the candidate to exclude among those tied lowest, and how the tie was broken."""
        if len(tied) == 1:
            return tied[0], ""
        chosen = self._break_tie(tied, highest=False, stage=stage, purpose="whom to exclude")
        names = join_words([self.names[c] for c in sorted(tied)])
        if self.lot.record[-1].by == "lot":
            how = f"{names} are tied at every iteration so far; the lot chose {self.names[chosen]}"
        else:
            how = (
                f"{names} are tied; {self.names[chosen]} was behind at the first iteration where "
                "their votes differed"
            )
        return chosen, f" ({how}, clause 19)"

    def _by_votes(self, candidates: list[int], it: _Iteration, stage: int) -> list[int]:
        return order_by_votes(
            candidates,
            lambda c: int(it.votes[c]),
            constrained=bool(self.constraints),
            break_tie=lambda top: self._break_tie(
                top, highest=True, stage=stage, purpose="order of election"
            ),
        )

    def _break_tie(self, tied: Sequence[int], *, highest: bool, stage: int, purpose: str) -> int:
        """Resolve a tie by the ahead-at-first-difference rule (clauses 19 and 40), then lot.

        The tied candidates' votes are compared iteration by iteration from the first; at the
        earliest iteration where they differ, only those with the fewest (or most) stay tied, and
        the comparison goes on among them at later iterations.
        """
        remaining = sorted(tied)
        for past in self.history:
            values = [int(past[c]) for c in remaining]
            if len(set(values)) > 1:
                target = max(values) if highest else min(values)
                remaining = [c for c, v in zip(remaining, values, strict=True) if v == target]
                if len(remaining) == 1:
                    self.lot.note(stage, purpose, tied, remaining[0], "earlier stage")
                    return remaining[0]
        return self.lot.draw(stage, purpose, remaining)

    # Records --------------------------------------------------------------------------------

    def _close(self, it: _Iteration, pending: _Pending, action: Action) -> None:
        number = len(self.stages) + 1
        first, last = self.stage_first_iteration, it.number
        self.stage_first_iteration = it.number + 1
        totals = it.votes
        transfers: dict[str, Decimal] = {}
        if self.stages:
            for c in self.context.standing:
                delta = int(totals[c] - self.last_totals[c])
                if delta:
                    transfers[self.names[c]] = self._dec(delta)
            if it.exhausted != self.last_exhausted:
                transfers[""] = self._dec(it.exhausted - self.last_exhausted)
        self.last_totals = totals
        self.last_exhausted = it.exhausted
        parts = []
        if action == "first-preferences":
            invalid = self._invalid()
            parts.append(
                f"Iteration 1: first preferences of {self.valid} valid ballot papers"
                + (f" ({invalid} invalid)" if invalid else "")
                + "."
            )
        elif last >= first:
            count = last - first + 1
            parts.append(
                f"Iterations {first}-{last} ({count} iteration{'s' if count != 1 else ''})."
            )
        if last >= first:
            parts.append(
                f"Quota = ({self.valid} - {_fmt(it.exhausted)} non-transferable) / "
                f"({self.seats} + 1), truncated to 9 digits, + 0.000000001 = {_fmt(it.quota)} "
                f"(clause {5 if it.number == 1 else 11}). Total surplus {_fmt(self._surplus(it))}"
                " (clause 13)."
            )
            parts.append(self._keep_note(it))
        parts.extend(pending.reasons)
        subjects = tuple(self.names[c] for c in pending.elected + pending.excluded)
        self.stages.append(
            Stage(
                number=number,
                action=action,
                subjects=() if action == "first-preferences" else subjects,
                totals={self.names[c]: self._dec(int(totals[c])) for c in self.context.standing},
                non_transferable=self._dec(it.exhausted),
                transfers=transfers,
                elected=tuple(self.names[c] for c in pending.elected),
                excluded=tuple(self.names[c] for c in pending.excluded),
                guarded=tuple(self.names[c] for c in sorted(self.guarded) if c in self.hopeful),
                doomed=tuple(self.names[c] for c in pending.doomed),
                quota=self._dec(it.quota),
                note=" ".join(parts),
            )
        )

    def _keep_note(self, it: _Iteration) -> str:
        # Clause 7: hopeful candidates keep all (1), excluded ones nothing (0).
        if not it.successful:
            return "Keep values: 1 for every hopeful candidate."
        values = ", ".join(f"{self.names[c]} {_fmt(int(it.keep[c]))}" for c in it.successful)
        return f"Keep values used: {values}; 1 for every hopeful candidate."

    def _invalid(self) -> int:
        return self.paths.blank + self.context.profile.rejected

    def _dec(self, value: int) -> Decimal:
        return to_decimal(value, PLACES)

    def _result(self) -> CountResult:
        return self.context.result(
            method="meek-stv",
            rule_version=RULE_VERSION,
            places=PLACES,
            valid=self.valid,
            blank=self.paths.blank,
            quota=self.stages[-1].quota if self.stages else None,
            elected=self.elected,
            stages=self.stages,
        )
