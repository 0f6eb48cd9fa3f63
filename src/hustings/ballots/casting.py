"""Casting a ballot: one transaction seals the ballot into the box and marks voter and credential.

Of any number of concurrent casts with one credential, or a postal return racing an online vote,
exactly one marks the roll entry and the credential and the others find them marked and store
nothing: on PostgreSQL the casting function locks the credential row, so the others wait and
re-read it; SQLite serialises writers and the conditional UPDATE of the roll (`voted = ''`) is the
guard.

The ballot is stored sealed (`box.py`): nothing readable in the database is written by the same
transaction as the roll mark, and the boxes are opened in random order when the count starts.

Casting writes no audit event and no log line, by design: the roll says that a member voted, and
nothing anywhere says when, or which ballot is theirs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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
        .order_by()
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
    # Imported here: the results app builds on the ballots app, not the other way round.
    from hustings.results.models import Count

    voter, credential = Voter._meta.db_table, Credential._meta.db_table
    sealed, count = SealedBallot._meta.db_table, Count._meta.db_table
    return (
        # SQLite starts every transaction IMMEDIATE (settings), so this sees any count that
        # started before the cast, and a count starting after it sees the cast's box.
        f"UPDATE {voter} SET voted = %s WHERE id = %s AND voted = '' "
        f"AND NOT EXISTS (SELECT 1 FROM {count} WHERE election_id = %s)",
        f"UPDATE {credential} SET used = %s, tracker = %s "
        "WHERE id = %s AND voter_id = %s AND used = %s AND revoked_at IS NULL",
        f"INSERT INTO {sealed} (election_id, key_id, box) VALUES (%s, %s, %s)",
    )


# On PostgreSQL the cast is one call of the function `hustings_cast` (migration 0003): one round
# trip, and outside a transaction block the call is its own transaction. It returns 3 if the
# count has started, 1 if the credential is used or revoked, 2 if the roll entry is already
# marked (changing nothing in each case), and otherwise marks both, stores the box and returns 0.
_CAST_CALL = "SELECT hustings_cast(%s, %s, %s, %s, %s, %s, %s)"
# The advisory lock space of the ballot box (migration 0003): casts hold the election's lock
# shared, and the count's start takes it exclusively (`lock_ballot_box`) before opening the box.
BOX_LOCK_SPACE = 0x48755374


def lock_ballot_box(election: Election) -> None:
    """Wait for every cast of the election in progress to commit, and hold off new ones.

    Inside the caller's transaction, until it ends; PostgreSQL only (SQLite serialises writers).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [BOX_LOCK_SPACE, election.pk])


def _store(
    credential: Credential, election: Election, channel: str, checked: Checked, tracker: str
) -> None:
    """Mark the roll and the credential and seal the ballot into the box, atomically; or refuse.

    Of any number of casts with one credential, concurrent or not, online or postal, exactly one
    stores a ballot: PostgreSQL's function locks the credential row, so the others wait and then
    find it used; on SQLite, which serialises writers, the conditional UPDATE of the roll entry is
    the guard and a credential found spent rolls the roll mark back.
    """
    voter = credential.voter
    key_id, box = seal(election.pk, channel, tracker, checked.rankings)
    if connection.vendor == "postgresql":
        params: list[Any] = [credential.pk, voter.pk, channel, tracker, election.pk, key_id, box]
        # Inside a caller's transaction a failed call (a tracker clash) must not abort the
        # caller's work, so it gets a savepoint; on its own it needs no transaction block.
        block = transaction.atomic() if connection.in_atomic_block else nullcontext()
        with block, connection.cursor() as cursor:
            cursor.execute(_CAST_CALL, params)
            row = cursor.fetchone()
        if row is not None and row[0] == 3:
            raise BallotClosed(f"The count of {election.name} has started; no ballot can be added.")
        if row is None or row[0] != 0:
            _explain_refusal(credential)
        return
    mark_roll, mark_credential, insert_box = _sql()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(mark_roll, [channel, voter.pk, election.pk])
            if cursor.rowcount != 1:
                raise _Spent
            cursor.execute(mark_credential, [True, tracker, credential.pk, voter.pk, False])
            if cursor.rowcount != 1:
                raise _Spent  # rolls the roll mark back
            cursor.execute(insert_box, [election.pk, key_id, box])
    except _Spent:
        _explain_refusal(credential)


class _Spent(Exception):
    """The roll entry or the credential was found already marked: roll back and explain."""


def _explain_refusal(credential: Credential) -> None:
    """Raise the refusal for a cast that found the roll or credential marked: read them afresh."""
    from hustings.results.queries import count_started

    election = credential.voter.election
    if count_started(election):
        raise BallotClosed(f"The count of {election.name} has started; no ballot can be added.")
    credential.refresh_from_db(fields=["used", "revoked_at"])
    credential.voter.refresh_from_db(fields=["voted"])
    _refuse_if_spent(credential)
    if credential.used:
        raise AlreadyVoted("A ballot has already been cast with this code.")
    raise CodeNotValid(
        "This code has just been replaced by a newer one; use the code in your latest "
        "ballot email or letter."
    )
