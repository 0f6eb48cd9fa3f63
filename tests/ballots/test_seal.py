"""Sealing at the count: the same ballots, trackers and roll, stored with no trace of casting order."""

from __future__ import annotations

import pytest
from django.db import connection

from hustings.ballots.casting import do_cast_ballot, find_credential
from hustings.ballots.models import Ballot, Channel, Credential, Tracker, Vote, Voter
from hustings.ballots.seal import seal_ballot_storage
from tests.factories import BallotScene

pytestmark = pytest.mark.django_db


def _cast_several(scene: BallotScene, n: int = 12) -> None:
    for i in range(n):
        _, code = scene.voter()
        national = [scene.national_candidates[i % 4].pk]
        regional = [scene.regional_candidates[j].pk for j in range(i % 3)]
        do_cast_ballot(
            find_credential(code),
            {scene.national.pk: national, scene.regional.pk: regional},
            channel=Channel.POSTAL if i % 4 == 0 else Channel.ONLINE,
        )


def _contents(scene: BallotScene):
    return (
        sorted(Ballot.objects.values_list("id", "channel")),
        sorted(Vote.objects.values_list("ballot_id", "contest_id", "ranking")),
        sorted(Tracker.objects.values_list("code", flat=True)),
        sorted(Voter.objects.values_list("pk", "voted")),
        sorted(Credential.objects.values_list("pk", "used", "revoked_at")),
    )


def _stored_order(table: str, column: str) -> list[str]:
    """Return a column in the order the rows sit in storage (rowid on SQLite, the heap on PG)."""
    order = "ORDER BY rowid" if connection.vendor == "sqlite" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} {order}")
        return [str(row[0]) for row in cursor.fetchall()]


def test_sealing_keeps_every_ballot_vote_tracker_and_roll_entry():
    scene = BallotScene()
    _cast_several(scene)
    before = _contents(scene)

    assert seal_ballot_storage(scene.election) == 12

    assert _contents(scene) == before


def test_after_sealing_ballots_and_trackers_sit_in_the_order_of_their_random_keys():
    scene = BallotScene()
    _cast_several(scene)

    seal_ballot_storage(scene.election)

    ballots = _stored_order("ballots_ballot", "id")
    assert ballots == sorted(ballots)
    trackers = _stored_order("ballots_tracker", "code")
    assert trackers == sorted(trackers)


@pytest.mark.postgres
def test_after_sealing_no_transaction_id_pairs_a_ballot_with_one_voter():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: transaction ids on rows (xmin) are PostgreSQL's")
    scene = BallotScene()
    _cast_several(scene)
    pairs = """
        SELECT b.id, count(v.id) FROM ballots_ballot b
        JOIN ballots_voter v ON v.xmin = b.xmin AND v.voted <> ''
        GROUP BY b.id
    """
    with connection.cursor() as cursor:
        # Before sealing, each cast's transaction id pairs its ballot with exactly its voter.
        cursor.execute(pairs)
        assert sorted(n for _, n in cursor.fetchall()) == [1] * 12

    seal_ballot_storage(scene.election)

    with connection.cursor() as cursor:
        cursor.execute(pairs)
        # Afterwards every ballot shares its transaction id with every voter who voted.
        assert sorted(n for _, n in cursor.fetchall()) == [12] * 12
