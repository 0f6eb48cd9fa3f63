"""Profiles: canonical order and the digest that seeds lots."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hustings.counting import Profile

CANDIDATES = tuple(f"C{i}" for i in range(37))


@st.composite
def ballots(draw: st.DrawFn) -> list[tuple[tuple[int, ...], int]]:
    n = draw(st.integers(min_value=1, max_value=len(CANDIDATES)))
    ranking = st.lists(st.integers(0, n - 1), unique=True, max_size=n).map(tuple)
    return draw(st.lists(st.tuples(ranking, st.integers(1, 5)), min_size=1, max_size=40))


@settings(max_examples=200, deadline=None)
@given(ballots())
def test_canonical_order_sorts_rankings_preference_by_preference(pairs) -> None:
    profile = Profile.from_ballots(CANDIDATES, pairs)
    rankings = [r for r, _ in profile.canonical().ballots()]
    # -1 padding sorts first, so a ranking sorts before any longer ranking it begins.
    assert rankings == sorted(rankings)


@settings(max_examples=200, deadline=None)
@given(ballots(), st.randoms(use_true_random=False))
def test_digest_ignores_ballot_order_splitting_and_padding(pairs, rnd) -> None:
    profile = Profile.from_ballots(CANDIDATES, pairs)
    split = [(r, 1) for r, w in pairs for _ in range(w)]
    rnd.shuffle(split)
    rows = len(split)
    padded = np.full((rows, len(CANDIDATES) + 3), -1, dtype=np.int32)
    for i, (r, _) in enumerate(split):
        padded[i, : len(r)] = r
    unmerged = Profile(CANDIDATES, padded, np.ones(rows, dtype=np.int64))
    assert unmerged.digest() == profile.digest()


def test_digest_changes_with_any_ballot() -> None:
    one = Profile.from_ballots(CANDIDATES[:3], [((0, 1), 2), ((2,), 1)])
    other = Profile.from_ballots(CANDIDATES[:3], [((0, 1), 2), ((2, 0), 1)])
    heavier = Profile.from_ballots(CANDIDATES[:3], [((0, 1), 3), ((2,), 1)])
    assert len({one.digest(), other.digest(), heavier.digest()}) == 3
