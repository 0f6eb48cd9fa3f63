"""Properties every counting method must have, checked by Hypothesis on small random elections."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, combinations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hustings.counting import (
    METHODS,
    Constraint,
    ConstraintSet,
    CountResult,
    InfeasibleConstraints,
    Method,
    Profile,
    Rules,
    Stage,
    count,
)

STV: tuple[Method, ...] = tuple(m for m in METHODS if m != "block")
NAMES = ("Ann", "Bashir", "Cath", "Dev", "Ewa", "Femi", "Gus")
ATTRIBUTE_VALUES = {"gender": ("woman", "man"), "slate": ("Left", "Right", "None")}

PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@dataclass(frozen=True)
class Election:
    """A small election: ballots, seats, who withdrew, and the candidates' attributes."""

    names: tuple[str, ...]
    ballots: tuple[tuple[tuple[int, ...], int], ...]
    seats: int
    withdrawn: frozenset[int] = frozenset()
    rejected: int = 0
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)
    constraints: tuple[Constraint, ...] = ()
    seed: int = 0

    @property
    def standing(self) -> list[int]:
        return [i for i in range(len(self.names)) if i not in self.withdrawn]

    def profile(self) -> Profile:
        return Profile.from_ballots(
            self.names,
            self.ballots,
            seats=self.seats,
            withdrawn=self.withdrawn,
            rejected=self.rejected,
        )

    def rules(self, method: Method) -> Rules:
        return Rules(
            method=method,
            constraints=self.constraints,
            attributes=self.attributes,
            seed=self.seed,
        )

    def rules_can_be_met(self) -> bool:
        """Say, by trying every set of winners, whether the constraints can all be met."""
        places = min(self.seats, len(self.standing))
        for winners in combinations(self.standing, places):
            counts_ok = True
            for c in self.constraints:
                n = sum(
                    1 for w in winners if self.attributes[self.names[w]][c.attribute] == c.value
                )
                if n < c.minimum or (c.maximum is not None and n > c.maximum):
                    counts_ok = False
                    break
            if counts_ok:
                return True
        return False


@st.composite
def elections(draw: st.DrawFn, *, with_constraints: bool = False) -> Election:
    """Draw a small election, with truncated rankings and occasional blanks and withdrawals."""
    n = draw(st.integers(1, len(NAMES)))
    names = NAMES[:n]
    seats = draw(st.integers(1, min(n + 1, 4)))
    rankings = st.lists(st.integers(0, n - 1), unique=True, max_size=n).map(tuple)
    ballots = draw(
        st.lists(st.tuples(rankings, st.integers(1, 30)), min_size=1, max_size=12).map(tuple)
    )
    withdrawn = frozenset(
        draw(st.sets(st.integers(0, n - 1), max_size=max(0, n - 2))) if n > 2 else set()
    )
    rejected = draw(st.integers(0, 3))
    attributes = {
        name: {a: draw(st.sampled_from(values)) for a, values in ATTRIBUTE_VALUES.items()}
        for name in names
    }
    constraints: list[Constraint] = []
    if with_constraints:
        for _ in range(draw(st.integers(1, 2))):
            attribute = draw(st.sampled_from(sorted(ATTRIBUTE_VALUES)))
            value = draw(st.sampled_from(ATTRIBUTE_VALUES[attribute]))
            minimum = draw(st.integers(0, seats))
            maximum = draw(st.none() | st.integers(max(minimum, 0), seats))
            assume(minimum > 0 or maximum is not None)
            constraints.append(Constraint(attribute, value, minimum, maximum))
    seed = draw(st.integers(0, 2**32))
    return Election(
        names, ballots, seats, withdrawn, rejected, attributes, tuple(constraints), seed
    )


def feasible_elections() -> st.SearchStrategy[Election]:
    return elections(with_constraints=True).filter(lambda e: e.rules_can_be_met())


def counted(election: Election, method: Method) -> CountResult:
    return count(election.profile(), election.rules(method))


def standing_marks(ranking: Sequence[int], election: Election) -> list[int]:
    return [c for c in ranking if c not in election.withdrawn]


