"""The block vote ("vote for up to N"), with the substitution rule Labour used for its NEC and NPF.

Each valid ballot gives one vote to every standing candidate it marks; the N candidates with most
votes win. A ballot that marks more candidates than there are seats is void (an over-vote), as is a
ballot that marks no standing candidate. Equal votes are separated by lot wherever the order matters.

Representation rules are applied afterwards by substitution, as the Labour Party's procedural rules
for elections to national committees did from 2010 to 2018: while the winners break a rule, the
lowest-placed winner who can give way is replaced by the highest-placed candidate not elected who
can take the place. See docs/counting/block.md for the exact algorithm.
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
    profile = context.profile
    names = context.names
    places = min(context.seats, len(context.standing))
    votes, valid, blank, over = _tally(context)
    invalid = blank + over + profile.rejected

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

    # A winner's place in the order of votes: first-stage winners in their (lot-settled) order,
    # then substitutes in the order they took their seats. Lower is higher placed.
    rank = {c: i for i, c in enumerate(winners)}
    current = list(winners)
    fixed: set[int] = set()
    removed: set[int] = set()
    while context.constraints and context.constraints.violations(current):
        stage_number = len(stages) + 1
        rule, out, into = _substitution(context, current, rank, fixed, removed, votes, stage_number)
        current[current.index(out)] = into
        fixed.add(into)
        removed.add(out)
        rank[into] = len(rank)
        stages.append(
            Stage(
                number=stage_number,
                action="substitution",
                subjects=(names[out], names[into]),
                totals=totals,
                non_transferable=_dec(0),
                elected=(names[into],),
                excluded=(names[out],),
                note=_substitution_note(names, votes, out, into, rule, places),
            )
        )

    elected = sorted(current, key=lambda c: (-votes[c], rank[c]))
    return CountResult(
        method="block",
        rule_version=RULE_VERSION,
        title=profile.title,
        seats=context.seats,
        candidates=names,
        withdrawn=tuple(names[c] for c in sorted(profile.withdrawn)),
        valid=valid,
        invalid=invalid,
        quota=None,
        elected=tuple(names[c] for c in elected),
        stages=tuple(stages),
        tie_breaks=tuple(context.lot.record),
        seed=context.lot.seed,
        constraints=context.rules.constraints,
        attributes=context.rules.attributes,
        places=0,
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
    start = 0
    while len(winners) < places:
        end = start
        while end < len(order) and votes[order[end]] == votes[order[start]]:
            end += 1
        tied = list(order[start:end])
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
        start = end
    return winners


def _substitution(
    context: CountContext,
    current: Sequence[int],
    rank: dict[int, int],
    fixed: set[int],
    removed: set[int],
    votes: Sequence[int],
    stage: int,
) -> tuple[Constraint, int, int]:
    """Choose the next replacement: (the rule it serves, the winner who gives way, the substitute).

    The first broken rule, in the order the rules are given, is served. The winners who may give
    way are those elected at the first stage and not yet replaced whom that rule would rather not
    have (outside its group for a minimum, inside it for a maximum), lowest placed first; for each
    of them the substitutes are the candidates never elected whom the rule wants, highest placed
    first. The first pair after which every rule can still be met, keeping every substitute so far
    and leaving out every winner replaced so far, is taken.
    """
    constraints = context.constraints
    rule, group = next(
        (c, g)
        for c, g in zip(constraints.constraints, constraints.members, strict=True)
        if _breaks(c, g, current)
    )
    wants_more = len(group.intersection(current)) < rule.minimum

    def wanted(c: int) -> bool:
        return (c in group) == wants_more

    outs = sorted((c for c in current if c not in fixed and not wanted(c)), key=lambda c: -rank[c])
    ins = sorted(
        (c for c in context.standing if c not in current and c not in removed and wanted(c)),
        key=lambda c: (-votes[c], c),
    )
    for out in outs:
        open_ = [c for c in context.standing if c not in removed and c not in fixed and c != out]
        possible = [
            c for c in ins if constraints.feasible(fixed | {c}, [o for o in open_ if o != c])
        ]
        if not possible:
            continue
        best = [c for c in possible if votes[c] == votes[possible[0]]]
        if len(best) == 1:
            return rule, out, best[0]
        purpose = (
            f"which of the candidates with {votes[best[0]]:,} votes each replaces "
            f"{context.names[out]}"
        )
        return rule, out, context.lot.draw(stage, purpose, best)
    # Unreachable while the rules could be met at the start: some valid set of winners keeps
    # every substitute and none of the replaced, and it differs from the current winners by at
    # least one swap of exactly the kind searched for above (see docs/counting/block.md).
    raise AssertionError(f"no substitution can satisfy {rule.label()}")


def _breaks(rule: Constraint, group: frozenset[int], winners: Sequence[int]) -> bool:
    n = len(group.intersection(winners))
    return n < rule.minimum or (rule.maximum is not None and n > rule.maximum)


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
    names: Sequence[str],
    votes: Sequence[int],
    out: int,
    into: int,
    rule: Constraint,
    places: int,
) -> str:
    if rule.maximum is not None and rule.minimum == 0:
        bound = f"at most {rule.maximum}"
    elif rule.maximum is None:
        bound = f"at least {rule.minimum}"
    else:
        bound = f"between {rule.minimum} and {rule.maximum}"
    return (
        f"{names[into]} ({votes[into]:,} votes) replaces {names[out]} ({votes[out]:,} votes) "
        f"so that {bound} of the {places} elected have {rule.attribute}={rule.value}"
    )


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
