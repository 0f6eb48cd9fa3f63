"""Read-only questions about one signed-in person, for the account page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from hustings.accounts.access import member_for, reasons_may_not_declare, units_for_secretary
from hustings.candidates.models import Candidacy, SlateMembership
from hustings.candidates.public import current_slate_prefetch
from hustings.elections.models import Contest, Election
from hustings.members.models import Member

if TYPE_CHECKING:
    from hustings.accounts.models import User


def open_contests(member: Member) -> list[tuple[Contest, list[str]]]:
    """Return contests in the member's scope open for declarations, each with reasons they may not."""
    now = timezone.now()
    standing = Candidacy.objects.standing().filter(member=member).values("contest")
    contests = (
        Contest.objects.filter(election__in=Election.objects.current(now))
        .filter(Q(region__isnull=True) | Q(region=member.unit.region_id))
        .exclude(pk__in=standing)
        .select_related("election", "region")
        .order_by("election__ballot_open_at", "position", "name")
    )
    return [
        (contest, reasons_may_not_declare(member, contest, now))
        for contest in contests
        if contest.election.declarations_open(now)
    ]


def account_overview(user: User) -> dict[str, Any]:
    """Return what the account page shows: membership, candidacies and contests open to them."""
    member = member_for(user)
    if member is None:
        return {"account": user, "member": None}
    candidacies = (
        Candidacy.objects.for_member(member)
        .filter(removed_at__isnull=True)
        .with_people()
        .prefetch_related(current_slate_prefetch())
        .order_by("-declared_at")
    )
    slate_offers = SlateMembership.objects.filter(
        candidacy__in=Candidacy.objects.standing().filter(member=member),
        confirmed_at__isnull=True,
        ended_at__isnull=True,
    ).select_related("slate", "candidacy__contest__election")
    return {
        "account": user,
        "member": member,
        "candidacies": candidacies,
        "slate_offers": slate_offers,
        "open_contests": open_contests(member),
        "secretary_of": units_for_secretary(user),
    }
