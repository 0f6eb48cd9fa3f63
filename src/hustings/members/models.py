"""Regions, units and members: the register every election reads."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class Region(models.Model):
    """A region of the organisation, such as "North West" or "Scotland"."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A local unit (a constituency party) whose members all belong to one region."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="units")

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Gender(models.TextChoices):
    """How a member describes their gender, if they choose to: used by representation rules."""

    UNSTATED = "", "not stated"
    WOMAN = "woman", "woman"
    MAN = "man", "man"
    NON_BINARY = "non-binary", "non-binary"
    SELF_DESCRIBED = "self-described", "in another way"
    PREFER_NOT_TO_SAY = "prefer-not-to-say", "prefer not to say"


class MemberQuerySet(models.QuerySet["Member"]):
    """Reusable selections of the register."""

    def in_good_standing(self, on: date) -> MemberQuerySet:
        """Return members whose subscription is paid up to at least the given day."""
        return self.filter(paid_until__gte=on)

    def joined_on_or_before(self, day: date) -> MemberQuerySet:
        """Return members who joined on or before the given day."""
        return self.filter(joined_on__lte=day)

    def in_region(self, region: Region | int) -> MemberQuerySet:
        """Return members of the units in one region."""
        return self.filter(unit__region=region)


class Member(models.Model):
    """One row of the membership register; an account is made when the member first signs in."""

    membership_number = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    # Optional: some members have only a postal address, and cannot sign in by email.
    email = models.EmailField(max_length=254, blank=True)
    address = models.TextField("postal address", blank=True, help_text="One line per line.")
    postcode = models.CharField(max_length=10, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="members")
    joined_on = models.DateField()
    # Good standing is derived from this and a date, never stored, so it cannot go stale.
    paid_until = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=20, choices=Gender.choices, blank=True)
    gender_self_description = models.CharField(max_length=100, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    updated_at = models.DateTimeField()

    objects: ClassVar[MemberQuerySet] = MemberQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("membership_number",)
        indexes = (
            # Sign-in looks members up by email whatever its case.
            models.Index(Lower("email"), name="member_email_ci"),
            models.Index(fields=["unit", "joined_on"], name="member_unit_joined"),
        )
        constraints = (
            models.CheckConstraint(
                condition=Q(gender__in=Gender.values), name="member_gender_known"
            ),
            models.CheckConstraint(
                condition=Q(gender_self_description="") | Q(gender=Gender.SELF_DESCRIBED),
                name="member_gender_description_only_when_self_described",
            ),
        )

    def __str__(self) -> str:
        return f"{self.name} ({self.membership_number})"

    def in_good_standing(self, on: date) -> bool:
        """Return whether the member's subscription is paid up to at least the given day."""
        return self.paid_until is not None and self.paid_until >= on

    def membership_days(self, on: date) -> int:
        """Return how many whole days the member has been a member on the given day."""
        return (on - self.joined_on).days

    def attribute(self, name: str) -> str:
        """Return the member's value of a representation attribute, such as "gender"."""
        if name == "gender":
            return self.gender
        raise KeyError(f"members have no attribute {name!r} for representation rules")


class UnitSecretary(models.Model):
    """A member appointed secretary of a unit; they make the unit's nominations."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="secretaries")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="secretaryships")
    appointed_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "unit secretary"
        verbose_name_plural = "unit secretaries"
        ordering = ("unit", "-appointed_at")
        constraints = (
            models.UniqueConstraint(
                fields=["unit"], condition=Q(ended_at__isnull=True), name="one_current_secretary"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("appointed_at")),
                name="secretary_ends_after_appointment",
            ),
        )

    def __str__(self) -> str:
        return f"{self.member.name}, secretary of {self.unit}"

    def is_current(self) -> bool:
        """Return whether the appointment has not ended."""
        return self.ended_at is None
