"""ConstraintSet: the feasibility oracle, guard and doom, and the refusal of impossible rules."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hustings.counting import ConstraintSet, CountError, InfeasibleConstraints
from hustings.counting.rules import Constraint

WOMEN = "gender", "woman"


def build(
    attributes: Mapping[str, Mapping[str, str]],
    seats: int,
    *constraints: Constraint,
    withdrawn: Collection[str] = (),
) -> ConstraintSet:
    names = list(attributes)
    standing = [i for i, n in enumerate(names) if n not in withdrawn]
    return ConstraintSet.build(constraints, names, attributes, seats, standing)


def genders(spec: str) -> dict[str, dict[str, str]]:
    """Return candidates named by letter, 'w' or 'm' in `spec` giving each one's gender."""
    return {
        chr(ord("A") + i): {"gender": "woman" if g == "w" else "man"} for i, g in enumerate(spec)
    }


# --- what every count asks, answered by enumeration ---------------------------------------------


def brute_feasible(
    cs: ConstraintSet, elected: Collection[int], continuing: Collection[int]
) -> bool:
    """Say by trying every choice whether some continuing candidates fill the seats lawfully."""
    if not cs.constraints:
        return True  # no rules: the oracle is not asked about seats at all
    to_fill = min(cs.seats - len(elected), len(continuing))
    if to_fill < 0:
        return False
    return any(
        not cs.violations([*elected, *chosen])
        for chosen in combinations(sorted(continuing), to_fill)
    )


@st.composite
def constraint_sets(draw: st.DrawFn) -> tuple[ConstraintSet, list[int], list[int]]:
    """Draw unchecked rules over a few candidates, and a split into elected and continuing."""
    n = draw(st.integers(1, 8))
    seats = draw(st.integers(1, 5))
    attrs = ["a", "b", "c"]
    values = draw(
        st.lists(st.tuples(*[st.sampled_from("xy")] * len(attrs)), min_size=n, max_size=n)
    )
    constraints = []
    members = []
    for _ in range(draw(st.integers(0, 3))):
        a = draw(st.integers(0, len(attrs) - 1))
        v = draw(st.sampled_from("xy"))
        minimum = draw(st.integers(0, 3))
        maximum = draw(st.none() | st.integers(minimum, 4))
        constraints.append(Constraint(attrs[a], v, minimum, maximum))
        members.append(frozenset(i for i in range(n) if values[i][a] == v))
    cs = ConstraintSet(seats=seats, constraints=tuple(constraints), members=tuple(members))
    roles = draw(st.lists(st.sampled_from("ecx"), min_size=n, max_size=n))
    elected = [i for i, r in enumerate(roles) if r == "e"]
    continuing = [i for i, r in enumerate(roles) if r == "c"]
    return cs, elected, continuing


@settings(max_examples=400, deadline=None)
@given(constraint_sets())
def test_feasible_agrees_with_trying_every_choice(
    case: tuple[ConstraintSet, list[int], list[int]],
) -> None:
    cs, elected, continuing = case

    assert cs.feasible(elected, continuing) == brute_feasible(cs, elected, continuing)


@settings(max_examples=200, deadline=None)
@given(constraint_sets())
def test_guard_and_doom_agree_with_trying_every_choice(
    case: tuple[ConstraintSet, list[int], list[int]],
) -> None:
    cs, elected, continuing = case

    guarded, doomed = cs.guard_and_doom(elected, continuing)

    c_set = set(continuing)
    assert guarded == {c for c in continuing if not brute_feasible(cs, elected, c_set - {c})}
    assert doomed == {c for c in continuing if not brute_feasible(cs, [*elected, c], c_set - {c})}


# --- no rules ------------------------------------------------------------------------------------


def test_an_empty_set_is_falsy_and_allows_anything() -> None:
    cs = build(genders("mmm"), 2)

    assert not cs
    assert cs.feasible([0, 1, 2], [])
    assert cs.guard_and_doom([0], [1, 2]) == (frozenset(), frozenset())
    assert cs.violations([0, 1, 2]) == []


def test_a_set_with_rules_is_truthy() -> None:
    assert build(genders("wm"), 1, Constraint(*WOMEN, minimum=1))


# --- feasibility ---------------------------------------------------------------------------------


def test_a_minimum_is_feasible_while_enough_of_the_group_continue() -> None:
    # A, B women; C, D men; three seats, at least two women.
    cs = build(genders("wwmm"), 3, Constraint(*WOMEN, minimum=2))

    assert cs.feasible([], [0, 1, 2, 3])
    assert cs.feasible([2], [0, 1, 3])
    assert not cs.feasible([2, 3], [0, 1])  # one seat left, two women still needed
    assert not cs.feasible([2], [1, 3])  # only one woman continues


