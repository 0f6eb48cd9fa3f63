"""The count at the close: who may start it, when, what it stores, and publishing it once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from hustings.audit import tags
from hustings.audit.models import AuditEvent
from hustings.ballots.box import missing_keys
from hustings.ballots.models import Ballot, Credential, SealedBallot, Tracker, Vote
from hustings.elections.models import Phase
from hustings.results.actions import CAST_GRACE, do_publish_results, do_start_count
from hustings.results.models import CountStatus, PublicationKind
from hustings.results.queries import (
    count_started,
    elected_candidacies,
    published_results,
    published_turnout,
)
from tests.ballots.helpers import sealed as sealed_contents
from tests.factories import BallotScene, observer, returning_officer
from tests.results.scene import cast, close_ballot

pytestmark = pytest.mark.django_db


def counted_scene() -> BallotScene:
    """Return a scene with a few ballots cast and the ballot closed."""
    scene = BallotScene()
    ada, ben, cy, di = (c.pk for c in scene.national_candidates)
    eve, fay, gus = (c.pk for c in scene.regional_candidates)
    national, regional = scene.national, scene.regional
    cast(scene.election, {national: [ada, ben], regional: [eve, fay]}, unit=scene.unit, times=3)
    cast(scene.election, {national: [cy, di], regional: [gus]}, unit=scene.unit, times=2)
    cast(scene.election, {national: [], regional: [fay, eve]}, unit=scene.unit)
    cast(scene.election, {national: [ada]})
    close_ballot(scene.election)
    return scene


def test_returning_officer_counts_every_contest_after_the_close() -> None:
    scene = counted_scene()
    count = do_start_count(returning_officer(), scene.election)
    count.refresh_from_db()
    assert count.status == CountStatus.DONE, count.error
    assert count.seed.isdigit()
    results = {r.contest_id: r for r in count.results.all()}
    national = results[scene.national.pk]
    assert national.ballots == 7
    assert national.blank == 1
    assert national.result["elected"] == ["Ada Candidate", "Ben Candidate"]
    assert national.elected_ids == [c.pk for c in scene.national_candidates[:2]]
    regional = results[scene.regional.pk]
    assert regional.ballots == 6
    assert regional.blank == 0
    # Quota 3 of 6: Eve has it; Fay (1) is excluded, her ballot goes to Eve, already elected, so
    # Gus (2) takes the last seat.
    assert regional.result["elected"] == ["Eve Local", "Gus Local"]
    assert AuditEvent.objects.filter(tag=tags.RESULTS_COUNT_STARTED).count() == 1
    assert AuditEvent.objects.filter(tag=tags.RESULTS_COUNT_FINISHED).count() == 1


def test_the_count_is_refused_while_the_ballot_is_open() -> None:
    scene = BallotScene()
    with pytest.raises(ValidationError, match="count only after it closes"):
        do_start_count(returning_officer(), scene.election)
    assert not count_started(scene.election)


def test_only_the_returning_officer_may_count_or_publish() -> None:
    scene = counted_scene()
    with pytest.raises(PermissionDenied):
        do_start_count(observer(), scene.election)
    count = do_start_count(returning_officer(), scene.election)
    with pytest.raises(PermissionDenied):
        do_publish_results(observer(), count)


def test_a_second_count_is_refused_once_one_has_finished() -> None:
    scene = counted_scene()
    do_start_count(returning_officer(), scene.election)
    assert count_started(scene.election)
    with pytest.raises(ValidationError, match="recount instead"):
        do_start_count(returning_officer(), scene.election)


def test_nothing_is_published_until_the_returning_officer_publishes() -> None:
    scene = counted_scene()
    officer = returning_officer()
    count = do_start_count(officer, scene.election)
    assert published_results(scene.election) is None
    assert published_turnout(scene.election) is None
    assert not elected_candidacies(scene.election).exists()

    publication = do_publish_results(officer, count)

    scene.election.refresh_from_db()
    assert publication.kind == PublicationKind.ORIGINAL
    assert scene.election.phase() == Phase.RESULTS
    results = published_results(scene.election)
    assert results is not None
    assert [r.contest for r in results] == [scene.national, scene.regional]
    assert set(elected_candidacies(scene.election)) == {
        *scene.national_candidates[:2],
        scene.regional_candidates[0],
        scene.regional_candidates[2],
    }
    turnout = published_turnout(scene.election)
    assert turnout is not None
    assert (turnout.voted, turnout.by_channel["online"]) == (7, 7)
    assert AuditEvent.objects.filter(tag=tags.RESULTS_PUBLISHED).count() == 1


def test_results_are_published_only_once() -> None:
    scene = counted_scene()
    officer = returning_officer()
    count = do_start_count(officer, scene.election)
    do_publish_results(officer, count)
    with pytest.raises(ValidationError, match="already published"):
        do_publish_results(officer, count)


def test_the_count_waits_for_casts_in_flight_at_the_close() -> None:
    scene = counted_scene()
    close = scene.election.ballot_close_at
    officer = returning_officer()

    for now in (close, close + CAST_GRACE - timedelta(microseconds=1)):
        with pytest.raises(ValidationError) as refused:
            do_start_count(officer, scene.election, now=now)
        message = " ".join(refused.value.messages)
        assert f"The ballot for {scene.election.name} closed less" in message
        assert f"closed less than {CAST_GRACE.seconds} seconds ago" in message
        start_at = timezone.localtime(close + CAST_GRACE)
        assert f"start the count from {start_at:%H:%M:%S}" in message
        # Refused before anything is opened: every ballot is still sealed, nothing counted.
        assert not count_started(scene.election)
        assert SealedBallot.objects.filter(election=scene.election).count() == 7
        assert not Ballot.objects.exists()

    count = do_start_count(officer, scene.election, now=close + CAST_GRACE)
    count.refresh_from_db()
    assert count.status == CountStatus.DONE, count.error
    assert not SealedBallot.objects.exists()
    assert Ballot.objects.filter(election=scene.election).count() == 7


def _alter_a_box(scene: BallotScene) -> None:
    sealed = SealedBallot.objects.filter(election=scene.election).order_by("pk").first()
    assert sealed is not None
    altered = bytearray(bytes(sealed.box))
    altered[20] ^= 1  # past the 12-byte nonce: the ciphertext itself
    SealedBallot.objects.filter(pk=sealed.pk).update(box=bytes(altered))


def _remove_a_box(scene: BallotScene) -> None:
    sealed = SealedBallot.objects.filter(election=scene.election).order_by("pk").first()
    assert sealed is not None
    sealed.delete()


@pytest.mark.parametrize(
    ("tamper", "boxes", "reason"),
    [
        (_alter_a_box, 7, "a sealed ballot failed authentication"),
        (_remove_a_box, 6, "the ballot box of {name} holds 6 ballots but the roll marks 7"),
    ],
)
def test_a_ballot_box_that_does_not_open_stops_the_count_and_stores_nothing(
    tamper: Callable[[BallotScene], None], boxes: int, reason: str
) -> None:
    scene = counted_scene()
    tamper(scene)

    with pytest.raises(ValidationError) as refused:
        do_start_count(returning_officer(), scene.election)

    [message] = refused.value.messages
    assert message.startswith("The count cannot start: " + reason.format(name=scene.election.name))
    assert not count_started(scene.election)
    assert not AuditEvent.objects.filter(tag=tags.RESULTS_COUNT_STARTED).exists()
    assert SealedBallot.objects.filter(election=scene.election).count() == boxes
    assert (Ballot.objects.count(), Vote.objects.count(), Tracker.objects.count()) == (0, 0, 0)


def test_a_count_cannot_start_while_the_key_that_sealed_the_ballots_is_missing() -> None:
    with override_settings(SECRET_KEY="the-key-the-ballot-was-open-under-" + "k" * 30):
        scene = counted_scene()
    with override_settings(SECRET_KEY="a-newly-rotated-key-" + "n" * 40, SECRET_KEY_FALLBACKS=[]):
        [missing] = missing_keys(scene.election)
        with pytest.raises(ValidationError, match=f"not configured \\(key id {missing}\\)"):
            do_start_count(returning_officer(), scene.election)
    assert not count_started(scene.election)
    assert SealedBallot.objects.filter(election=scene.election).count() == 7
    assert not Ballot.objects.exists()


def test_a_ballot_box_emptied_outside_the_application_stops_the_count() -> None:
    scene = counted_scene()
    SealedBallot.objects.filter(election=scene.election).delete()

    with pytest.raises(ValidationError, match="The count cannot start: "):
        do_start_count(returning_officer(), scene.election)
    assert not count_started(scene.election)


def test_the_count_opens_the_box_into_exactly_the_ballots_cast() -> None:
    scene = counted_scene()
    cast_trackers = sorted(
        Credential.objects.filter(voter__election=scene.election, used=True).values_list(
            "tracker", flat=True
        )
    )
    boxes = sorted(
        (box.channel, sorted(box.rankings.items())) for box in sealed_contents(scene.election)
    )
    assert len(boxes) == 7
    assert not Ballot.objects.exists()

    do_start_count(returning_officer(), scene.election)

    assert not SealedBallot.objects.exists()
    opened = sorted(
        (ballot.channel, sorted((v.contest_id, v.ranking) for v in ballot.votes.all()))
        for ballot in Ballot.objects.filter(election=scene.election).prefetch_related("votes")
    )
    assert opened == boxes
    assert sorted(Tracker.objects.values_list("code", flat=True)) == cast_trackers
