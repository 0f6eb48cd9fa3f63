"""ERS97 STV: the Electoral Reform Society's "How to conduct an election by the Single
Transferable Vote", 3rd edition (1997), sections 4-6.

Every value is an integer number of hundredths of a vote: the rules take the quota (5.1.6) and every
transfer value (5.3.7) to two decimal places. A surplus is transferred from the last batch of papers
the candidate received (5.3.1-5.3.2), at the surplus divided by the number of transferable papers,
remainder ignored, unless those papers are worth no more than the surplus (5.3.7). Surpluses that
cannot change who is excluded next are deferred (5.2.2), candidates who cannot overtake the one above
are excluded together (5.2.5), and an excluded candidate's papers move in batches, highest transfer
value first, each batch a stage of its own (5.4). Representation rules are applied by guarding and
dooming (I.D. Hill, Voting matters 9); docs/counting/ers97-stv.md sets out the order of operations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from hustings.counting.context import CountContext, join_words
from hustings.counting.errors import CountError
from hustings.counting.fixed import scale, to_decimal
from hustings.counting.profile import Profile
from hustings.counting.result import Action, CountResult, Stage

__all__ = ["PLACES", "RULE_VERSION", "count_ers97"]

RULE_VERSION = "ERS97 (ERS, 3rd edition, 1997)"
PLACES = 2
UNIT = scale(PLACES)

IntArray = npt.NDArray[np.int64]
SmallIntArray = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]


def count_ers97(context: CountContext) -> CountResult:
    """Count the ballots by the ERS97 rules and return the full result."""
    return _Ers97Count(context).run()


def _fmt(value: int) -> str:
    return str(to_decimal(value, PLACES))


def _s(items: Sequence[object]) -> str:
    return "" if len(items) == 1 else "s"


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


class _Papers:
    """Every distinct ballot as one row: who holds its papers, where in its ranking, at what value.

    All the papers of one row are identical, so they always travel together; a batch is the set of
    rows that reached their holder in the same movement (`arrival`), and every row of a batch
    carries the same value.
    """

    def __init__(self, profile: Profile) -> None:
        n = len(profile.candidates)
        rows, width = profile.rankings.shape
        if profile.total_weight * UNIT >= 2**62:
            raise CountError("too many ballots to count exactly in 64-bit fixed point")
        # A trailing -1 column ends every ranking, so a pointer never runs off the row.
        self.ranks = np.full((rows, width + 1), -1, dtype=np.int32)
        self.ranks[:, :width] = profile.rankings
        self.weights: IntArray = profile.weights.astype(np.int64)
        self.holder: SmallIntArray = np.full(rows, -1, dtype=np.int32)
        self.position: SmallIntArray = np.full(rows, -1, dtype=np.int32)
        self.value: IntArray = np.full(rows, UNIT, dtype=np.int64)
        self.arrival: SmallIntArray = np.zeros(rows, dtype=np.int32)
        #: Who may receive papers; the last slot stands for "no further preference" (index -1).
        self.receiving: BoolArray = np.zeros(n + 1, dtype=np.bool_)
        self.n = n

    def advance(self, rows: SmallIntArray | IntArray) -> SmallIntArray:
        """Move the rows on to their next preference for a receiving candidate (-1 for none)."""
        position = self.position[rows] + 1
        found = np.full(len(rows), -1, dtype=np.int32)
        pending = np.arange(len(rows))
        while pending.size:
            candidate = self.ranks[rows[pending], position[pending]]
            done = self.receiving[candidate] | (candidate < 0)
            found[pending[done]] = candidate[done]
            pending = pending[~done]
            position[pending] += 1
        self.position[rows] = position
        self.holder[rows] = found
        return found

    def tally(
        self, rows: SmallIntArray | IntArray, holders: SmallIntArray
    ) -> tuple[list[int], list[int]]:
        """Return (papers, value) per candidate for these rows; the last slot is for no one."""
        slots = np.where(holders >= 0, holders, self.n)
        papers = np.zeros(self.n + 1, dtype=np.int64)
        values = np.zeros(self.n + 1, dtype=np.int64)
        weights = self.weights[rows]
        np.add.at(papers, slots, weights)
        np.add.at(values, slots, weights * self.value[rows])
        return [int(p) for p in papers], [int(v) for v in values]


class _Ers97Count:
    """The state of one ERS97 count, advanced stage by stage."""

    def __init__(self, context: CountContext) -> None:
        self.context = context
        self.names = context.names
        self.seats = context.seats
        self.constraints = context.constraints
        self.lot = context.lot
        self.papers = _Papers(context.profile)
        self.totals = [0] * len(self.names)
        self.continuing: list[int] = list(context.standing)
        self.elected: list[int] = []
        self.excluded: list[int] = []
        #: Elected candidates whose surplus is still to be transferred.
        self.pending: list[int] = []
        #: For each candidate, the movement by which their last batch of papers arrived.
        self.last_batch = [0] * len(self.names)
        #: Non-transferable value so far: exhausted papers plus non-transferable differences.
        self.non_transferable = 0
        self.quota = 0
        self.valid = 0
        self.blank = 0
        self.guarded: frozenset[int] = frozenset()
        self.doomed: frozenset[int] = frozenset()
        #: Every candidate's total after each stage, for the look-back of 5.2.3, 5.2.5 and 5.6.2.
        self.history: list[tuple[int, ...]] = []
        self.stages: list[Stage] = []
        #: Candidates elected since the current stage was opened, in order.
        self.newly_elected: list[int] = []

    # The count ----------------------------------------------------------------------------

    def run(self) -> CountResult:
        """Carry out the whole count and return its result."""
        self._first_stage()
        while len(self.elected) < self.seats:
            guarded, doomed = self._guard_and_doom()
            remaining = self.seats - len(self.elected)
            eligible = [c for c in self.continuing if c not in doomed]
            if len(eligible) <= remaining:
                # 4.3 and 5.5.1: as many continuing candidates as places left; all are elected.
                why = (
                    f"{len(eligible)} continuing candidate{_s(eligible)} for {remaining} "
                    f"place{'s' if remaining != 1 else ''} (4.3, 5.5.1)"
                )
                if doomed:
                    why = (
                        f"With {self._names(sorted(doomed))} doomed by the representation "
                        f"rules, {why}"
                    )
                self._fill(eligible, sorted(doomed), why)
                break
            if guarded and len(guarded) == remaining:
                self._fill(
                    sorted(guarded),
                    [c for c in self.continuing if c not in guarded],
                    f"The guarded candidates fill the {remaining} place{'s' if remaining != 1 else ''}"
                    " left (representation rules)",
                )
                break
            if doomed:
                self._exclude(sorted(doomed), doomed=True, why="")
                continue
            if self.pending:
                total = sum(self.totals[c] - self.quota for c in self.pending)
                losers = self._sure_losers(total, guarded)
                if losers is None:
                    self._transfer_surplus()
                    continue
                why = (
                    f"The surplus{'es' if len(self.pending) > 1 else ''} of "
                    f"{self._names(self.pending)} ({_fmt(total)} in all) cannot save "
                    f"{self._names(losers)} from exclusion and "
                    f"{'are' if len(self.pending) > 1 else 'is'} deferred (5.2.2). "
                )
            else:
                losers = self._sure_losers(0, guarded)
                why = ""
                if losers is None:
                    losers = [self._lowest_open(guarded)]
                    passed = sorted(c for c in guarded if self.totals[c] < self.totals[losers[0]])
                    if passed:
                        why = f"{self._names(passed)}, guarded, cannot be excluded. "
            if len(self.continuing) - len(losers) <= remaining:
                # 5.5.1: the proposed exclusion would leave as many continuing as places left.
                rest = [c for c in self.continuing if c not in losers]
                self._fill(
                    rest,
                    losers,
                    f"{why}Excluding {self._names(losers)} would leave as many continuing "
                    "candidates as places (5.5.1)",
                )
                break
            self._exclude(losers, doomed=False, why=why)
        self._formally_exclude_the_rest()
        return self._result()

    def _first_stage(self) -> None:
        # 5.1.1-5.1.5: sort the papers by first preference; a paper with none is invalid (6.9).
        papers = self.papers
        for c in self.continuing:
            papers.receiving[c] = True
        everyone = np.arange(len(papers.weights), dtype=np.int64)
        holders = papers.advance(everyone)
        counts, values = papers.tally(everyone, holders)
        self.blank = counts[-1]
        self.valid = sum(counts[:-1])
        for c in self.continuing:
            self.totals[c] = values[c]
        # 5.1.6: valid vote / (places + 1) to two decimal places; if not exact, add 0.01.
        self.quota = _ceil_div(self.valid * UNIT, self.seats + 1)
        exact = (self.valid * UNIT) % (self.seats + 1) == 0
        invalid = self.blank + self.context.profile.rejected
        note = (
            f"First preferences of {self.valid} valid papers"
            + (f" ({invalid} invalid)" if invalid else "")
            + f". Quota = {self.valid} / ({self.seats} + 1) = "
            + (
                f"{_fmt(self.quota)} exactly"
                if exact
                else f"{_fmt(self.quota - 1)}… taken to two places + 0.01 = {_fmt(self.quota)}"
            )
            + " (5.1.6)."
        )
        self._open_stage()
        note += self._elect_reaching(1)
        self._close_stage("first-preferences", (), {}, note)

    def _transfer_surplus(self) -> None:
        stage = len(self.stages) + 1
        surplus_of = {c: self.totals[c] - self.quota for c in self.pending}
        largest = max(surplus_of.values())
        tied = [c for c in self.pending if surplus_of[c] == largest]
        # 5.2.3: the largest surplus first; if equal, the greatest vote at the first stage or the
        # earliest point where they differed, then lot.
        chosen = (
            tied[0]
            if len(tied) == 1
            else self._break_tie(
                tied, highest=True, stage=stage, purpose="whose surplus first (5.2.3)"
            )
        )
        self.pending.remove(chosen)
        surplus = surplus_of[chosen]
        papers = self.papers
        # 5.3.1-5.3.2: all the papers if the surplus arose at the first stage, otherwise only the
        # last batch received, which gave rise to it.
        batch = self.last_batch[chosen]
        rows = np.flatnonzero((papers.holder == chosen) & (papers.arrival == batch))
        present_papers = int(papers.weights[rows].sum())
        holders = papers.advance(rows)
        counts, values = papers.tally(rows, holders)
        transferable = sum(counts[:-1])
        transferable_value = sum(values[:-1])
        moving = rows[holders >= 0]
        self._open_stage()
        credits = [0] * len(self.names)
        if transferable_value > surplus:
            # 5.3.7: surplus / transferable papers, to two decimal places, remainder ignored.
            value = surplus // transferable
            papers.value[moving] = value
            for c in self.continuing:
                credits[c] = counts[c] * value
            how = (
                f"{transferable} are transferable, worth {_fmt(transferable_value)}, more than "
                f"the surplus, so each passes at {_fmt(surplus)} / {transferable} = "
                f"{_fmt(value)}, remainder ignored (5.3.7)"
            )
        else:
            # 5.3.7: papers worth no more than the surplus pass at their present value.
            for c in self.continuing:
                credits[c] = values[c]
            how = (
                f"{transferable} are transferable, worth {_fmt(transferable_value)}, not more "
                "than the surplus, so each passes at its present value (5.3.7)"
            )
        papers.arrival[rows] = stage
        transfers: dict[int, int] = {}
        for c, credit in enumerate(credits):
            if counts[c] and c in self.continuing:
                self.totals[c] += credit
                transfers[c] = credit
                self.last_batch[c] = stage
        difference = surplus - sum(credits)
        self.totals[chosen] -= surplus
        transfers[chosen] = -surplus
        self.non_transferable += difference
        came = "at the first stage" if batch == 0 else f"at stage {batch}"
        note = (
            f"Surplus of {self.names[chosen]}: {_fmt(surplus + self.quota)} - quota "
            f"{_fmt(self.quota)} = {_fmt(surplus)}. Of the {present_papers} papers received "
            f"{came} (5.3.{1 if batch == 0 else 2}), {how}. Non-transferable difference "
            f"{_fmt(difference)} (5.3.9)."
        )
        note += self._elect_reaching(stage)
        self._close_stage(
            "surplus", (self.names[chosen],), self._decimal(transfers, difference), note
        )

    def _exclude(self, losers: Sequence[int], *, doomed: bool, why: str) -> None:
        papers = self.papers
        for c in losers:
            self.continuing.remove(c)
            self.excluded.append(c)
            papers.receiving[c] = False
        subjects = tuple(self.names[c] for c in losers)
        outgoing = np.zeros(len(self.names) + 1, dtype=np.bool_)
        outgoing[list(losers)] = True
        held = np.flatnonzero(outgoing[papers.holder])
        # 5.4.1: all their papers together, in batches of one value, highest value first.
        batch_values = sorted({int(v) for v in np.unique(papers.value[held])}, reverse=True)
        reason = (
            "doomed: electing them would break a representation rule" if doomed else "fewest votes"
        )
        opening = (
            f"{why}Exclusion of {self._names(losers)} ({reason}"
            + (", excluded together under 5.2.5" if len(losers) > 1 and not doomed else "")
            + ")"
        )
        if not batch_values:
            self._open_stage()
            note = opening + "; they hold no papers." + self._elect_reaching(len(self.stages) + 1)
            self._close_stage(
                "exclusion",
                subjects,
                self._decimal(dict.fromkeys(losers, 0), 0),
                note,
                excluded=losers,
                doomed=losers if doomed else (),
            )
            return
        for number, value in enumerate(batch_values, start=1):
            stage = len(self.stages) + 1
            rows = held[papers.value[held] == value]
            before = papers.holder[rows].copy()
            self._open_stage()
            holders = papers.advance(rows)
            counts, values = papers.tally(rows, holders)
            papers.arrival[rows] = stage
            transfers: dict[int, int] = {}
            for c in losers:
                given = int((papers.weights[rows][before == c]).sum()) * value
                if given:
                    self.totals[c] -= given
                    transfers[c] = -given
            for c in self.continuing:
                if counts[c]:
                    self.totals[c] += values[c]
                    transfers[c] = values[c]
                    self.last_batch[c] = stage
            exhausted = values[-1]
            self.non_transferable += exhausted
            note = (
                (opening + ". " if number == 1 else f"Exclusion of {self._names(losers)}: ")
                + f"batch {number} of {len(batch_values)}, {sum(counts)} papers at "
                f"{_fmt(value)} (5.4.{2 if number == 1 else 11}); {counts[-1]} non-transferable."
            )
            if not self.elected and exhausted:
                # 5.4.8: papers non-transferable before anyone is elected reduce the quota.
                old = self.quota
                active = self.valid * UNIT - self.non_transferable
                self.quota = _ceil_div(active, self.seats + 1)
                if self.quota != old:
                    note += (
                        f" Quota recalculated without the non-transferable vote: "
                        f"{_fmt(active)} / ({self.seats} + 1) = {_fmt(self.quota)} (5.4.8)."
                    )
            note += self._elect_reaching(stage)
            self._close_stage(
                "exclusion",
                subjects,
                self._decimal(transfers, exhausted),
                note,
                excluded=losers if number == 1 else (),
                doomed=losers if doomed and number == 1 else (),
            )
            remaining = self.seats - len(self.elected)
            if remaining == 0 or len(self.continuing) - len(self.doomed) <= remaining:
                # 5.5.2 and 4.3: the count is settled; no further papers are transferred.
                break
            if self.guarded and len(self.guarded) == remaining:
                break

    def _fill(self, winners: Sequence[int], others: Sequence[int], why: str) -> None:
        self._open_stage()
        order = sorted(winners, key=lambda c: (-self.totals[c], self._history_key(c), c))
        for c in order:
            self._elect(c)
        for c in others:
            self.continuing.remove(c)
            self.excluded.append(c)
            self.papers.receiving[c] = False
        note = f"{why}: {self._names(order)} {'are' if len(order) != 1 else 'is'} elected."
        if others:
            note += f" {self._names(others)} {'are' if len(others) > 1 else 'is'} excluded."
        self._close_stage(
            "fill",
            tuple(self.names[c] for c in order),
            {},
            note,
            excluded=others,
            doomed=[c for c in others if c in self.doomed],
        )

    def _formally_exclude_the_rest(self) -> None:
        if not self.continuing or not self.stages:
            return
        rest = list(self.continuing)
        for c in rest:
            self.continuing.remove(c)
            self.excluded.append(c)
        last = self.stages[-1]
        self.stages[-1] = replace(
            last,
            excluded=last.excluded + tuple(self.names[c] for c in rest),
            note=last.note
            + f" All places are filled; {self._names(rest)} "
            + f"{'are' if len(rest) > 1 else 'is'} formally excluded (5.5.2).",
        )

    # Elections ------------------------------------------------------------------------------

    def _elect_reaching(self, stage: int) -> str:
        """Deem elected, in descending order of votes, whoever reaches the mark (5.1.7, 5.3.13)."""
        notes = []
        while len(self.elected) < self.seats:
            remaining = self.seats - len(self.elected)
            _, doomed = self._guard_and_doom()
            active = self._total_active_vote()
            # 5.3.13(a) the quota, or (b) the total active vote / (places not yet filled + 1).
            reached = [
                c
                for c in self.continuing
                if c not in doomed
                and self.totals[c] > 0
                and (self.totals[c] >= self.quota or self.totals[c] * (remaining + 1) >= active)
            ]
            if not reached:
                break
            top = max(self.totals[c] for c in reached)
            tied = sorted(c for c in reached if self.totals[c] == top)
            if len(tied) == 1 or (len(tied) <= remaining and self._all_fit(tied)):
                # Equal votes that all fit: the order among them is only the order of listing.
                for c in sorted(tied, key=lambda c: (self._history_key(c), c)):
                    notes.append(self._elect_note(c, remaining, active))
                    self._elect(c)
                    remaining -= 1
                continue
            # 5.6.2: more equal candidates than places (or than the representation rules allow):
            # the greatest vote at the first stage or the earliest point where they differed.
            groups = self._rank_by_history(tied)
            first = groups[0]
            purpose = "who is deemed elected with equal votes (5.6.2)"
            if len(first) <= remaining and self._all_fit(first):
                for c in first:
                    self.lot.note(stage, purpose, tied, c, "earlier stage")
                    notes.append(self._elect_note(c, remaining, active))
                    self._elect(c)
                    remaining -= 1
                continue
            if len(first) <= remaining:
                # Places remain for them all; only the representation rules choose between them,
                # and the rules of 1997 do not say how: by lot.
                chosen = self.lot.draw(stage, purpose + " within the representation rules", first)
                notes.append(self._elect_note(chosen, remaining, active))
                self._elect(chosen)
                continue
            notes.append(
                f"{self._names(first)} have had equal votes at every stage and there are "
                "fewer places than they; none of them is deemed elected at this stage (5.6.2)."
            )
            break
        return "".join(" " + n for n in notes)

    def _elect_note(self, c: int, remaining: int, active: int) -> str:
        total = self.totals[c]
        if total >= self.quota:
            return f"{self.names[c]} reaches the quota with {_fmt(total)} and is elected."
        return (
            f"{self.names[c]} has {_fmt(total)}, at least the total active vote "
            f"{_fmt(active)} / ({remaining} + 1), and is elected (5.3.13(b))."
        )

    def _elect(self, c: int) -> None:
        self.continuing.remove(c)
        self.elected.append(c)
        self.newly_elected.append(c)
        self.papers.receiving[c] = False
        if self.totals[c] > self.quota:
            self.pending.append(c)

    def _all_fit(self, candidates: Sequence[int]) -> bool:
        if not self.constraints:
            return True
        chosen = set(candidates)
        return self.constraints.feasible(
            set(self.elected) | chosen, [c for c in self.continuing if c not in chosen]
        )

    def _total_active_vote(self) -> int:
        # 5.6.1: the valid vote less the non-transferable vote and the quotas (or votes, if less)
        # of the candidates deemed elected; 6.20: continuing votes plus votes awaiting transfer.
        held = sum(min(self.totals[c], self.quota) for c in self.elected)
        return self.valid * UNIT - self.non_transferable - held

    # Exclusions -----------------------------------------------------------------------------

    def _sure_losers(self, surplus: int, guarded: frozenset[int]) -> list[int] | None:
        """Return the most candidates 5.2.5 lets us exclude together, or None if none may be.

        With `surplus` > 0 this is also the test of 5.2.2: the surpluses are deferred exactly
        when some of the lowest candidates could not, even with every surplus, overtake the
        candidate next above them.
        """
        order = sorted(self.continuing, key=lambda c: self.totals[c])
        votes = [self.totals[c] for c in order]
        remaining = self.seats - len(self.elected)
        cumulative = [0]
        for v in votes:
            cumulative.append(cumulative[-1] + v)
        picked: dict[int, list[int]] = {}
        # 5.2.5(a): enough candidates must remain to fill the places.
        for k in range(len(order) - remaining, 0, -1):
            # 5.2.5(b) and 5.2.2: their votes and the surpluses do not exceed the next above.
            if cumulative[k] + surplus > votes[k]:
                continue
            boundary = votes[k - 1]
            below = [c for c in order[:k] if self.totals[c] < boundary]
            if any(c in guarded for c in below):
                continue
            level = [c for c in order if self.totals[c] == boundary and c not in guarded]
            wanted = k - len(below)
            if len(level) < wanted:
                continue
            if wanted < len(level):
                # Equal votes straddle the cut: only possible with no surplus, for the lowest.
                level = self._fewest_first(level, wanted, picked)
            losers = below + level[:wanted]
            if self.constraints and not self.constraints.feasible(
                self.elected, [c for c in self.continuing if c not in losers]
            ):
                continue
            return losers
        return None

    def _lowest_open(self, guarded: frozenset[int]) -> int:
        """Return the lowest continuing candidate who is not guarded (Hill's rule)."""
        open_ = [c for c in self.continuing if c not in guarded]
        if not open_:
            raise CountError(
                "the representation rules guard every continuing candidate; none can be excluded"
            )
        lowest = min(self.totals[c] for c in open_)
        tied = [c for c in open_ if self.totals[c] == lowest]
        return self._fewest_first(tied, 1, {})[0]

    def _fewest_first(
        self, tied: Sequence[int], wanted: int, cache: dict[int, list[int]]
    ) -> list[int]:
        """Order equal candidates for exclusion as far as needed: 5.2.5, look-back then lot."""
        key = self.totals[tied[0]]
        order = cache.setdefault(key, [])
        stage = len(self.stages) + 1
        while len(order) < wanted:
            left = sorted(c for c in tied if c not in order)
            if len(left) == 1:
                order.append(left[0])
                continue
            order.append(
                self._break_tie(left, highest=False, stage=stage, purpose="whom to exclude (5.2.5)")
            )
        return order + sorted(c for c in tied if c not in order)

    # Ties -----------------------------------------------------------------------------------

    def _history_key(self, c: int) -> tuple[int, ...]:
        # Sorting by this puts the greatest vote at the earliest stage where they differ first.
        return tuple(-totals[c] for totals in self.history)

    def _rank_by_history(self, tied: Sequence[int]) -> list[list[int]]:
        """Group equal candidates from the greatest earliest vote down; groups never differed."""
        groups: dict[tuple[int, ...], list[int]] = {}
        for c in sorted(tied):
            groups.setdefault(self._history_key(c), []).append(c)
        return [groups[k] for k in sorted(groups)]

    def _break_tie(self, tied: Sequence[int], *, highest: bool, stage: int, purpose: str) -> int:
        """Choose among equal candidates by the first stage where they differed, then by lot."""
        left = sorted(tied)
        for totals in self.history:
            best = max(totals[c] for c in left) if highest else min(totals[c] for c in left)
            left = [c for c in left if totals[c] == best]
            if len(left) == 1:
                self.lot.note(stage, purpose, tied, left[0], "earlier stage")
                return left[0]
        return self.lot.draw(stage, purpose, left)

    # Representation rules -------------------------------------------------------------------

    def _guard_and_doom(self) -> tuple[frozenset[int], frozenset[int]]:
        if not self.constraints:
            return frozenset(), frozenset()
        guarded, doomed = self.constraints.guard_and_doom(self.elected, self.continuing)
        self.guarded, self.doomed = guarded, doomed
        for c in self.continuing:
            # A doomed candidate can never be elected, so receives no more papers (Hill).
            self.papers.receiving[c] = c not in doomed
        return guarded, doomed

    # Stages ---------------------------------------------------------------------------------

    def _open_stage(self) -> None:
        self.newly_elected = []

    def _close_stage(
        self,
        action: Action,
        subjects: tuple[str, ...],
        transfers: dict[str, Decimal],
        note: str,
        *,
        excluded: Iterable[int] = (),
        doomed: Iterable[int] = (),
    ) -> None:
        number = len(self.stages) + 1
        guarded, _ = self._guard_and_doom()
        self.history.append(tuple(self.totals))
        self.stages.append(
            Stage(
                number=number,
                action=action,
                subjects=subjects,
                totals={self.names[c]: to_decimal(self.totals[c], PLACES) for c in self._shown()},
                non_transferable=to_decimal(self.non_transferable, PLACES),
                transfers=transfers,
                elected=tuple(self.names[c] for c in self.newly_elected),
                excluded=tuple(self.names[c] for c in excluded),
                guarded=tuple(self.names[c] for c in sorted(guarded)),
                doomed=tuple(self.names[c] for c in doomed),
                quota=to_decimal(self.quota, PLACES),
                note=note,
            )
        )

    def _shown(self) -> tuple[int, ...]:
        return self.context.standing

    def _decimal(self, transfers: dict[int, int], non_transferable: int) -> dict[str, Decimal]:
        shown = {self.names[c]: to_decimal(v, PLACES) for c, v in sorted(transfers.items())}
        shown[""] = to_decimal(non_transferable, PLACES)
        return shown

    def _names(self, candidates: Iterable[int]) -> str:
        return join_words([self.names[c] for c in candidates])

    def _result(self) -> CountResult:
        return self.context.result(
            method="ers97-stv",
            rule_version=RULE_VERSION,
            places=PLACES,
            valid=self.valid,
            blank=self.blank,
            quota=to_decimal(self.quota, PLACES),
            elected=self.elected,
            stages=self.stages,
        )
