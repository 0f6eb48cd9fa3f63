"""Who may see which results: provisional ones for the returning officer and observers only.

Views call one of these before anything else. The `get_*` helpers raise Http404 when the object
does not exist or is not published (so an unpublished result looks exactly like a missing one to
everybody else) and PermissionDenied when a signed-in user lacks the role.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from hustings.accounts.access import (
    OBSERVER,
    RETURNING_OFFICER,
    AnyUser,
    is_returning_officer,
    staff_role,
)
from hustings.elections.models import Election
from hustings.results.models import ContestResult, Count, Publication
from hustings.results.queries import original_publication

__all__ = [
    "get_count_for_publishing",
    "get_count_for_review",
    "get_result_for_download",
    "may_see_provisional",
    "published_publication",
]


def may_see_provisional(user: AnyUser) -> bool:
    """Return whether the user may see results before publication: returning officer, observer."""
    return staff_role(user) in (RETURNING_OFFICER, OBSERVER)


def published_publication(election: Election) -> Publication | None:
    """Return the election's published result (the original publication), or None."""
    return original_publication(election)


def get_count_for_review(user: AnyUser, pk: int) -> Count:
    """Return a count for the provisional review, to the returning officer or an observer."""
    if not may_see_provisional(user):
        if user.is_authenticated:
            raise PermissionDenied(
                "Provisional results are for the returning officer and observers."
            )
        raise Http404("No such count.")
    count = Count.objects.select_related("election").filter(pk=pk).first()
    if count is None:
        raise Http404("No such count.")
    return count


def get_count_for_publishing(user: AnyUser, pk: int) -> Count:
    """Return a count the returning officer may publish or recount."""
    if not is_returning_officer(user):
        raise PermissionDenied("Only the returning officer may publish results.")
    return get_count_for_review(user, pk)


def get_result_for_download(user: AnyUser, pk: int) -> ContestResult:
    """Return a contest result whose files the user may download: published, or provisional staff.

    A result counts as published when its count was published (the original or an amendment).
    """
    result = (
        ContestResult.objects.select_related("contest__election", "count").filter(pk=pk).first()
    )
    if result is None:
        raise Http404("No such result.")
    if may_see_provisional(user):
        return result
    election = result.contest.election
    if published_publication(election) is None:
        raise Http404("No such result.")
    if not result.count.publications.filter(published_at__lte=timezone.now()).exists():
        raise Http404("No such result.")
    return result
