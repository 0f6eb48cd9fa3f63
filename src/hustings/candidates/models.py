"""Candidacies (a member's declaration for one contest, with what they publish) and slates."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any, ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone

from hustings.elections.models import Contest, Election
from hustings.members.models import Member


def photo_path(instance: Any, filename: str) -> str:
    """Return a random storage name, keeping only the extension our own resizing chose."""
    extension = filename.rsplit(".", 1)[-1].lower()
    if extension not in ("jpg", "png", "webp"):
        raise ValueError(f"photos are stored as JPEG, PNG or WebP, not {extension!r}")
    # Random, so a photo's address reveals nothing and cannot be guessed before publication.
    return f"photos/{secrets.token_urlsafe(18)}.{extension}"


class CandidacyQuerySet(models.QuerySet["Candidacy"]):
    """Reusable selections of candidacies."""

    def standing(self) -> CandidacyQuerySet:
        """Return candidacies neither withdrawn nor removed."""
        return self.filter(withdrawn_at__isnull=True, removed_at__isnull=True)

    def for_member(self, member: Member) -> CandidacyQuerySet:
        """Return one member's candidacies."""
        return self.filter(member=member)

    def with_people(self) -> CandidacyQuerySet:
        """Load each candidacy's member, unit, region and contest in the same query."""
        return self.select_related("member__unit__region", "contest__election", "contest__region")


class Candidacy(models.Model):
    """A member standing in a contest, and what they tell the voters."""

    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="candidacies")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="candidacies")
    statement = models.TextField(blank=True)
    why_standing = models.TextField("why I am standing", blank=True)
    experience = models.JSONField(default=list, blank=True)
    priorities = models.JSONField(default=list, blank=True)
    # [{"label": "Website", "url": "https://..."}], checked by the actions: http(s) only.
    links = models.JSONField(default=list, blank=True)
    photo = models.ImageField(upload_to=photo_path, blank=True)
    declared_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removal_reason = models.TextField(blank=True)

    objects: ClassVar[CandidacyQuerySet] = CandidacyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name_plural = "candidacies"
        ordering = ("contest", "member__name")
        constraints = (
            # One standing candidacy per member per contest; after withdrawing they may return.
            models.UniqueConstraint(
                fields=["contest", "member"],
                condition=Q(withdrawn_at__isnull=True, removed_at__isnull=True),
                name="one_standing_candidacy_per_contest",
            ),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | ~Q(removal_reason=""),
                name="removal_has_a_reason",
            ),
        )

    def __str__(self) -> str:
        return f"{self.member.name} for {self.contest.name}"

    @property
    def name(self) -> str:
        """Return the candidate's name as it appears on the ballot."""
        return self.member.name

    def is_standing(self) -> bool:
        """Return whether the candidacy is neither withdrawn nor removed."""
        return self.withdrawn_at is None and self.removed_at is None

    def status(self, now: datetime | None = None) -> str:
        """Return the candidacy's state in a few words."""
        if self.removed_at is not None:
            return "removed by the returning officer"
        if self.withdrawn_at is not None:
            return "withdrawn"
        return "standing"

    def statement_words(self) -> int:
        """Return how many words the statement has, as the word limit counts them."""
        from hustings.candidates.text import count_words

        return count_words(self.statement)

    def confirmed_slate(self) -> Slate | None:
        """Return the slate the candidate has confirmed they belong to, if any."""
        membership = (
            self.slate_memberships.filter(confirmed_at__isnull=False, ended_at__isnull=True)
            .select_related("slate")
            .first()
        )
        return membership.slate if membership else None


class Slate(models.Model):
    """A named group of candidates standing together, created by staff."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="slates")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=100)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("election", "name")
        constraints = (
            models.UniqueConstraint(fields=["election", "slug"], name="slate_slug_per_election"),
            models.UniqueConstraint(fields=["election", "name"], name="slate_name_per_election"),
        )

    def __str__(self) -> str:
        return self.name

    def confirmed_candidacies(self) -> CandidacyQuerySet:
        """Return the standing candidacies whose place on this slate the candidate confirmed."""
        return Candidacy.objects.standing().filter(
            slate_memberships__slate=self,
            slate_memberships__confirmed_at__isnull=False,
            slate_memberships__ended_at__isnull=True,
        )


class SlateMembership(models.Model):
    """A candidacy's place on a slate: proposed by staff, confirmed by the candidate."""

    slate = models.ForeignKey(Slate, on_delete=models.CASCADE, related_name="memberships")
    candidacy = models.ForeignKey(
        Candidacy, on_delete=models.CASCADE, related_name="slate_memberships"
    )
    proposed_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("slate", "candidacy")
        constraints = (
            # A candidate stands on one slate at most.
            models.UniqueConstraint(
                fields=["candidacy"],
                condition=Q(ended_at__isnull=True),
                name="one_current_slate_per_candidacy",
            ),
        )

    def __str__(self) -> str:
        state = "confirmed" if self.confirmed_at else "awaiting confirmation"
        return f"{self.candidacy.member.name} on {self.slate} ({state})"
