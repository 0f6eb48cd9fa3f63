"""Helpers for the results tests: cast ballots through the casting action, close the ballot."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.utils import timezone

from hustings.ballots.casting import do_cast_ballot, find_credential
from hustings.elections.models import Contest, Election
from tests.factories import make_member, make_voter


def cast(
    election: Election,
    choices: dict[Contest, Sequence[int]],
    *,
    unit: object = None,
    channel: str = "online",
    times: int = 1,
) -> None:
    """Cast `times` identical ballots from new voters (in `unit`) through do_cast_ballot."""
    for _ in range(times):
        member = make_member(unit)  # type: ignore[arg-type]
        _, code = make_voter(election, member)
        credential = find_credential(code)
        assert credential is not None
        do_cast_ballot(
            credential, {contest.pk: list(ids) for contest, ids in choices.items()}, channel=channel
        )


def close_ballot(election: Election) -> None:
    """Move the election's ballot close into the past, as the clock would."""
    now = timezone.now()
    election.ballot_open_at = now - timedelta(days=2)
    election.ballot_close_at = now - timedelta(minutes=1)
    election.save(update_fields=["ballot_open_at", "ballot_close_at"])
