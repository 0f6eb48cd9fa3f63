"""A small nominating organisation for nomination tests: regions, units, a contest, candidates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from hustings.candidates.models import Candidacy
from hustings.elections.models import Contest, Election, Phase
from hustings.members.models import Region, Unit
from hustings.nominations.actions import Meeting
from tests.factories import (
    make_candidacy,
    make_contest,
    make_election,
    make_member,
    make_region,
    make_unit,
)


def meeting(**fields: Any) -> Meeting:
    """Return a general committee meeting held yesterday with 40 present."""
    fields.setdefault("date", timezone.localdate() - timedelta(days=1))
    fields.setdefault("kind", "general-committee")
    fields.setdefault("attendance", 40)
    return Meeting(**fields)


@dataclass
class Scenario:
    """Three regions of three units each, one contest, and candidates in it."""

    election: Election
    contest: Contest
    regions: list[Region]
    units: list[list[Unit]]
    candidates: list[Candidacy] = field(default_factory=list)


def scenario(
    *,
    phase: Phase = Phase.NOMINATIONS,
    women: int = 4,
    men: int = 4,
    **contest_fields: Any,
) -> Scenario:
    """Build the scenario; candidates alternate women and men, each a member of unit [0][i % 3]."""
    election = make_election(phase)
    contest_fields.setdefault("max_nominations_per_unit", 6)
    contest_fields.setdefault("threshold_kind", "units")
    contest_fields.setdefault("threshold_units", 3)
    contest = make_contest(election, **contest_fields)
    regions = [make_region(name=f"Region {name}") for name in ("North", "East", "West")]
    units = [
        [make_unit(region, name=f"{region.name} unit {i}") for i in range(3)] for region in regions
    ]
    s = Scenario(election, contest, regions, units)
    genders = ["woman"] * women + ["man"] * men
    for i, gender in enumerate(genders):
        member = make_member(
            units[0][i % 3],
            with_user=True,
            gender=gender,
            name=f"Candidate{i} Surname{chr(90 - i)}",
        )
        s.candidates.append(make_candidacy(contest, member))
    return s
