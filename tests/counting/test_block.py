"""Worked block-vote counts, each small enough to check by hand, asserting the whole sheet."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest

from hustings.counting import Constraint, CountResult, Profile, Rules, count
from hustings.counting.methods.block import RULE_VERSION

AHMED, BAKER, CLARKE, DUTTA, EVANS, FOX = range(6)
NAMES = ("Ahmed", "Baker", "Clarke", "Dutta", "Evans", "Fox")
ATTRIBUTES = {
    "Ahmed": {"gender": "man", "slate": "Left"},
    "Baker": {"gender": "woman", "slate": "Left"},
    "Clarke": {"gender": "woman", "slate": "Centre"},
    "Dutta": {"gender": "man", "slate": "Left"},
    "Evans": {"gender": "man", "slate": "Centre"},
    "Fox": {"gender": "woman", "slate": "Centre"},
}

# Three seats. By hand, counting only the 95 valid ballots (40+25+10+12+8):
#   Ahmed 40+10 = 50, Baker 25+10 = 35, Clarke 25+8 = 33, Dutta 40+12 = 52, Evans 40+8 = 48, Fox 8.
# Invalid: 2 blank, 3 marking four names for three seats, 1 rejected before the count = 6.
# Order of votes: Dutta 52, Ahmed 50, Evans 48 | Baker 35, Clarke 33, Fox 8 -- three men on top.
BALLOTS = [
    ((AHMED, DUTTA, EVANS), 40),
    ((BAKER, CLARKE), 25),
    ((AHMED, BAKER), 10),
    ((DUTTA,), 12),
    ((EVANS, FOX, CLARKE), 8),
    ((), 2),
    ((AHMED, BAKER, CLARKE, DUTTA), 3),
]
TOTALS = {"Ahmed": 50, "Baker": 35, "Clarke": 33, "Dutta": 52, "Evans": 48, "Fox": 8}
FIRST_NOTE = (
    "95 valid ballots; 3 void for marking more than 3 candidates; 2 blank; "
    "1 rejected before the count. Elected: the 3 candidates with most votes."
)
WOMEN = "gender", "woman"


def nec_profile() -> Profile:
    return Profile.from_ballots(NAMES, BALLOTS, seats=3, rejected=1, title="Worked example")


def block(profile: Profile, *constraints: Constraint, seed: int = 7) -> CountResult:
    return count(
        profile,
        Rules(method="block", constraints=constraints, attributes=ATTRIBUTES, seed=seed),
    )


def sheet(result: CountResult) -> list[dict[str, Any]]:
    """Return every stage of the result as plain data, the way a count sheet lists it."""
    return [
        {
            "number": s.number,
            "action": s.action,
            "subjects": s.subjects,
            "totals": dict(s.totals),
            "non_transferable": s.non_transferable,
            "transfers": dict(s.transfers),
            "elected": s.elected,
            "excluded": s.excluded,
            "note": s.note,
        }
        for s in result.stages
    ]


def first_stage(elected: tuple[str, ...], totals: dict[str, int] = TOTALS) -> dict[str, Any]:
    return {
        "number": 1,
        "action": "first-preferences",
        "subjects": (),
        "totals": {name: Decimal(v) for name, v in totals.items()},
        "non_transferable": Decimal(0),
        "transfers": {},
        "elected": elected,
        "excluded": (),
        "note": FIRST_NOTE,
    }


def substitution(number: int, out: str, into: str, note: str) -> dict[str, Any]:
    return {
        "number": number,
        "action": "substitution",
        "subjects": (out, into),
        "totals": {name: Decimal(v) for name, v in TOTALS.items()},
        "non_transferable": Decimal(0),
        "transfers": {},
        "elected": (into,),
        "excluded": (out,),
        "note": note,
    }


def test_plain_block_vote_elects_the_three_with_most_votes() -> None:
    result = block(nec_profile())

    assert result.method == "block"
    assert result.rule_version == RULE_VERSION
    assert result.title == "Worked example"
    assert result.seats == 3
    assert result.quota is None
    assert result.places == 0
    assert (result.valid, result.invalid) == (95, 6)
    assert result.elected == ("Dutta", "Ahmed", "Evans")
    assert result.tie_breaks == ()
    assert sheet(result) == [first_stage(("Dutta", "Ahmed", "Evans"))]


def test_votes_add_up_to_the_marks_on_the_valid_ballots() -> None:
    result = block(nec_profile())

    marks = 40 * 3 + 25 * 2 + 10 * 2 + 12 * 1 + 8 * 3
    assert sum(result.stages[0].totals.values()) == marks == 226


def test_a_minimum_of_one_woman_replaces_the_lowest_placed_man() -> None:
    result = block(nec_profile(), Constraint(*WOMEN, minimum=1))

    assert result.elected == ("Dutta", "Ahmed", "Baker")
    assert sheet(result) == [
        first_stage(("Dutta", "Ahmed", "Evans")),
        substitution(
            2,
            "Evans",
            "Baker",
            "Baker (35 votes) replaces Evans (48 votes) "
            "so that at least 1 of the 3 elected have gender=woman",
        ),
    ]
    assert result.tie_breaks == ()


def test_a_minimum_of_two_women_makes_two_substitutions_from_the_bottom_up() -> None:
    result = block(nec_profile(), Constraint(*WOMEN, minimum=2))

    assert result.elected == ("Dutta", "Baker", "Clarke")
    assert sheet(result) == [
        first_stage(("Dutta", "Ahmed", "Evans")),
        substitution(
            2,
            "Evans",
            "Baker",
            "Baker (35 votes) replaces Evans (48 votes) "
            "so that at least 2 of the 3 elected have gender=woman",
        ),
        substitution(
            3,
            "Ahmed",
            "Clarke",
            "Clarke (33 votes) replaces Ahmed (50 votes) "
            "so that at least 2 of the 3 elected have gender=woman",
        ),
    ]


def test_a_minimum_already_met_changes_nothing() -> None:
    result = block(nec_profile(), Constraint("gender", "man", minimum=2))

    assert result.elected == ("Dutta", "Ahmed", "Evans")
    assert len(result.stages) == 1


def test_a_maximum_replaces_the_lowest_placed_winner_inside_the_group() -> None:
    # Dutta and Ahmed are both Left; Ahmed is placed lower, and the best candidate not elected
    # who is not Left is Clarke (Baker is Left too).
    result = block(nec_profile(), Constraint("slate", "Left", maximum=1))

    assert result.elected == ("Dutta", "Evans", "Clarke")
    assert sheet(result) == [
        first_stage(("Dutta", "Ahmed", "Evans")),
        substitution(
            2,
            "Ahmed",
            "Clarke",
            "Clarke (33 votes) replaces Ahmed (50 votes) "
            "so that at most 1 of the 3 elected have slate=Left",
        ),
    ]


def test_several_rules_elect_the_best_placed_set_that_meets_them_all() -> None:
    # Baker is the best-placed woman, but she is Left: with her and Dutta (who must stay, being
    # first) the Left would have two. So Clarke comes in, and Ahmed (Left) gives way rather than
    # Evans: the single exchange Ahmed -> Clarke satisfies both rules.
    rules = (Constraint(*WOMEN, minimum=1), Constraint("slate", "Left", maximum=1))
    result = block(nec_profile(), *rules)

    assert result.elected == ("Dutta", "Evans", "Clarke")
    assert sheet(result) == [
        first_stage(("Dutta", "Ahmed", "Evans")),
        substitution(
            2,
            "Ahmed",
            "Clarke",
            "Clarke (33 votes) replaces Ahmed (50 votes) "
            "so that at least 1 of the 3 elected have gender=woman "
            "and at most 1 of the 3 elected have slate=Left",
        ),
    ]


def test_the_order_in_which_rules_are_given_does_not_change_the_winners() -> None:
    rules = (Constraint(*WOMEN, minimum=2), Constraint("slate", "Centre", maximum=1))

    forwards = block(nec_profile(), *rules)
    backwards = block(nec_profile(), *reversed(rules))

    # By hand, going down the order of votes: Dutta stays (Baker and Clarke can still join
    # him); Ahmed and Evans cannot, as that would leave one seat for two women; Baker can;
    # Clarke can (the one Centre winner). So Dutta, Baker, Clarke, whichever rule comes first.
    assert forwards.elected == backwards.elected == ("Dutta", "Baker", "Clarke")


def test_exchanges_are_paired_so_that_no_rule_is_broken_on_the_way() -> None:
    # Three seats, at least two women, at most one Left. By hand: Ana (Left) cannot be kept,
    # since she and two women would need a non-Left second woman beside Wendy; Ben can; Cal
    # would leave one seat for two women. So the winners are Ben, Wynn and Wendy. Cal (lowest)
    # leaves first; Wynn is Left and would put two Left beside Ana, so Wendy takes Cal's place,
    # and Wynn takes Ana's.
    names = ("Ana", "Ben", "Cal", "Wynn", "Wendy")
    attributes = {
        "Ana": {"gender": "man", "slate": "Left"},
        "Ben": {"gender": "man", "slate": "Centre"},
        "Cal": {"gender": "man", "slate": "Centre"},
        "Wynn": {"gender": "woman", "slate": "Left"},
        "Wendy": {"gender": "woman", "slate": "Centre"},
    }
    profile = Profile.from_ballots(
        names, [((0,), 50), ((1,), 40), ((2,), 30), ((3,), 20), ((4,), 10)], seats=3
    )
    rules = Rules(
        method="block",
        constraints=(Constraint(*WOMEN, minimum=2), Constraint("slate", "Left", maximum=1)),
        attributes=attributes,
        seed=1,
    )

    result = count(profile, rules)

    assert result.elected == ("Ben", "Wynn", "Wendy")
    assert [(s.subjects, s.note) for s in result.stages[1:]] == [
        (
            ("Cal", "Wendy"),
            "Wendy (10 votes) replaces Cal (30 votes) "
            "so that at least 2 of the 3 elected have gender=woman",
        ),
        (
            ("Ana", "Wynn"),
            "Wynn (20 votes) replaces Ana (50 votes) "
            "so that at least 2 of the 3 elected have gender=woman",
        ),
    ]


def test_a_tie_for_the_last_seat_is_drawn_by_lot_from_the_seed() -> None:
    # Pat 8, Quinn 5, Rosa 5, Sam 2: Quinn and Rosa tie for the second of two seats.
    names = ("Pat", "Quinn", "Rosa", "Sam")
    profile = Profile.from_ballots(names, [((0, 1), 5), ((0, 2), 3), ((2, 3), 2)], seats=2)
    seed = 2024
    expected = ("Quinn", "Rosa")[random.Random(seed).randrange(2)]

    result = count(profile, Rules(method="block", seed=seed))

    assert {k: int(v) for k, v in result.stages[0].totals.items()} == {
        "Pat": 8,
        "Quinn": 5,
        "Rosa": 5,
        "Sam": 2,
    }
    assert result.elected == ("Pat", expected)
    assert len(result.tie_breaks) == 1
    tie = result.tie_breaks[0]
    assert (tie.stage, tie.candidates, tie.chosen, tie.by) == (
        1,
        ("Quinn", "Rosa"),
        expected,
        "lot",
    )
    assert tie.purpose == "which of the candidates with 5 votes each is placed 2nd"
    assert result.seed == seed


def test_either_tied_candidate_can_win_the_draw() -> None:
    names = ("Pat", "Quinn", "Rosa", "Sam")
    profile = Profile.from_ballots(names, [((0, 1), 5), ((0, 2), 3), ((2, 3), 2)], seats=2)

    winners = {count(profile, Rules(method="block", seed=s)).elected[1] for s in range(20)}

    assert winners == {"Quinn", "Rosa"}


def test_winners_with_equal_votes_are_ordered_by_lot() -> None:
    names = ("Pat", "Quinn", "Rosa")
    profile = Profile.from_ballots(names, [((0, 1), 8), ((2,), 3)], seats=2)
    seed = 11
    first = ("Pat", "Quinn")[random.Random(seed).randrange(2)]

    result = count(profile, Rules(method="block", seed=seed))

    assert result.elected == (first, "Quinn" if first == "Pat" else "Pat")
    assert [(t.purpose, t.candidates, t.chosen) for t in result.tie_breaks] == [
        ("which of the candidates with 8 votes each is placed 1st", ("Pat", "Quinn"), first)
    ]


def test_the_lot_that_orders_tied_winners_decides_who_gives_way() -> None:
    # Seats 3, at least one woman. Mo 10; Max and Mel 7 each; Wen 4. Max and Mel are placed by
    # lot; whoever is placed third gives way to Wen.
    names = ("Mo", "Max", "Mel", "Wen")
    attributes = {n: {"gender": "woman" if n == "Wen" else "man"} for n in names}
    profile = Profile.from_ballots(names, [((0, 1, 2), 7), ((0, 3), 3), ((3,), 1)], seats=3)
    seed = 5
    second = ("Max", "Mel")[random.Random(seed).randrange(2)]
    third = "Mel" if second == "Max" else "Max"
    rules = Rules(
        method="block",
        constraints=(Constraint(*WOMEN, minimum=1),),
        attributes=attributes,
        seed=seed,
    )

    result = count(profile, rules)

    assert result.stages[0].elected == ("Mo", second, third)
    assert result.elected == ("Mo", second, "Wen")
    assert result.stages[1].subjects == (third, "Wen")
    assert result.stages[1].note == (
        f"Wen (4 votes) replaces {third} (7 votes) "
        "so that at least 1 of the 3 elected have gender=woman"
    )


def test_a_tie_among_substitutes_is_drawn_by_lot_at_the_substitution_stage() -> None:
    names = ("Mo", "Max", "Wen", "Win")
    attributes = {n: {"gender": "woman" if n.startswith("W") else "man"} for n in names}
    profile = Profile.from_ballots(names, [((0, 1), 9), ((0,), 1), ((2, 3), 5)], seats=2)
    seed = 3
    chosen = ("Wen", "Win")[random.Random(seed).randrange(2)]
    rules = Rules(
        method="block",
        constraints=(Constraint(*WOMEN, minimum=1),),
        attributes=attributes,
        seed=seed,
    )

    result = count(profile, rules)

    assert result.elected == ("Mo", chosen)
    assert [(t.stage, t.candidates, t.chosen, t.by) for t in result.tie_breaks] == [
        (2, ("Wen", "Win"), chosen, "lot")
    ]
    assert result.stages[1].subjects == ("Max", chosen)


def test_marks_for_a_withdrawn_candidate_count_towards_an_over_vote_but_give_no_vote() -> None:
    names = ("Ann", "Bea", "Col")
    profile = Profile.from_ballots(
        names,
        [((0, 1), 4), ((0, 2), 3), ((2,), 2), ((0, 1, 2), 1)],
        seats=2,
        withdrawn=[2],
    )

    result = count(profile, Rules(method="block", seed=1))

    # (Ann, Col) x3 is valid and votes for Ann only; (Col) x2 marks nobody who stands; the
    # three-mark ballot is an over-vote for two seats.
    assert (result.valid, result.invalid) == (7, 3)
    assert dict(result.stages[0].totals) == {"Ann": Decimal(7), "Bea": Decimal(4)}
    assert result.withdrawn == ("Col",)
    assert result.stages[0].note == (
        "7 valid ballots; 1 void for marking more than 2 candidates; "
        "2 void for marking no candidate who stands. Elected: the 2 candidates with most votes."
    )


def test_fewer_candidates_than_seats_are_all_elected_even_with_no_votes() -> None:
    profile = Profile.from_ballots(("Ann", "Bea"), [((0,), 3)], seats=3)

    result = count(profile, Rules(method="block", seed=1))

    assert result.elected == ("Ann", "Bea")
    assert result.stages[0].totals == {"Ann": Decimal(3), "Bea": Decimal(0)}


def test_the_result_serialises_whole_votes_as_decimal_strings() -> None:
    data = block(nec_profile(), Constraint(*WOMEN, minimum=1)).to_dict()

    assert data["quota"] is None
    assert data["rounds"][0]["totals"]["Dutta"] == "52"
    assert [r["action"] for r in data["rounds"]] == ["first-preferences", "substitution"]
    assert data["elected"] == ["Dutta", "Ahmed", "Baker"]


@pytest.mark.parametrize("weights", [(1, 1, 1), (3,)])
def test_a_weight_counts_as_that_many_identical_ballots(weights: tuple[int, ...]) -> None:
    ballots = [((0, 1), w) for w in weights] + [((2,), 2)]
    profile = Profile.from_ballots(("Ann", "Bea", "Col"), ballots, seats=2)

    result = count(profile, Rules(method="block", seed=1))

    assert result.valid == 5
    assert result.stages[0].totals == {"Ann": Decimal(3), "Bea": Decimal(3), "Col": Decimal(2)}
