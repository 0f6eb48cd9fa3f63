"""The block vote ("vote for up to N"), with the substitution rule Labour used for its NEC and NPF.

Each valid ballot gives one vote to every standing candidate it marks; the N candidates with most
votes win. A ballot that marks more candidates than there are seats is void (an over-vote), as is a
ballot that marks no standing candidate. Equal votes are separated by lot wherever the order matters.

Representation rules are applied afterwards by substitution, as the Labour Party's procedural rules
for elections to national committees did from 2010 to 2018: the lowest-placed winners whom a rule
cannot keep are replaced, one at a time, by the highest-placed candidates not elected whom it
needs. With several rules the winners are found by going down the candidates in order of votes and
keeping each one unless that would leave the rules impossible to meet; for a single rule this is
exactly Labour's substitution. See docs/counting/block.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import numpy as np

from hustings.counting.context import CountContext
from hustings.counting.fixed import to_decimal
from hustings.counting.result import CountResult, Stage
from hustings.counting.rules import Constraint

__all__ = ["RULE_VERSION", "count_block"]

RULE_VERSION = "Block vote with Labour NEC/NPF gender substitution (2010-2018)"


def count_block(context: CountContext) -> CountResult:
    """Count a block vote and apply the representation rules by substitution."""
    names = context.names
    places = min(context.seats, len(context.standing))
    votes, valid, blank, over = _tally(context)

    order = sorted(context.standing, key=lambda c: (-votes[c], c))
    winners = _first_winners(context, order, votes, places)
    totals = {names[c]: _dec(votes[c]) for c in context.standing}
    stages = [
        Stage(
            number=1,
            action="first-preferences",
            subjects=(),
            totals=totals,
            non_transferable=_dec(0),
            elected=tuple(names[c] for c in winners),
            note=_first_note(context, valid, blank, over, places),
        )
    ]

    final = winners
    if context.constraints and context.constraints.violations(winners):
        final = _within_rules(context, order, votes, winners, places)
        current = list(winners)
        for out, into in _exchanges(context, winners, final):
            before = list(current)
            current[current.index(out)] = into
            stages.append(
                Stage(
                    number=len(stages) + 1,
                    action="substitution",
                    subjects=(names[out], names[into]),
                    totals=totals,
                    non_transferable=_dec(0),
                    elected=(names[into],),
                    excluded=(names[out],),
                    note=_substitution_note(context, votes, out, into, before, places),
                )
            )

    return context.result(
        method="block",
        rule_version=RULE_VERSION,
        places=0,
        valid=valid,
        blank=blank + over,
        quota=None,
        elected=final,
        stages=stages,
    )


def _dec(value: int) -> Decimal:
    return to_decimal(value, 0)


def _tally(context: CountContext) -> tuple[list[int], int, int, int]:
    """Return (votes per candidate, valid ballots, ballots marking no one standing, over-votes)."""
    profile = context.profile
    rankings = profile.rankings
    weights = profile.weights
    n = len(profile.candidates)
    standing = np.zeros(n + 1, dtype=bool)
    standing[list(context.standing)] = True
    # Index n stands for the padding (-1), so that one lookup covers every cell.
    cells = np.where(rankings >= 0, rankings, n)
    marks = (rankings >= 0).sum(axis=1)
    marks_standing = standing[cells].sum(axis=1)
    # The voter may mark up to N names on the paper; marking a withdrawn name still uses one.
    over_rows = marks > context.seats
    blank_rows = ~over_rows & (marks_standing == 0)
    valid_rows = ~over_rows & ~blank_rows
    totals = np.zeros(n + 1, dtype=np.int64)
    for column in range(cells.shape[1]):
        np.add.at(totals, cells[valid_rows, column], weights[valid_rows])
    votes = [int(v) if standing[c] else 0 for c, v in enumerate(totals[:n].tolist())]
    return (
        votes,
        int(weights[valid_rows].sum()),
        int(weights[blank_rows].sum()),
        int(weights[over_rows].sum()),
    )


def _first_winners(
    context: CountContext, order: Sequence[int], votes: Sequence[int], places: int
) -> list[int]:
    """Return the N highest in order of votes, drawing lots among equal votes where order counts."""
    winners: list[int] = []
    for tied in _equal_votes(order, votes):
        # A group of equal votes either fits within the seats (the draw settles only its order,
        # which decides who is lowest placed if a substitution is needed) or straddles the last
        # seat (the draw decides who takes the seats that are left). Names are drawn one at a time.
        while tied and len(winners) < places:
            if len(tied) == 1:
                winners.append(tied.pop())
                break
            purpose = (
                f"which of the candidates with {votes[tied[0]]:,} votes each is placed "
                f"{_ordinal(len(winners) + 1)}"
            )
            chosen = context.lot.draw(1, purpose, tied)
            tied.remove(chosen)
            winners.append(chosen)
        if len(winners) == places:
            break
    return winners


def _equal_votes(order: Sequence[int], votes: Sequence[int]) -> list[list[int]]:
    """Split candidates in order of votes into groups with equal votes."""
    groups: list[list[int]] = []
    for c in order:
        if groups and votes[groups[-1][0]] == votes[c]:
            groups[-1].append(c)
        else:
            groups.append([c])
    return groups


def _within_rules(
    context: CountContext,
    order: Sequence[int],
    votes: Sequence[int],
    winners: Sequence[int],
    places: int,
) -> list[int]:
    """Return the winners within the rules, in order of votes: the best-placed set that meets them.

    Going down the candidates in order of votes (the first-stage winners in their drawn order
    first), each is kept unless keeping them would leave the rules impossible to meet with the
    candidates below. Among candidates not elected at the first stage with equal votes, the next to
    be considered is drawn by lot when more than one could be kept.
    """
    constraints = context.constraints
    stage = 2
    chosen: list[int] = []
    below = [c for c in order if c not in winners]
    placing = [[c] for c in winners] + _equal_votes(below, votes)
    remaining = set(order)
    for tied in placing:
        while tied and len(chosen) < places:
            remaining.difference_update(tied)
            keepable = [
                c for c in tied if constraints.feasible([*chosen, c], remaining | (set(tied) - {c}))
            ]
            if not keepable:
                break
            if len(keepable) == 1:
                pick = keepable[0]
            else:
                purpose = (
                    f"which of the candidates with {votes[keepable[0]]:,} votes each "
                    "is considered first for a place"
                )
                pick = context.lot.draw(stage, purpose, keepable)
            chosen.append(pick)
            tied.remove(pick)
            remaining.update(tied)
        if len(chosen) == places:
            break
    return chosen


def _exchanges(
    context: CountContext, winners: Sequence[int], final: Sequence[int]
) -> list[tuple[int, int]]:
    """Pair each winner who gives way with a substitute, lowest-placed winner first.

    Each leaving winner is paired with the highest-placed substitute left whose arrival takes no
    rule further from being met, or failing that the highest-placed substitute left.
    """
    rules = list(zip(context.constraints.constraints, context.constraints.members, strict=True))
    outs = [c for c in reversed(winners) if c not in final]
    ins = [c for c in final if c not in winners]
    current = list(winners)
    pairs = []
    for out in outs:
        harmless = [c for c in ins if not _worsens(rules, current, out, c)]
        into = harmless[0] if harmless else ins[0]
        ins.remove(into)
        current[current.index(out)] = into
        pairs.append((out, into))
    return pairs


def _worsens(
    rules: Sequence[tuple[Constraint, frozenset[int]]], winners: list[int], out: int, into: int
) -> bool:
    """Say whether replacing `out` by `into` takes any rule further from being met."""
    after = [into if c == out else c for c in winners]
    return any(_shortfall(c, g, after) > _shortfall(c, g, winners) for c, g in rules)


def _shortfall(rule: Constraint, group: frozenset[int], winners: Sequence[int]) -> int:
    """Return how many winners would have to change for this rule to hold."""
    n = len(group.intersection(winners))
    over = 0 if rule.maximum is None else max(0, n - rule.maximum)
    return max(0, rule.minimum - n) + over


def _first_note(context: CountContext, valid: int, blank: int, over: int, places: int) -> str:
    parts = [f"{valid:,} valid ballot{'' if valid == 1 else 's'}"]
    if over:
        parts.append(
            f"{over:,} void for marking more than {context.seats} candidate"
            f"{'' if context.seats == 1 else 's'}"
        )
    if blank and context.profile.withdrawn:
        parts.append(f"{blank:,} void for marking no candidate who stands")
    elif blank:
        parts.append(f"{blank:,} blank")
    if context.profile.rejected:
        parts.append(f"{context.profile.rejected:,} rejected before the count")
    seats = f"the {places} candidate{'' if places == 1 else 's'} with most votes"
    return "; ".join(parts) + f". Elected: {seats}."


def _substitution_note(
    context: CountContext,
    votes: Sequence[int],
    out: int,
    into: int,
    before: Sequence[int],
    places: int,
) -> str:
    names = context.names
    after = [into if c == out else c for c in before]
    served = [
        _bound(rule, places)
        for rule, group in zip(
            context.constraints.constraints, context.constraints.members, strict=True
        )
        if _shortfall(rule, group, after) < _shortfall(rule, group, before)
    ]
    why = (
        "so that " + " and ".join(served)
        if served
        else "so that the rules can all be met ("
        + "; ".join(c.label() for c in context.constraints.constraints)
        + ")"
    )
    return (
        f"{names[into]} ({votes[into]:,} votes) replaces {names[out]} ({votes[out]:,} votes) {why}"
    )


def _bound(rule: Constraint, places: int) -> str:
    if rule.maximum is None:
        bound = f"at least {rule.minimum}"
    elif rule.minimum == 0:
        bound = f"at most {rule.maximum}"
    else:
        bound = f"between {rule.minimum} and {rule.maximum}"
    return f"{bound} of the {places} elected have {rule.attribute}={rule.value}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