def at_quota(stage: Stage, result: CountResult) -> set[str]:
    """Return the candidates at or over the stage's quota (none when the quota is zero)."""
    quota = stage.quota if stage.quota is not None else result.quota
    assert quota is not None
    # A zero quota means there are no valid votes: nobody has *reached* anything, and the seats
    # can only be filled by the rules for the last vacancies.
    if quota <= 0:
        return set()
    return {name for name, total in stage.totals.items() if total >= quota}


def methods(*which: Method) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("method", which)


# --- the sheet adds up ----------------------------------------------------------------------------


@methods(*STV)
@PROPERTY
@given(elections())
def test_stv_votes_are_conserved_exactly_at_every_stage(method: Method, election: Election) -> None:
    result = counted(election, method)

    assert result.stages, "a count has at least its first stage"
    for stage in result.stages:
        total = sum(stage.totals.values(), Decimal(0)) + stage.non_transferable
        assert total == result.valid, f"stage {stage.number} ({stage.action})"


@methods("block")
@PROPERTY
@given(elections())
def test_block_votes_are_the_marks_on_the_valid_ballots(method: Method, election: Election) -> None:
    result = counted(election, method)

    # A valid block ballot marks at most `seats` names (withdrawn ones included) and at least one
    # standing candidate; it gives each standing candidate it marks one vote.
    valid = [
        (ranking, weight)
        for ranking, weight in election.ballots
        if len(ranking) <= election.seats and standing_marks(ranking, election)
    ]
    assert result.valid == sum(w for _, w in valid)
    for stage in result.stages:
        assert sum(stage.totals.values()) == sum(
            w * len(standing_marks(r, election)) for r, w in valid
        )
        assert stage.non_transferable == 0


@methods(*METHODS)
@PROPERTY
@given(elections())
def test_every_ballot_is_either_valid_or_invalid(method: Method, election: Election) -> None:
    result = counted(election, method)

    assert result.valid + result.invalid == sum(w for _, w in election.ballots) + election.rejected
    if method != "block":
        assert result.valid == sum(w for r, w in election.ballots if standing_marks(r, election))


@methods(*METHODS)
@PROPERTY
@given(elections())
def test_the_sheet_lists_every_standing_candidate_at_every_stage_in_exact_decimals(
    method: Method, election: Election
) -> None:
    result = counted(election, method)
    standing = {election.names[c] for c in election.standing}

    assert result.stages[0].action == "first-preferences"
    assert [s.number for s in result.stages] == list(range(1, len(result.stages) + 1))
    for stage in result.stages:
        assert standing <= set(stage.totals) <= set(election.names)
        for value in chain(stage.totals.values(), [stage.non_transferable]):
            assert value.as_tuple().exponent == -result.places, (stage.number, value)


# --- who wins -------------------------------------------------------------------------------------


@methods(*STV)
@PROPERTY
@given(elections(with_constraints=False))
def test_stv_elects_a_candidate_at_or_over_the_quota(method: Method, election: Election) -> None:
    result = counted(election, method)

    elected: set[str] = set()
    for stage in result.stages:
        elected.update(stage.elected)
        reached = at_quota(stage, result)
        # With an exact quota more candidates than there are places can be at it; the method's
        # own rules then settle who is elected (ERS97 5.6.2 waits; others break the tie).
        if len(elected | reached) <= result.seats:
            missed = sorted(reached - elected)
            assert not missed, f"stage {stage.number}: {missed} at the quota but not elected"


@methods(*STV)
@PROPERTY
@given(feasible_elections())
def test_stv_elects_at_quota_unless_a_rule_dooms_the_candidate(
    method: Method, election: Election
) -> None:
    result = counted(election, method)
    # A candidate whose election would break a rule is excluded as doomed, at the stage after
    # the one that shows them at the quota at the latest.
    doomed = set(chain.from_iterable(s.doomed for s in result.stages))

    elected: set[str] = set()
    for stage in result.stages:
        elected.update(stage.elected)
        reached = at_quota(stage, result)
        if len(elected | reached) <= result.seats:
            assert reached <= elected | doomed, f"stage {stage.number}"
    assert not doomed & set(result.elected)


