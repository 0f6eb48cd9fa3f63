"""The cast path's savings: papers reused once the ballot is open, and trackers drawn again on a clash."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hustings.ballots import casting
from hustings.ballots.casting import do_cast_ballot, find_credential
from hustings.ballots.models import Ballot, Tracker, Vote, Voter
from hustings.ballots.papers import forget_papers, papers_for
from hustings.elections.models import Phase
from tests.factories import BallotScene

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_papers_held():
    forget_papers()
    yield
    forget_papers()


def test_once_the_ballot_is_open_a_paper_is_read_from_the_database_once():
    scene = BallotScene()
    first = papers_for(scene.election, scene.region.pk)
    with CaptureQueriesContext(connection) as queries:
        again = papers_for(scene.election, scene.region.pk)
    assert len(queries) == 0
    assert [(p.contest.pk, p.candidates) for p in again] == [
        (p.contest.pk, p.candidates) for p in first
    ]


def test_a_reused_paper_is_a_fresh_list_so_callers_cannot_change_the_held_one():
    scene = BallotScene()
    papers_for(scene.election, scene.region.pk).clear()
    assert len(papers_for(scene.election, scene.region.pk)) == 2


def test_each_region_has_its_own_paper():
    scene = BallotScene()
    assert len(papers_for(scene.election, scene.region.pk)) == 2
    assert [p.contest for p in papers_for(scene.election, None)] == [scene.national]


def test_before_the_ballot_opens_every_paper_is_read_afresh():
    scene = BallotScene(Phase.BALLOT_PENDING)
    papers_for(scene.election, scene.region.pk)
    with CaptureQueriesContext(connection) as queries:
        papers_for(scene.election, scene.region.pk)
    assert len(queries) > 0


def test_a_tracker_that_clashes_is_drawn_again_and_the_cast_stored_once(monkeypatch):
    scene = BallotScene()
    _, earlier_code = scene.voter()
    taken = do_cast_ballot(find_credential(earlier_code), {})
    voter, code = scene.voter()
    draws = iter([taken, "AAAAA-BBBBB"])
    monkeypatch.setattr(casting, "new_tracker", lambda: next(draws))

    tracker = do_cast_ballot(
        find_credential(code), {scene.national.pk: [scene.national_candidates[0].pk]}
    )

    assert tracker == "AAAAA-BBBBB"
    assert Ballot.objects.count() == 2
    assert Vote.objects.count() == 4
    assert set(Tracker.objects.values_list("code", flat=True)) == {taken, "AAAAA-BBBBB"}
    assert Voter.objects.get(pk=voter.pk).voted == "online"


def test_a_cast_gives_up_after_five_clashing_trackers_and_stores_nothing(monkeypatch):
    scene = BallotScene()
    _, earlier_code = scene.voter()
    taken = do_cast_ballot(find_credential(earlier_code), {})
    voter, code = scene.voter()
    monkeypatch.setattr(casting, "new_tracker", lambda: taken)

    with pytest.raises(RuntimeError, match="unused tracker"):
        do_cast_ballot(find_credential(code), {})

    assert Ballot.objects.count() == 1
    assert Voter.objects.get(pk=voter.pk).voted == ""