def test_a_maximum_is_broken_once_the_elected_exceed_it() -> None:
    cs = build(genders("wwwm"), 2, Constraint(*WOMEN, maximum=1))

    assert cs.feasible([0], [1, 2, 3])
    assert not cs.feasible([0, 1], [2, 3])


def test_when_fewer_continue_than_seats_remain_all_of_them_must_do() -> None:
    cs = build(genders("wmm"), 3, Constraint(*WOMEN, minimum=1))

    assert cs.feasible([], [0])
    assert not cs.feasible([], [1])


def test_more_elected_than_seats_is_never_feasible() -> None:
    cs = build(genders("wmm"), 1, Constraint(*WOMEN, maximum=1))

    assert not cs.feasible([1, 2], [])


# --- guard and doom ------------------------------------------------------------------------------


def test_the_last_woman_who_can_fill_a_minimum_is_guarded() -> None:
    # A, B, C women; D, E men; three seats, at least two women. A is elected.
    cs = build(genders("wwwmm"), 3, Constraint(*WOMEN, minimum=2))

    assert cs.guard_and_doom([0], [1, 2, 3, 4]) == (frozenset(), frozenset())
    # With C gone, B is the only woman left who can make the second.
    assert cs.guard_and_doom([0], [1, 3, 4]) == (frozenset({1}), frozenset())


def test_men_are_doomed_once_the_remaining_seats_are_needed_by_women() -> None:
    cs = build(genders("wwwmm"), 3, Constraint(*WOMEN, minimum=2))

    # A and D elected: the one seat left must go to a woman.
    guarded, doomed = cs.guard_and_doom([0, 3], [1, 2, 4])

    assert guarded == frozenset()  # either woman will do
    assert doomed == frozenset({4})


def test_the_rest_of_a_group_is_doomed_once_its_maximum_is_elected() -> None:
    cs = build(genders("wwmmm"), 3, Constraint(*WOMEN, maximum=1))

    assert cs.guard_and_doom([0], [1, 2, 3, 4]) == (frozenset(), frozenset({1}))


def test_guard_and_doom_with_several_overlapping_rules() -> None:
    # Three seats: at least one woman, at least one Scot, at most two Left.
    attributes = {
        "A": {"gender": "man", "nation": "England", "slate": "Left"},
        "B": {"gender": "man", "nation": "England", "slate": "Left"},
        "C": {"gender": "woman", "nation": "England", "slate": "Left"},
        "D": {"gender": "man", "nation": "Scotland", "slate": "Centre"},
        "E": {"gender": "woman", "nation": "Scotland", "slate": "Centre"},
    }
    cs = build(
        attributes,
        3,
        Constraint(*WOMEN, minimum=1),
        Constraint("nation", "Scotland", minimum=1),
        Constraint("slate", "Left", maximum=2),
    )

    # At the start any one candidate can go and any one can win: e.g. without E, C and D do;
    # with C elected, D or E keeps Left at two.
    assert cs.guard_and_doom([], [0, 1, 2, 3, 4]) == (frozenset(), frozenset())
    # A and B (both Left, both English men) elected: the last seat needs a Scottish woman who is
    # not Left, and only E is one. C would make three Left and no Scot; D no woman.
    assert cs.guard_and_doom([0, 1], [2, 3, 4]) == (frozenset({4}), frozenset({2, 3}))
    # A elected, E gone: two seats need a woman and a Scot; C is the only woman, D the only Scot.
    assert cs.guard_and_doom([0], [1, 2, 3]) == (frozenset({2, 3}), frozenset({1}))


def test_a_candidate_in_two_groups_can_serve_both_minima() -> None:
    attributes = {
        "A": {"gender": "woman", "nation": "Scotland"},
        "B": {"gender": "man", "nation": "England"},
        "C": {"gender": "man", "nation": "England"},
    }
    cs = build(
        attributes,
        2,
        Constraint(*WOMEN, minimum=1),
        Constraint("nation", "Scotland", minimum=1),
    )

    assert cs.feasible([], [0, 1, 2])
    assert cs.guard_and_doom([], [0, 1, 2]) == (frozenset({0}), frozenset())
    assert cs.guard_and_doom([1], [0, 2]) == (frozenset({0}), frozenset({2}))


# --- violations ----------------------------------------------------------------------------------


def test_violations_name_each_broken_rule_and_the_number_elected() -> None:
    cs = build(
        genders("wwmmm"),
        3,
        Constraint(*WOMEN, minimum=2),
        Constraint("gender", "man", maximum=2),
    )

    assert cs.violations([2, 3, 4]) == [
        "at least 2 with gender=woman: 0 elected",
        "at most 2 with gender=man: 3 elected",
    ]
    assert cs.violations([0, 1, 2]) == []


