"""Scottish STV: The Scottish Local Government Elections Order 2007 (SSI 2007/42), rules 45-52.

Every value is an integer number of 10**-5 votes, as rule 48(3) prescribes five decimal places
with any remainder ignored. A surplus is transferred from *all* the papers the elected candidate
holds (rule 48(1)), each at surplus x its value when received / the candidate's total (rule 48(3)).
An excluded candidate's papers all pass in one stage at the values at which they were received
(rule 50(4)). Representation rules are applied by guarding and dooming (I.D. Hill, Voting matters
9); docs/counting/scottish-stv.md sets out the order of operations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from hustings.counting.context import CountContext, join_words, order_by_votes
from hustings.counting.fixed import scale, to_decimal
from hustings.counting.methods.parcels import Movement, Parcels, Revaluation
from hustings.counting.result import Action, CountResult, Stage

__all__ = ["PLACES", "RULE_VERSION", "count_scottish"]

RULE_VERSION = "SSI 2007/42 rules 45-52"
PLACES = 5
UNIT = scale(PLACES)


def count_scottish(context: CountContext) -> CountResult:
    """Count the ballots by Scottish STV and return the full result."""
    return _ScottishCount(context).run()


def _fmt(value: int) -> str:
    return str(to_decimal(value, PLACES))


class _ScottishCount:
    """The state of one Scottish STV count, advanced stage by stage."""

    def __init__(self, context: CountContext) -> None:
        self.context = context
        self.names = context.names
        self.seats = context.seats
        self.constraints = context.constraints
        self.lot = context.lot
        self.parcels = Parcels(context.profile, context.standing, UNIT)
        self.totals = [0] * len(self.names)
        self.continuing: list[int] = list(context.standing)
        self.elected: list[int] = []
        self.excluded: list[int] = []
        #: Elected candidates whose surplus has not yet been transferred.
        self.pending: list[int] = []
        #: Value of papers with no further continuing preference, and value lost to truncation.
        self.exhausted = 0
        self.lost = 0
        self.quota = 0
        self.valid = 0
        self.blank = 0
        #: Every candidate's total at the end of each stage, for the look-back of rules 49 and 51.
        self.history: list[tuple[int, ...]] = []
        self.stages: list[Stage] = []

    # The count ----------------------------------------------------------------------------

    def run(self) -> CountResult:
        """Carry out the whole count and return its result."""
        self._first_stage()
        while len(self.elected) < self.seats and self.continuing:
            if self._fill_last_vacancies():
                break
            doomed = self._doomed()
            if doomed:
                self._exclude(doomed, doomed=True)
            elif self.pending:
                self._transfer_surplus()
            else:
                lowest, spared = self._lowest()
                self._exclude([lowest], doomed=False, spared=spared)
        return self._result()

    def _first_stage(self) -> None:
        # Rule 45: sort the valid papers by first preference and credit one vote for each.
        first = self.parcels.first_preferences()
        self.blank = first.exhausted_papers
        self.valid = sum(first.papers[:-1])
        for c in self.continuing:
            self.totals[c] = first.values[c]
        # Rule 46: the quota is the valid papers divided by seats + 1, decimals ignored, plus one.
        self.quota = (self.valid // (self.seats + 1) + 1) * UNIT
        invalid = self.blank + self.context.profile.rejected
        note = (
            f"First preferences of {self.valid} valid ballot papers"
            + (f" ({invalid} invalid)" if invalid else "")
            + f". Quota = {self.valid} / ({self.seats} + 1), decimals ignored, + 1 = "
            f"{self.quota // UNIT} (rule 46)."
        )
        self._close_stage("first-preferences", (), {}, note)

    def _transfer_surplus(self) -> None:
        stage = len(self.stages) + 1
        largest = max(self.totals[c] for c in self.pending)
        tied = [c for c in self.pending if self.totals[c] == largest]
        # Rule 49(1): the highest surplus first; 49(2)-(3): equal surpluses by look-back, then lot.
        elected = (
            tied[0]
            if len(tied) == 1
            else self._break_tie(tied, highest=True, stage=stage, purpose="which surplus first")
        )
        self.pending.remove(elected)
        total = self.totals[elected]
        surplus = total - self.quota
        # Rule 48(1): all the papers the candidate holds are sorted by next available preference.
        rows = self.parcels.rows_of([elected])
        # Rule 48(3)-(4): each paper's transfer value is surplus x its value when received,
        # divided by the candidate's total, to five decimal places with any remainder ignored.
        changes = self.parcels.revalue(rows, lambda value: value * surplus // total)
        moved = self.parcels.move_on(rows, stage)
        lost = surplus - moved.transferred_value - moved.exhausted_value
        self.lost += lost
        self.exhausted += moved.exhausted_value
        self.totals[elected] = self.quota
        transfers = self._credit(moved)
        transfers[self.names[elected]] = -surplus
        transfers[""] = moved.exhausted_value + lost
        note = (
            f"Surplus of {self.names[elected]}: {_fmt(total)} - quota {_fmt(self.quota)} = "
            f"{_fmt(surplus)}. All {sum(r.papers for r in changes)} of their papers are sorted by "
            f"next available preference (rule 48(1)); each passes at its value x {_fmt(surplus)}"
            f" / {_fmt(total)}, remainder ignored (rule 48(3)): {_revaluations(changes)}. "
            + _non_transferable(moved, lost)
            + self._non_transferable_so_far()
        )
        self._close_stage("surplus", (self.names[elected],), transfers, note)

    def _exclude(
        self, candidates: Sequence[int], *, doomed: bool, spared: Sequence[int] = ()
    ) -> None:
        stage = len(self.stages) + 1
        for c in candidates:
            self.continuing.remove(c)
            self.excluded.append(c)
        self.parcels.stop_continuing(candidates)
        # Rule 50(2)-(4): all the excluded candidate's papers pass to the next available
        # preference, each at the value at which it was received (one, if a first preference).
        rows = self.parcels.rows_of(candidates)
        moved = self.parcels.move_on(rows, stage)
        out = sum(self.totals[c] for c in candidates)
        self.exhausted += moved.exhausted_value
        transfers = self._credit(moved)
        for c in candidates:
            if self.totals[c]:
                transfers[self.names[c]] = -self.totals[c]
            self.totals[c] = 0
        if moved.exhausted_value:
            transfers[""] = moved.exhausted_value
        names = [self.names[c] for c in candidates]
        if doomed:
            why = (
                f"{join_words(names)} cannot be elected without breaking a representation rule and "
                f"{'is' if len(names) == 1 else 'are'} excluded"
            )
        elif spared:
            why = (
                f"{join_words([self.names[c] for c in spared])}, with fewer votes, "
                f"{'is' if len(spared) == 1 else 'are'} guarded by a representation rule, so "
                f"{names[0]}, with the fewest votes of the others ({_fmt(out)}), is excluded"
            )
        else:
            why = f"{names[0]} has the fewest votes ({_fmt(out)}) and is excluded (rule 50(1))"
        note = (
            f"{why}; {moved.exhausted_papers + sum(moved.papers[:-1])} papers worth {_fmt(out)}"
            " pass on at the values at which they were received (rule 50(4)). "
            + _non_transferable(moved, 0)
            + self._non_transferable_so_far()
        )
        self._close_stage(
            "exclusion",
            tuple(names),
            transfers,
            note,
            excluded=tuple(names),
            doomed=tuple(names) if doomed else (),
        )

    def _fill_last_vacancies(self) -> bool:
        left = self.seats - len(self.elected)
        if len(self.continuing) <= left:
            # Rule 52: the continuing candidates equal the vacancies; no further transfer.
            chosen = list(self.continuing)
            note = (
                f"The {len(chosen)} continuing candidate{'s' if len(chosen) != 1 else ''} "
                f"fill{'' if len(chosen) != 1 else 's'} the {left} remaining "
                f"vacanc{'ies' if left != 1 else 'y'} and "
                f"{'are' if len(chosen) != 1 else 'is'} deemed elected (rule 52(1)); no further "
                "transfer is made (rule 52(2))."
            )
        else:
            guarded, _ = self.constraints.guard_and_doom(self.elected, self.continuing)
            if not guarded or len(guarded) != left:
                return False
            chosen = sorted(guarded)
            note = (
                f"Only {join_words([self.names[c] for c in chosen])} can fill the {left} remaining "
                f"vacanc{'ies' if left != 1 else 'y'} within the representation rules; they are "
                "elected without further transfer."
            )
        chosen.sort(key=lambda c: (-self.totals[c], c))
        for c in chosen:
            self._elect(c)
        self._close_stage(
            "fill", tuple(self.names[c] for c in chosen), {}, note, filled=tuple(chosen)
        )
        return True

    # Decisions ------------------------------------------------------------------------------

    def _doomed(self) -> list[int]:
        if not self.constraints:
            return []
        _, doomed = self.constraints.guard_and_doom(self.elected, self.continuing)
        return sorted(doomed)

    def _lowest(self) -> tuple[int, list[int]]:
        """Return whom rule 50 excludes, and the guarded candidates passed over to get there."""
        stage = len(self.stages) + 1
        guarded: frozenset[int] = frozenset()
        if self.constraints:
            guarded, _ = self.constraints.guard_and_doom(self.elected, self.continuing)
        open_to_exclusion = [c for c in self.continuing if c not in guarded]
        lowest = min(self.totals[c] for c in open_to_exclusion)
        tied = [c for c in open_to_exclusion if self.totals[c] == lowest]
        spared = [c for c in guarded if self.totals[c] < lowest]
        spared.sort(key=lambda c: (self.totals[c], c))
        if len(tied) == 1:
            return tied[0], spared
        # Rule 51(2): the lowest at the most recent earlier stage where they differed, then lot.
        chosen = self._break_tie(tied, highest=False, stage=stage, purpose="whom to exclude")
        return chosen, spared

    def _break_tie(self, tied: Sequence[int], *, highest: bool, stage: int, purpose: str) -> int:
        """Resolve a tie by the most recent earlier stage at which the totals differed, then lot.

        Where three or more are tied and an earlier stage separates only some of them, the ones
        still level (highest or lowest, as the rule asks) are compared at the stages before that,
        so that a later stage always takes precedence over an earlier one.
        """
        remaining = sorted(tied)
        # history[-1] is the stage at whose end they are tied; look at the stages before it.
        for past in reversed(self.history[:-1]):
            values = [past[c] for c in remaining]
            if len(set(values)) > 1:
                target = max(values) if highest else min(values)
                remaining = [c for c, v in zip(remaining, values, strict=True) if v == target]
                if len(remaining) == 1:
                    self.lot.note(stage, purpose, tied, remaining[0], "earlier stage")
                    return remaining[0]
        return self.lot.draw(stage, purpose, remaining)

    def _elect_reaching_quota(self, stage: int) -> list[int]:
        # Rule 47(1): a candidate whose votes equal or exceed the quota is deemed elected.
        reached = [c for c in self.continuing if self.totals[c] >= self.quota]
        elected = []
        for c in self._by_votes(reached, stage):
            if len(self.elected) == self.seats:
                break
            if self.constraints:
                _, doomed = self.constraints.guard_and_doom(self.elected, self.continuing)
                if c in doomed:
                    continue
            self._elect(c)
            elected.append(c)
        return elected

    def _by_votes(self, candidates: list[int], stage: int) -> list[int]:
        return order_by_votes(
            candidates,
            lambda c: int(self.totals[c]),
            constrained=bool(self.constraints),
            break_tie=lambda top: self._break_tie(
                top, highest=True, stage=stage, purpose="order of election"
            ),
        )

    def _elect(self, candidate: int) -> None:
        self.continuing.remove(candidate)
        self.elected.append(candidate)
        self.parcels.stop_continuing([candidate])
        if self.totals[candidate] > self.quota:
            self.pending.append(candidate)

    # Records --------------------------------------------------------------------------------

    def _credit(self, moved: Movement) -> dict[str, int]:
        transfers: dict[str, int] = {}
        for c in self.continuing:
            if moved.values[c]:
                self.totals[c] += moved.values[c]
                transfers[self.names[c]] = moved.values[c]
        return transfers

    def _close_stage(
        self,
        action: Action,
        subjects: tuple[str, ...],
        transfers: dict[str, int],
        note: str,
        *,
        excluded: tuple[str, ...] = (),
        doomed: tuple[str, ...] = (),
        filled: tuple[int, ...] = (),
    ) -> None:
        number = len(self.stages) + 1
        self.history.append(tuple(self.totals))
        newly = list(filled) or self._elect_reaching_quota(number)
        if not filled:
            note = _join_sentences(note, self._election_note(newly))
        guarded: Iterable[int] = ()
        doomed_now: Iterable[int] = ()
        if self.constraints and self.continuing and len(self.elected) < self.seats:
            guarded, doomed_now = self.constraints.guard_and_doom(self.elected, self.continuing)
        self.stages.append(
            Stage(
                number=number,
                action=action,
                subjects=subjects,
                totals={self.names[c]: self._dec(self.totals[c]) for c in self.context.standing},
                non_transferable=self._dec(self.exhausted + self.lost),
                rounding_loss=self._dec(self.lost),
                transfers={name: self._dec(v) for name, v in transfers.items()},
                elected=tuple(self.names[c] for c in newly),
                excluded=excluded,
                guarded=tuple(self.names[c] for c in sorted(guarded)),
                doomed=doomed + tuple(self.names[c] for c in sorted(doomed_now)),
                quota=self._dec(self.quota),
                note=note,
            )
        )

    def _election_note(self, newly: list[int]) -> str:
        parts = []
        if newly:
            names = join_words([f"{self.names[c]} ({_fmt(self.totals[c])})" for c in newly])
            verb = "reaches" if len(newly) == 1 else "reach"
            parts.append(f"{names} {verb} the quota and {_is_are(newly)} elected (rule 47(1)).")
        blocked = [c for c in self.continuing if self.totals[c] >= self.quota]
        if blocked and len(self.elected) < self.seats:
            names = join_words([self.names[c] for c in blocked])
            parts.append(
                f"{names} {'has' if len(blocked) == 1 else 'have'} the quota but cannot be "
                "elected without breaking a representation rule."
            )
        return " ".join(parts)

    def _non_transferable_so_far(self) -> str:
        return (
            f" Non-transferable so far: {_fmt(self.exhausted)} on exhausted papers and "
            f"{_fmt(self.lost)} lost by ignoring remainders."
        )

    def _dec(self, value: int) -> Decimal:
        return to_decimal(value, PLACES)

    def _result(self) -> CountResult:
        return self.context.result(
            method="scottish-stv",
            rule_version=RULE_VERSION,
            places=PLACES,
            valid=self.valid,
            blank=self.blank,
            quota=self._dec(self.quota),
            elected=self.elected,
            stages=self.stages,
        )


def _revaluations(changes: list[Revaluation]) -> str:
    return "; ".join(
        f"{r.papers} paper{'s' if r.papers != 1 else ''} at {_fmt(r.old)} pass at {_fmt(r.new)}"
        for r in changes
    )


def _non_transferable(moved: Movement, lost: int) -> str:
    if moved.exhausted_papers == 0:
        parts = ["Every paper names a further continuing candidate"]
    else:
        parts = [
            f"{moved.exhausted_papers} paper{'s' if moved.exhausted_papers != 1 else ''} with no "
            f"further preference for a continuing candidate ({_fmt(moved.exhausted_value)}) "
            f"{'is' if moved.exhausted_papers == 1 else 'are'} non-transferable"
        ]
    if lost:
        parts.append(f"{_fmt(lost)} is lost by ignoring remainders")
    return "; ".join(parts) + "."


def _join_sentences(first: str, second: str) -> str:
    return f"{first} {second}" if second else first


def _is_are(items: Sequence[object]) -> str:
    return "is" if len(items) == 1 else "are"
