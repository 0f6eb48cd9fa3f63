"""Worked Scottish STV counts, small enough to check by hand, asserting the whole sheet."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hustings.counting import Constraint, CountResult, Profile, Rules, count
from hustings.counting.methods.scottish import PLACES, RULE_VERSION

D = Decimal


def profile(
    names: str,
    lines: list[tuple[int, str]],
    *,
    seats: int,
    withdrawn: str = "",
    rejected: int = 0,
) -> Profile:
    """Build a profile from (number of voters, "A C E") lines over single-letter candidates."""
    candidates = names.split()
    return Profile.from_ballots(
        candidates,
        [(tuple(candidates.index(c) for c in ranking.split()), n) for n, ranking in lines],
        seats=seats,
        withdrawn=[candidates.index(c) for c in withdrawn.split()],
        rejected=rejected,
    )


def scottish(p: Profile, *constraints: Constraint, seed: int = 1, **attrs: str) -> CountResult:
    attributes = {name: {"group": group} for name, group in attrs.items()}
    return count(
        p,
        Rules(method="scottish-stv", constraints=constraints, attributes=attributes, seed=seed),
    )


def sheet(result: CountResult) -> list[tuple[Any, ...]]:
    """Return each stage as (action, subjects, totals, non-transferable, elected, excluded)."""
    return [
        (
            s.action,
            s.subjects,
            {name: str(v) for name, v in s.totals.items()},
            str(s.non_transferable),
            s.elected,
            s.excluded,
        )
        for s in result.stages
    ]


def totals(**values: str) -> dict[str, str]:
    return dict(values)


# Three seats, five candidates, 101 valid papers.
#   First preferences: A 25+10+6 = 41, B 8, C 20, D 18, E 14.
#   Quota (rule 46): 101 / (3 + 1) = 25.25, decimals ignored 25, + 1 = 26. A is elected.
# Stage 2, A's surplus 41 - 26 = 15. Every paper is worth 1, so each passes at
#   1 x 15 / 41 = 0.365853... -> 0.36585 (rule 48(3), remainder ignored).
#   25 "A C E" -> C: 25 x 0.36585 = 9.14625, so C = 29.14625 (elected).
#   10 "A B"   -> B: 10 x 0.36585 = 3.65850, so B = 11.65850.
#    6 "A"     -> no further preference: 6 x 0.36585 = 2.19510 non-transferable.
#   Lost to the ignored remainders: 15 - 9.14625 - 3.65850 - 2.19510 = 0.00015.
#   Non-transferable so far: 2.19510 + 0.00015 = 2.19525. A keeps the quota, 26.
# Stage 3, C's surplus 29.14625 - 26 = 3.14625, from all 45 of C's papers:
#   20 "C D" at value 1 pass at 1 x 3.14625 / 29.14625 = 0.107946... -> 0.10794;
#      D gains 20 x 0.10794 = 2.15880, so D = 20.15880.
#   25 "A C E" at value 0.36585 pass at 0.36585 x 3.14625 / 29.14625
#      = 1.1510555625 / 29.14625 = 0.039492... -> 0.03949; E gains 25 x 0.03949 = 0.98725.
#   Lost: 3.14625 - 2.15880 - 0.98725 = 0.00020; non-transferable 2.19525 + 0.00020 = 2.19545.
# Stage 4, no surplus is left: B has the fewest votes (11.65850) and is excluded (rule 50).
#    8 "B D" at value 1 -> D: D = 20.15880 + 8 = 28.15880, over the quota: elected.
#   10 "A B" at value 0.36585 have no further preference: 3.65850 more non-transferable,
#   so 2.19545 + 3.65850 = 5.85395. Three seats are filled: A, C, D.
# Check: 26 + 0 + 26 + 28.15880 + 14.98725 + 5.85395 = 101.
THREE_SEATS = [
    (25, "A C E"),
    (10, "A B"),
    (6, "A"),
    (8, "B D"),
    (20, "C D"),
    (18, "D E"),
    (14, "E D"),
]


def test_three_seat_count_matches_the_hand_count_stage_by_stage() -> None:
    result = scottish(profile("A B C D E", THREE_SEATS, seats=3))

    assert sheet(result) == [
        (
            "first-preferences",
            (),
            totals(A="41.00000", B="8.00000", C="20.00000", D="18.00000", E="14.00000"),
            "0.00000",
            ("A",),
            (),
        ),
        (
            "surplus",
            ("A",),
            totals(A="26.00000", B="11.65850", C="29.14625", D="18.00000", E="14.00000"),
            "2.19525",
            ("C",),
            (),
        ),
        (
            "surplus",
            ("C",),
            totals(A="26.00000", B="11.65850", C="26.00000", D="20.15880", E="14.98725"),
            "2.19545",
            (),
            (),
        ),
        (
            "exclusion",
            ("B",),
            totals(A="26.00000", B="0.00000", C="26.00000", D="28.15880", E="14.98725"),
            "5.85395",
            ("D",),
            ("B",),
        ),
    ]
    assert result.elected == ("A", "C", "D")
    assert result.quota == D(26)
    assert (result.valid, result.invalid) == (101, 0)
    assert (result.method, result.rule_version, result.places) == ("scottish-stv", RULE_VERSION, 5)


def test_surplus_transfers_record_each_change_and_the_lost_remainder() -> None:
    result = scottish(profile("A B C D E", THREE_SEATS, seats=3))

    second, third, fourth = result.stages[1:]
    assert second.transfers == {"A": D(-15), "B": D("3.65850"), "C": D("9.14625"), "": D("2.19525")}
    assert third.transfers == {
        "C": D("-3.14625"),
        "D": D("2.15880"),
        "E": D("0.98725"),
        "": D("0.00020"),
    }
    assert fourth.transfers == {"B": D("-11.65850"), "D": D(8), "": D("3.65850")}
    assert "6 papers with no further preference" in second.note
    assert "0.00015 is lost by ignoring remainders" in second.note
    assert "25 papers at 0.36585 pass at 0.03949" in third.note
    assert "20 papers at 1.00000 pass at 0.10794" in third.note


def test_every_stage_adds_up_to_the_valid_vote_exactly() -> None:
    result = scottish(profile("A B C D E", THREE_SEATS, seats=3))

    for stage in result.stages:
        assert sum(stage.totals.values()) + stage.non_transferable == result.valid
        assert stage.quota == D(26)
        assert all(v.as_tuple().exponent == -PLACES for v in stage.totals.values())


# One seat: Scottish STV is then the alternative vote (instant runoff). 24 valid papers,
# quota 24 / 2 = 12, + 1 = 13, an absolute majority.
#   First preferences: A 9, B 6+1 = 7, C 5, D 3.
#   Stage 2: D (3) excluded; 3 "D C" -> C = 8.
#   Stage 3: B (7) excluded; 6 "B C" -> C = 14, 1 "B" non-transferable. C has 14 >= 13: elected.
def test_one_seat_is_the_alternative_vote() -> None:
    result = scottish(
        profile("A B C D", [(9, "A"), (6, "B C"), (1, "B"), (5, "C"), (3, "D C")], seats=1)
    )

    assert result.quota == D(13)
    assert sheet(result) == [
        (
            "first-preferences",
            (),
            totals(A="9.00000", B="7.00000", C="5.00000", D="3.00000"),
            "0.00000",
            (),
            (),
        ),
        (
            "exclusion",
            ("D",),
            totals(A="9.00000", B="7.00000", C="8.00000", D="0.00000"),
            "0.00000",
            (),
            ("D",),
        ),
        (
            "exclusion",
            ("B",),
            totals(A="9.00000", B="0.00000", C="14.00000", D="0.00000"),
            "1.00000",
            ("C",),
            ("B",),
        ),
    ]


# One seat, 30 papers, quota 16.
#   Stage 1: A 14, B 6, C 5, D 2+1 = 3, E 2.
#   Stage 2: E excluded: 2 "E C" -> C 7.
#   Stage 3: D excluded: 2 "D B" -> B 8, 1 "D C" -> C 8.
#   Stage 4: B and C tie on 8. Rule 51(2)(a) looks at the most recent earlier stage at which
#   they differed: stage 3 (8, 8) no, stage 2 (B 6, C 7) yes, so B is excluded -- although at
#   the first stage it was C who had fewer (5 < 6). B's 6 "B A" -> A 20, elected; the 2 "D B"
#   papers are non-transferable.
def test_tie_for_exclusion_is_broken_at_the_most_recent_stage_where_they_differed() -> None:
    result = scottish(
        profile(
            "A B C D E",
            [(14, "A"), (6, "B A"), (5, "C"), (2, "D B"), (1, "D C"), (2, "E C")],
            seats=1,
        )
    )

    assert [s.excluded for s in result.stages] == [(), ("E",), ("D",), ("B",)]
    assert result.stages[2].totals["B"] == result.stages[2].totals["C"] == D(8)
    assert result.stages[3].totals == {
        "A": D(20),
        "B": D(0),
        "C": D(8),
        "D": D(0),
        "E": D(0),
    }
    assert result.elected == ("A",)
    (tie,) = result.tie_breaks
    assert (tie.stage, tie.candidates, tie.chosen, tie.by) == (4, ("B", "C"), "B", "earlier stage")


# One seat, 62 papers, quota 62 / 2 = 31, + 1 = 32.
#   Stage 1: X 20, A 10, B 11, C 12, D 3 + 1 = 4, E 1 + 1 + 3 = 5.
#   Stage 2: D excluded: 3 "D A" -> A 13, 1 "D B" -> B 12.
#   Stage 3: E excluded: 1 "E B" -> B 13, 1 "E C" -> C 13, 3 "E" non-transferable.
#   Stage 4: A, B and C tie on 13. The most recent earlier stage at which they differed is
#     stage 2 (A 13, B 12, C 12), which leaves B and C level lowest; looking further back for
#     those two, stage 1 has B 11 < C 12, so B is excluded. (Comparing all three at stage 1
#     instead would exclude A, who had 10 there but was ahead of both at stage 2.)
#   Stage 5: A and C tie on 13; they differed last at stage 2 (A 13, C 12): C is excluded.
#   Stage 6: A (13) excluded; X is the only continuing candidate (rule 52).
def test_three_way_tie_keeps_only_those_still_level_when_looking_further_back() -> None:
    result = scottish(
        profile(
            "X A B C D E",
            [
                (20, "X"),
                (10, "A"),
                (11, "B"),
                (12, "C"),
                (3, "D A"),
                (1, "D B"),
                (1, "E B"),
                (1, "E C"),
                (3, "E"),
            ],
            seats=1,
        )
    )

    assert [s.excluded for s in result.stages] == [(), ("D",), ("E",), ("B",), ("C",), ("A",), ()]
    assert [(t.stage, t.candidates, t.chosen, t.by) for t in result.tie_breaks] == [
        (4, ("A", "B", "C"), "B", "earlier stage"),
        (5, ("A", "C"), "C", "earlier stage"),
    ]
    assert result.elected == ("X",)


# Two seats, 30 papers, quota 11. A has exactly the quota at stage 1: there is no surplus, so no
# transfer is made (rule 48(1) needs votes that exceed the quota) and D, lowest, is excluded.
def test_a_candidate_with_exactly_the_quota_has_no_surplus_stage() -> None:
    result = scottish(profile("A B C D", [(11, "A B"), (8, "B"), (6, "C"), (5, "D C")], seats=2))

    assert [(s.action, s.subjects, s.elected) for s in result.stages] == [
        ("first-preferences", (), ("A",)),
        ("exclusion", ("D",), ("C",)),
    ]
    assert result.stages[1].totals["C"] == D(11)


# One seat, 8 papers, quota 5. B and C tie on 2 at the first stage: there is no earlier stage,
# so rule 51(2)(b) leaves it to lot. The seeded draw picks index randrange(2) of [B, C].
TIED_AT_ONCE = [(4, "A"), (2, "B A"), (2, "C")]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_tie_at_every_stage_is_decided_by_a_recorded_seeded_lot(seed: int) -> None:
    result = scottish(profile("A B C", TIED_AT_ONCE, seats=1), seed=seed)

    expected = ["B", "C"][random.Random(seed).randrange(2)]
    (tie,) = result.tie_breaks
    assert (tie.stage, tie.candidates, tie.chosen, tie.by) == (2, ("B", "C"), expected, "lot")
    assert result.stages[1].excluded == (expected,)
    assert result.seed == seed
    assert result.elected == ("A",)


def test_the_lot_depends_on_the_seed() -> None:
    chosen = {
        scottish(profile("A B C", TIED_AT_ONCE, seats=1), seed=seed).tie_breaks[0].chosen
        for seed in range(20)
    }

    assert chosen == {"B", "C"}


# Three seats, 40 papers, quota 11; at least one woman (W is the only one).
#   Stage 1: A 10, B 9, C 8, D 7, W 6. W is guarded: without her no woman could be elected.
#   Stage 2: W is lowest but guarded, so D (7), the lowest of the others, is excluded:
#            7 "D W" -> W = 13, elected.
#   Stage 3: W's surplus 2, all 13 papers at 1 x 2 / 13 = 0.153846... -> 0.15384; none has a
#            further preference: 13 x 0.15384 = 1.99992 non-transferable + 0.00008 lost = 2.
#   Stage 4: C (8) excluded: 8 "C A" -> A = 18, elected.
#   Stage 5: B is the only continuing candidate for the last seat (rule 52).
GUARD = [(10, "A"), (9, "B"), (8, "C A"), (7, "D W"), (6, "W")]


def test_a_minimum_guards_the_lowest_candidate_from_exclusion() -> None:
    result = scottish(
        profile("A B C D W", GUARD, seats=3),
        Constraint("group", "woman", minimum=1),
        W="woman",
        A="man",
    )

    assert sheet(result) == [
        (
            "first-preferences",
            (),
            totals(A="10.00000", B="9.00000", C="8.00000", D="7.00000", W="6.00000"),
            "0.00000",
            (),
            (),
        ),
        (
            "exclusion",
            ("D",),
            totals(A="10.00000", B="9.00000", C="8.00000", D="0.00000", W="13.00000"),
            "0.00000",
            ("W",),
            ("D",),
        ),
        (
            "surplus",
            ("W",),
            totals(A="10.00000", B="9.00000", C="8.00000", D="0.00000", W="11.00000"),
            "2.00000",
            (),
            (),
        ),
        (
            "exclusion",
            ("C",),
            totals(A="18.00000", B="9.00000", C="0.00000", D="0.00000", W="11.00000"),
            "2.00000",
            ("A",),
            ("C",),
        ),
        (
            "fill",
            ("B",),
            totals(A="18.00000", B="9.00000", C="0.00000", D="0.00000", W="11.00000"),
            "2.00000",
            ("B",),
            (),
        ),
    ]
    assert result.stages[0].guarded == ("W",)
    assert result.stages[1].note.startswith("W, with fewer votes, is guarded")
    assert result.stages[1].guarded == ()
    assert result.elected == ("W", "A", "B")


def test_without_the_minimum_the_same_ballots_elect_no_woman() -> None:
    # Stage 2 excludes W (6); stage 3 D (7), leaving A, B, C for three seats (rule 52).
    result = scottish(profile("A B C D W", GUARD, seats=3))

    assert [s.excluded for s in result.stages] == [(), ("W",), ("D",), ()]
    assert result.elected == ("A", "B", "C")


# Two seats, 30 papers, quota 11; at least one woman. A is elected at stage 1 with 12; W is then
# the only candidate who can take the last seat within the rule, so she is elected at once
# ("fill") and A's surplus is never transferred.
def test_guarded_candidates_who_fill_the_remaining_seats_are_elected() -> None:
    result = scottish(
        profile("A B C W", [(12, "A B"), (7, "B"), (6, "C"), (5, "W")], seats=2),
        Constraint("group", "woman", minimum=1),
        W="woman",
    )

    assert [(s.action, s.elected) for s in result.stages] == [
        ("first-preferences", ("A",)),
        ("fill", ("W",)),
    ]
    assert result.stages[1].totals == result.stages[0].totals


# Two seats, 35 papers, quota 35 / 3 = 11.67 -> 11, + 1 = 12; at most one "red" (R1, R2).
#   Stage 1: R1 14, R2 12, G 5, Y 4. R1 and R2 both reach the quota. R1, with more votes, is
#            elected first; R2 is then doomed (a second red would break the rule) and is not
#            elected although at the quota.
#   Stage 2: R2 is excluded before R1's surplus is transferred: 12 "R2 Y" pass at value 1, so
#            Y = 16, elected. Both seats are filled; R1's surplus is never transferred.
def test_a_maximum_dooms_a_candidate_at_the_quota() -> None:
    result = scottish(
        red_profile(),
        Constraint("group", "red", maximum=1),
        R1="red",
        R2="red",
    )

    assert sheet(result) == [
        (
            "first-preferences",
            (),
            {"R1": "14.00000", "R2": "12.00000", "G": "5.00000", "Y": "4.00000"},
            "0.00000",
            ("R1",),
            (),
        ),
        (
            "exclusion",
            ("R2",),
            {"R1": "14.00000", "R2": "0.00000", "G": "5.00000", "Y": "16.00000"},
            "0.00000",
            ("Y",),
            ("R2",),
        ),
    ]
    assert result.stages[0].doomed == result.stages[1].doomed == ("R2",)
    assert "R2 has the quota but cannot be elected" in result.stages[0].note
    assert result.elected == ("R1", "Y")

    assert scottish(red_profile()).elected == ("R1", "R2")


def red_profile() -> Profile:
    return Profile.from_ballots(
        ("R1", "R2", "G", "Y"), [((0, 1), 14), ((1, 3), 12), ((2,), 5), ((3,), 4)], seats=2
    )


# Candidates A B C D; B has withdrawn. 3 "B A" count for A, and 2 "B" (no other preference)
# are blank once B is skipped: invalid. Valid 3 + 4 + 5 + 1 = 13, quota 13 / 2 = 6, + 1 = 7.
# First preferences: A 4 + 3 = 7 (elected), C 5, D 1.
def test_withdrawn_candidates_are_skipped_in_every_ballot() -> None:
    result = scottish(
        profile(
            "A B C D",
            [(3, "B A"), (2, "B"), (4, "A"), (5, "C"), (1, "D C")],
            seats=1,
            withdrawn="B",
        )
    )

    assert (result.valid, result.invalid, result.quota) == (13, 2, D(7))
    assert result.withdrawn == ("B",)
    assert result.stages[0].totals == {"A": D(7), "C": D(5), "D": D(1)}
    assert result.elected == ("A",)


def test_blank_ballots_are_counted_invalid_with_those_rejected() -> None:
    p = Profile.from_ballots(("A", "B"), [((0,), 5), ((1,), 3), ((), 4)], seats=1, rejected=2)

    result = scottish(p)

    assert (result.valid, result.invalid) == (8, 6)
    assert result.quota == D(5)
    assert result.elected == ("A",)


def test_fewer_candidates_than_seats_are_all_elected_by_rule_52() -> None:
    result = scottish(profile("A B", [(5, "A"), (1, "B")], seats=3))

    assert [(s.action, s.elected) for s in result.stages] == [
        ("first-preferences", ("A",)),
        ("fill", ("B",)),
    ]
    assert "rule 52" in result.stages[1].note


# Properties --------------------------------------------------------------------------------

GROUPS = ("woman", "man")


@st.composite
def elections(draw: st.DrawFn) -> tuple[Profile, Rules]:
    n = draw(st.integers(min_value=2, max_value=7))
    names = tuple(f"C{i}" for i in range(n))
    ranking = st.lists(st.integers(0, n - 1), unique=True, max_size=n)
    ballots = draw(st.lists(st.tuples(ranking, st.integers(1, 40)), min_size=1, max_size=25))
    seats = draw(st.integers(min_value=1, max_value=n))
    genders = draw(st.lists(st.sampled_from(GROUPS), min_size=n, max_size=n))
    women = genders.count("woman")
    constraints: list[Constraint] = []
    if draw(st.booleans()):
        constraints.append(Constraint("gender", "woman", minimum=min(women, seats // 2)))
    if draw(st.booleans()) and n - women >= seats - 1:
        constraints.append(Constraint("gender", "woman", maximum=max(1, seats - (n - women))))
    rules = Rules(
        method="scottish-stv",
        constraints=tuple(constraints),
        attributes={name: {"gender": g} for name, g in zip(names, genders, strict=True)},
        seed=draw(st.integers(0, 2**32)),
    )
    return Profile.from_ballots(names, ballots, seats=seats), rules


def _feasible(p: Profile, rules: Rules) -> bool:
    from hustings.counting import InfeasibleConstraints

    try:
        count(p, rules)
    except InfeasibleConstraints:
        return False
    return True


@settings(max_examples=150, deadline=None)
@given(elections())
def test_properties_of_every_count(election: tuple[Profile, Rules]) -> None:
    p, rules = election
    if not _feasible(p, rules):
        return
    result = count(p, rules)

    for stage in result.stages:
        # Votes are conserved exactly at every stage.
        assert sum(stage.totals.values()) + stage.non_transferable == result.valid
    # A candidate at the quota at the end of a stage is elected by then, or doomed by a
    # representation rule, unless the seats were already filled.
    elected: set[str] = set()
    doomed: set[str] = set()
    for stage in result.stages:
        elected.update(stage.elected)
        doomed.update(stage.doomed)
        assert stage.quota is not None
        for name, total in stage.totals.items():
            if total >= stage.quota and len(elected) < result.seats:
                assert name in elected | doomed
    standing_names = p.candidates
    assert len(result.elected) == min(result.seats, len(standing_names))
    assert len(set(result.elected)) == len(result.elected)
    winners = [p.index(name) for name in result.elected]
    for c in rules.constraints:
        n = sum(1 for i in winners if rules.attributes[p.candidates[i]]["gender"] == c.value)
        assert n >= c.minimum
        assert c.maximum is None or n <= c.maximum
    # The same seed gives the same count.
    assert count(p, rules) == result


@settings(max_examples=60, deadline=None)
@given(elections(), st.randoms(use_true_random=False))
def test_shuffling_or_splitting_the_ballots_changes_nothing(
    election: tuple[Profile, Rules], rnd: random.Random
) -> None:
    p, rules = election
    if not _feasible(p, rules):
        return
    order = list(range(len(p.weights)))
    rnd.shuffle(order)
    # Split every distinct ballot into two rows of the same ranking, in a shuffled order.
    rankings = np.concatenate([p.rankings[order], p.rankings[order]])
    first = p.weights[order] // 2
    weights = np.concatenate([first, p.weights[order] - first])
    keep = weights > 0
    shuffled = Profile(
        candidates=p.candidates, rankings=rankings[keep], weights=weights[keep], seats=p.seats
    )

    assert count(shuffled, rules) == count(p, rules)
