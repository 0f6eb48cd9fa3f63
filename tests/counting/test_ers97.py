"""ERS97 STV, checked against counts worked by hand from the rules' own text.

Every expected figure below was derived by hand from the ballots with the arithmetic in the
comments; "5.x.y" cites "How to conduct an election by the Single Transferable Vote", Electoral
Reform Society, 3rd edition (1997).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hustings.counting import Constraint, CountResult, Profile, Rules, TieBreak, count
from hustings.counting.methods.ers97 import RULE_VERSION


@dataclass(frozen=True)
class Row:
    """One line of a result sheet, as a returning officer would write it."""

    action: str
    subjects: tuple[str, ...]
    totals: dict[str, str]
    non_transferable: str
    transfers: dict[str, str] = field(default_factory=dict)
    elected: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    quota: str = ""
    guarded: tuple[str, ...] = ()
    doomed: tuple[str, ...] = ()


def sheet(result: CountResult) -> list[Row]:
    return [
        Row(
            action=s.action,
            subjects=s.subjects,
            totals={name: str(v) for name, v in s.totals.items()},
            non_transferable=str(s.non_transferable),
            transfers={name: str(v) for name, v in s.transfers.items()},
            elected=s.elected,
            excluded=s.excluded,
            quota=str(s.quota),
            guarded=s.guarded,
            doomed=s.doomed,
        )
        for s in result.stages
    ]


def ers97(
    names: Sequence[str],
    ballots: Sequence[tuple[str, int]],
    seats: int,
    **rules: object,
) -> CountResult:
    """Count ballots written as ("A B C", voters) by the ERS97 rules."""
    index = {n: i for i, n in enumerate(names)}
    profile = Profile.from_ballots(
        names, [([index[n] for n in ranking.split()], w) for ranking, w in ballots], seats=seats
    )
    return count(profile, Rules(method="ers97-stv", **rules))  # type: ignore[arg-type]


def totals(**values: str) -> dict[str, str]:
    return values


# --- Quota (5.1.6) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("valid", "seats", "quota"),
    [
        # 100 / 3 = 33.333...: to two places 33.33, not exact, so + 0.01.
        (100, 2, "33.34"),
        # 99 / 3 = 33.00 exactly: that is the quota, with nothing added.
        (99, 2, "33.00"),
        # The ERS model election (8.1): 753 / 7 = 107.5714..., quota 107.58.
        (753, 6, "107.58"),
        # One seat: 101 / 2 = 50.50 exactly.
        (101, 1, "50.50"),
        # 10 / 7 = 1.428...: 1.42 + 0.01.
        (10, 6, "1.43"),
    ],
)
def test_quota_is_taken_to_two_places_and_rounded_up_only_when_inexact(
    valid: int, seats: int, quota: str
) -> None:
    # Every voter ranks one of seats + 1 candidates, so nobody is near the quota but the count
    # must still state it; only the first stage matters here.
    names = [f"C{i}" for i in range(seats + 1)]
    ballots = [(names[i % len(names)], 1) for i in range(valid)]
    result = ers97(names, ballots, seats)
    assert result.stages[0].quota == Decimal(quota)
    assert result.stages[0].action == "first-preferences"


# --- The ERS model election (section 8), first two stages ------------------------------------


def test_model_election_first_two_stages_match_the_published_arithmetic() -> None:
    """Reproduce the figures ERS publishes for stages 1 and 2 of its model election (8.1-8.2).

    Published: 758 papers, 5 invalid, total valid vote 753, six places, quota 753/7 -> 107.58;
    Smith 134 is elected; his surplus 26.42 exceeds the difference between the last two
    candidates (24 - 23 = 1) so it is transferred; 123 of his 134 papers are transferable, at
    26.42/123 -> 0.21 each, and the non-transferable difference is 26.42 - 25.83 = 0.59. The
    booklet's other first preferences and Smith's next preferences are not reproduced here, so
    they are made up (consistent with everything published); only stages 1-2 are asserted.
    """
    names = [
        "Smith", "Ahmed", "Brown", "Clarke", "Davies", "Evans",
        "Foster", "Green", "Hughes", "Irving", "Jones",
    ]  # fmt: skip
    ballots = [
        ("Smith Ahmed", 50),
        ("Smith Brown", 30),
        ("Smith Clarke", 20),
        ("Smith Davies", 13),
        ("Smith Evans", 10),
        ("Smith", 11),  # 50 + 30 + 20 + 13 + 10 = 123 transferable, 11 not: 134 in all
        ("Ahmed", 95),
        ("Brown", 90),
        ("Clarke", 85),
        ("Davies", 80),
        ("Evans", 75),
        ("Foster", 60),
        ("Green", 47),
        ("Hughes", 40),
        ("Irving", 24),
        ("Jones", 23),
    ]  # 134 + 95 + 90 + 85 + 80 + 75 + 60 + 47 + 40 + 24 + 23 = 753
    index = {n: i for i, n in enumerate(names)}
    profile = Profile.from_ballots(
        names, [([index[n] for n in r.split()], w) for r, w in ballots], seats=6, rejected=5
    )
    result = count(profile, Rules(method="ers97-stv"))
    assert (result.valid, result.invalid) == (753, 5)
    first, second = result.stages[:2]
    assert first.quota == Decimal("107.58")
    assert first.elected == ("Smith",)
    # Not deferred: 26.42 > 24 - 23, and 23 + 24 + 26.42 = 73.42 > Hughes's 40, and so on.
    assert (second.action, second.subjects) == ("surplus", ("Smith",))
    assert {k: str(v) for k, v in second.transfers.items()} == {
        "Smith": "-26.42",
        "Ahmed": "10.50",  # 50 x 0.21
        "Brown": "6.30",  # 30 x 0.21
        "Clarke": "4.20",  # 20 x 0.21
        "Davies": "2.73",  # 13 x 0.21
        "Evans": "2.10",  # 10 x 0.21; 123 x 0.21 = 25.83 in all
        "": "0.59",  # 26.42 - 25.83
    }
    assert second.totals["Smith"] == Decimal("107.58")
    assert second.non_transferable == Decimal("0.59")
    assert "26.42 / 123 = 0.21" in second.note
    # 753 - 0.59 - 107.58 = 644.83 active; / (5 + 1) = 107.47: Ahmed's 105.50 elects nobody.
    assert second.elected == ()


# --- Deferred surplus and bulk exclusion (5.2.2, 5.2.5) --------------------------------------


def test_surplus_that_cannot_save_the_lowest_is_deferred_and_they_are_excluded_together() -> None:
    names = ["A", "B", "C", "D", "E"]
    ballots = [
        ("A B", 30),
        ("A", 10),
        ("B", 25),
        ("C", 24),
        ("D C", 6),
        ("E B", 3),
        ("E", 2),
    ]  # 100 valid; 2 seats; quota 100/3 = 33.33... -> 33.34
    result = ers97(names, ballots, 2)
    assert sheet(result) == [
        Row(
            "first-preferences",
            (),
            totals(A="40.00", B="25.00", C="24.00", D="6.00", E="5.00"),
            "0.00",
            elected=("A",),
            quota="33.34",
        ),
        # A's surplus is 40 - 33.34 = 6.66. (a) E 5 + 6.66 = 11.66 > D 6, but (b) E + D with the
        # surplus, 5 + 6 + 6.66 = 17.66, cannot reach C's 24: the surplus is deferred, and E and D
        # are excluded together (E + D + C + 6.66 = 41.66 > B's 25, so C is not).
        Row(
            "exclusion",
            ("E", "D"),
            totals(A="40.00", B="28.00", C="30.00", D="0.00", E="0.00"),
            "2.00",
            {"B": "3.00", "C": "6.00", "D": "-6.00", "E": "-5.00", "": "2.00"},
            excluded=("E", "D"),
            quota="33.34",
        ),
        # Now B 28 + 6.66 = 34.66 > C's 30: the surplus could change the order and must go.
        # A's 40 first-stage papers: 30 transferable (to B), worth 30.00 > 6.66, so each is worth
        # 6.66 / 30 = 0.222 -> 0.22; B gets 30 x 0.22 = 6.60 and 0.06 is lost to rounding.
        Row(
            "surplus",
            ("A",),
            totals(A="33.34", B="34.60", C="30.00", D="0.00", E="0.00"),
            "2.06",
            {"A": "-6.66", "B": "6.60", "": "0.06"},
            elected=("B",),
            excluded=("C",),  # formally, all places being filled (5.5.2)
            quota="33.34",
        ),
    ]
    assert result.elected == ("A", "B")
    assert result.quota == Decimal("33.34")
    assert result.rule_version == RULE_VERSION


@pytest.mark.parametrize(
    ("d_votes", "b_votes", "deferred"),
    [
        # Lowest two E 10 and D 16 differ by 6, exactly the surplus: "does not exceed", deferred.
        (16, 22, True),
        # E 10 and D 15 differ by 5 < 6, and E + D + 6 = 31 > C's 21: the surplus is transferred.
        (15, 23, False),
    ],
)
def test_surplus_equal_to_the_gap_is_deferred_and_one_more_is_not(
    d_votes: int, b_votes: int, deferred: bool
) -> None:
    # 3 seats, 100 valid, quota 25.00 exactly; A has 31, a surplus of 6.00.
    names = ["A", "B", "C", "D", "E"]
    ballots = [("A B", 31), ("B", b_votes), ("C", 21), ("D", d_votes), ("E", 10)]
    result = ers97(names, ballots, 3)
    second = result.stages[1]
    if deferred:
        assert (second.action, second.subjects) == ("exclusion", ("E",))
        assert "deferred (5.2.2)" in second.note
    else:
        assert (second.action, second.subjects) == ("surplus", ("A",))


# --- Exclusion in batches by transfer value (5.4), surplus from the last batch (5.3.2) -------


def test_excluded_papers_move_in_batches_highest_value_first_each_a_stage() -> None:
    names = ["A", "B", "C", "D", "E"]
    ballots = [
        ("A E D C", 10),
        ("A B", 30),
        ("B", 10),
        ("C", 20),
        ("D C", 17),
        ("E D B", 13),
    ]  # 100 valid; 3 seats; quota 100/4 = 25.00 exactly
    result = ers97(names, ballots, 3)
    assert sheet(result) == [
        Row(
            "first-preferences",
            (),
            totals(A="40.00", B="10.00", C="20.00", D="17.00", E="13.00"),
            "0.00",
            elected=("A",),
            quota="25.00",
        ),
        # Surplus 15.00 is not deferred: B 10 + 15 > E 13, and B + E + 15 = 38 > D 17.
        # A's 40 papers are all transferable: 15.00 / 40 = 0.375 -> 0.37 each.
        # E gets 10 x 0.37 = 3.70, B 30 x 0.37 = 11.10; 15.00 - 14.80 = 0.20 lost.
        Row(
            "surplus",
            ("A",),
            totals(A="25.00", B="21.10", C="20.00", D="17.00", E="16.70"),
            "0.20",
            {"A": "-15.00", "B": "11.10", "E": "3.70", "": "0.20"},
            quota="25.00",
        ),
        # E 16.70 is lowest (E + D = 33.70 > C 20, so alone). Batch 1: E's own 13 papers at
        # 1.00 go to D, who reaches 30.00 and is elected.
        Row(
            "exclusion",
            ("E",),
            totals(A="25.00", B="21.10", C="20.00", D="30.00", E="3.70"),
            "0.20",
            {"D": "13.00", "E": "-13.00", "": "0.00"},
            elected=("D",),
            excluded=("E",),
            quota="25.00",
        ),
        # Batch 2: the 10 papers that came from A at 0.37. Their next preference, D, is now
        # elected, so they pass over D to C (5.4.10): C gets 10 x 0.37 = 3.70.
        Row(
            "exclusion",
            ("E",),
            totals(A="25.00", B="21.10", C="23.70", D="30.00", E="0.00"),
            "0.20",
            {"C": "3.70", "E": "-3.70", "": "0.00"},
            quota="25.00",
        ),
        # D's surplus 5.00 (B 21.10 + 5 = 26.10 > C 23.70: not deferred) comes only from the
        # last batch D received, E's 13 papers (5.3.2), not from D's own 17 (which would go
        # to C). 5.00 / 13 = 0.3846 -> 0.38; B gets 13 x 0.38 = 4.94; 0.06 lost.
        Row(
            "surplus",
            ("D",),
            totals(A="25.00", B="26.04", C="23.70", D="25.00", E="0.00"),
            "0.26",
            {"B": "4.94", "D": "-5.00", "": "0.06"},
            elected=("B",),
            excluded=("C",),
            quota="25.00",
        ),
    ]
    assert result.elected == ("A", "D", "B")


def test_surplus_papers_worth_less_than_the_surplus_pass_at_their_present_value() -> None:
    # 2 seats, 100 valid, quota 33.34. A's surplus is 60 - 33.34 = 26.66, but only 10 of A's
    # papers are transferable, worth 10.00 <= 26.66: each passes at 1.00 (5.3.7) and the other
    # 16.66 is non-transferable. Then the total active vote is 100 - 16.66 - 33.34 = 50.00 and
    # B's 32.00 >= 50.00 / (1 + 1): B is elected below the quota (5.3.13(b)).
    result = ers97(["A", "B", "C"], [("A B", 10), ("A", 50), ("B", 22), ("C", 18)], 2)
    assert sheet(result)[1:] == [
        Row(
            "surplus",
            ("A",),
            totals(A="33.34", B="32.00", C="18.00"),
            "16.66",
            {"A": "-26.66", "B": "10.00", "": "16.66"},
            elected=("B",),
            excluded=("C",),
            quota="33.34",
        )
    ]
    assert "5.3.13(b)" in result.stages[1].note


# --- One seat: the alternative vote ----------------------------------------------------------


def test_one_seat_is_the_alternative_vote_with_the_quota_reduced_by_exhausted_papers() -> None:
    names = ["A", "B", "C", "D"]
    ballots = [("A", 40), ("B", 30), ("C B", 12), ("C", 8), ("D C", 6), ("D", 4)]
    result = ers97(names, ballots, 1)  # 100 valid; quota 100/2 = 50.00
    assert sheet(result) == [
        Row(
            "first-preferences",
            (),
            totals(A="40.00", B="30.00", C="20.00", D="10.00"),
            "0.00",
            quota="50.00",
        ),
        # D + C = 30 does not exceed B's 30 (5.2.5(b)): both are excluded together; D + C + B
        # = 60 > A's 40. C's 12 go to B; the other 8 of C's and all 10 of D's (C being excluded
        # too) are non-transferable. Nobody is elected yet, so the quota is recalculated
        # without them (5.4.8): (100 - 18) / 2 = 41.00, and B's 42 is elected.
        Row(
            "exclusion",
            ("D", "C"),
            totals(A="40.00", B="42.00", C="0.00", D="0.00"),
            "18.00",
            {"B": "12.00", "C": "-20.00", "D": "-10.00", "": "18.00"},
            elected=("B",),
            excluded=("D", "C", "A"),
            quota="41.00",
        ),
    ]
    assert result.quota == Decimal("41.00")


def _instant_runoff(ballots: Sequence[tuple[tuple[int, ...], int]], candidates: int) -> int | None:
    """Return the instant-runoff winner, excluding one at a time, or None on any tie."""
    continuing = set(range(candidates))
    while True:
        votes = dict.fromkeys(continuing, 0)
        for ranking, weight in ballots:
            top = next((c for c in ranking if c in continuing), None)
            if top is not None:
                votes[top] += weight
        active = sum(votes.values())
        leader = max(votes, key=lambda c: votes[c])
        if 2 * votes[leader] > active:
            return leader
        if len(continuing) == 1:
            return leader
        low = min(votes.values())
        if [votes[c] for c in continuing].count(low) > 1:
            return None
        continuing.remove(min(votes, key=lambda c: votes[c]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    st.integers(min_value=2, max_value=6).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.tuples(
                    st.permutations(range(n)).flatmap(
                        lambda p: st.integers(1, len(p)).map(lambda k: tuple(p[:k]))
                    ),
                    st.integers(1, 9),
                ),
                min_size=1,
                max_size=25,
            ),
        )
    )
)
def test_one_seat_elects_the_instant_runoff_winner_whenever_there_is_no_tie(
    election: tuple[int, list[tuple[tuple[int, ...], int]]],
) -> None:
    candidates, ballots = election
    winner = _instant_runoff(ballots, candidates)
    assume(winner is not None)
    names = [f"C{i}" for i in range(candidates)]
    result = count(Profile.from_ballots(names, ballots, seats=1), Rules(method="ers97-stv"))
    assert result.elected == (names[winner],)  # type: ignore[index]
    assert result.tie_breaks == ()


# --- Ties (5.2.5, 5.6.2) ---------------------------------------------------------------------


def test_equal_lowest_are_separated_by_the_first_stage_where_they_differed() -> None:
    # One seat, 52 valid, quota 26.00. X and Y end up level at stage 3 (13 each); X had fewer at
    # the first stage (10 < 11) but more at stage 2 (13 > 11). ERS97 looks from the first stage
    # forward, so X is excluded, and Y wins (the most-recent-stage rule of SSI 2007/42 rule 51
    # would exclude Y instead).
    names = ["A", "X", "Y", "P", "Q"]
    ballots = [
        ("A", 20),
        ("X Y", 10),
        ("Y", 11),
        ("P Y", 2),
        ("P A", 4),
        ("Q X Y", 3),
        ("Q", 2),
    ]
    result = ers97(names, ballots, 1)
    assert sheet(result) == [
        Row(
            "first-preferences",
            (),
            totals(A="20.00", X="10.00", Y="11.00", P="6.00", Q="5.00"),
            "0.00",
            quota="26.00",
        ),
        # Q 5 <= P 6 but Q + P = 11 > X 10: Q alone. Q's 3 go to X, 2 are non-transferable;
        # the quota becomes (52 - 2) / 2 = 25.00 (5.4.8).
        Row(
            "exclusion",
            ("Q",),
            totals(A="20.00", X="13.00", Y="11.00", P="6.00", Q="0.00"),
            "2.00",
            {"Q": "-5.00", "X": "3.00", "": "2.00"},
            excluded=("Q",),
            quota="25.00",
        ),
        # P 6 <= Y 11, P + Y = 17 > X 13: P alone. 2 go to Y, 4 to A.
        Row(
            "exclusion",
            ("P",),
            totals(A="24.00", X="13.00", Y="13.00", P="0.00", Q="0.00"),
            "2.00",
            {"A": "4.00", "P": "-6.00", "Y": "2.00", "": "0.00"},
            excluded=("P",),
            quota="25.00",
        ),
        # X = Y = 13: at the first stage X had 10, Y 11, so X is excluded. All 13 of X's papers
        # (10 "X Y" and 3 "Q X Y") go to Y: 26.00 >= 25.00.
        Row(
            "exclusion",
            ("X",),
            totals(A="24.00", X="0.00", Y="26.00", P="0.00", Q="0.00"),
            "2.00",
            {"X": "-13.00", "Y": "13.00", "": "0.00"},
            elected=("Y",),
            excluded=("X", "A"),
            quota="25.00",
        ),
    ]
    assert result.tie_breaks == (
        TieBreak(
            stage=4,
            purpose="whom to exclude (5.2.5)",
            candidates=("X", "Y"),
            chosen="X",
            by="earlier stage",
        ),
    )


def test_equal_at_every_stage_are_separated_by_a_recorded_seeded_lot() -> None:
    # One seat, 19 valid, quota 9.50. B and C have 5 each at every stage; B + C = 10 > A's 9, so
    # only one is excluded, by lot; their papers go to each other, so the lot picks the winner.
    names = ["A", "B", "C"]
    ballots = [("A", 9), ("B C", 5), ("C B", 5)]
    outcomes = set()
    for seed in range(12):
        # Lot draws from Python's Mersenne Twister seeded with the count's seed, among the tied
        # candidates in ballot order (docs/counting.md).
        loser = ["B", "C"][random.Random(seed).randrange(2)]
        winner = "C" if loser == "B" else "B"
        result = ers97(names, ballots, 1, seed=seed)
        assert result.seed == seed
        assert result.elected == (winner,)
        assert result.tie_breaks == (
            TieBreak(
                stage=2,
                purpose="whom to exclude (5.2.5)",
                candidates=("B", "C"),
                chosen=loser,
                by="lot",
            ),
        )
        assert sheet(result)[1] == Row(
            "exclusion",
            (loser,),
            {"A": "9.00", loser: "0.00", winner: "10.00"},
            "0.00",
            {loser: "-5.00", winner: "5.00", "": "0.00"},
            elected=(winner,),
            excluded=(loser, "A"),
            quota="9.50",
        )
        assert ers97(names, ballots, 1, seed=seed).to_dict() == result.to_dict()
        outcomes.add(winner)
    assert outcomes == {"B", "C"}


def test_equal_votes_at_an_exact_quota_elect_nobody_until_the_lot_excludes_one() -> None:
    # One seat, 100 valid: the quota is 50.00 exactly and both reach it. There is one place,
    # and they were equal at every point, so neither is deemed elected (5.6.2). Nothing is
    # left to transfer; one must be excluded, by lot (5.2.5), which leaves one continuing
    # candidate for one place (5.5.1).
    result = ers97(["A", "B"], [("A", 50), ("B", 50)], 1, seed=3)
    first, second = result.stages
    assert first.elected == ()
    assert "none of them is deemed elected" in first.note
    loser = ["A", "B"][random.Random(3).randrange(2)]
    winner = "B" if loser == "A" else "A"
    assert (second.action, second.elected, second.excluded) == ("fill", (winner,), (loser,))
    assert [(t.chosen, t.by) for t in result.tie_breaks] == [(loser, "lot")]


# --- Representation rules (Hill, Voting matters 9) -------------------------------------------


def test_minimum_guards_the_only_woman_and_the_lowest_man_is_excluded_instead() -> None:
    names = ["A", "B", "C", "D", "E", "W"]
    ballots = [
        ("A", 21),
        ("B", 19),
        ("C", 18),
        ("D C B", 16),
        ("E W", 14),
        ("W", 12),
    ]  # 100 valid; 3 seats; quota 25.00
    gender = {n: {"gender": "woman" if n == "W" else "man"} for n in names}
    rules = {
        "constraints": (Constraint("gender", "woman", minimum=1),),
        "attributes": gender,
    }
    result = ers97(names, ballots, 3, **rules)
    assert sheet(result) == [
        # W is the only woman and a woman must be elected: W is guarded from the start.
        Row(
            "first-preferences",
            (),
            totals(A="21.00", B="19.00", C="18.00", D="16.00", E="14.00", W="12.00"),
            "0.00",
            quota="25.00",
            guarded=("W",),
        ),
        # W (12) is lowest but guarded; the lowest other, E (14), is excluded. E's 14 go to W:
        # 26.00, elected, and nobody is guarded any more.
        Row(
            "exclusion",
            ("E",),
            totals(A="21.00", B="19.00", C="18.00", D="16.00", E="0.00", W="26.00"),
            "0.00",
            {"E": "-14.00", "W": "14.00", "": "0.00"},
            elected=("W",),
            excluded=("E",),
            quota="25.00",
        ),
        # W's surplus 1.00 is deferred: D 16 + 1 = 17 <= C 18. D's 16 go to C: 34.00.
        Row(
            "exclusion",
            ("D",),
            totals(A="21.00", B="19.00", C="34.00", D="0.00", E="0.00", W="26.00"),
            "0.00",
            {"C": "16.00", "D": "-16.00", "": "0.00"},
            elected=("C",),
            excluded=("D",),
            quota="25.00",
        ),
        # Surpluses W 1.00 + C 9.00 = 10.00; B 19 + 10 = 29 > A's 21, so the largest, C's, goes:
        # C's last batch, D's 16 papers, all to B at 9.00 / 16 = 0.5625 -> 0.56 = 8.96.
        Row(
            "surplus",
            ("C",),
            totals(A="21.00", B="27.96", C="25.00", D="0.00", E="0.00", W="26.00"),
            "0.04",
            {"B": "8.96", "C": "-9.00", "": "0.04"},
            elected=("B",),
            excluded=("A",),
            quota="25.00",
        ),
    ]
    assert result.elected == ("W", "C", "B")
    # Without the rule W, lowest, is excluded at once and not elected.
    plain = ers97(names, ballots, 3)
    assert plain.stages[1].subjects == ("W",)
    assert "W" not in plain.elected


def test_maximum_dooms_the_second_man_who_is_excluded_before_any_surplus() -> None:
    names = ["M1", "M2", "W1", "W2"]
    ballots = [("M1 M2", 40), ("M2 W2", 30), ("W1", 20), ("W2 W1", 10)]  # quota 33.34
    gender = {n: {"gender": "man" if n.startswith("M") else "woman"} for n in names}
    result = ers97(
        names,
        ballots,
        2,
        constraints=(Constraint("gender", "man", maximum=1),),
        attributes=gender,
    )
    assert sheet(result) == [
        Row(
            "first-preferences",
            (),
            totals(M1="40.00", M2="30.00", W1="20.00", W2="10.00"),
            "0.00",
            elected=("M1",),
            quota="33.34",
        ),
        # With M1 elected the men's maximum is reached: M2 is doomed and excluded at once,
        # before M1's surplus. M2's 30 papers go to W2: 40.00, elected.
        Row(
            "exclusion",
            ("M2",),
            totals(M1="40.00", M2="0.00", W1="20.00", W2="40.00"),
            "0.00",
            {"M2": "-30.00", "W2": "30.00", "": "0.00"},
            elected=("W2",),
            excluded=("M2", "W1"),
            quota="33.34",
            doomed=("M2",),
        ),
    ]
    # Without the rule: M1's 6.66 is deferred (W2 10 + 6.66 <= W1 20), W2 goes to W1 (30), then
    # the surplus (W1 30 = M2 30, so it matters) goes to M2 at 6.66 / 40 -> 0.16: M2 36.40.
    plain = ers97(names, ballots, 2)
    assert plain.elected == ("M1", "M2")
    assert plain.stages[2].totals["M2"] == Decimal("36.40")


# --- Withdrawn candidates, speed ------------------------------------------------------------


def test_withdrawn_candidates_are_passed_over_and_left_off_the_sheet() -> None:
    names = ["A", "B", "Gone"]
    profile = Profile.from_ballots(names, [([2, 0], 5), ([1], 4), ([2], 3)], seats=1, withdrawn=[2])
    result = count(profile, Rules(method="ers97-stv"))
    # The 3 papers naming only the withdrawn candidate are invalid: 9 valid, quota 4.50.
    assert (result.valid, result.invalid) == (9, 3)
    assert {k: str(v) for k, v in result.stages[0].totals.items()} == {"A": "5.00", "B": "4.00"}
    assert result.elected == ("A",)


@pytest.mark.slow
def test_two_hundred_thousand_ballots_count_with_every_first_preference_in_the_first_stage() -> (
    None
):
    rng = np.random.default_rng(2024)
    candidates, ballots = 20, 200_000
    # Two slates of eight and four independents; voters rank part of the field.
    weights = np.array([4.0] * 8 + [1.0] * 8 + [1.5] * 4)
    rankings = np.full((ballots, 12), -1, dtype=np.int32)
    lengths = rng.integers(1, 13, ballots)
    for slate in (0, 1):
        w = np.roll(weights, 8 * slate)
        rows = np.flatnonzero(rng.random(ballots) < 0.5) if slate else None
        keys = rng.random((ballots if rows is None else len(rows), candidates)) ** (1 / w)
        order = np.argsort(-keys, axis=1)[:, :12].astype(np.int32)
        if rows is None:
            rankings[:] = order
        else:
            rankings[rows] = order
    rankings[np.arange(12)[None, :] >= lengths[:, None]] = -1
    unique, counts = np.unique(rankings, axis=0, return_counts=True)
    profile = Profile(
        candidates=tuple(f"C{i}" for i in range(candidates)),
        rankings=unique,
        weights=counts.astype(np.int64),
        seats=9,
    )
    result = count(profile, Rules(method="ers97-stv", seed=1))
    assert len(result.elected) == 9
    assert result.valid == ballots
    # Every valid paper is in some candidate's first-stage total, each as one whole vote. (How long
    # the count takes is the benchmark's business: bench/bench_count.py.)
    first = result.stages[0].totals
    assert sum(Decimal(str(value)) for value in first.values()) == ballots
    expected = np.bincount(rankings[:, 0], minlength=candidates)
    by_name = {name: Decimal(str(value)) for name, value in first.items()}
    assert [by_name[f"C{i}"] for i in range(candidates)] == [int(n) for n in expected]
