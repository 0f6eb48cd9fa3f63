"""Casting: one ballot per member, only while open, only valid choices, sealed without identity.

A cast stores no readable ballot: it marks the roll and the credential and seals the ballot into
the ballot box (`SealedBallot`). These tests check what a cast stores, then open the box as the
count's start does (`open_ballot_box`) and check the ballots it holds.
"""

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
from hustings.ballots.models import (
    Ballot,
    Channel,
    Credential,
    SealedBallot,
    Tracker,
    Vote,
    Voter,
)
from hustings.ballots.papers import BallotError
from hustings.ballots.roll import mint_credential, mint_credentials
from hustings.elections.models import Phase
from hustings.members.models import Member
from tests.ballots.helpers import OpenedBallot, open_and_read, readable_rows, sealed, trackers
from tests.factories import BallotScene, make_member

pytestmark = pytest.mark.django_db


def _choices(scene: BallotScene, national: list[int], regional: list[int]) -> dict[int, list[int]]:
    """Return choices by index into each contest's candidates."""
    return {
        scene.national.pk: [scene.national_candidates[i].pk for i in national],
        scene.regional.pk: [scene.regional_candidates[i].pk for i in regional],
    }


def test_casting_seals_one_ballot_marks_the_voter_and_credential_and_returns_a_tracker():
    scene = BallotScene()
    voter, code = scene.voter()
    credential = find_credential(code)
    assert credential is not None
    assert credential.voter == voter

    tracker = do_cast_ballot(credential, _choices(scene, [3, 0], [2, 0]))

    voter.refresh_from_db()
    assert voter.voted == Channel.ONLINE
    stored = Credential.objects.get(voter=voter)
    assert stored.used
    assert stored.tracker == tracker
    # Nothing readable: one sealed box, and no ballot, vote or tracker row until the count.
    assert SealedBallot.objects.filter(election=scene.election).count() == 1
    assert readable_rows(scene.election) == (0, 0, 0)
    # A block vote is stored in ballot-paper order; a ranking in the voter's order.
    national = [scene.national_candidates[0].pk, scene.national_candidates[3].pk]
    regional = [scene.regional_candidates[2].pk, scene.regional_candidates[0].pk]
    [box] = sealed(scene.election)
    assert (box.channel, box.tracker) == (Channel.ONLINE, tracker)
    assert box.rankings == {
        scene.national.pk: ",".join(map(str, national)),
        scene.regional.pk: ",".join(map(str, regional)),
    }

    assert open_and_read(scene.election) == [
        OpenedBallot(Channel.ONLINE, {scene.national.pk: national, scene.regional.pk: regional})
    ]
    assert trackers(scene.election) == [tracker]


def test_a_second_cast_with_the_same_code_is_refused_and_stores_nothing():
    scene = BallotScene()
    voter, code = scene.voter()
    tracker = do_cast_ballot(find_credential(code), _choices(scene, [0], [0]))
    with pytest.raises(AlreadyVoted, match="already been cast"):
        do_cast_ballot(find_credential(code), _choices(scene, [1], [1]))

    assert SealedBallot.objects.count() == 1
    assert Credential.objects.get(voter=voter).tracker == tracker
    # The one ballot in the box is the first cast's.
    assert open_and_read(scene.election) == [
        OpenedBallot(
            Channel.ONLINE,
            {
                scene.national.pk: [scene.national_candidates[0].pk],
                scene.regional.pk: [scene.regional_candidates[0].pk],
            },
        )
    ]
    assert readable_rows(scene.election) == (1, 2, 1)
    assert trackers(scene.election) == [tracker]


def test_a_contest_left_empty_is_recorded_as_blank():
    scene = BallotScene()
    _, code = scene.voter()
    do_cast_ballot(find_credential(code), {scene.national.pk: [scene.national_candidates[1].pk]})

    [box] = sealed(scene.election)
    assert box.rankings == {
        scene.national.pk: str(scene.national_candidates[1].pk),
        scene.regional.pk: "",
    }
    open_and_read(scene.election)
    assert Vote.objects.get(contest=scene.regional).ranking == ""
    assert Vote.objects.get(contest=scene.national).ranking == str(scene.national_candidates[1].pk)


def test_a_member_outside_the_region_votes_only_in_the_national_contest():
    scene = BallotScene()
    _, code = scene.voter(in_region=False)
    with pytest.raises(BallotError, match="not voting in"):
        do_cast_ballot(find_credential(code), _choices(scene, [0], [0]))
    assert not SealedBallot.objects.exists()
    do_cast_ballot(find_credential(code), {scene.national.pk: [scene.national_candidates[0].pk]})
    assert open_and_read(scene.election) == [
        OpenedBallot(Channel.ONLINE, {scene.national.pk: [scene.national_candidates[0].pk]})
    ]


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
    assert not SealedBallot.objects.exists()
    voter.refresh_from_db()
    assert voter.voted == ""
    credential = Credential.objects.get(voter=voter)
    assert (credential.used, credential.tracker) == (False, None)


