"""Factory functions for model data, and the shared personas every test speaks of.

Each `make_*` function creates one saved object with believable defaults; pass keyword arguments to
override any field. Personas (`returning_officer`, `unit_secretary`, `candidate`, `member`,
`outsider`, `observer`) are the people tests name; each call makes a fresh one.
"""

from __future__ import annotations

import itertools
import secrets
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from hustings.accounts.credentials import TOTPDevice
from hustings.accounts.models import StaffRole, User
from hustings.members.models import Member, Region, Unit, UnitSecretary

_serial = itertools.count(1)

STAFF_PASSWORD = "correct horse battery staple"


def _next() -> int:
    return next(_serial)


def make_region(**fields: Any) -> Region:
    """Create a region."""
    n = _next()
    fields.setdefault("code", f"region-{n}")
    fields.setdefault("name", f"Region {n}")
    return Region.objects.create(**fields)


def make_unit(region: Region | None = None, **fields: Any) -> Unit:
    """Create a unit, in a new region unless one is given."""
    n = _next()
    fields.setdefault("code", f"U{n:05d}")
    fields.setdefault("name", f"Unit {n}")
    return Unit.objects.create(region=region or make_region(), **fields)


def make_member(unit: Unit | None = None, *, with_user: bool = False, **fields: Any) -> Member:
    """Create a member in good standing who joined five years ago, with an account if asked."""
    n = _next()
    today = timezone.localdate()
    fields.setdefault("membership_number", f"M{n:07d}")
    fields.setdefault("name", f"Member {n}")
    fields.setdefault("email", f"member{n}@example.org")
    fields.setdefault("address", f"{n} High Street\nTestville")
    fields.setdefault("postcode", "AB1 2CD")
    fields.setdefault("joined_on", today - timedelta(days=5 * 365))
    fields.setdefault("paid_until", today + timedelta(days=365))
    fields.setdefault("updated_at", timezone.now())
    member = Member.objects.create(unit=unit or make_unit(), **fields)
    if with_user:
        member.user = make_user(email=member.email or None, name=member.name)
        member.save(update_fields=["user"])
    return member


def make_user(**fields: Any) -> User:
    """Create an account with no password (it signs in by link)."""
    fields.setdefault("email", f"user{_next()}@example.org")
    return User.objects.create_user(**fields)


def make_staff(role: str, **fields: Any) -> User:
    """Create a staff account with a password and a confirmed authenticator."""
    fields.setdefault("email", f"{role.replace('_', '-')}{_next()}@example.org")
    fields.setdefault("name", role.replace("_", " ").title())
    user = User.objects.create_user(
        password=STAFF_PASSWORD, staff_role=role, is_staff=True, **fields
    )
    now = timezone.now()
    TOTPDevice.objects.create(
        user=user, seed=secrets.token_hex(32), created_at=now, confirmed_at=now
    )
    return user


def make_unit_secretary(unit: Unit | None = None, member: Member | None = None) -> UnitSecretary:
    """Appoint a member (a new one by default) secretary of a unit."""
    unit = unit or (member.unit if member else make_unit())
    member = member or make_member(unit, with_user=True)
    return UnitSecretary.objects.create(unit=unit, member=member, appointed_at=timezone.now())


# -- Personas ----------------------------------------------------------------------------------


def returning_officer(**fields: Any) -> User:
    """Return a new returning officer: staff, password and confirmed authenticator."""
    fields.setdefault("is_superuser", True)
    return make_staff(StaffRole.RETURNING_OFFICER, **fields)


def observer(**fields: Any) -> User:
    """Return a new observer: read-only staff, such as an independent scrutineer."""
    return make_staff(StaffRole.OBSERVER, **fields)


def member(unit: Unit | None = None, **fields: Any) -> User:
    """Return the account of a new member in good standing."""
    user = make_member(unit, with_user=True, **fields).user
    assert user is not None
    return user


def unit_secretary(unit: Unit | None = None) -> User:
    """Return the account of a new member who is secretary of a unit."""
    user = make_unit_secretary(unit).member.user
    assert user is not None
    return user


def outsider(**fields: Any) -> User:
    """Return the account of a member in a region of their own, with no role anywhere."""
    return member(make_unit(make_region()), **fields)


def days_ago(n: int) -> date:
    """Return the date n days before today (Europe/London)."""
    return timezone.localdate() - timedelta(days=n)
