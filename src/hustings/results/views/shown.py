"""Which count a visitor may see: the published one, or (for staff only) the provisional one.

Every results page and download goes through `shown_count` or `shown_result`, so the rule lives in
one place: before the returning officer publishes, results do not exist for anyone but the
returning officer and observers, and the answer is the same 404 whether or not a count has run.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from hustings.accounts.access import AnyUser
from hustings.elections.models import Contest, Election
from hustings.results.access import may_see_provisional
from hustings.results.actions import counted
from hustings.results.models import ContestResult, Count, Publication, Vacancy
from hustings.results.queries import original_publication

__all__ = ["Shown", "amendments", "shown_count", "shown_result"]

NOT_PUBLISHED = "No results have been published for this election."


@dataclass(frozen=True)
class Shown:
    """The count a page shows, and whether it is the published one."""

    election: Election
    count: Count
    publication: Publication | None

    @property
    def provisional(self) -> bool:
        """Return whether this count is not yet published (so only staff can be seeing it)."""
        return self.publication is None


def shown_count(user: AnyUser, slug: str) -> Shown:
    """Return the count the user may see for the election: published, or provisional for staff."""
    election = get_object_or_404(Election, slug=slug)
    publication = original_publication(election)
    if publication is not None:
        return Shown(election, publication.count, publication)
    if may_see_provisional(user):
        count = counted(election)
        if count is not None:
            return Shown(election, count, None)
    raise Http404(NOT_PUBLISHED)


def shown_result(user: AnyUser, slug: str, contest_slug: str) -> tuple[Shown, ContestResult]:
    """Return the count the user may see and its result for one contest; 404 otherwise."""
    shown = shown_count(user, slug)
    result = get_object_or_404(
        ContestResult.objects.select_related("contest__election", "count"),
        count=shown.count,
        contest__slug=contest_slug,
    )
    return shown, result


def amendments(user: AnyUser, shown: Shown, contest: Contest | None = None) -> list[Vacancy]:
    """Return the casual vacancies to show: published ones, and for staff unpublished ones too."""
    vacancies = Vacancy.objects.filter(contest__election=shown.election).select_related(
        "contest",
        "candidacy__member",
        "filled_by__member",
        "publication",
        "result__count",
    )
    if contest is not None:
        vacancies = vacancies.filter(contest=contest)
    if not may_see_provisional(user):
        vacancies = vacancies.filter(publication__published_at__lte=timezone.now())
    return list(vacancies.order_by("recorded_at", "pk"))
