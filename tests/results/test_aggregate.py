"""Aggregation: identical ballots are grouped by the database into the counting profile."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hustings.ballots.box import open_ballot_box
from hustings.ballots.models import PostalBatch
from hustings.results.aggregate import aggregate_contest, ballot_list, spoilt_papers
from tests.factories import (
    BallotScene,
    confirm_ballot,
    make_candidacy,
    make_contest,
    make_election,
    make_member,
)
from tests.results.scene import cast

pytestmark = pytest.mark.django_db


def test_identical_ballots_reach_the_profile_once_with_their_number_of_voters() -> None:
    scene = BallotScene()
    eve, fay, gus = (c.pk for c in scene.regional_candidates)
    cast(scene.election, {scene.regional: [eve, fay]}, unit=scene.unit, times=3)
    cast(scene.election, {scene.regional: [gus]}, unit=scene.unit, times=2)
    cast(scene.election, {scene.regional: []}, unit=scene.unit)
    # The count reads ballots once its start has opened the ballot box.
    assert open_ballot_box(scene.election) == 6
    with CaptureQueriesContext(connection) as queries:
        ballots = aggregate_contest(scene.regional)
    assert sorted(ballots.profile.ballots()) == [((), 1), ((0, 1), 3), ((2,), 2)]
    assert (ballots.ballots, ballots.blank) == (6, 1)
    assert ballots.profile.candidates == ("Eve Local", "Fay Local", "Gus Local")
    assert ballots.profile.seats == 2
    grouped = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"].upper()]
    assert len(grouped) == 1
    assert "ballots_vote" in grouped[0]


def test_withdrawn_candidates_are_withdrawn_in_the_profile() -> None:
    scene = BallotScene()
    ballots = aggregate_contest(scene.regional, withdrawn=[scene.regional_candidates[1].pk])
    assert ballots.profile.withdrawn == frozenset({1})


def test_two_candidates_with_one_name_are_told_apart_by_candidacy() -> None:
    contest = make_contest(make_election("count"), seats=1)
    twins = [make_candidacy(contest, make_member(name="Sam Smith")) for _ in range(2)]
    confirm_ballot(contest, twins)
    names = [c.name for c in ballot_list(contest)]
    assert names == [f"Sam Smith (#{twins[0].pk})", f"Sam Smith (#{twins[1].pk})"]


def test_only_postal_rows_rejected_as_spoilt_count_as_spoilt() -> None:
    election = make_election("count")
    PostalBatch.objects.create(
        election=election,
        filename="a.csv",
        sha256="0" * 64,
        imported_at=timezone.now(),
        rows=4,
        accepted=1,
        rejections=[
            {"line": 2, "reason": "spoilt", "message": "spoilt: two first preferences"},
            {"line": 3, "reason": "already-voted", "message": "already voted"},
            {"line": 4, "reason": "spoilt", "message": "spoilt: too many marks"},
        ],
    )
    assert spoilt_papers(election) == 2
