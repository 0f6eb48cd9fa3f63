"""What the public election pages show: the timetable as people read it, and contest listings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from hustings.elections.models import Contest, Election, Phase


@dataclass(frozen=True)
class TimetableRow:
    """One moment of the timetable, and whether the phase it starts is the current one."""

    label: str
    at: datetime | None
    starts: Phase
    current: bool
    past: bool


# Each moment starts a phase; the timetable is read as the list of these moments.
MOMENTS = (
    ("declarations_open_at", "Declarations open", Phase.DECLARATIONS),
    ("nominations_open_at", "Nominations open", Phase.NOMINATIONS),
    ("nominations_close_at", "Nominations close", Phase.BALLOT_PENDING),
    ("ballot_open_at", "Ballot opens", Phase.BALLOT),
    ("ballot_close_at", "Ballot closes", Phase.COUNT),
    ("results_published_at", "Results published", Phase.RESULTS),
)


def timetable(election: Election, now: datetime | None = None) -> list[TimetableRow]:
    """Return the election's timetable, marking the moment that began the current phase."""
    now = now or timezone.now()
    phase = election.phase(now)
    rows = []
    for field, label, starts in MOMENTS:
        at = getattr(election, field)
        rows.append(
            TimetableRow(
                label, at, starts, current=starts == phase, past=at is not None and at <= now
            )
        )
    return rows


def listed_elections() -> QuerySet[Election]:
    """Return every election, the newest ballot first."""
    return Election.objects.order_by("-ballot_open_at")


def contests_with_counts(election: Election) -> QuerySet[Contest]:
    """Return the election's contests, national first, each with its number of candidates."""
    standing = Q(candidacies__withdrawn_at__isnull=True, candidacies__removed_at__isnull=True)
    return (
        election.contests.select_related("region")
        .prefetch_related("representation_rules")
        .annotate(candidate_count=Count("candidacies", filter=standing))
        .order_by(F("region__name").asc(nulls_first=True), "position", "name")
    )


def election_by_slug(slug: str) -> Election:
    """Return the election with this slug, or raise Http404."""
    return get_object_or_404(Election, slug=slug)


def contest_by_slugs(election_slug: str, contest_slug: str) -> Contest:
    """Return the contest of this election with this slug, or raise Http404."""
    return get_object_or_404(
        Contest.objects.select_related("election", "region").prefetch_related(
            "representation_rules"
        ),
        election__slug=election_slug,
        slug=contest_slug,
    )
