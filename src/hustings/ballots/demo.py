"""The ballot for the demonstration: open it, issue every code, and have part of the roll vote.

The roll and the codes are made in bulk by the same primitives `issue-credentials` uses, but no
email is sent: the demo's codes exist only in this process, apart from the ones printed for the
personas. Every ballot is cast through `do_cast_ballot`, online or by post, so turnout and the
trackers are exactly what real voting would leave. Preferences are lopsided as real ones are:
most national voters mark their slate, a few mix or leave the contest blank, and regional rankings
run from one name to all of them.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from hustings.ballots.casting import do_cast_ballot
from hustings.ballots.models import Channel, Credential, Delivery, Voter
from hustings.ballots.papers import Paper, papers_for
from hustings.ballots.roll import add_eligible_voters, mint_credentials
from hustings.elections.actions import do_update_election
from hustings.elections.models import Election

__all__ = ["DemoBallot", "open_demo_ballot"]

# Share of the roll that has voted so far (each region within a quarter of it either way), and of
# those the share who voted by post.
TURNOUT = 0.3
POSTAL_SHARE = 0.25
# How a national voter fills in the block vote: for a slate (by slate order), mixed, or blank.
HABITS = ("slate", "mixed", "blank")
HABIT_WEIGHTS = (70, 24, 6)
# Which slate a slate voter follows, in slate-name order: one is well ahead.
SLATE_WEIGHTS = (62, 38)
# How many candidates a regional voter ranks (0 is blank, up to 6), weighted.
RANKING_LENGTH_WEIGHTS = (5, 14, 16, 20, 16, 12, 17)
# Codes minted per round.
_CHUNK = 5000


@dataclass(frozen=True)
class DemoBallot:
    """What the demo ballot made: the roll, codes issued, ballots cast, and personas' codes."""

    roll: int
    codes: int
    online: int
    postal: int
    persona_codes: dict[int, str]


def _popularity(rng: random.Random, count: int, fall: float) -> list[float]:
    return [fall**rank * rng.uniform(0.85, 1.15) for rank in range(count)]


def _weighted_order(
    rng: random.Random, items: Sequence[int], weights: Sequence[float]
) -> list[int]:
    """Return the items in a random order in which heavier ones tend to come first."""
    # Efraimidis-Spirakis: sorting by u^(1/w) draws a weighted sample without replacement.
    keyed = sorted(
        ((rng.random() ** (1 / weight), item) for item, weight in zip(items, weights, strict=True)),
        reverse=True,
    )
    return [item for _, item in keyed]


class _Voting:
    """Choices for one demo voter, from the papers and fixed per-candidate popularity."""

    def __init__(self, rng: random.Random, papers: dict[int | None, list[Paper]]) -> None:
        self.rng = rng
        self.weights: dict[int, float] = {}
        self.slates: dict[str, list[int]] = {}
        seen: set[int] = set()
        for region_papers in papers.values():
            for paper in region_papers:
                if paper.contest.pk in seen:
                    continue
                seen.add(paper.contest.pk)
                order = [choice.candidacy_id for choice in paper.candidates]
                rng.shuffle(order)
                fall = 0.8 if paper.ranked else 0.85
                self.weights.update(zip(order, _popularity(rng, len(order), fall), strict=True))
                for choice in paper.candidates:
                    if choice.slate and not paper.ranked:
                        self.slates.setdefault(choice.slate, []).append(choice.candidacy_id)
        self.slate_names = sorted(self.slates)

    def block(self, paper: Paper) -> list[int]:
        habit = self.rng.choices(HABITS, weights=HABIT_WEIGHTS)[0]
        if habit == "blank":
            return []
        ids = [choice.candidacy_id for choice in paper.candidates]
        if habit == "slate" and self.slate_names:
            followed = self.slate_names[: len(SLATE_WEIGHTS)]
            slate = self.rng.choices(followed, weights=SLATE_WEIGHTS[: len(followed)])[0]
            ids = [cid for cid in ids if cid in self.slates[slate]]
            size = paper.seats
        else:
            size = self.rng.randrange(1, paper.seats + 1)
        order = _weighted_order(self.rng, ids, [self.weights[cid] for cid in ids])
        return order[:size]

    def ranking(self, paper: Paper) -> list[int]:
        lengths = range(len(RANKING_LENGTH_WEIGHTS))
        length = self.rng.choices(lengths, weights=RANKING_LENGTH_WEIGHTS)[0]
        ids = [choice.candidacy_id for choice in paper.candidates]
        return _weighted_order(self.rng, ids, [self.weights[cid] for cid in ids])[:length]

    def choices(self, papers: Sequence[Paper]) -> dict[int, list[int]]:
        return {
            paper.contest.pk: self.ranking(paper) if paper.ranked else self.block(paper)
            for paper in papers
        }


