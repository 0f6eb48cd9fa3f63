"""Casting a ballot: one transaction seals the ballot into the box and marks voter and credential.

The guard against voting twice is a conditional UPDATE of the voter's roll entry (`voted = ''`):
of any number of concurrent casts with one credential, or a postal return racing an online vote,
exactly one updates the row and the others find it already marked and store nothing. PostgreSQL
makes the losers wait on the row lock and re-check the condition; SQLite serialises writers.

The ballot is stored sealed (`box.py`): nothing readable in the database is written by the same
transaction as the roll mark, and the boxes are opened in random order when the count starts.

Casting writes no audit event and no log line, by design: the roll says that a member voted, and
nothing anywhere says when, or which ballot is theirs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from hustings.ballots.box import seal
from hustings.ballots.codes import code_digests, new_tracker
from hustings.ballots.models import Channel, Credential, SealedBallot, Voter, encode_ranking
from hustings.ballots.papers import BallotError, Paper, papers_for
from hustings.elections.models import Election, Phase

__all__ = [
    "AlreadyVoted",
    "BallotClosed",
    "CodeNotValid",
    "Refused",
    "checked_choices",
    "do_cast_ballot",
    "find_credential",
    "voting_open",
]


class Refused(Exception):
    """A cast that stores nothing, with a message for the voter."""


class AlreadyVoted(Refused):
    """The voter's ballot has already been cast, online or by post."""


class BallotClosed(Refused):
    """The ballot is not open for this channel."""


class CodeNotValid(Refused):
    """The code is unknown, or has been replaced by a reissued one."""


def voting_open(election: Election, channel: str, now: datetime | None = None) -> bool:
    """Return whether a ballot may be cast now by this channel.

    Online votes only while the ballot is open. Paper ballots received by the close may be
    entered after it, until the count starts: a count must see every ballot it will ever see.
    """
    phase = election.phase(now)
    if channel == Channel.ONLINE:
        return phase == Phase.BALLOT
    if phase == Phase.BALLOT:
        return True
    if phase != Phase.COUNT:
        return False
    # Imported here: the results app builds on the ballots app, not the other way round.
    from hustings.results.queries import count_started

    return not count_started(election)


def find_credential(code: str) -> Credential | None:
    """Return the credential a code was issued as (live, used or revoked), or None."""
    digests = code_digests(code)
    if not digests:
        return None
    return (
        Credential.objects.select_related("voter__election", "voter__member")
        .filter(code_digest__in=digests)
        .first()
    )


@dataclass(frozen=True)
class Checked:
    """Choices that passed every check, ready to store: contest id to stored ranking."""

    rankings: dict[int, str]


def checked_choices(papers: Sequence[Paper], choices: Mapping[int, Sequence[int]]) -> Checked:
    """Check choices (contest id to candidacy ids) against the papers; raise BallotError if wrong.

    A contest on the paper with no choices is a blank vote; a contest not on the paper is refused.
    """
    by_contest = {paper.contest.pk: paper for paper in papers}
    strange = sorted(set(choices) - set(by_contest))
    if strange:
        raise BallotError("The ballot names a contest you are not voting in.")
    rankings = {
        contest_id: encode_ranking(paper.check(choices.get(contest_id, ())))
        for contest_id, paper in by_contest.items()
    }
    return Checked(rankings)


def _refuse_if_closed(election: Election, channel: str, now: datetime | None) -> None:
    if not voting_open(election, channel, now):
        if channel == Channel.ONLINE:
            raise BallotClosed(
                f"Voting in {election.name} is open from "
                f"{timezone.localtime(election.ballot_open_at):%-d %B %Y %H:%M} until "
                f"{timezone.localtime(election.ballot_close_at):%-d %B %Y %H:%M}; it is not open now."
            )
        raise BallotClosed(f"Postal ballots for {election.name} cannot be entered now.")


def _refuse_if_spent(credential: Credential) -> None:
    if credential.voter.voted:
        raise AlreadyVoted(
            f"A ballot has already been cast with this membership ({credential.voter.get_voted_display()}); "
            "each member votes once."
        )
    if credential.revoked_at is not None:
        raise CodeNotValid(
            "This code has been replaced by a newer one; use the code in your latest ballot email "
            "or letter."
        )


def do_cast_ballot(
    credential: Credential,
    choices: Mapping[int, Sequence[int]],
    *,
    channel: str = Channel.ONLINE,
    now: datetime | None = None,
    papers: Sequence[Paper] | None = None,
) -> str:
    """Seal one ballot for the credential's voter into the ballot box and return its tracker.

    Raise Refused (voting closed, already voted, code replaced) or BallotError (choices invalid);
    either way nothing is stored.
    """
    voter = credential.voter
    election = voter.election
    _refuse_if_closed(election, channel, now)
    _refuse_if_spent(credential)
    if papers is None:
        papers = papers_for(election, voter.region_id)
    checked = checked_choices(papers, choices)
    for _ in range(_TRACKER_DRAWS):
        tracker = new_tracker()
        try:
            _store(credential, election, channel, checked, tracker)
        except IntegrityError:
            # 50 random bits make a clash with an earlier tracker vanishingly rare. Drawing inside
            # the transaction without a savepoint saves two round trips on every cast; a clash
            # rolls the whole cast back (roll mark included), so it is simply made again.
            if not Credential.objects.filter(tracker=tracker).exists():
                raise
            continue
        credential.used = True
        credential.tracker = tracker
        voter.voted = channel
        return tracker
    raise RuntimeError("could not draw an unused tracker")


_TRACKER_DRAWS = 5


def _sql() -> tuple[str, str, str]:
    voter, credential = Voter._meta.db_table, Credential._meta.db_table
    sealed = SealedBallot._meta.db_table
    return (
        f"UPDATE {voter} SET voted = %s WHERE id = %s AND voted = ''",
        f"UPDATE {credential} SET used = %s, tracker = %s "
        "WHERE id = %s AND used = %s AND revoked_at IS NULL",
        f"INSERT INTO {sealed} (election_id, key_id, box) VALUES (%s, %s, %s)",
    )


def _store(
    credential: Credential, election: Election, channel: str, checked: Checked, tracker: str
) -> None:
    """Mark the roll and the credential and seal the ballot into the box; or refuse.

    Three statements in one transaction, written in SQL because this is the one path every
    ballot takes: the roll mark is the guard, the credential's the second, the box last.
    """
    voter = credential.voter
    key_id, box = seal(election.pk, channel, tracker, checked.rankings)
    mark_roll, mark_credential, insert_box = _sql()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(mark_roll, [channel, voter.pk])
        if cursor.rowcount != 1:
            voter.refresh_from_db(fields=["voted"])
            _refuse_if_spent(credential)
            raise AlreadyVoted("A ballot has already been cast with this membership.")
        cursor.execute(mark_credential, [True, tracker, credential.pk, False])
        if cursor.rowcount != 1:
            # Reissued between reading the credential and casting; raising rolls back the roll mark.
            raise CodeNotValid(
                "This code has just been replaced by a newer one; use the code in your latest "
                "ballot email or letter."
            )
        cursor.execute(insert_box, [election.pk, key_id, box])
