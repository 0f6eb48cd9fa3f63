"""Who may do what: the few helpers every view uses to check access.

Each `get_*_for_*` helper returns the object a user may act on, or raises Http404 when it does not
exist and PermissionDenied when it exists but this user may not act on it. Views call exactly one
of them before doing anything else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from hustings.accounts.models import User

    AnyUser = User | AnonymousUser
else:
    AnyUser = Any

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
