"""Casting: one ballot per member, only while open, only valid choices, stored without identity."""

from __future__ import annotations

import threading

import pytest
from django.apps import apps
from django.db import connection, models, transaction

from hustings.ballots.casting import (
    AlreadyVoted,
    BallotClosed,
    CodeNotValid,
    do_cast_ballot,
    find_credential,
)
from hustings.ballots.models import Ballot, Channel, Credential, Tracker, Vote, Voter
from hustings.ballots.papers import BallotError
from hustings.ballots.roll import mint_credential, mint_credentials
from hustings.elections.models import Phase
from hustings.members.models import Member
from tests.factories import BallotScene, make_member

pytestmark = pytest.mark.django_db


def _choices(scene: BallotScene, national: list[int], regional: list[int]) -> dict[int, list[int]]:
    """Return choices by index into each contest's candidates."""
    return {
        scene.national.pk: [scene.national_candidates[i].pk for i in national],
        scene.regional.pk: [scene.regional_candidates[i].pk for i in regional],
    }


def test_casting_stores_one_ballot_marks_the_voter_and_returns_a_tracker():
    scene = BallotScene()
    voter, code = scene.voter()
    credential = find_credential(code)
    assert credential is not None
    assert credential.voter == voter

    tracker = do_cast_ballot(credential, _choices(scene, [3, 0], [2, 0]))

    ballot = Ballot.objects.get()
    assert ballot.channel == Channel.ONLINE
    votes = {vote.contest_id: vote.candidacy_ids() for vote in Vote.objects.filter(ballot=ballot)}
    # A block vote is stored in ballot-paper order; a ranking in the voter's order.
    assert votes[scene.national.pk] == [
        scene.national_candidates[0].pk,
        scene.national_candidates[3].pk,
    ]
    assert votes[scene.regional.pk] == [
        scene.regional_candidates[2].pk,
        scene.regional_candidates[0].pk,
    ]
    voter.refresh_from_db()
    assert voter.voted == Channel.ONLINE
    assert Credential.objects.get(voter=voter).used
    assert list(Tracker.objects.values_list("code", flat=True)) == [tracker]


def test_a_second_cast_with_the_same_code_is_refused_and_stores_nothing():
    scene = BallotScene()
    _, code = scene.voter()
    do_cast_ballot(find_credential(code), _choices(scene, [0], [0]))
    with pytest.raises(AlreadyVoted, match="already been cast"):
        do_cast_ballot(find_credential(code), _choices(scene, [1], [1]))
    assert Ballot.objects.count() == 1
    assert Vote.objects.count() == 2
    assert Tracker.objects.count() == 1


def test_a_contest_left_empty_is_recorded_as_blank():
    scene = BallotScene()
    _, code = scene.voter()
    do_cast_ballot(find_credential(code), {scene.national.pk: [scene.national_candidates[1].pk]})
    assert Vote.objects.get(contest=scene.regional).ranking == ""
    assert Vote.objects.get(contest=scene.national).ranking == str(scene.national_candidates[1].pk)


def test_a_member_outside_the_region_votes_only_in_the_national_contest():
    scene = BallotScene()
    _, code = scene.voter(in_region=False)
    with pytest.raises(BallotError, match="not voting in"):
        do_cast_ballot(find_credential(code), _choices(scene, [0], [0]))
    do_cast_ballot(find_credential(code), {scene.national.pk: [scene.national_candidates[0].pk]})
    assert list(Vote.objects.values_list("contest_id", flat=True)) == [scene.national.pk]


@pytest.mark.parametrize(
    ("national", "regional", "message"),
    [
        ([0, 1, 2], [], "up to 2 candidates, and 3 are marked"),
        ([0, 0], [], "marked more than once"),
        ([], [1, 1], "ranked more than once"),
    ],
)
def test_over_votes_and_duplicate_rankings_are_refused(national, regional, message):
    scene = BallotScene()
    voter, code = scene.voter()
    with pytest.raises(BallotError, match=message):
        do_cast_ballot(find_credential(code), _choices(scene, national, regional))
    assert not Ballot.objects.exists()
    voter.refresh_from_db()
    assert voter.voted == ""


def test_a_choice_from_another_contest_is_refused():
    scene = BallotScene()
    _, code = scene.voter()
    with pytest.raises(BallotError, match="not a candidate in this contest"):
        do_cast_ballot(
            find_credential(code), {scene.national.pk: [scene.regional_candidates[0].pk]}
        )


@pytest.mark.parametrize("phase", [Phase.BALLOT_PENDING, Phase.COUNT, Phase.RESULTS])
def test_voting_online_outside_the_ballot_window_is_refused(phase):
    scene = BallotScene(phase)
    _voter, code = scene.voter()
    with pytest.raises(BallotClosed, match="not open now"):
        do_cast_ballot(find_credential(code), _choices(scene, [0], [0]))
    assert not Ballot.objects.exists()