@methods(*STV)
@PROPERTY
@given(elections())
def test_stv_lists_winners_in_the_order_the_stages_elected_them(
    method: Method, election: Election
) -> None:
    result = counted(election, method)

    assert result.elected == tuple(chain.from_iterable(s.elected for s in result.stages))
    assert not set(result.elected) & set(chain.from_iterable(s.excluded for s in result.stages))


@methods(*METHODS)
@PROPERTY
@given(elections())
def test_winners_fill_the_seats_when_enough_candidates_stand(
    method: Method, election: Election
) -> None:
    result = counted(election, method)
    standing = [election.names[c] for c in election.standing]

    assert len(result.elected) == min(election.seats, len(standing))
    assert len(set(result.elected)) == len(result.elected)
    assert set(result.elected) <= set(standing)


@methods(*METHODS)
@PROPERTY
@given(elections())
def test_replaying_the_stages_gives_the_winners(method: Method, election: Election) -> None:
    result = counted(election, method)

    winners: set[str] = set()
    for stage in result.stages:
        winners |= set(stage.elected)
        winners -= set(stage.excluded)

    assert winners == set(result.elected)


# --- representation rules ------------------------------------------------------------------------


@methods(*METHODS)
@PROPERTY
@given(feasible_elections())
def test_every_feasible_constraint_holds_in_the_result(method: Method, election: Election) -> None:
    result = counted(election, method)

    for c in election.constraints:
        n = sum(1 for name in result.elected if election.attributes[name][c.attribute] == c.value)
        assert n >= c.minimum, c.label()
        assert c.maximum is None or n <= c.maximum, c.label()
    assert len(result.elected) == min(election.seats, len(election.standing))


@methods(*METHODS)
@PROPERTY
@given(elections(with_constraints=True))
def test_infeasible_constraints_are_refused_before_counting(
    method: Method, election: Election
) -> None:
    if election.rules_can_be_met():
        counted(election, method)  # must not raise
        return
    with pytest.raises(InfeasibleConstraints) as refused:
        counted(election, method)
    with pytest.raises(InfeasibleConstraints) as built:
        ConstraintSet.build(
            election.constraints,
            election.names,
            election.attributes,
            election.seats,
            election.standing,
        )
    assert str(refused.value) == str(built.value)


# --- reproducibility -----------------------------------------------------------------------------


@methods(*METHODS)
@PROPERTY
@given(elections(with_constraints=True).filter(lambda e: e.rules_can_be_met()))
def test_the_count_is_deterministic_for_a_given_seed(method: Method, election: Election) -> None:
    assert counted(election, method).to_dict() == counted(election, method).to_dict()


@methods(*METHODS)
@PROPERTY
@given(elections(), st.randoms(use_true_random=False))
def test_shuffling_and_splitting_ballots_changes_nothing(
    method: Method, election: Election, rnd: random.Random
) -> None:
    profile = election.profile()
    rows = [(r, w) for r, w in profile.ballots()]
    # Split every ballot of weight w into w ballots of weight 1, then shuffle all the rows. The
    # profile is built directly so that the identical rows stay separate.
    split = [(r, 1) for r, w in rows for _ in range(w)]
    rnd.shuffle(split)
    width = profile.rankings.shape[1]
    rankings = np.full((len(split), width), -1, dtype=np.int32)
    for i, (ranking, _) in enumerate(split):
        rankings[i, : len(ranking)] = ranking
    shuffled = Profile(
        candidates=profile.candidates,
        rankings=rankings,
        weights=np.ones(len(split), dtype=np.int64),
        seats=profile.seats,
        title=profile.title,
        withdrawn=profile.withdrawn,
        rejected=profile.rejected,
    )

    rules = election.rules(method)

    assert count(shuffled, rules).to_dict() == count(profile, rules).to_dict()


@methods(*METHODS)
@PROPERTY
@given(elections(), st.permutations(range(12)))
def test_the_order_of_distinct_ballots_changes_nothing(
    method: Method, election: Election, order: list[int]
) -> None:
    ballots = list(election.ballots)
    reordered = [ballots[i] for i in order if i < len(ballots)]
    other = Election(
        election.names,
        tuple(reordered),
        election.seats,
        election.withdrawn,
        election.rejected,
        election.attributes,
        election.constraints,
        election.seed,
    )

    assert counted(other, method).to_dict() == counted(election, method).to_dict()
