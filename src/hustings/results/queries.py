"""Read-only questions about counts and results.

The `published_*` functions return None until the returning officer has published: pages and
downloads for the public call only those, so nothing about a result can show before then.
Provisional results are read through `hustings.results.access` helpers that check the role.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count as CountRows
from django.db.models import QuerySet
from django.utils import timezone

from hustings.ballots.models import Channel, Voter
from hustings.candidates.models import Candidacy
from hustings.elections.models import Contest, Election
from hustings.results.models import (
    ContestResult,
    Count,
    Publication,
    PublicationKind,
    Vacancy,
)

__all__ = [
    "RegionTurnout",
    "Turnout",
    "contest_history",
    "count_started",
    "elected_candidacies",
    "latest_count",
    "original_publication",
    "published_result",
    "published_results",
    "published_turnout",
    "standing_results",
    "turnout",
]


def count_started(election: Election) -> bool:
    """Return whether any count of the election has started; postal returns then stop."""
    return Count.objects.filter(election=election).exists()


def latest_count(election: Election, kind: str | None = None) -> Count | None:
    """Return the election's most recently started count (of a kind, if given), or None."""
    counts = Count.objects.filter(election=election)
    if kind is not None:
        counts = counts.filter(kind=kind)
    return counts.order_by("-started_at", "-pk").first()


def original_publication(election: Election, now: datetime | None = None) -> Publication | None:
    """Return the publication of the election's result, if it has been published."""
    now = now or timezone.now()
    return (
        Publication.objects.select_related("count")
        .filter(election=election, kind=PublicationKind.ORIGINAL, published_at__lte=now)
        .first()
    )


def standing_results(publications: QuerySet[Publication]) -> dict[int, ContestResult]:
    """Return {contest id: the latest result} over these publications, amendments last."""
    latest: dict[int, ContestResult] = {}
    ordered = publications.order_by("published_at", "pk").values_list("count_id", flat=True)
    for count_id in ordered:
        for result in ContestResult.objects.filter(count_id=count_id).select_related(
            "contest", "count"
        ):
            latest[result.contest_id] = result
    return latest


def _published(election: Election) -> QuerySet[Publication]:
    return Publication.objects.filter(election=election, published_at__lte=timezone.now())


def published_results(election: Election) -> list[ContestResult] | None:
    """Return each contest's standing published result (amendments applied), or None if unpublished."""
    if original_publication(election) is None:
        return None
    latest = standing_results(_published(election))
    return sorted(latest.values(), key=lambda r: (r.contest.position, r.contest.name))


def published_result(contest: Contest) -> ContestResult | None:
    """Return the contest's standing published result, or None if there is none yet."""
    results = published_results(contest.election)
    if results is None:
        return None
    return next((r for r in results if r.contest_id == contest.pk), None)


def contest_history(contest: Contest) -> list[tuple[Publication, ContestResult]] | None:
    """Return every published result of the contest in order (the original, then amendments)."""
    if original_publication(contest.election) is None:
        return None
    history = []
    for publication in _published(contest.election).order_by("published_at", "pk"):
        result = ContestResult.objects.filter(count=publication.count, contest=contest).first()
        if result is not None:
            history.append((publication, result))
    return history


def elected_candidacies(election: Election | None = None) -> QuerySet[Candidacy]:
    """Return the candidacies holding seats under published results, amendments applied.

    Members who stood down (a recorded vacancy) are left out even when nobody could fill the seat.
    """
    publications = Publication.objects.filter(published_at__lte=timezone.now())
    if election is not None:
        publications = publications.filter(election=election)
    ids: set[int] = set()
    originals = publications.filter(kind=PublicationKind.ORIGINAL).values_list(
        "election_id", flat=True
    )
    for election_id in originals:
        latest = standing_results(publications.filter(election_id=election_id))
        for result in latest.values():
            ids.update(result.elected_ids)
    ids -= set(Vacancy.objects.filter(candidacy_id__in=ids).values_list("candidacy_id", flat=True))
    return Candidacy.objects.filter(pk__in=ids)


@dataclass(frozen=True)
class RegionTurnout:
    """Turnout among one region's voters."""

    region: str
    electorate: int
    voted: int

    @property
    def percent(self) -> float:
        """Return the turnout as a percentage of the electorate."""
        return 100 * self.voted / self.electorate if self.electorate else 0.0


@dataclass(frozen=True)
class Turnout:
    """How many on the roll voted, by channel and by region, and the spoilt postal papers."""

    electorate: int
    voted: int
    by_channel: dict[str, int]
    by_region: list[RegionTurnout]
    spoilt: int

    @property
    def percent(self) -> float:
        """Return the turnout as a percentage of the electorate."""
        return 100 * self.voted / self.electorate if self.electorate else 0.0


def turnout(election: Election, spoilt: int = 0) -> Turnout:
    """Return the election's turnout from the roll (staff only before publication)."""
    rows = (
        Voter.objects.filter(election=election)
        .values_list("region__name", "voted")
        .annotate(n=CountRows("*"))
        .order_by()
    )
    regions: dict[str, list[int]] = {}
    by_channel = dict.fromkeys(Channel.values, 0)
    for region, voted, n in rows:
        tally = regions.setdefault(region, [0, 0])
        tally[0] += n
        if voted:
            tally[1] += n
            by_channel[voted] = by_channel.get(voted, 0) + n
    by_region = [RegionTurnout(name, e, v) for name, (e, v) in sorted(regions.items())]
    return Turnout(
        electorate=sum(r.electorate for r in by_region),
        voted=sum(r.voted for r in by_region),
        by_channel=by_channel,
        by_region=by_region,
        spoilt=spoilt,
    )


def published_turnout(election: Election) -> Turnout | None:
    """Return the turnout once the results are published, else None."""
    publication = original_publication(election)
    if publication is None:
        return None
    return turnout(election, publication.count.spoilt)
