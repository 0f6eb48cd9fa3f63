"""Who may do what in the campaign: each helper returns what the user may act on, or refuses.

Like `hustings.accounts.access`, each `get_*` helper raises Http404 when the object does not exist
(or is hidden from the public) and PermissionDenied when it exists but this user may not act on it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from hustings.accounts import access
from hustings.accounts.access import AnyUser
from hustings.campaign.models import Follow, PublicQuestion, Questionnaire, Support
from hustings.campaign.queries import is_elected
from hustings.candidates.models import Candidacy
from hustings.members.models import Member


def standing_candidacy(pk: int) -> Candidacy:
    """Return a standing candidacy the public may see, or raise Http404."""
    return get_object_or_404(Candidacy.objects.standing().with_people(), pk=pk)


def is_own(user: AnyUser, candidacy: Candidacy) -> bool:
    """Return whether the user is the member standing in this candidacy."""
    member = access.member_for(user)
    return member is not None and member.pk == candidacy.member_id


def _own_standing(user: AnyUser, pk: int, what: str) -> Candidacy:
    candidacy = get_object_or_404(
        Candidacy.objects.with_people().filter(removed_at__isnull=True), pk=pk
    )
    if not is_own(user, candidacy):
        raise PermissionDenied(f"Only the candidate can {what}.")
    if not candidacy.is_standing():
        raise PermissionDenied("This candidacy has been withdrawn.")
    return candidacy


# -- Supporters ---------------------------------------------------------------------------------


def get_candidacy_for_supporting(user: AnyUser, pk: int) -> tuple[Member, Candidacy]:
    """Return the member and a standing candidacy they may support; 404 or 403 otherwise."""
    candidacy = standing_candidacy(pk)
    member = access.require_member(user)
    if member.pk == candidacy.member_id:
        raise PermissionDenied("Candidates cannot add themselves as supporters.")
    return member, candidacy


def get_support_for_changing(user: AnyUser, pk: int) -> Support:
    """Return the user's own current support; 404 or 403 otherwise."""
    support = get_object_or_404(
        Support.objects.select_related("candidacy__member", "member"), pk=pk, withdrawn_at=None
    )
    member = access.require_member(user)
    if support.member_id != member.pk:
        raise PermissionDenied("Only the supporter can change their support.")
    return support


def get_support_for_moderating(user: AnyUser, pk: int) -> Support:
    """Return a current support whose quote the returning officer may moderate; 404 or 403."""
    access.require_staff_role(user, access.RETURNING_OFFICER)
    return get_object_or_404(
        Support.objects.select_related("candidacy__contest__election", "member"),
        pk=pk,
        withdrawn_at=None,
    )


def require_moderator_view(user: AnyUser) -> None:
    """Raise PermissionDenied unless the user is staff who may see the moderation queue."""
    access.require_staff_role(user, access.RETURNING_OFFICER, access.OBSERVER)


# -- Campaign updates ---------------------------------------------------------------------------


def get_candidacy_for_updating(user: AnyUser, pk: int) -> Candidacy:
    """Return the user's own standing candidacy, to post a campaign update; 404 or 403."""
    return _own_standing(user, pk, "post campaign updates")


# -- Questionnaires -----------------------------------------------------------------------------


def require_questionnaire_staff(user: AnyUser) -> None:
    """Raise PermissionDenied unless the user is a returning officer."""
    access.require_staff_role(user, access.RETURNING_OFFICER)


def get_questionnaire_for_answering(
    user: AnyUser, questionnaire_pk: int, candidacy_pk: int
) -> tuple[Questionnaire, Candidacy]:
    """Return a questionnaire sent to the user's own standing candidacy; 404 or 403 otherwise."""
    candidacy = _own_standing(user, candidacy_pk, "answer questionnaires")
    questionnaire = get_object_or_404(
        Questionnaire.objects.prefetch_related("questions"),
        pk=questionnaire_pk,
        contests=candidacy.contest_id,
    )
    return questionnaire, candidacy


# -- Public questions ---------------------------------------------------------------------------


def get_candidacy_for_asking(user: AnyUser, pk: int) -> tuple[Member, Candidacy]:
    """Return the member and a standing candidacy they may put a question to; 404 or 403."""
    candidacy = standing_candidacy(pk)
    member = access.require_member(user)
    if member.pk == candidacy.member_id:
        raise PermissionDenied("Candidates cannot ask themselves questions.")
    return member, candidacy


def _visible_question(pk: int) -> PublicQuestion:
    return get_object_or_404(
        PublicQuestion.objects.select_related("candidacy__member", "candidacy__contest__election"),
        pk=pk,
        hidden_at=None,
        candidacy__withdrawn_at=None,
        candidacy__removed_at=None,
    )


def get_question_for_answering(user: AnyUser, pk: int) -> PublicQuestion:
    """Return a visible question to the user's own standing candidacy; 404 or 403 otherwise."""
    question = _visible_question(pk)
    _own_standing(user, question.candidacy_id, "answer questions put to them")
    return question


def get_question_for_reporting(user: AnyUser, pk: int) -> tuple[Member, PublicQuestion]:
    """Return the member and a visible question they may report; 404 or 403 otherwise."""
    question = _visible_question(pk)
    return access.require_member(user), question


def get_question_for_hiding(user: AnyUser, pk: int) -> PublicQuestion:
    """Return a visible question the returning officer may hide; 404 or 403 otherwise."""
    access.require_staff_role(user, access.RETURNING_OFFICER)
    return get_object_or_404(
        PublicQuestion.objects.select_related("candidacy__contest__election"), pk=pk, hidden_at=None
    )


# -- Report-backs -------------------------------------------------------------------------------


def representative(pk: int) -> Candidacy:
    """Return an elected candidacy (a representative) the public may see, or raise Http404."""
    candidacy = standing_candidacy(pk)
    if not is_elected(candidacy):
        raise PermissionDenied("Only elected representatives publish report-backs.")
    return candidacy


def get_representative_for_reporting(user: AnyUser, pk: int) -> Candidacy:
    """Return the user's own elected candidacy, to publish a report-back; 404 or 403."""
    candidacy = _own_standing(user, pk, "publish their report-backs")
    if not is_elected(candidacy):
        raise PermissionDenied("Report-backs are for elected representatives.")
    return candidacy


def get_representative_for_following(user: AnyUser, pk: int) -> tuple[Member, Candidacy]:
    """Return the member and a representative they may follow; 404 or 403 otherwise."""
    candidacy = representative(pk)
    return access.require_member(user), candidacy


def get_follow_for_ending(user: AnyUser, pk: int) -> Follow:
    """Return the user's own current follow; 404 or 403 otherwise."""
    follow = get_object_or_404(Follow.objects.select_related("candidacy"), pk=pk, ended_at=None)
    member = access.require_member(user)
    if follow.member_id != member.pk:
        raise PermissionDenied("Only the follower can stop following.")
    return follow