def _issue(voters: list[Voter], now: datetime) -> dict[int, str]:
    """Mint every voter a first code, by email or post as the register allows; return them."""
    codes: dict[int, str] = {}
    for start in range(0, len(voters), _CHUNK):
        chunk = voters[start : start + _CHUNK]
        for delivery, group in (
            (Delivery.EMAIL, [v for v in chunk if v.member.email]),
            (Delivery.POST, [v for v in chunk if not v.member.email]),
        ):
            for voter, code in mint_credentials(group, delivery=delivery, now=now):
                codes[voter.member_id] = code
    return codes


def _credentials(voters: list[Voter], election: Election) -> list[Credential]:
    """Return the live credentials of these voters, each joined to the voter already in hand."""
    by_pk = {voter.pk: voter for voter in voters}
    found: list[Credential] = []
    ids = list(by_pk)
    for start in range(0, len(ids), _CHUNK):
        for credential in Credential.objects.filter(
            voter_id__in=ids[start : start + _CHUNK], revoked_at__isnull=True
        ):
            voter = by_pk[credential.voter_id]
            voter.election = election
            credential.voter = voter
            found.append(credential)
    return found


def open_demo_ballot(
    rng: random.Random,
    election: Election,
    *,
    keep_unused: Collection[int] = (),
    now: datetime | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> DemoBallot:
    """Open the ballot now, issue every eligible member a code, and cast ballots for part of the roll.

    Members in `keep_unused` (the personas) are left to vote for themselves: their codes are
    returned, keyed by member id. Call inside a transaction, after nominations are closed and every
    ballot list confirmed.
    """
    now = now or timezone.now()
    # Open the ballot a few minutes ago; it closes in three weeks, as a real one would.
    do_update_election(
        None,
        election,
        ballot_open_at=now - timedelta(minutes=5),
        ballot_close_at=(now + timedelta(days=21)).replace(minute=0, second=0, microsecond=0),
    )
    add_eligible_voters(election, now=now)
    # Only what issuing and casting read: a register row is wide, and there are 50,000 of them.
    voters = list(
        Voter.objects.filter(election=election)
        .select_related("member")
        .only("member_id", "region_id", "voted", "member__email")
        .order_by("member_id")
    )
    progress(f"{len(voters):,} voting codes (no emails sent)")
    codes = _issue(voters, now)
    keep = set(keep_unused)
    persona_codes = {member_id: code for member_id, code in codes.items() if member_id in keep}

    voting = [voter for voter in voters if voter.member_id not in keep]
    # Some regions turn out better than others, around the overall share.
    by_region: dict[int, list[Voter]] = {}
    for voter in voting:
        by_region.setdefault(voter.region_id, []).append(voter)
    casting: list[Voter] = []
    for region_id in sorted(by_region):
        group = by_region[region_id]
        rate = TURNOUT * rng.uniform(0.75, 1.25)
        casting += rng.sample(group, round(len(group) * rate))
    progress(f"{len(casting):,} ballots, cast one by one as voters would")
    papers: dict[int | None, list[Paper]] = {}
    for region_id in {voter.region_id for voter in voters}:
        papers[region_id] = papers_for(election, region_id)
    chooser = _Voting(rng, papers)
    credentials = _credentials(casting, election)
    rng.shuffle(credentials)
    online = postal = 0
    for credential in credentials:
        channel = Channel.POSTAL if rng.random() < POSTAL_SHARE else Channel.ONLINE
        region_papers = papers[credential.voter.region_id]
        do_cast_ballot(
            credential,
            chooser.choices(region_papers),
            channel=channel,
            now=now,
            papers=region_papers,
        )
        if channel == Channel.POSTAL:
            postal += 1
        else:
            online += 1
    return DemoBallot(
        roll=len(voters),
        codes=len(codes),
        online=online,
        postal=postal,
        persona_codes=persona_codes,
    )
