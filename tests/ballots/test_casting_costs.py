"""The cast path's savings: papers reused once the ballot is open, and trackers drawn again on a clash."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from hustings.ballots import casting
from hustings.ballots.casting import do_cast_ballot, find_credential
from hustings.ballots.models import Channel, Credential, SealedBallot, Voter
from hustings.ballots.papers import forget_papers, papers_for
from hustings.elections.models import Phase
from tests.ballots.helpers import OpenedBallot, open_and_read, sealed, trackers
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
    earlier_voter, earlier_code = scene.voter()
    taken = do_cast_ballot(find_credential(earlier_code), {})
    voter, code = scene.voter()
    draws = iter([taken, "AAAAA-BBBBB"])
    monkeypatch.setattr(casting, "new_tracker", lambda: next(draws))

    tracker = do_cast_ballot(
        find_credential(code), {scene.national.pk: [scene.national_candidates[0].pk]}
    )

    assert tracker == "AAAAA-BBBBB"
    # The clash is the unique credential tracker: the first draw was rolled back whole.
    assert Credential.objects.get(voter=earlier_voter).tracker == taken
    assert Credential.objects.get(voter=voter).tracker == "AAAAA-BBBBB"
    assert Voter.objects.get(pk=voter.pk).voted == "online"
    assert sorted(box.tracker for box in sealed(scene.election)) == sorted([taken, "AAAAA-BBBBB"])
    national = scene.national.pk
    regional = scene.regional.pk
    assert sorted(open_and_read(scene.election), key=lambda b: b.choices[national]) == [
        OpenedBallot(Channel.ONLINE, {national: [], regional: []}),
        OpenedBallot(Channel.ONLINE, {national: [scene.national_candidates[0].pk], regional: []}),
    ]
    assert trackers(scene.election) == sorted([taken, "AAAAA-BBBBB"])


def test_a_cast_gives_up_after_five_clashing_trackers_and_stores_nothing(monkeypatch):
    scene = BallotScene()
    _, earlier_code = scene.voter()
    taken = do_cast_ballot(find_credential(earlier_code), {})
    voter, code = scene.voter()
    drawn: list[str] = []

    def draw() -> str:
        drawn.append(taken)
        return taken

    monkeypatch.setattr(casting, "new_tracker", draw)

    with pytest.raises(RuntimeError, match="unused tracker"):
        do_cast_ballot(find_credential(code), {})

    assert len(drawn) == 5
    assert SealedBallot.objects.count() == 1
    assert Voter.objects.get(pk=voter.pk).voted == ""
    credential = Credential.objects.get(voter=voter)
    assert (credential.used, credential.tracker) == (False, None)


def _every_row() -> dict[str, list[str]]:
    """Return every row of every table the project's models keep, as text, table by table."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        rows[model._meta.label] = sorted(
            repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row))
            for row in model._base_manager.values_list()
        )
    return rows


def test_a_cast_writes_only_the_roll_mark_the_credential_mark_and_one_sealed_box():
    scene = BallotScene()
    voter, code = scene.voter()
    credential = find_credential(code)
    before = _every_row()

    tracker = do_cast_ballot(credential, {scene.national.pk: [scene.national_candidates[0].pk]})

    after = _every_row()
    changed = {label for label in before if before[label] != after[label]}
    # No audit event, no log row, no session: nothing says when this member voted.
    assert changed == {"ballots.Voter", "ballots.Credential", "ballots.SealedBallot"}
    assert len(after["ballots.SealedBallot"]) == len(before["ballots.SealedBallot"]) + 1
    for label, row in (("ballots.Voter", voter.pk), ("ballots.Credential", credential.pk)):
        others_before = [r for r in before[label] if not r.startswith(f"({row},")]
        others_after = [r for r in after[label] if not r.startswith(f"({row},")]
        assert others_before == others_after, label
    voter.refresh_from_db()
    assert voter.voted == Channel.ONLINE
    credential.refresh_from_db()
    assert (credential.used, credential.tracker) == (True, tracker)


def test_an_integrity_error_that_is_not_a_tracker_clash_is_not_hidden_by_drawing_again(
    monkeypatch,
):
    scene = BallotScene()
    voter, code = scene.voter()
    attempts: list[str] = []

    def broken_store(*args: object) -> None:
        attempts.append(str(args[-1]))
        raise IntegrityError("some other constraint")

    monkeypatch.setattr(casting, "_store", broken_store)

    with pytest.raises(IntegrityError, match="some other constraint"):
        do_cast_ballot(find_credential(code), {})

    assert len(attempts) == 1
    assert not SealedBallot.objects.exists()
    assert Voter.objects.get(pk=voter.pk).voted == ""
