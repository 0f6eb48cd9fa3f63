"""Read-only questions about one signed-in person, for the account page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hustings.members.models import Member

if TYPE_CHECKING:
    from hustings.accounts.models import User


def member_of(user: User) -> Member | None:
    """Return the register entry of the user, if they are a member."""
    return Member.objects.select_related("unit__region").filter(user=user).first()


def account_overview(user: User) -> dict[str, Any]:
    """Return what the account page shows: membership, candidacies and contests open to them."""
    return {"account": user, "member": member_of(user)}
