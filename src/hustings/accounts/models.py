"""The user account: signs in by email; staff hold a role on top of it.

Members and their accounts are different things. A `members.Member` is a row of the register and
may have no account at all; the account is made the first time they sign in. Staff accounts
(returning officers, observers) need not belong to a member.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

# The models behind signing in live in their own module; importing them here registers them.
from hustings.accounts.credentials import LoginToken, SignInAttempt, TOTPDevice

__all__ = ["LoginToken", "SignInAttempt", "StaffRole", "TOTPDevice", "User", "UserManager"]


class StaffRole(models.TextChoices):
    """What a staff account may do; members and candidates hold no staff role."""

    NONE = "", "none (member)"
    RETURNING_OFFICER = "returning_officer", "returning officer"
    OBSERVER = "observer", "observer (read-only)"


class UserManager(BaseUserManager["User"]):
    """Create users keyed by email, and find them by email whatever its case."""

    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        """Return the user whose email matches, ignoring case."""
        return self.get(email__iexact=username)

    def _create(self, email: str | None, password: str | None, **fields: Any) -> User:
        user = self.model(email=self.normalize_email(email) or None, **fields)
        if password:
            user.set_password(password)
        else:
            # Members sign in by emailed link and never have a usable password.
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(
        self, email: str | None = None, password: str | None = None, **fields: Any
    ) -> User:
        """Create an ordinary account; without a password it can only sign in by link."""
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        """Create a returning officer with every permission (the `createsuperuser` command)."""
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("staff_role", StaffRole.RETURNING_OFFICER)
        if not email:
            raise ValueError("a superuser needs an email address to sign in with")
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Someone who signs in: a member by emailed link, staff by password and authenticator."""

    # Null rather than blank: a member with only a postal address may still be given an account
    # by staff, and NULLs never collide under the unique constraint below.
    email = models.EmailField("email address", max_length=254, unique=True, null=True, blank=True)
    name = models.CharField(max_length=200, blank=True)
    staff_role = models.CharField(
        max_length=32, choices=StaffRole.choices, default=StaffRole.NONE, blank=True
    )
    is_staff = models.BooleanField(
        "may use the admin", default=False, help_text="Whether this account may open the admin."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = "user"
        ordering = ("email",)
        constraints = (
            # Email is how people sign in, so two accounts must never differ only by case.
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ignoring_case",
                condition=Q(email__isnull=False),
            ),
            models.CheckConstraint(
                condition=Q(staff_role__in=StaffRole.values), name="user_staff_role_known"
            ),
        )

    def __str__(self) -> str:
        return self.email or self.name or f"user #{self.pk}"

    def clean(self) -> None:
        """Normalise the email so lookups and the unique constraint agree."""
        super().clean()
        self.email = type(self).objects.normalize_email(self.email) or None

    def get_full_name(self) -> str:
        """Return the name to show for this account."""
        return self.name or str(self)

    def get_short_name(self) -> str:
        """Return a short name to greet this account by."""
        return (self.name.split() or [str(self)])[0]

    @property
    def is_returning_officer(self) -> bool:
        """Return whether this account runs elections."""
        return self.staff_role == StaffRole.RETURNING_OFFICER

    @property
    def is_observer(self) -> bool:
        """Return whether this account is a read-only scrutineer."""
        return self.staff_role == StaffRole.OBSERVER
