"""Who may do what: the few helpers every view uses to check access.

Each `get_*_for_*` helper returns the object a user may act on, or raises Http404 when it does not
exist and PermissionDenied when it exists but this user may not act on it. Views call exactly one
of them before doing anything else.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format

from hustings.accounts.models import User
from hustings.candidates.models import Candidacy, SlateMembership
from hustings.elections.models import Contest
from hustings.members.models import Member, Unit
from hustings.nominations.models import AffiliateNomination, Nomination

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    AnyUser = User | AnonymousUser
else:
    AnyUser = Any


class AuthenticatedHttpRequest(HttpRequest):
    """A request made by a signed-in user, as views behind login_required receive it."""

    user: User


RETURNING_OFFICER = "returning_officer"
OBSERVER = "observer"


def staff_role(user: AnyUser) -> str:
    """Return the user's staff role, or "" for members and visitors."""
    if not user.is_authenticated:
        return ""
    return str(getattr(user, "staff_role", "") or "")


def needs_second_factor(user: AnyUser) -> bool:
    """Return whether the user must pass a TOTP check before any session is theirs."""
    if not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or staff_role(user))


def is_returning_officer(user: AnyUser) -> bool:
    """Return whether the user is a returning officer."""
    return staff_role(user) == RETURNING_OFFICER


def is_observer(user: AnyUser) -> bool:
    """Return whether the user is an observer: read-only staff, such as a scrutineer."""
    return staff_role(user) == OBSERVER


def require_staff_role(user: AnyUser, *roles: str) -> None:
    """Raise PermissionDenied unless the user holds one of the given staff roles."""
    if not roles:
        raise ValueError("name at least one staff role")
    if staff_role(user) not in roles:
        raise PermissionDenied(
            "This page is for " + " or ".join(r.replace("_", " ") for r in roles)
        )


# -- Members, candidates and secretaries -------------------------------------------------------


def member_for(user: AnyUser) -> Member | None:
    """Return the register entry of a signed-in member, or None."""
    if not user.is_authenticated:
        return None
    return Member.objects.select_related("unit__region").filter(user=user).first()


def require_member(user: AnyUser) -> Member:
    """Return the user's register entry, or raise PermissionDenied if they are not a member."""
    member = member_for(user)
    if member is None:
        raise PermissionDenied("Only members of the organisation can do this.")
    return member


def reasons_may_not_declare(
    member: Member, contest: Contest, now: datetime | None = None
) -> list[str]:
    """Return why the member may not declare for the contest now, or nothing if they may."""
    now = now or timezone.now()
    election = contest.election
    if not election.declarations_open(now):
        return [
            f"Declarations for {election.name} are open from "
            f"{_when(election.declarations_open_at)} until {_when(election.nominations_close_at)}."
        ]
    reasons = election.reasons_member_may_not_stand(member, contest, timezone.localdate(now))
    if Candidacy.objects.standing().filter(contest=contest, member=member).exists():
        reasons.append(f"You are already standing in {contest.name}.")
    return reasons


def get_contest_for_declaring(user: AnyUser, pk: int) -> tuple[Member, Contest]:
    """Return the member and a contest they may declare for now; 404 or 403 otherwise."""
    contest = get_object_or_404(Contest.objects.select_related("election", "region"), pk=pk)
    member = require_member(user)
    reasons = reasons_may_not_declare(member, contest)
    if reasons:
        raise PermissionDenied(" ".join(reasons))
    return member, contest


def _own_candidacy(user: AnyUser, pk: int) -> Candidacy:
    candidacy = get_object_or_404(
        Candidacy.objects.with_people().filter(removed_at__isnull=True), pk=pk
    )
    member = member_for(user)
    if member is None or candidacy.member_id != member.pk:
        raise PermissionDenied("Only the candidate can change their candidacy.")
    if not candidacy.is_standing():
        raise PermissionDenied("This candidacy has been withdrawn.")
    return candidacy


