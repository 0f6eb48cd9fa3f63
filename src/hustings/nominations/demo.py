"""Nominations for the demonstration: a tally that looks like a real one mid-campaign, and the close.

Like the rest of the demo, everything goes through the real actions, so the rules hold and the
audit log reads as it would in use. Popularity is deliberately lopsided, as real tallies are: a few
national candidates far past the threshold, a long tail short of it.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from django.utils import timezone

from hustings.candidates.models import Candidacy
from hustings.elections.actions import do_update_election
from hustings.elections.models import Election
from hustings.members.models import Unit
from hustings.nominations.actions import (
    Meeting,
    do_close_nominations,
    do_confirm_ballot,
    do_create_affiliate,
    do_record_affiliate_nomination,
    do_record_unit_nominations,
)
from hustings.nominations.models import MeetingKind

__all__ = ["AFFILIATES", "add_demo_nominations", "close_demo_nominations"]

AFFILIATES = (
    "Federation of Bakers and Allied Workers",
    "Union of Transport and Logistics Staff",
    "Teachers and Lecturers Together",
    "Society of Health Workers",
)
# Share of units that have met and nominated so far in each kind of contest.
NATIONAL_TURNOUT = 0.7
REGIONAL_TURNOUT = 0.15


def _popularity(rng: random.Random, count: int) -> list[float]:
    """Return lopsided weights: the first few candidates draw most nominations."""
    return [0.78**rank * rng.uniform(0.8, 1.2) for rank in range(count)]


def _weighted_sample(
    rng: random.Random, items: Sequence[Candidacy], weights: Sequence[float], k: int
) -> list[Candidacy]:
    pool = list(zip(items, weights, strict=True))
    chosen: list[Candidacy] = []
    while pool and len(chosen) < k:
        total = sum(weight for _, weight in pool)
        roll = rng.uniform(0, total)
        for index, (item, weight) in enumerate(pool):
            roll -= weight
            if roll <= 0:
                chosen.append(item)
                pool.pop(index)
                break
        else:
            chosen.append(pool.pop()[0])
    return chosen


def _meeting(rng: random.Random, now: datetime) -> Meeting:
    kind = MeetingKind.ALL_MEMBER if rng.random() < 0.35 else MeetingKind.GENERAL_COMMITTEE
    attendance = rng.randrange(60, 400) if kind == MeetingKind.ALL_MEMBER else rng.randrange(18, 80)
    return Meeting(
        date=timezone.localdate(now) - timedelta(days=rng.randrange(0, 3)),
        kind=kind,
        attendance=attendance,
    )


def _choose(
    rng: random.Random,
    candidacies: list[Candidacy],
    weights: list[float],
    maximum: int,
    balance: str,
) -> list[Candidacy]:
    size = rng.choices(range(1, maximum + 1), weights=[1] * (maximum - 1) + [6])[0]
    if balance and size == maximum:
        # A full list keeps the balance rule: half from the named gender, the rest from anyone.
        half = (size + 1) // 2
        named = [
            (c, w) for c, w in zip(candidacies, weights, strict=True) if c.member.gender == balance
        ]
        first = _weighted_sample(rng, [c for c, _ in named], [w for _, w in named], half)
        rest = [(c, w) for c, w in zip(candidacies, weights, strict=True) if c not in first]
        return first + _weighted_sample(
            rng, [c for c, _ in rest], [w for _, w in rest], size - half
        )
    return _weighted_sample(rng, candidacies, weights, size)


def add_demo_nominations(
    rng: random.Random,
    election: Election,
    *,
    skip_units: Collection[int] = (),
    now: datetime | None = None,
) -> int:
    """Record units' and affiliates' nominations across the election; return how many returns."""
    now = now or timezone.now()
    returns = 0
    units_by_region: dict[int, list[Unit]] = {}
    for unit in Unit.objects.exclude(pk__in=skip_units).order_by("code"):
        units_by_region.setdefault(unit.region_id, []).append(unit)
    for contest in election.contests.order_by("position"):
        candidacies = list(
            Candidacy.objects.standing()
            .filter(contest=contest)
            .select_related("member__unit")
            .order_by("pk")
        )
        if not candidacies:
            continue
        rng.shuffle(candidacies)
        weights = _popularity(rng, len(candidacies))
        if contest.region_id is None:
            units = [unit for group in units_by_region.values() for unit in group]
            turnout = NATIONAL_TURNOUT
        else:
            units = list(units_by_region.get(contest.region_id, []))
            turnout = REGIONAL_TURNOUT
        maximum = contest.max_nominations_per_unit or len(candidacies)
        home = {c.member.unit_id: c for c in candidacies}
        for unit in rng.sample(units, round(len(units) * turnout)):
            chosen = _choose(rng, candidacies, weights, maximum, contest.nomination_balance_gender)
            # A candidate's own unit nearly always backs them, if the list has room.
            own = home.get(unit.pk)
            room = maximum - (2 if contest.nomination_balance_gender else 1)
            if own is not None and own not in chosen and len(chosen) < room:
                chosen.append(own)
            meeting = _meeting(rng, now)
            votes = {
                c.pk: rng.randrange(meeting.attendance // 3, meeting.attendance + 1) for c in chosen
            }
            do_record_unit_nominations(
                None,
                unit,
                contest,
                chosen,
                meeting=meeting,
                votes=votes,
                recorded_via="hustings demo",
                now=now,
            )
            returns += 1
        if contest.affiliates_may_nominate:
            affiliates = [do_create_affiliate(None, name, now=now) for name in AFFILIATES]
            leaders = sorted(zip(weights, candidacies, strict=True), key=lambda p: -p[0])
            for affiliate in affiliates:
                for _, candidacy in leaders[: rng.randrange(2, 6)]:
                    do_record_affiliate_nomination(None, affiliate, candidacy, now=now)
    return returns


def close_demo_nominations(election: Election, *, now: datetime | None = None) -> None:
    """Move the deadline into the past, close nominations and confirm every ballot."""
    now = now or timezone.now()
    do_update_election(None, election, nominations_close_at=now - timedelta(minutes=30))
    do_close_nominations(None, election, now=now)
    for contest in election.contests.order_by("position"):
        do_confirm_ballot(None, contest, now=now)
