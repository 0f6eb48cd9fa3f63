"""Lots: a seed from the ballots when none is given, worked out only when a lot is drawn."""

from __future__ import annotations

from hustings.counting import Profile, Rules, count, default_seed
from hustings.counting.report.text import text_report


def test_a_count_without_ties_needs_and_reports_no_seed() -> None:
    profile = Profile.from_ballots(["Ann", "Bob", "Cat"], [((0,), 5), ((1,), 3), ((2,), 1)])
    result = count(profile, Rules(method="block", seats=1))
    assert result.tie_breaks == ()
    assert result.seed is None
    assert result.to_dict()["seed"] is None
    assert "none needed (no lot was drawn)" in text_report(result)


def test_a_lot_without_a_given_seed_draws_from_the_ballots_digest() -> None:
    profile = Profile.from_ballots(["Ann", "Bob", "Cat"], [((0,), 4), ((1,), 4), ((2,), 1)])
    result = count(profile, Rules(method="block", seats=1))
    assert [t.by for t in result.tie_breaks] == ["lot"]
    assert result.seed == default_seed(profile)
    assert count(profile, Rules(method="block", seats=1, seed=result.seed)) == result


def test_a_given_seed_is_reported_even_when_no_lot_is_drawn() -> None:
    profile = Profile.from_ballots(["Ann", "Bob"], [((0,), 2), ((1,), 1)])
    assert count(profile, Rules(method="scottish-stv", seats=1, seed=7)).seed == 7
