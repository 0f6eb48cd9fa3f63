"""The ballot paper: which contests a voter may vote in, their candidates in order, and the rules.

A paper is read from the ballot lists confirmed at the close of nominations, which never change
afterwards, so the same paper serves the voting page, the review, the cast and postal imports.

Once the ballot has opened, each process keeps the papers it has read for a minute: a voter's
paper is read three times (page, review, cast), and reading it costs three queries, which made it
the largest part of a cast. The lists are final by then; only a candidate's name or slate edited
during the ballot would show up to a minute late.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from hustings.elections.models import Contest, Election, Method, Phase
from hustings.nominations.models import BallotEntry

__all__ = ["BallotError", "Choice", "Paper", "forget_papers", "papers_for"]


class BallotError(ValueError):
    """A ballot that cannot be accepted, with a message for the voter naming the contest."""

    def __init__(self, message: str, *, contest: Contest | None = None) -> None:
        self.contest = contest
        super().__init__(message)


@dataclass(frozen=True)
class Choice:
    """One candidate as printed on the paper."""

    candidacy_id: int
    position: int
    name: str
    slate: str
    url: str


@dataclass(frozen=True)
class Paper:
    """One contest's section of a ballot paper."""

    contest: Contest
    candidates: tuple[Choice, ...]

    @property
    def ranked(self) -> bool:
        """Return whether voters rank candidates (STV) rather than mark up to N (block vote)."""
        return self.contest.method != Method.BLOCK

    @property
    def seats(self) -> int:
        """Return the number of seats, which is how many a block voter may mark."""
        return self.contest.seats

    def instruction(self) -> str:
        """Return what the voter is asked to do, in words."""
        if self.ranked:
            return (
                "Rank as many or as few candidates as you like: 1 for your first choice, 2 for "
                "your second, and so on."
            )
        return f"Vote for up to {self.seats} candidate{'s' if self.seats != 1 else ''}."

    def by_id(self) -> dict[int, Choice]:
        """Return the candidates keyed by candidacy id."""
        return {choice.candidacy_id: choice for choice in self.candidates}

    def check(self, candidacy_ids: Sequence[int]) -> list[int]:
        """Return the choices in their stored order, or raise BallotError saying what is wrong.

        A ranking keeps the voter's order; a block vote is put into ballot-paper order. No choice
        at all is a blank vote in this contest, which is allowed.
        """
        known = self.by_id()
        name = self.contest.name
        unknown = [cid for cid in candidacy_ids if cid not in known]
        if unknown:
            raise BallotError(
                f"{name}: a choice is not a candidate in this contest.", contest=self.contest
            )
        if len(set(candidacy_ids)) != len(candidacy_ids):
            what = "ranked" if self.ranked else "marked"
            raise BallotError(
                f"{name}: the same candidate is {what} more than once.", contest=self.contest
            )
        if not self.ranked:
            if len(candidacy_ids) > self.seats:
                raise BallotError(
                    f"{name}: you may vote for up to {self.seats} candidates, and "
                    f"{len(candidacy_ids)} are marked.",
                    contest=self.contest,
                )
            return sorted(candidacy_ids, key=lambda cid: known[cid].position)
        return list(candidacy_ids)


def _slate_names(election: Election) -> dict[int, str]:
    from hustings.candidates.models import SlateMembership

    memberships = SlateMembership.objects.filter(
        slate__election=election, confirmed_at__isnull=False, ended_at__isnull=True
    ).values_list("candidacy_id", "slate__name")
    return dict(memberships)


# How long a process reuses a paper it has read, once the ballot is open.
PAPER_CACHE_SECONDS = 60.0
_PAPER_CACHE_LIMIT = 512
_FROZEN_PHASES = (Phase.BALLOT, Phase.COUNT, Phase.RESULTS)
_cache_lock = threading.Lock()
# (election pk, its ballot opening, region id) -> (monotonic time read, papers). The opening is
# part of the key so that a test database reusing a primary key never meets another's papers.
_paper_cache: dict[tuple[int, datetime, int | None], tuple[float, tuple[Paper, ...]]] = {}


def papers_for(election: Election, region_id: int | None) -> list[Paper]:
    """Return the paper for a voter in a region: national contests and that region's, in order.

    Only contests whose ballot list has been confirmed appear; `region_id=None` gives national
    contests only. From the ballot's opening a process reuses what it read for up to
    PAPER_CACHE_SECONDS.
    """
    if election.phase() not in _FROZEN_PHASES:
        return _read_papers(election, region_id)
    key = (election.pk, election.ballot_open_at, region_id)
    now = time.monotonic()
    held = _paper_cache.get(key)
    if held is not None and now - held[0] < PAPER_CACHE_SECONDS:
        return list(held[1])
    papers = _read_papers(election, region_id)
    with _cache_lock:
        if len(_paper_cache) >= _PAPER_CACHE_LIMIT:
            _paper_cache.clear()
        _paper_cache[key] = (now, tuple(papers))
    return papers


def forget_papers() -> None:
    """Drop every paper this process holds, so the next read goes to the database."""
    with _cache_lock:
        _paper_cache.clear()


def _read_papers(election: Election, region_id: int | None) -> list[Paper]:
    contests = [
        contest
        for contest in Contest.objects.filter(election=election, ballot__isnull=False)
        .select_related("election", "region")
        .order_by("position", "name")
        if contest.region_id is None or contest.region_id == region_id
    ]
    entries = (
        BallotEntry.objects.filter(ballot__contest__in=contests)
        .select_related("candidacy__member")
        .order_by("position")
        .values_list("ballot__contest_id", "candidacy_id", "position", "candidacy__member__name")
    )
    slates = _slate_names(election)
    by_contest: dict[int, list[Choice]] = {contest.pk: [] for contest in contests}
    for contest_id, candidacy_id, position, name in entries:
        by_contest[contest_id].append(
            Choice(
                candidacy_id=candidacy_id,
                position=position,
                name=name,
                slate=slates.get(candidacy_id, ""),
                url=reverse("candidates:candidate", args=[candidacy_id]),
            )
        )
    return [Paper(contest, tuple(by_contest[contest.pk])) for contest in contests]
