"""The pure nomination rules: a unit's list, and both threshold kinds, on hand-built cases."""

from __future__ import annotations

import pytest

from hustings.nominations.rules import (
    BalanceRule,
    NominatingUnit,
    Threshold,
    threshold_status,
    unit_return_problems,
)

HOME = NominatingUnit("H1", "north")
SAME_REGION = NominatingUnit("H2", "north")
EAST_1 = NominatingUnit("E1", "east")
EAST_2 = NominatingUnit("E2", "east")
WEST_1 = NominatingUnit("W1", "west")
SOUTH_1 = NominatingUnit("S1", "south")

SPREAD = Threshold(kind="home-and-spread", other_units=2, other_regions=2)
FIVE_UNITS = Threshold(kind="units", units=5)
WOMEN = BalanceRule(gender="woman", label="women", only_when_full=True)


def units(n: int) -> list[NominatingUnit]:
    return [NominatingUnit(f"U{i}", f"r{i % 3}") for i in range(n)]


# -- At least K units --------------------------------------------------------------------------


def test_exactly_k_units_meets_the_threshold_and_says_so():
    status = threshold_status(FIVE_UNITS, home=HOME, units=units(5))
    assert status.met
    assert status.reason == "5 of 5 units"


def test_one_unit_short_of_k_is_short():
    status = threshold_status(FIVE_UNITS, home=HOME, units=units(4))
    assert not status.met
    assert status.reason == "only 4 of 5 units"


def test_many_more_than_k_units_is_reported_with_the_need():
    status = threshold_status(FIVE_UNITS, home=HOME, units=units(301))
    assert status.met
    assert status.reason == "301 units; 5 needed"


def test_the_same_unit_twice_counts_once():
    status = threshold_status(FIVE_UNITS, home=HOME, units=[EAST_1] * 5)
    assert not status.met
    assert status.reason == "only 1 of 5 units"


def test_no_threshold_means_everyone_reaches_the_ballot():
    assert threshold_status(Threshold(), home=HOME, units=[]).met


# -- Home unit plus M others from R other regions ----------------------------------------------


def test_home_and_two_units_in_two_other_regions_meets_the_threshold():
    status = threshold_status(SPREAD, home=HOME, units=[HOME, EAST_1, WEST_1])
    assert status.met
    assert status.reason == "home unit and 2 other units from 2 other regions"


def test_without_the_home_unit_the_threshold_is_not_met_however_wide_the_spread():
    status = threshold_status(SPREAD, home=HOME, units=[EAST_1, WEST_1, SOUTH_1])
    assert not status.met
    assert status.reason == "home unit missing"


def test_two_units_in_one_other_region_count_as_one_region():
    status = threshold_status(SPREAD, home=HOME, units=[HOME, EAST_1, EAST_2])
    assert not status.met
    assert status.reason == "only 1 other region of 2"


def test_a_unit_in_the_home_region_counts_as_a_unit_but_not_as_another_region():
    status = threshold_status(SPREAD, home=HOME, units=[HOME, SAME_REGION, EAST_1])
    assert not status.met
    assert status.reason == "only 1 other region of 2"


def test_a_home_region_unit_helps_reach_m_when_r_is_met_elsewhere():
    three_from_two = Threshold(kind="home-and-spread", other_units=3, other_regions=2)
    status = threshold_status(three_from_two, home=HOME, units=[HOME, SAME_REGION, EAST_1, WEST_1])
    assert status.met
    assert status.reason == "home unit and 3 other units from 2 other regions"


def test_every_shortfall_is_named_at_once():
    status = threshold_status(SPREAD, home=HOME, units=[EAST_1])
    assert not status.met
    assert status.reason == "home unit missing; only 1 of 2 other units; only 1 other region of 2"


def test_no_other_regions_at_all_is_reported_as_zero():
    status = threshold_status(SPREAD, home=HOME, units=[HOME, SAME_REGION])
    assert status.reason == "only 1 of 2 other units; only 0 other regions of 2"


# -- Affiliates --------------------------------------------------------------------------------


def test_enough_affiliates_reach_the_ballot_without_enough_units():
    threshold = Threshold(kind="units", units=5, affiliates=2)
    status = threshold_status(threshold, home=HOME, units=units(3), affiliates=2)
    assert status.met
    assert status.reason == "2 affiliates (2 needed); units: only 3 of 5 units"


def test_too_few_affiliates_and_units_names_both_shortfalls():
    threshold = Threshold(kind="units", units=5, affiliates=2)
    status = threshold_status(threshold, home=HOME, units=units(3), affiliates=1)
    assert not status.met
    assert status.reason == "only 3 of 5 units; only 1 of 2 affiliates"


def test_affiliates_count_for_nothing_when_the_contest_needs_none():
    status = threshold_status(FIVE_UNITS, home=HOME, units=units(3), affiliates=9)
    assert not status.met


# -- A unit's list -----------------------------------------------------------------------------


def test_a_full_list_with_half_women_is_allowed():
    genders = ["woman"] * 3 + ["man"] * 3
    assert unit_return_problems(genders, maximum=6, balance=WOMEN) == []


def test_a_full_list_with_fewer_than_half_women_is_refused():
    genders = ["woman"] * 2 + ["man"] * 4
    assert unit_return_problems(genders, maximum=6, balance=WOMEN) == [
        "When nominating the maximum, at least half must be women: 3 of 6, but 2 are."
    ]


def test_a_short_list_escapes_a_rule_that_applies_only_to_full_lists():
    assert unit_return_problems(["man"] * 5, maximum=6, balance=WOMEN) == []


def test_a_rule_for_every_list_rounds_half_up():
    always = BalanceRule(gender="woman", label="women", only_when_full=False)
    assert unit_return_problems(["woman", "woman", "man", "man", "man"], maximum=6, balance=always)
    assert not unit_return_problems(
        ["woman", "woman", "woman", "man", "man"], maximum=6, balance=always
    )


def test_more_than_the_maximum_is_refused_with_the_numbers():
    assert unit_return_problems(["woman"] * 7, maximum=6, balance=None) == [
        "A unit may nominate at most 6 candidates in this contest; 7 were given."
    ]


@pytest.mark.parametrize("count", [0, 1, 50])
def test_no_maximum_and_no_balance_allows_any_list(count):
    assert unit_return_problems(["man"] * count, maximum=None, balance=None) == []
