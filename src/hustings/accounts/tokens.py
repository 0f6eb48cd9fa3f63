"""One-time sign-in links for members: issue, email and redeem them.

A link carries 32 random bytes; the database keeps only their HMAC under SECRET_KEY, so a copy of
the database holds no working link. A link expires after HUSTINGS_LOGIN_LINK_MINUTES (15 by
default) and works once. Staff never get a link: they sign in with a password and a second factor.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from hustings.accounts import keyed, ratelimit
from hustings.accounts.access import needs_second_factor
from hustings.accounts.credentials import LoginToken

if TYPE_CHECKING:
    from hustings.accounts.models import User
    from hustings.members.models import Member

__all__ = [
    "StaffSignInRequired",
    "base_url",
    "issue_login_link",
    "issue_member_login_link",
    "peek_login_token",
    "redeem_login_token",
    "request_login_links",
]

TOKEN_PURPOSE = "accounts.login-token"


class StaffSignInRequired(ValueError):
    """Staff accounts sign in with a password and a second factor, never by a link."""


def base_url() -> str:
    """Return the site's absolute base URL for links sent by email, without a trailing slash."""
    # Never the request's Host header: a forged Host would put an attacker's domain in the email.
    url: str = getattr(settings, "HUSTINGS_BASE_URL", "http://127.0.0.1:8000")
    return url.rstrip("/")


def link_lifetime() -> timedelta:
    """Return how long a sign-in link stays valid."""
    return timedelta(minutes=getattr(settings, "HUSTINGS_LOGIN_LINK_MINUTES", 15))


def _new_token(*, user: User | None, member: Member | None, next_url: str = "") -> str:
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    # Used and expired links are worthless; keep a day of them for inspection, then drop them.
    LoginToken.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
    LoginToken.objects.create(
        user=user,
        member=member,
        token_hash=keyed.digest(TOKEN_PURPOSE, raw),
        created_at=now,
        expires_at=now + link_lifetime(),
    )
    url = base_url() + reverse("accounts:sign-in-link", args=[raw])
    if next_url:
        url += "?" + urlencode({"next": next_url})
    return url


def issue_login_link(user: User, request: HttpRequest | None = None, *, next_url: str = "") -> str:
    """Create a one-time sign-in link for a member's user and return it as an absolute URL."""
    del request  # Accepted for symmetry with views; the base URL always comes from settings.
    if needs_second_factor(user):
        raise StaffSignInRequired(
            f"{user} is a staff account: sign in at {staff_sign_in_url()} with a password "
            "and an authenticator code"
        )
    return _new_token(user=user, member=None, next_url=next_url)


def issue_member_login_link(member: Member, *, next_url: str = "") -> str:
    """Create a one-time sign-in link for a member, whose user is created when it is used."""
    if member.user is not None:
        return issue_login_link(member.user, next_url=next_url)
    return _new_token(user=None, member=member, next_url=next_url)


def staff_sign_in_url() -> str:
    """Return the absolute URL of the staff sign-in page."""
    return base_url() + reverse("accounts:staff-sign-in")


def _find(raw: str) -> LoginToken | None:
    return (
        LoginToken.objects.select_related("user", "member", "member__user")
        .filter(token_hash__in=keyed.digests(TOKEN_PURPOSE, raw))
        .first()
    )


def _usable(token: LoginToken | None, now: datetime) -> bool:
    return token is not None and token.used_at is None and token.expires_at > now


def peek_login_token(raw: str, *, now: datetime | None = None) -> bool:
    """Return whether the link is still usable, without using it."""
    return _usable(_find(raw), now or timezone.now())


@transaction.atomic
def redeem_login_token(raw: str, *, now: datetime | None = None) -> User | None:
    """Use a sign-in link once and return whom it signs in, or None if it is not usable."""
    from hustings.accounts.actions import do_create_user_for_member

    now = now or timezone.now()
    token = _find(raw)
    if token is None or not _usable(token, now):
        return None
    # The conditional update is the single-use guarantee: of two racing redemptions, one wins.
    if not LoginToken.objects.filter(pk=token.pk, used_at__isnull=True).update(used_at=now):
        return None
    user = token.user
    if user is None and token.member is not None:
        user = token.member.user or do_create_user_for_member(token.member)
    if user is None or not user.is_active or needs_second_factor(user):
        return None
    # One successful sign-in retires every other link sent to the same person.
    others = LoginToken.objects.filter(used_at__isnull=True, user=user)
    if token.member_id is not None:
        others = others | LoginToken.objects.filter(used_at__isnull=True, member=token.member_id)
    others.update(used_at=now)
    return user


@dataclass(frozen=True)
class Recipient:
    """One account reachable at an email address, labelled for when several share it."""

    label: str
    url: str


def _recipients(email: str, next_url: str) -> tuple[list[Recipient], bool]:
    """Return sign-in links for everyone who signs in with this email, and whether staff do."""
    from django.contrib.auth import get_user_model

    from hustings.members.models import Member

    links: list[Recipient] = []
    staff = False
    # Compared as lower(email), the expression the register's and accounts' indexes hold, so a
    # sign-in request stays an index lookup in a register of hundreds of thousands.
    address = email.strip().lower()
    members = (
        Member.objects.alias(email_lower=Lower("email"))
        .filter(email_lower=address)
        .select_related("user")
    )
    for member in members.order_by("membership_number"):
        if member.user is not None and not member.user.is_active:
            continue
        if member.user is not None and needs_second_factor(member.user):
            staff = True
            continue
        label = f"{member.name} (membership number {member.membership_number})"
        links.append(Recipient(label, issue_member_login_link(member, next_url=next_url)))
    # Accounts with no membership record (rare: an observer's deputy, say) sign in by their own
    # email; a member's account signs in only by the email the register holds for them.
    users = (
        get_user_model()
        .objects.alias(email_lower=Lower("email"))
        .filter(email_lower=address, is_active=True, member=None)
    )
    for user in users.order_by("pk"):
        if needs_second_factor(user):
            staff = True
        else:
            links.append(
                Recipient(str(user), _new_token(user=user, member=None, next_url=next_url))
            )
    return links, staff


@task()
def send_sign_in_email(email: str, next_url: str = "") -> None:
    """Email sign-in links to everyone with this address; tell staff where they sign in."""
    # The token is minted here, inside the task, so no usable link ever sits in a task queue.
    with transaction.atomic():
        links, staff = _recipients(email, next_url)
    if not links and not staff:
        return
    context = {
        "links": links,
        "staff": staff,
        "staff_sign_in_url": staff_sign_in_url(),
        "minutes": int(link_lifetime().total_seconds() // 60),
        "base_url": base_url(),
    }
    send_mail(
        subject=render_to_string("accounts/email/sign_in_subject.txt", context).strip(),
        message=render_to_string("accounts/email/sign_in_body.txt", context),
        from_email=None,
        recipient_list=[email],
    )


def safe_next(next_url: str | None, request: HttpRequest) -> str:
    """Return next_url if it is a path on this site, else the empty string."""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


def request_login_links(email: str, *, ip: str | None, next_url: str = "") -> None:
    """Rate-limit, record and queue a sign-in email; the same for every address, known or not."""
    email = email.strip()
    ratelimit.check(ratelimit.LINK, email, ip)
    ratelimit.record(ratelimit.LINK, email, ip)
    send_sign_in_email.enqueue(email, next_url)