def test_a_postal_ballot_received_by_the_close_may_be_entered_during_the_count():
    scene = BallotScene(Phase.COUNT)
    _, code = scene.voter()
    do_cast_ballot(find_credential(code), _choices(scene, [0], [0]), channel=Channel.POSTAL)
    assert Ballot.objects.get().channel == Channel.POSTAL


def test_postal_and_online_cannot_both_count():
    scene = BallotScene()
    _voter, code = scene.voter()
    do_cast_ballot(find_credential(code), _choices(scene, [0], [0]), channel=Channel.POSTAL)
    with pytest.raises(AlreadyVoted, match="by post"):
        do_cast_ballot(find_credential(code), _choices(scene, [1], [1]))
    assert Ballot.objects.count() == 1


def test_reissuing_revokes_the_unused_code():
    scene = BallotScene()
    voter, old = scene.voter()
    with transaction.atomic():
        new = mint_credential(voter, reissue=True)
    assert new != old
    with pytest.raises(CodeNotValid, match="replaced"):
        do_cast_ballot(find_credential(old), _choices(scene, [0], [0]))
    do_cast_ballot(find_credential(new), _choices(scene, [0], [0]))
    assert Ballot.objects.count() == 1


def test_a_used_code_cannot_be_reissued():
    scene = BallotScene()
    voter, code = scene.voter()
    do_cast_ballot(find_credential(code), _choices(scene, [0], [0]))
    with pytest.raises(AlreadyVoted, match="cannot be reissued"), transaction.atomic():
        mint_credential(voter, reissue=True)
    assert Credential.objects.get(voter=voter).used


def test_codes_are_found_however_they_are_typed():
    scene = BallotScene()
    voter, code = scene.voter()
    typed = code.replace("-", " ").lower().replace("1", "l").replace("0", "o")
    credential = find_credential(typed)
    assert credential is not None
    assert credential.voter == voter
    assert find_credential("not a code") is None


def _references(model: type[models.Model]) -> set[str]:
    """Return the models each column of a model's table refers to, by label."""
    return {
        field.related_model._meta.label
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is not None
    }


def test_no_ballot_column_references_a_member_a_credential_or_a_voter():
    forbidden = {Member._meta.label, Credential._meta.label, Voter._meta.label, "accounts.User"}
    for model in (Ballot, Vote, Tracker):
        assert not _references(model) & forbidden, model
        # Nor any column that could hold a time or a sequence.
        kinds = {type(field) for field in model._meta.concrete_fields}
        assert not kinds & {
            models.DateTimeField,
            models.DateField,
            models.AutoField,
            models.BigAutoField,
        }, model
    # And nothing else in the project points at a ballot, a vote or a tracker.
    for model in apps.get_models():
        if model in (Vote,):
            continue
        assert not _references(model) & {"ballots.Ballot", "ballots.Vote", "ballots.Tracker"}, model


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_casts_with_one_code_store_exactly_one_ballot():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises whole transactions instead of locking rows"
        )
    scene = BallotScene()
    voter, code = scene.voter()
    outcomes: list[str] = []
    failures: list[BaseException] = []
    start = threading.Barrier(20, timeout=30)

    def cast(which: int) -> None:
        try:
            credential = find_credential(code)
            start.wait()
            do_cast_ballot(credential, _choices(scene, [which % 4], [which % 3]))
            outcomes.append("cast")
        except AlreadyVoted:
            outcomes.append("refused")
        except BaseException as error:  # reported below, in the test's own thread
            failures.append(error)
            start.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=cast, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not failures
    assert sorted(outcomes) == ["cast"] + ["refused"] * 19
    assert Ballot.objects.count() == 1
    assert Vote.objects.count() == 2
    assert Tracker.objects.count() == 1
    voter.refresh_from_db()
    assert voter.voted == Channel.ONLINE


def test_codes_minted_in_bulk_work_and_skip_voters_who_hold_one():
    scene = BallotScene()
    holder, _ = scene.voter()
    fresh = [
        Voter.objects.create(
            election=scene.election,
            member=make_member(scene.unit),
            region=scene.region,
            added_at=holder.added_at,
        )
        for _ in range(3)
    ]
    issued = mint_credentials([holder, *fresh], delivery="post")
    assert [voter for voter, _ in issued] == fresh
    assert len({code for _, code in issued}) == 3
    for voter, code in issued:
        credential = find_credential(code)
        assert credential is not None
        assert credential.voter == voter
        assert credential.delivery == "post"
    assert Credential.objects.filter(voter=holder).count() == 1
