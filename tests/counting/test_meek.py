"""Meek STV under NZ Schedule 1A: hand-checked sheets, ties, representation rules, properties.

Every number below is worked by hand from the rules, at 9 decimal places: ⌈x⌉₉ means x rounded up
to 9 digits after the point, ⌊x⌋₉ truncated. Clause numbers are those of the Local Electoral
Regulations 2001, Schedule 1A. In one iteration (clause 10) a ballot worth w meets its candidates
in order: an excluded one is passed over, a successful one with keep value k keeps ⌈w x k⌉₉ and the
ballot goes on worth w - ⌈w x k⌉₉, and a hopeful one takes all that is left.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hustings.counting import Constraint, CountError, InfeasibleConstraints, Profile, Rules, count
from hustings.counting.methods import meek
from hustings.counting.result import CountResult

D = Decimal


def profile(names: str, ballots: list[tuple[str, int]], seats: int, **kw: Any) -> Profile:
    """Build a profile from 'A B C' rankings of single-letter (or spaced) candidate names."""
    candidates = names.split()
    index = {name: i for i, name in enumerate(candidates)}
    return Profile.from_ballots(
        candidates,
        [(tuple(index[c] for c in ranking.split()), weight) for ranking, weight in ballots],
        seats=seats,
        **kw,
    )


def meek_count(p: Profile, **kw: Any) -> CountResult:
    return count(p, Rules(method="meek-stv", **kw))


def totals(result: CountResult, stage: int) -> dict[str, Decimal]:
    return dict(result.stages[stage - 1].totals)


def gendered(names: str) -> dict[str, dict[str, str]]:
    return {n: {"gender": "woman" if n.startswith("W") else "man"} for n in names.split()}


# A worked example, which is also where Meek and Scottish STV part ways --------------------------

# 33 valid ballots, 2 seats. A's voters want C next; D's voters put A second and B third.
DIFFER = [("A C", 12), ("B", 9), ("C", 8), ("D A B", 4)]


def test_worked_example_sheet_stage_by_stage() -> None:
    result = meek_count(profile("A B C D", DIFFER, seats=2))

    # Iteration 1 (clauses 5-6). q = 33 / 3 = 11, + 0.000000001 = 11.000000001. A has 12 and is
    # elected. Total surplus = 12 - 11.000000001 = 0.999999999. D is lowest with 4, and
    # 4 + 0.999999999 < 8 (C, the next lowest), so D cannot catch up and is excluded (clause 13).
    # Clause 17: kA = ⌈⌈11.000000001 x 1⌉₉ / 12⌉₉ = ⌈0.91666666675⌉₉ = 0.916666667.
    first = result.stages[0]
    assert first.action == "first-preferences"
    assert first.subjects == ()
    assert first.totals == {"A": D("12"), "B": D("9"), "C": D("8"), "D": D("4")}
    assert first.non_transferable == 0
    assert first.quota == D("11.000000001")
    assert first.elected == ("A",)
    assert first.excluded == ("D",)
    assert first.transfers == {}

    # Iteration 2. Each "A C" ballot: A keeps ⌈1 x 0.916666667⌉₉ = 0.916666667, C gets
    # 0.083333333. Each "D A B" ballot passes over D; A keeps 0.916666667, B gets 0.083333333.
    #   A = 16 x 0.916666667 = 14.666666672    B = 9 + 4 x 0.083333333 = 9.333333332
    #   C = 8 + 12 x 0.083333333 = 8.999999996; nothing is exhausted, so q stays 11.000000001.
    # Surplus 3.666666671 is more than the gap C-B (0.333333336): no exclusion.
    # Clause 17: q x kA = 11.000000001 x 0.916666667 = 10.083333337916666667 -> 10.083333338;
    # / 14.666666672 = 0.68750000006818... -> kA = 0.687500001.
    # Iteration 3. A keeps 0.687500001 of each of 16 ballots = 11.000000016; each passes on
    # 0.312499999: C = 8 + 12 x 0.312499999 = 11.749999988, B = 9 + 4 x 0.312499999 = 10.249999996.
    # C >= 11.000000001 and is elected (clause 12); both seats are filled.
    second = result.stages[1]
    assert second.action == "iteration"
    assert second.subjects == ("C",)
    assert second.totals == {
        "A": D("11.000000016"),
        "B": D("10.249999996"),
        "C": D("11.749999988"),
        "D": D("0"),
    }
    assert second.non_transferable == 0
    assert second.quota == D("11.000000001")
    assert second.elected == ("C",)
    assert second.excluded == ()
    assert second.transfers == {
        "A": D("-0.999999984"),
        "B": D("1.249999996"),
        "C": D("3.749999988"),
        "D": D("-4"),
    }
    assert "Iterations 2-3 (2 iterations)" in second.note
    assert "Keep values used: A 0.687500001" in second.note
    assert "Total surplus 0.750000002" in second.note  # 0.749999987 + 0.000000015
    assert len(result.stages) == 2
    assert result.elected == ("A", "C")
    assert result.quota == D("11.000000001")


def test_meek_and_scottish_stv_elect_different_candidates() -> None:
    pytest.importorskip("hustings.counting.methods.scottish")
    p = profile("A B C D", DIFFER, seats=2)
    # Scottish STV (SSI 2007/42): quota = ⌊33 / 3⌋ + 1 = 12. A has exactly 12, so A is elected
    # with no surplus and the second preferences of A's own voters (for C) are never looked at.
    # D (4) is excluded; the "D A B" papers pass over elected A to B at full value: B = 13 >= 12.
    assert count(p, Rules(method="scottish-stv")).elected == ("A", "B")
    # Meek: the quota is 11.000000001, and A keeps only 11/16 of every ballot that reaches A,
    # including the four that arrive from D. The 5/16 A does not need goes on in proportion: 12 x
    # 5/16 = 3.75 to C and only 4 x 5/16 = 1.25 to B, so C (11.75) reaches the quota, not B.
    assert meek_count(p).elected == ("A", "C")


def test_exhausted_votes_lower_the_quota() -> None:
    result = meek_count(profile("A B C D", [("A B", 10), ("B A", 6), ("C", 5), ("D", 3)], seats=2))
    # Iteration 1: q = 24 / 3 + 0.000000001 = 8.000000001. A (10) is elected; surplus
    # 1.999999999. D + surplus = 4.999999999 < 5 (C), so D is excluded. kA = ⌈8.000000001 / 10⌉₉ =
    # 0.800000001.
    first = result.stages[0]
    assert (first.elected, first.excluded, first.quota) == (("A",), ("D",), D("8.000000001"))
    # Iteration 2: D's 3 ballots name nobody else and are non-transferable, so
    # q = (24 - 3) / 3 + 0.000000001 = 7.000000001. A = 10 x 0.800000001 = 8.00000001; each "A B"
    # ballot passes 0.199999999 to B: B = 6 + 1.99999999 = 7.99999999 >= q, elected.
    second = result.stages[1]
    assert second.totals == {
        "A": D("8.00000001"),
        "B": D("7.99999999"),
        "C": D("5"),
        "D": D("0"),
    }
    assert second.non_transferable == D("3")
    assert second.quota == D("7.000000001")
    assert second.transfers == {
        "A": D("-1.99999999"),
        "B": D("1.99999999"),
        "D": D("-3"),
        "": D("3"),
    }
    assert second.elected == ("B",)
    # Total surplus: (8.00000001 - 7.000000001) + (7.99999999 - 7.000000001) = 1.999999998.
    assert "Total surplus 1.999999998" in second.note
    assert result.elected == ("A", "B")
    assert result.quota == D("7.000000001")


# One seat is the alternative vote -------------------------------------------------------------


def test_one_seat_is_the_alternative_vote() -> None:
    p = profile(
        "A B C D",
        [("A", 8), ("B C", 7), ("C B", 6), ("D C", 3), ("D", 1)],
        seats=1,
    )
    # By hand, as the alternative vote: A 8, B 7, C 6, D 4 of 25; no majority. Exclude D: 3 go to
    # C, 1 exhausts. A 8, B 7, C 9 of 24 continuing; no majority. Exclude B: 7 go to C. C has 16
    # of 24, a majority, and wins.
    # Meek with one seat: q = (25 - 0) / 2 + 0.000000001 = 12.500000001, then after D's exhausted
    # ballot (24 - 0) ... = (25 - 1) / 2 + 0.000000001 = 12.000000001: more than half of the
    # continuing votes. With nobody elected the surplus is 0, so the lowest is always excluded.
    result = meek_count(p)
    assert [s.excluded for s in result.stages] == [("D",), ("B",), ()]
    assert [s.quota for s in result.stages] == [
        D("12.500000001"),
        D("12.000000001"),
        D("12.000000001"),
    ]
    assert totals(result, 2) == {"A": D("8"), "B": D("7"), "C": D("9"), "D": D("0")}
    assert totals(result, 3) == {"A": D("8"), "B": D("0"), "C": D("16"), "D": D("0")}
    assert result.stages[2].elected == ("C",)
    assert result.elected == ("C",)


# Ties -----------------------------------------------------------------------------------------


def test_tie_for_exclusion_is_broken_by_ahead_at_first_difference() -> None:
    p = profile("A B C D", [("A", 7), ("B", 5), ("C B", 4), ("D C B", 1)], seats=1)
    # Iteration 1: A 7, B 5, C 4, D 1; q = 17 / 2 + 0.000000001 = 8.500000001. D is excluded.
    # Iteration 2: D's ballot goes to C: B 5, C 5, tied lowest, and the surplus (0) is below
    # 0.0001. Clause 19: at the first iteration where they differed (1), C had 4 and B 5, so C
    # goes. Iteration 3: C's 5 ballots go to B: B = 10 >= 8.500000001 and B wins. (Had B gone
    # instead, B's ballots would exhaust and A would win.)
    result = meek_count(p)
    assert result.stages[1].excluded == ("C",)
    assert [(t.stage, t.candidates, t.chosen, t.by) for t in result.tie_breaks] == [
        (2, ("B", "C"), "C", "earlier stage")
    ]
    assert "C was behind at the first iteration where their votes differed" in (
        result.stages[1].note
    )
    assert result.elected == ("B",)


def test_tie_by_lot_is_seeded_recorded_and_decides_the_seat() -> None:
    p = profile("A B", [("A", 5), ("B", 5)], seats=1)
    # A and B are tied from the first iteration, so no earlier iteration separates them: the lot
    # decides whom to exclude (clause 19), and the other fills the seat (clause 3).
    winners = set()
    for seed in range(10):
        result = meek_count(p, seed=seed)
        (tie,) = result.tie_breaks
        assert (tie.stage, tie.purpose, tie.candidates, tie.by) == (
            1,
            "whom to exclude",
            ("A", "B"),
            "lot",
        )
        assert result.stages[0].excluded == (tie.chosen,)
        assert result.elected == tuple({"A", "B"} - {tie.chosen})
        assert result.seed == seed
        assert meek_count(p, seed=seed).to_dict() == result.to_dict()
        winners.add(result.elected)
    assert winners == {("A",), ("B",)}


# Representation rules -------------------------------------------------------------------------

GUARD = [("M1", 9), ("M2", 8), ("M3", 7), ("M4", 6), ("W1", 5), ("W2", 4)]


def test_minimum_guards_the_last_woman_from_exclusion() -> None:
    names = "M1 M2 M3 M4 W1 W2"
    p = profile(names, GUARD, seats=3)
    # Unconstrained: W2 (4) then, once M1 is elected, W1 (5) are excluded; three men win.
    assert meek_count(p).elected == ("M1", "M2", "M3")

    rule = Constraint("gender", "woman", minimum=1)
    result = meek_count(p, attributes=gendered(names), constraints=(rule,))
    # Iteration 1: q = 39 / 4 + 0.000000001 = 9.750000001, nobody has it. W2 (4) is lowest and
    # 4 + 0 < 5, so W2 is excluded. W1 is now the only woman and one is needed: guarded.
    assert result.stages[0].excluded == ("W2",)
    assert result.stages[0].guarded == ("W1",)
    # Iteration 2: W2's ballots exhaust; q = (39 - 4) / 4 + 0.000000001 = 8.750000001; M1 (9) is
    # elected, surplus 0.249999999. W1 (5) has the fewest votes but is guarded, so the lowest
    # candidate who may be excluded is M4 (6), and 6 + 0.249999999 < 7 (M3): M4 is excluded.
    second = result.stages[1]
    assert second.quota == D("8.750000001")
    assert (second.elected, second.excluded, second.guarded) == (("M1",), ("M4",), ("W1",))
    # Iteration 3: kM1 = ⌈8.750000001 / 9⌉₉ = 0.972222223, M1 = 9 x 0.972222223 = 8.750000007;
    # non-transferable 4 + 6 + 9 x 0.027777777 = 10.249999993; q = ⌊28.750000007 / 4⌋₉ +
    # 0.000000001 = 7.187500002. M2 (8) is elected; one seat is left and a woman is needed, so M3
    # is doomed; W1 fills the last seat.
    third = result.stages[2]
    assert third.quota == D("7.187500002")
    assert third.totals["M1"] == D("8.750000007")
    assert third.non_transferable == D("10.249999993")
    assert (third.elected, third.doomed) == (("M2",), ("M3",))
    assert result.stages[3].action == "fill"
    assert result.elected == ("M1", "M2", "W1")


def test_maximum_dooms_a_candidate_who_would_otherwise_win() -> None:
    names = "M1 M2 W1 W2"
    p = profile(names, [("M1", 12), ("M2", 10), ("W1", 5), ("W2", 4)], seats=2)
    # Unconstrained: q = 31 / 3 + 0.000000001 = 10.333333334; M1 is elected and, as M1's surplus
    # exhausts, q falls to 9.777777782 and M2 (10) is elected.
    assert meek_count(p).elected == ("M1", "M2")

    rule = Constraint("gender", "man", maximum=1)
    result = meek_count(p, attributes=gendered(names), constraints=(rule,))
    first = result.stages[0]
    # M1 is elected at iteration 1; a second man would break the maximum, so M2 is doomed and
    # excluded at once, keep value 0, although he has twice W1's votes.
    assert (first.elected, first.excluded, first.doomed) == (("M1",), ("M2",), ("M2",))
    assert "M2 cannot be elected without breaking a representation rule" in first.note
    assert result.stages[1].totals["M2"] == 0
    assert "M2" not in result.elected
    assert result.elected == ("M1", "W1")


# Convergence ----------------------------------------------------------------------------------

CONVERGE = [("A B", 12), ("B A", 11), ("C", 6), ("D", 6)]


def test_iterations_end_when_the_surplus_is_below_one_ten_thousandth() -> None:
    # A and B are elected at once and their surpluses flow back and forth, each iteration passing
    # on less; C and D are tied at 6, so only clause 13's surplus rule can end the iterating.
    result = meek_count(profile("A B C D", CONVERGE, seats=3), seed=1)
    stage = result.stages[1]
    assert len(stage.excluded) == 1
    assert stage.excluded[0] in {"C", "D"}
    assert "is less than 0.0001" in stage.note
    quota = stage.quota
    assert quota is not None
    surplus = sum((stage.totals[c] - quota for c in ("A", "B")), D(0))
    assert 0 <= surplus < D("0.0001")
    first, last = (int(x) for x in stage.note.split()[1].split("-"))
    assert 2 == first < last < meek.MAX_ITERATIONS


def test_keep_values_that_stop_changing_exclude_the_lowest() -> None:
    p = profile("A B C", [("A", 1_000_000), ("B", 100_000), ("C", 100_000)], seats=2)
    result = meek_count(p, seed=4)
    stage = result.stages[1]
    # With a keep value of 0.100000001, A keeps 1,000,000 x 0.100000001 = 100000.001 and
    # 899999.999 is non-transferable; q = ⌊(1200000 - 899999.999) / 3⌋₉ + 0.000000001 =
    # 100000.000333334, a surplus of 0.000666666, above 0.0001. Clause 17: q x kA =
    # 10000.0001333340333... -> 10000.000133334, / 100000.001 = 0.10000000033... -> 0.100000001:
    # unchanged, so further iterations would repeat exactly and the lowest is excluded.
    assert stage.totals["A"] == D("100000.001")
    assert stage.non_transferable == D("899999.999")
    assert stage.quota == D("100000.000333334")
    assert "Keep values used: A 0.100000001" in stage.note
    assert "The keep values no longer change with a total surplus of 0.000666666" in stage.note
    (tie,) = result.tie_breaks  # B and C are level at every iteration: decided by lot
    assert stage.excluded == (tie.chosen,)
    assert len(result.elected) == 2


def test_a_count_that_cannot_settle_within_the_limit_stops_with_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(meek, "MAX_ITERATIONS", 3)
    with pytest.raises(CountError, match="did not settle within 3 iterations after iteration 2"):
        meek_count(profile("A B C D", CONVERGE, seats=3))


# Details --------------------------------------------------------------------------------------


def test_withdrawn_candidates_are_passed_over_and_left_off_the_sheet() -> None:
    p = profile("A B C", [("B A", 5), ("A", 3), ("C", 4)], seats=1, withdrawn=[1])
    result = meek_count(p)
    # B withdrew, so the "B A" ballots count for A from the start: A 8, C 4 of 12; q = 6.000000001.
    assert result.stages[0].totals == {"A": D("8"), "C": D("4")}
    assert result.withdrawn == ("B",)
    assert result.elected == ("A",)


def test_ballots_for_no_standing_candidate_are_invalid() -> None:
    p = profile("A B C", [("B", 2), ("A", 3), ("C", 1)], seats=1, withdrawn=[1], rejected=4)
    result = meek_count(p)
    assert (result.valid, result.invalid) == (4, 6)
    assert result.stages[0].quota == D("2.000000001")


def test_result_names_the_rule_set_and_its_precision() -> None:
    result = meek_count(profile("A B", [("A", 2), ("B", 1)], seats=1))
    assert result.method == "meek-stv"
    assert result.rule_version.startswith("NZ Local Electoral Regulations 2001 Schedule 1A")
    assert result.places == 9
    assert all(v.as_tuple().exponent == -9 for v in result.stages[0].totals.values())


def test_as_many_seats_as_candidates_elects_everyone() -> None:
    result = meek_count(profile("A B C", [("A", 5), ("B", 1), ("C", 1)], seats=4))
    # q = 7 / 5 + 0.000000001 = 1.400000001: A (5) reaches it (clause 6); B and C do not, but
    # successful and hopeful candidates together are no more than the seats (clause 3).
    assert [s.action for s in result.stages] == ["first-preferences", "fill"]
    assert result.stages[0].elected == ("A",)
    assert result.stages[1].elected == ("B", "C")
    assert result.elected == ("A", "B", "C")


# Properties -----------------------------------------------------------------------------------

NAMES = ["A", "B", "C", "D", "E", "F"]


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    n = draw(st.integers(2, 6))
    rankings = st.lists(st.integers(0, n - 1), min_size=0, max_size=n, unique=True)
    ballots = draw(st.lists(st.tuples(rankings, st.integers(1, 40)), min_size=1, max_size=12))
    seats = draw(st.integers(1, n))
    return Profile.from_ballots(NAMES[:n], ballots, seats=seats)


PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(profiles())
def test_votes_are_conserved_exactly_at_every_stage(p: Profile) -> None:
    result = meek_count(p)
    for stage in result.stages:
        assert sum(stage.totals.values()) + stage.non_transferable == result.valid


@PROPERTY_SETTINGS
@given(profiles())
def test_a_hopeful_candidate_at_or_over_the_quota_is_elected(p: Profile) -> None:
    result = meek_count(p)
    elected: set[str] = set()
    out: set[str] = set()
    for stage in result.stages:
        quota = stage.quota
        assert quota is not None
        if stage.action != "fill" and len(elected) < result.seats:
            reached = {c for c, v in stage.totals.items() if c not in elected | out and v >= quota}
            assert reached <= set(stage.elected) or len(elected) + len(stage.elected) == (
                result.seats
            )
        elected |= set(stage.elected)
        out |= set(stage.excluded)


@PROPERTY_SETTINGS
@given(profiles())
def test_the_seats_are_filled_when_enough_candidates_stand(p: Profile) -> None:
    result = meek_count(p)
    assert len(result.elected) == min(result.seats, len(p.candidates))
    assert len(set(result.elected)) == len(result.elected)


@PROPERTY_SETTINGS
@given(profiles(), st.randoms(use_true_random=False))
def test_ballot_order_and_recounts_change_nothing(p: Profile, rng: random.Random) -> None:
    ballots = list(p.ballots())
    rng.shuffle(ballots)
    shuffled = Profile.from_ballots(p.candidates, ballots, seats=p.seats)
    first = meek_count(p).to_dict()
    assert meek_count(p).to_dict() == first
    assert meek_count(shuffled).to_dict() == first


@PROPERTY_SETTINGS
@given(profiles(), st.data())
def test_every_feasible_representation_rule_holds(p: Profile, data: st.DataObject) -> None:
    women = data.draw(st.sets(st.sampled_from(p.candidates)))
    attributes = {c: {"gender": "woman" if c in women else "man"} for c in p.candidates}
    seats = p.seats or 1
    constraints = (
        Constraint("gender", "woman", minimum=data.draw(st.integers(0, seats))),
        Constraint("gender", "man", maximum=data.draw(st.integers(0, seats))),
    )
    try:
        result = meek_count(p, attributes=attributes, constraints=constraints)
    except InfeasibleConstraints:
        return
    winners = set(result.elected)
    assert len(winners & women) >= constraints[0].minimum
    assert len(winners - women) <= (constraints[1].maximum or 0)
    for stage in result.stages:
        assert sum(stage.totals.values()) + stage.non_transferable == result.valid
        assert not set(stage.doomed) & winners


@PROPERTY_SETTINGS
@given(profiles(), st.data())
def test_grouped_paths_share_votes_exactly_as_ballot_by_ballot(
    p: Profile, data: st.DataObject
) -> None:
    # The count runs clause 10 over distinct paths; here each ballot is followed one by one.
    n = len(p.candidates)
    paths = meek._Paths(p.rankings, p.weights, range(n), n)
    status = dict.fromkeys(range(n), "hopeful")
    keep = [meek.UNIT] * n
    for c in data.draw(st.permutations(range(n))):
        action = data.draw(st.sampled_from(["elect", "exclude", "stay"]))
        if action == "elect":
            paths.elect(c)
            status[c] = "successful"
            keep[c] = data.draw(st.integers(0, meek.UNIT))
        elif action == "exclude":
            paths.exclude(c)
            status[c] = "excluded"
            keep[c] = 0
    grouped, counts = paths.group()
    table = np.array([*keep, 0], dtype=np.int64)
    votes, exhausted = meek._distribute(grouped, counts, table, n)

    expected = [0] * n
    expected_exhausted = 0
    for ranking, weight in p.ballots():
        if not ranking:
            continue  # blank: not a valid ballot
        value = meek.UNIT
        for c in ranking:
            if status[c] == "excluded":
                continue
            share = value if status[c] == "hopeful" else -(-value * keep[c] // meek.UNIT)
            expected[c] += share * weight
            value -= share
            if status[c] == "hopeful":
                break
        expected_exhausted += value * weight
    assert votes[:n].tolist() == expected
    assert exhausted == expected_exhausted
