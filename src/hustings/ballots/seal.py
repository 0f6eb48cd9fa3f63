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

from django.db import transaction
from django.db.models import F

from hustings.ballots.models import Ballot, Credential, Tracker, Vote, Voter
from hustings.elections.models import Election

__all__ = ["seal_ballot_storage"]

_BATCH = 5000


def seal_ballot_storage(election: Election) -> int:
    """Rewrite the election's ballot storage in random-key order; return the ballots rewritten."""
    with transaction.atomic():
        ballots = list(
            Ballot.objects.filter(election=election).order_by("id").values_list("id", "channel")
        )
        votes = list(
            Vote.objects.filter(ballot__election=election)
            .order_by("ballot_id", "contest_id")
            .values_list("ballot_id", "contest_id", "ranking")
        )
        trackers = list(
            Tracker.objects.filter(election=election)
            .order_by("code")
            .values_list("code", flat=True)
        )
        Vote.objects.filter(ballot__election=election).delete()
        Ballot.objects.filter(election=election).delete()
        Tracker.objects.filter(election=election).delete()
        Ballot.objects.bulk_create(
            (Ballot(id=pk, election=election, channel=channel) for pk, channel in ballots),
            batch_size=_BATCH,
        )
        Vote.objects.bulk_create(
            (
                Vote(ballot_id=ballot_id, contest_id=contest_id, ranking=ranking)
                for ballot_id, contest_id, ranking in votes
            ),
            batch_size=_BATCH,
        )
        Tracker.objects.bulk_create(
            (Tracker(code=code, election=election) for code in trackers), batch_size=_BATCH
        )
        # Rewriting in place gives every roll entry and credential this transaction's id too.
        Voter.objects.filter(election=election).update(voted=F("voted"))
        Credential.objects.filter(voter__election=election).update(used=F("used"))
    return len(ballots)