def get_candidacy_for_editing(user: AnyUser, pk: int) -> Candidacy:
    """Return the user's own standing candidacy while it may be edited; 404 or 403 otherwise."""
    candidacy = _own_candidacy(user, pk)
    election = candidacy.contest.election
    if not election.candidacies_editable():
        raise PermissionDenied(
            f"Candidates could edit their details until nominations closed at "
            f"{_when(election.nominations_close_at)}."
        )
    return candidacy


def get_candidacy_for_withdrawing(user: AnyUser, pk: int) -> Candidacy:
    """Return the user's own standing candidacy while they may withdraw; 404 or 403 otherwise."""
    candidacy = _own_candidacy(user, pk)
    election = candidacy.contest.election
    if not election.withdrawals_open():
        raise PermissionDenied(
            f"Candidates could withdraw until the ballot opened at "
            f"{_when(election.ballot_open_at)}."
        )
    return candidacy


def get_slate_membership_for_confirming(user: AnyUser, pk: int) -> SlateMembership:
    """Return a current slate place proposed for the user's own candidacy; 404 or 403 otherwise."""
    membership = get_object_or_404(
        SlateMembership.objects.select_related("slate", "candidacy__contest__election"),
        pk=pk,
        ended_at__isnull=True,
    )
    candidacy = _own_candidacy(user, membership.candidacy_id)
    if not candidacy.contest.election.candidacies_editable():
        raise PermissionDenied("Slate places can no longer be confirmed: nominations have closed.")
    return membership


def units_for_secretary(user: AnyUser) -> QuerySet[Unit]:
    """Return the units the user is the current secretary of."""
    member = member_for(user)
    if member is None:
        return Unit.objects.none()
    return Unit.objects.filter(
        secretaries__member=member, secretaries__ended_at__isnull=True
    ).select_related("region")


def get_unit_for_secretary(user: AnyUser, pk: int) -> Unit:
    """Return a unit the user is the current secretary of; 404 or 403 otherwise."""
    unit = get_object_or_404(Unit.objects.select_related("region"), pk=pk)
    if not units_for_secretary(user).filter(pk=unit.pk).exists():
        raise PermissionDenied(f"Only the secretary of {unit.name} can act for it.")
    return unit


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i T")


# -- Nominations --------------------------------------------------------------------------------


def get_unit_and_contest_for_nominating(
    user: AnyUser, unit_pk: int, contest_pk: int
) -> tuple[Unit, Contest]:
    """Return a unit the user is secretary of, and a contest; 404 or 403 otherwise.

    Whether the unit may nominate in the contest now (scope, deadline) is the action's to say, so
    the form can show its words; this checks only who is acting.
    """
    contest = get_object_or_404(Contest.objects.select_related("election", "region"), pk=contest_pk)
    return get_unit_for_secretary(user, unit_pk), contest


def get_candidacy_for_nominations(user: AnyUser, pk: int) -> Candidacy:
    """Return the user's own standing candidacy, to see and answer its nominations; 404 or 403."""
    return _own_candidacy(user, pk)


def get_nomination_for_responding(user: AnyUser, pk: int) -> Nomination:
    """Return a current nomination of the user's own standing candidacy; 404 or 403 otherwise."""
    nomination = get_object_or_404(
        Nomination.objects.current().select_related("unit", "contest__election"), pk=pk
    )
    _own_candidacy(user, nomination.candidacy_id)
    return nomination


def get_affiliate_nomination_for_responding(user: AnyUser, pk: int) -> AffiliateNomination:
    """Return a standing affiliate nomination of the user's own candidacy; 404 or 403 otherwise."""
    nomination = get_object_or_404(
        AffiliateNomination.objects.filter(withdrawn_at__isnull=True).select_related(
            "affiliate", "contest__election"
        ),
        pk=pk,
    )
    _own_candidacy(user, nomination.candidacy_id)
    return nomination
