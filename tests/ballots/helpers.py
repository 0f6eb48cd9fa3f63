"""Helpers for tests of casting: what the ballot box holds, and what it holds once opened."""

from __future__ import annotations

from dataclasses import dataclass

from hustings.ballots.box import Opened, open_ballot_box, open_box
from hustings.ballots.models import Ballot, SealedBallot, Tracker, Vote, decode_ranking
from hustings.elections.models import Election


@dataclass(frozen=True)
class OpenedBallot:
    """A ballot as the count reads it: its channel and the candidacy ids chosen per contest id."""

    channel: str
    choices: dict[int, list[int]]


def readable_rows(election: Election) -> tuple[int, int, int]:
    """Return how many ballots, votes and trackers of the election are stored readable."""
    return (
        Ballot.objects.filter(election=election).count(),
        Vote.objects.filter(ballot__election=election).count(),
        Tracker.objects.filter(election=election).count(),
    )


def sealed(election: Election) -> list[Opened]:
    """Return the content of every box of the election without opening the box into rows."""
    return [
        open_box(election.pk, key_id, bytes(box))
        for key_id, box in SealedBallot.objects.filter(election=election)
        .order_by("pk")
        .values_list("key_id", "box")
    ]


def ballots(election: Election) -> list[OpenedBallot]:
    """Return the election's stored ballots with their choices, in their stored (random) order."""
    return [
        OpenedBallot(
            ballot.channel,
            {vote.contest_id: decode_ranking(vote.ranking) for vote in ballot.votes.all()},
        )
        for ballot in Ballot.objects.filter(election=election).prefetch_related("votes")
    ]


def open_and_read(election: Election) -> list[OpenedBallot]:
    """Open the election's ballot box as the count's start does; return the ballots it stored.

    Also check that opening emptied the box and stored one ballot per box.
    """
    boxes = SealedBallot.objects.filter(election=election).count()
    assert open_ballot_box(election) == boxes
    assert not SealedBallot.objects.filter(election=election).exists()
    opened = ballots(election)
    assert len(opened) == boxes
    return opened


def in_order(opened: list[OpenedBallot]) -> list[OpenedBallot]:
    """Return ballots in a fixed order (by channel, then choices), to compare them as multisets."""
    return sorted(opened, key=lambda ballot: (ballot.channel, sorted(ballot.choices.items())))


def trackers(election: Election) -> list[str]:
    """Return the election's stored (opened) trackers, sorted."""
    return sorted(Tracker.objects.filter(election=election).values_list("code", flat=True))