# --- refusals ------------------------------------------------------------------------------------


def test_attributes_for_names_not_on_the_ballot_are_refused() -> None:
    with pytest.raises(CountError, match=r"^attributes name candidates not on the ballot: Zed$"):
        ConstraintSet.build((), ["A"], {"Zed": {"gender": "man"}}, 1, [0])


def test_a_rule_on_an_attribute_no_candidate_has_is_refused() -> None:
    with pytest.raises(
        CountError, match=r"^at least 1 with region=north: no candidate has the attribute 'region'$"
    ):
        build(genders("wm"), 1, Constraint("region", "north", minimum=1))


def test_a_rule_given_without_any_attributes_says_so() -> None:
    with pytest.raises(CountError, match=r"\(no attributes were given\)$"):
        ConstraintSet.build((Constraint(*WOMEN, minimum=1),), ["A"], {}, 1, [0])


def test_a_minimum_above_the_seats_is_refused() -> None:
    with pytest.raises(InfeasibleConstraints) as error:
        build(genders("wwwm"), 2, Constraint(*WOMEN, minimum=3))

    assert str(error.value) == (
        "at least 3 with gender=woman: the rule asks for more winners than there are seats to "
        "fill (2)"
    )


def test_a_minimum_above_the_candidates_standing_is_refused() -> None:
    with pytest.raises(InfeasibleConstraints) as error:
        build(genders("wmmm"), 3, Constraint(*WOMEN, minimum=2))

    assert str(error.value) == "at least 2 with gender=woman: only 1 such candidate stands"


def test_a_withdrawn_candidate_does_not_count_towards_a_minimum() -> None:
    with pytest.raises(InfeasibleConstraints, match="only 1 such candidate stands"):
        build(genders("wwmm"), 3, Constraint(*WOMEN, minimum=2), withdrawn={"A"})


def test_a_maximum_that_leaves_seats_nobody_can_fill_is_refused() -> None:
    with pytest.raises(InfeasibleConstraints) as error:
        build(genders("wmmm"), 3, Constraint("gender", "man", maximum=1))

    assert str(error.value) == (
        "at most 1 with gender=man: only 1 other candidate stands for the remaining 2 seats"
    )


def test_rules_that_can_each_be_met_but_not_together_are_refused() -> None:
    # Two seats; both women are Left, so two women means two Left.
    attributes = {
        "A": {"gender": "woman", "slate": "Left"},
        "B": {"gender": "man", "slate": "Centre"},
        "C": {"gender": "man", "slate": "Centre"},
        "D": {"gender": "woman", "slate": "Left"},
    }
    with pytest.raises(InfeasibleConstraints) as error:
        build(attributes, 2, Constraint(*WOMEN, minimum=2), Constraint("slate", "Left", maximum=1))

    assert str(error.value) == (
        "the representation rules cannot all be met together: "
        "at least 2 with gender=woman; at most 1 with slate=Left"
    )


def test_with_fewer_candidates_than_seats_the_rules_apply_to_those_who_stand() -> None:
    # Two stand for three seats: both are elected, so at most one man is impossible...
    with pytest.raises(InfeasibleConstraints):
        build(genders("mm"), 3, Constraint("gender", "man", maximum=1))
    # ...while at least one woman among two who stand is possible.
    assert build(genders("wm"), 3, Constraint(*WOMEN, minimum=1)).feasible([], [0, 1])


def test_a_constraint_with_a_maximum_below_its_minimum_is_refused() -> None:
    with pytest.raises(CountError, match="the maximum is below the minimum"):
        Constraint(*WOMEN, minimum=2, maximum=1)


def test_constraint_parse_reads_the_cli_form() -> None:
    assert Constraint.parse("gender=woman:3", kind="min") == Constraint(*WOMEN, minimum=3)
    assert Constraint.parse(" slate = Left : 2 ", kind="max") == Constraint(
        "slate", "Left", maximum=2
    )
    with pytest.raises(CountError, match="expected ATTRIBUTE=VALUE:NUMBER"):
        Constraint.parse("gender:3", kind="min")


def _labels(constraints: Sequence[Constraint]) -> list[str]:
    return [c.label() for c in constraints]


def test_labels_say_the_rule_in_words() -> None:
    assert _labels(
        [
            Constraint(*WOMEN, minimum=3),
            Constraint(*WOMEN, maximum=4),
            Constraint(*WOMEN, minimum=1, maximum=2),
            Constraint(*WOMEN),
        ]
    ) == [
        "at least 3 with gender=woman",
        "at most 4 with gender=woman",
        "at least 1 and at most 2 with gender=woman",
        "any number with gender=woman",
    ]
