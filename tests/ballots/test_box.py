"""The ballot box: ballots sealed as they are cast, opened in random order when the count starts."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from hustings.ballots.box import BallotBoxError, missing_keys, open_ballot_box, seal
from hustings.ballots.casting import (
    BallotClosed,
    Checked,
    _store,
    do_cast_ballot,
    find_credential,
    lock_ballot_box,
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
from hustings.results.actions import do_publish_results, do_recount, do_start_count
from hustings.results.models import Count, Publication
from tests.factories import BallotScene, returning_officer

pytestmark = pytest.mark.django_db

OLD_KEY = "an-old-secret-key-" + "x" * 40
NEW_KEY = "a-new-secret-key-" + "y" * 40


def _cast_several(scene: BallotScene, n: int = 12) -> list[tuple[str, str, str]]:
    """Cast n ballots; return what each was: (channel, national ranking, regional ranking)."""
    cast = []
    for i in range(n):
        _, code = scene.voter()
        national = [scene.national_candidates[i % 4].pk]
        regional = [scene.regional_candidates[j].pk for j in range(i % 4)]
        channel = Channel.POSTAL if i % 4 == 0 else Channel.ONLINE
        do_cast_ballot(
            find_credential(code),
            {scene.national.pk: national, scene.regional.pk: regional[:3]},
            channel=channel,
        )
        cast.append((channel, ",".join(map(str, national)), ",".join(map(str, regional[:3]))))
    return cast


def _opened(scene: BallotScene) -> list[tuple[str, str, str]]:
    votes = {
        (ballot_id, contest_id): ranking
        for ballot_id, contest_id, ranking in Vote.objects.values_list(
            "ballot_id", "contest_id", "ranking"
        )
    }
    return [
        (channel, votes[(pk, scene.national.pk)], votes[(pk, scene.regional.pk)])
        for pk, channel in Ballot.objects.filter(election=scene.election).values_list(
            "id", "channel"
        )
    ]


def _stored_order(table: str, column: str) -> list[str]:
    """Return a column in the order the rows sit in storage (rowid on SQLite, the heap on PG)."""
    order = "ORDER BY rowid" if connection.vendor == "sqlite" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} {order}")
        return [str(row[0]) for row in cursor.fetchall()]


def test_casting_stores_one_sealed_box_and_nothing_readable():
    scene = BallotScene()
    _cast_several(scene, 8)

    assert SealedBallot.objects.filter(election=scene.election).count() == 8
    assert not Ballot.objects.exists()
    assert not Vote.objects.exists()
    assert not Tracker.objects.exists()
    trackers = list(Credential.objects.filter(used=True).values_list("tracker", flat=True))
    assert len(trackers) == 8
    assert all(trackers)
    for box in SealedBallot.objects.values_list("box", flat=True):
        box = bytes(box)
        # Neither the tracker nor any candidacy id can be read from the stored box.
        assert not any(tracker.encode() in box for tracker in trackers)
        assert b"online" not in box
        assert b"postal" not in box


def test_every_box_has_the_same_size_whatever_was_marked():
    scene = BallotScene()
    _, blank = scene.voter()
    _, full = scene.voter()
    do_cast_ballot(find_credential(blank), {})
    do_cast_ballot(
        find_credential(full),
        {
            scene.national.pk: [c.pk for c in scene.national_candidates[:2]],
            scene.regional.pk: [c.pk for c in scene.regional_candidates],
        },
    )

    sizes = {len(bytes(box)) for box in SealedBallot.objects.values_list("box", flat=True)}
    assert len(sizes) == 1


def test_opening_the_box_stores_exactly_the_ballots_and_trackers_cast():
    scene = BallotScene()
    cast = _cast_several(scene)

    assert open_ballot_box(scene.election) == 12

    assert sorted(_opened(scene)) == sorted(cast)
    assert sorted(Tracker.objects.values_list("code", flat=True)) == sorted(
        Credential.objects.filter(used=True).values_list("tracker", flat=True)
    )
    assert not SealedBallot.objects.exists()
    # Opening again finds nothing more to open, and changes nothing.
    assert open_ballot_box(scene.election) == 0
    assert sorted(_opened(scene)) == sorted(cast)


def test_opened_ballots_and_trackers_sit_in_the_order_of_their_random_keys():
    scene = BallotScene()
    _cast_several(scene)

    open_ballot_box(scene.election)

    ballots = _stored_order("ballots_ballot", "id")
    assert len(ballots) == 12
    assert ballots == sorted(ballots)
    trackers = _stored_order("ballots_tracker", "code")
    assert len(trackers) == 12
    assert trackers == sorted(trackers)


def test_an_altered_box_stops_the_opening_and_changes_nothing():
    scene = BallotScene()
    _cast_several(scene, 4)
    sealed = SealedBallot.objects.order_by("pk").last()
    box = bytearray(bytes(sealed.box))
    box[-1] ^= 1
    SealedBallot.objects.filter(pk=sealed.pk).update(box=bytes(box))

    with pytest.raises(BallotBoxError, match="failed authentication"):
        open_ballot_box(scene.election)

    assert SealedBallot.objects.count() == 4
    assert not Ballot.objects.exists()
    assert not Tracker.objects.exists()


def test_a_box_moved_to_another_election_does_not_open():
    scene = BallotScene()
    other = BallotScene()
    _cast_several(scene, 2)
    _cast_several(other, 2)
    # Swap one box from each election into the other: the counts still add up.
    mine = SealedBallot.objects.filter(election=scene.election).first()
    theirs = SealedBallot.objects.filter(election=other.election).first()
    SealedBallot.objects.filter(pk=mine.pk).update(election=other.election)
    SealedBallot.objects.filter(pk=theirs.pk).update(election=scene.election)

    with pytest.raises(BallotBoxError, match="sealed for another election"):
        open_ballot_box(scene.election)
    assert not Ballot.objects.exists()


def test_a_box_missing_from_the_roll_count_stops_the_opening():
    scene = BallotScene()
    _cast_several(scene, 5)
    SealedBallot.objects.filter(pk=SealedBallot.objects.order_by("pk").first().pk).delete()

    with pytest.raises(BallotBoxError, match="holds 4 ballots but the roll marks 5"):
        open_ballot_box(scene.election)
    assert SealedBallot.objects.count() == 4


def test_boxes_sealed_under_an_old_key_open_while_it_is_a_fallback():
    with override_settings(SECRET_KEY=OLD_KEY, SECRET_KEY_FALLBACKS=[]):
        scene = BallotScene()
        cast = _cast_several(scene, 3)
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[]):
        _cast_several(scene, 1)
        missing = missing_keys(scene.election)
        assert len(missing) == 1
        with pytest.raises(BallotBoxError, match=f"key id {missing[0]}"):
            open_ballot_box(scene.election)
        assert SealedBallot.objects.count() == 4
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY]):
        assert missing_keys(scene.election) == []
        assert open_ballot_box(scene.election) == 4
    assert set(cast) <= set(_opened(scene))


@pytest.mark.postgres
def test_no_readable_row_ever_shares_a_transaction_id_with_a_voter():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: transaction ids on rows (xmin) are PostgreSQL's")
    scene = BallotScene()
    _cast_several(scene)

    def joined(table: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {table} t JOIN ballots_voter v "
                "ON v.xmin = t.xmin AND v.voted <> ''"
            )
            return cursor.fetchone()[0]

    # While the ballot is open, what a casting transaction wrote beside the roll mark is the box,
    # which only the application can open.
    assert joined("ballots_sealedballot") == 12
    open_ballot_box(scene.election)
    assert Voter.objects.exclude(voted="").count() == 12
    assert joined("ballots_ballot") == 0
    assert joined("ballots_vote") == 0
    assert joined("ballots_tracker") == 0
    assert joined("ballots_sealedballot") == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_cast_still_being_stored_when_the_count_starts_waits_and_is_refused():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the casting function and its advisory lock are PostgreSQL's")
    scene = BallotScene()
    _, code = scene.voter()
    credential = find_credential(code)
    outcome: list[object] = []

    def cast() -> None:
        # A cast that passed its check of the clock just before the close, now being stored.
        try:
            _store(credential, scene.election, Channel.ONLINE, Checked({}), "ABCDE-FGHJK")
            outcome.append("stored")
        except BaseException as error:  # reported in the test's own thread
            outcome.append(error)
        finally:
            connection.close()

    with transaction.atomic():
        # What the count's start does first: take the ballot box's lock, then (here) start.
        lock_ballot_box(scene.election)
        caster = threading.Thread(target=cast)
        caster.start()
        caster.join(timeout=1.0)
        assert caster.is_alive(), "the cast did not wait for the count's lock"
        Count.objects.create(election=scene.election, seed="0", started_at=timezone.now())
    caster.join(timeout=30)

    [refusal] = outcome
    assert isinstance(refusal, BallotClosed), refusal
    assert not SealedBallot.objects.exists()
    assert Voter.objects.filter(election=scene.election).exclude(voted="").count() == 0


def test_ballots_stored_after_the_box_was_opened_stop_publication_until_a_recount_opens_them():
    scene = BallotScene()
    _cast_several(scene, 3)
    scene.election.ballot_close_at = timezone.now() - timedelta(minutes=1)
    scene.election.save(update_fields=["ballot_close_at"])
    officer = returning_officer()
    count = do_start_count(officer, scene.election, run_now=True)
    # A cast that slipped past every check (the count's lock included): its three statements run
    # straight after the opening.
    voter, code = scene.voter()
    credential = find_credential(code)
    key_id, box = seal(scene.election.pk, Channel.ONLINE, "ABCDE-FGHJK", {})
    with transaction.atomic():
        Voter.objects.filter(pk=voter.pk).update(voted=Channel.ONLINE)
        Credential.objects.filter(pk=credential.pk).update(used=True, tracker="ABCDE-FGHJK")
        SealedBallot.objects.create(election=scene.election, key_id=key_id, box=box)

    with pytest.raises(ValidationError, match=r"1 ballot\(s\) of .* were stored after the count"):
        do_publish_results(officer, count)
    assert not Publication.objects.exists()

    recount = do_recount(officer, scene.election, run_now=True)
    assert not SealedBallot.objects.exists()
    assert Ballot.objects.filter(election=scene.election).count() == 4
    assert "ABCDE-FGHJK" in set(Tracker.objects.values_list("code", flat=True))
    recount.refresh_from_db()
    assert recount.is_done


def test_a_box_copied_with_a_roll_entry_marked_to_match_stops_the_opening():
    scene = BallotScene()
    _cast_several(scene, 3)
    copied = SealedBallot.objects.order_by("pk").first()
    SealedBallot.objects.create(election=scene.election, key_id=copied.key_id, box=copied.box)
    unvoted, _ = scene.voter()
    Voter.objects.filter(pk=unvoted.pk).update(voted=Channel.ONLINE)

    with pytest.raises(BallotBoxError, match="hold the same tracker: a box has been copied"):
        open_ballot_box(scene.election)
    assert SealedBallot.objects.count() == 4
    assert not Ballot.objects.exists()


def test_a_cast_after_the_count_started_is_refused_as_closed_and_stores_nothing():
    scene = BallotScene()
    _, code = scene.voter()
    credential = find_credential(code)
    Count.objects.create(election=scene.election, seed="0", started_at=timezone.now())

    # A cast that passed its check of the clock before the count started, stored only now.
    with pytest.raises(BallotClosed, match=r"The count of .* has started"):
        _store(credential, scene.election, Channel.ONLINE, Checked({}), "ABCDE-FGHJK")
    assert not SealedBallot.objects.exists()
    assert Voter.objects.exclude(voted="").count() == 0
    assert Credential.objects.filter(used=True).count() == 0