def test_a_choice_from_another_contest_is_refused():
    scene = BallotScene()
    voter, code = scene.voter()
    with pytest.raises(BallotError, match="not a candidate in this contest"):
        do_cast_ballot(
            find_credential(code), {scene.national.pk: [scene.regional_candidates[0].pk]}
        )
    assert not SealedBallot.objects.exists()
    assert Voter.objects.get(pk=voter.pk).voted == ""


@pytest.mark.parametrize("phase", [Phase.BALLOT_PENDING, Phase.COUNT, Phase.RESULTS])
def test_voting_online_outside_the_ballot_window_is_refused(phase):
    scene = BallotScene(phase)
    _voter, code = scene.voter()
    with pytest.raises(BallotClosed, match="not open now"):
        do_cast_ballot(find_credential(code), _choices(scene, [0], [0]))
    assert not SealedBallot.objects.exists()
    assert not Voter.objects.exclude(voted="").exists()


def test_a_postal_ballot_received_by_the_close_may_be_entered_during_the_count():
    scene = BallotScene(Phase.COUNT)
    _, code = scene.voter()
    tracker = do_cast_ballot(
        find_credential(code), _choices(scene, [0], [0]), channel=Channel.POSTAL
    )
    assert [box.channel for box in sealed(scene.election)] == [Channel.POSTAL]
    assert [ballot.channel for ballot in open_and_read(scene.election)] == [Channel.POSTAL]
    assert trackers(scene.election) == [tracker]


def test_postal_and_online_cannot_both_count():
    scene = BallotScene()
    voter, code = scene.voter()
    do_cast_ballot(find_credential(code), _choices(scene, [0], [0]), channel=Channel.POSTAL)
    with pytest.raises(AlreadyVoted, match="by post"):
        do_cast_ballot(find_credential(code), _choices(scene, [1], [1]))
    assert Voter.objects.get(pk=voter.pk).voted == Channel.POSTAL
    assert open_and_read(scene.election) == [
        OpenedBallot(
            Channel.POSTAL,
            {
                scene.national.pk: [scene.national_candidates[0].pk],
                scene.regional.pk: [scene.regional_candidates[0].pk],
            },
        )
    ]


def test_reissuing_revokes_the_unused_code():
    scene = BallotScene()
    voter, old = scene.voter()
    with transaction.atomic():
        new = mint_credential(voter, reissue=True)
    assert new != old
    with pytest.raises(CodeNotValid, match="replaced"):
        do_cast_ballot(find_credential(old), _choices(scene, [0], [0]))
    assert not SealedBallot.objects.exists()
    tracker = do_cast_ballot(find_credential(new), _choices(scene, [0], [0]))
    assert SealedBallot.objects.count() == 1
    revoked, live = Credential.objects.filter(voter=voter).order_by("issued_at", "pk")
    assert (revoked.used, revoked.tracker) == (False, None)
    assert (live.used, live.tracker) == (True, tracker)


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
    for model in (Ballot, Vote, Tracker, SealedBallot):
        assert not _references(model) & forbidden, model
        # Nor any column that could hold a time or a sequence.
        kinds = {type(field) for field in model._meta.concrete_fields}
        assert not kinds & {models.DateTimeField, models.DateField}, model
        if model is not SealedBallot:
            # A box's own id is a sequence, but what it seals is opened into rows without one.
            assert not kinds & {models.AutoField, models.BigAutoField}, model
    # And nothing else in the project points at a ballot, a vote or a tracker.
    for model in apps.get_models():
        if model in (Vote,):
            continue
        assert not _references(model) & {
            "ballots.Ballot",
            "ballots.Vote",
            "ballots.Tracker",
            "ballots.SealedBallot",
        }, model


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
    cast_by: dict[int, str] = {}
    failures: list[BaseException] = []
    start = threading.Barrier(20, timeout=30)

    def cast(which: int) -> None:
        try:
            credential = find_credential(code)
            start.wait()
            cast_by[which] = do_cast_ballot(credential, _choices(scene, [which % 4], [which % 3]))
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
    [(winner, tracker)] = cast_by.items()
    voter.refresh_from_db()
    assert voter.voted == Channel.ONLINE
    assert Credential.objects.get(voter=voter).tracker == tracker
    assert SealedBallot.objects.count() == 1
    assert readable_rows(scene.election) == (0, 0, 0)
    # The box holds the winning cast's choices and tracker, and nothing of the nineteen others.
    choices = _choices(scene, [winner % 4], [winner % 3])
    assert open_and_read(scene.election) == [OpenedBallot(Channel.ONLINE, choices)]
    assert readable_rows(scene.election) == (1, 2, 1)
    assert trackers(scene.election) == [tracker]


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
