"""Every change to an account: creating a member's user, sign-ins, authenticators. All audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from hustings.accounts.access import needs_second_factor
from hustings.accounts.credentials import TOTPDevice
from hustings.audit.chain import record_event
from hustings.members.models import Member

if TYPE_CHECKING:
    from hustings.accounts.models import User


# Audit tags for accounts, in the `<object>:<what happened>` form of hustings.audit.tags.
USER_CREATED_FOR_MEMBER = "accounts:user:created-for-member"
SIGNED_IN_BY_LINK = "accounts:sign-in:link"
SIGNED_IN_AS_STAFF = "accounts:sign-in:staff"
TOTP_ENROLLED = "accounts:totp:enrolled"
TOTP_RESET = "accounts:totp:reset"


def _audit(tag: str, actor: User | None, obj: Any, data: dict[str, Any]) -> None:
    record_event(tag, actor=actor, obj=obj, data=data)


@transaction.atomic
def do_create_user_for_member(member: Member) -> User:
    """Give a member the account they sign in with, the first time they sign in."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.user is not None:
        return member.user
    users = get_user_model().objects
    existing = (
        users.alias(email_lower=Lower("email")).filter(email_lower=member.email.lower()).first()
        if member.email
        else None
    )
    if existing is None:
        user = users.create_user(email=member.email or None, name=member.name)
    elif not needs_second_factor(existing) and not Member.objects.filter(user=existing).exists():
        user = existing
    else:
        # A staff account, or another member's, already holds the address: this member gets an
        # account of their own without an email, so a member's link never opens a staff session.
        user = users.create_user(email=None, name=member.name)
    member.user = user
    member.save(update_fields=["user"])
    _audit(
        USER_CREATED_FOR_MEMBER,
        None,
        member,
        {"user": user.pk, "membership_number": member.membership_number},
    )
    return user


@transaction.atomic
def do_record_member_sign_in(user: User, *, ip: str | None) -> None:
    """Record that a member signed in with an emailed link."""
    _audit(SIGNED_IN_BY_LINK, user, user, {"ip": ip})


@transaction.atomic
def do_record_staff_sign_in(user: User, *, ip: str | None) -> None:
    """Record that a staff member signed in with password and authenticator."""
    _audit(SIGNED_IN_AS_STAFF, user, user, {"ip": ip, "role": user.staff_role})


@transaction.atomic
def do_confirm_totp_device(user: User, device: TOTPDevice) -> None:
    """Mark a staff member's new authenticator as confirmed by a first good code."""
    if device.user_id != user.pk:
        raise ValueError("that authenticator belongs to someone else")
    device.confirmed_at = timezone.now()
    device.save(update_fields=["confirmed_at"])
    _audit(TOTP_ENROLLED, user, user, {"device": device.pk})


@transaction.atomic
def do_reset_totp_device(actor: User, user: User) -> None:
    """Remove a staff member's authenticator so that they enrol a new one at next sign-in."""
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    _audit(TOTP_RESET, actor, user, {"removed": bool(deleted)})
