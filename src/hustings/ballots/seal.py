"""Sealing the ballot at the count: storage rewritten so it keeps no trace of the casting order.

While the ballot is open, the database's own bookkeeping can pair a ballot with its voter: on
PostgreSQL every row a casting transaction writes carries that transaction's id (`xmin`), and in
both databases rows sit in the order they were written. Before the first count (after which no
ballot can be added), this rewrites the election's ballots, votes and trackers in the order of
their random keys, and touches every roll entry and credential, all in one transaction, so that
afterwards every such row carries the same transaction id and no row's position says when it was
cast. See docs/security.md for what this does and does not cover.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import F

from hustings.ballots.models import Ballot, Credential, Tracker, Vote, Voter
from hustings.elections.models import Election

__all__ = ["seal_ballot_storage"]


# Set-based SQL, so that sealing 200,000 ballots takes seconds: copy the election's rows aside,
# delete them, and insert them back in the order of their random keys. The table and column
# names come from the models; the only value is the election's id, passed as a parameter.
def _statements() -> list[str]:
    ballot, vote, tracker = Ballot._meta.db_table, Vote._meta.db_table, Tracker._meta.db_table
    return [
        f"CREATE TEMP TABLE seal_ballot AS SELECT id, election_id, channel FROM {ballot} "
        "WHERE election_id = %(election)s",
        f"CREATE TEMP TABLE seal_vote AS SELECT v.ballot_id, v.contest_id, v.ranking FROM {vote} v "
        "WHERE v.ballot_id IN (SELECT id FROM seal_ballot)",
        f"CREATE TEMP TABLE seal_tracker AS SELECT code, election_id FROM {tracker} "
        "WHERE election_id = %(election)s",
        f"DELETE FROM {vote} WHERE ballot_id IN (SELECT id FROM seal_ballot)",
        f"DELETE FROM {ballot} WHERE election_id = %(election)s",
        f"DELETE FROM {tracker} WHERE election_id = %(election)s",
        f"INSERT INTO {ballot} (id, election_id, channel) "
        "SELECT id, election_id, channel FROM seal_ballot ORDER BY id",
        f"INSERT INTO {vote} (ballot_id, contest_id, ranking) "
        "SELECT ballot_id, contest_id, ranking FROM seal_vote ORDER BY ballot_id, contest_id",
        f"INSERT INTO {tracker} (code, election_id) "
        "SELECT code, election_id FROM seal_tracker ORDER BY code",
        "DROP TABLE seal_ballot",
        "DROP TABLE seal_vote",
        "DROP TABLE seal_tracker",
    ]


def seal_ballot_storage(election: Election) -> int:
    """Rewrite the election's ballot storage in random-key order; return the ballots rewritten."""
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in _statements():
            cursor.execute(statement, {"election": election.pk})
        # Rewriting in place gives every roll entry and credential this transaction's id too.
        Voter.objects.filter(election=election).update(voted=F("voted"))
        Credential.objects.filter(voter__election=election).update(used=F("used"))
    return Ballot.objects.filter(election=election).count()
