"""Nominations by units and affiliates, the close, and the ballot list it fixes.

Nothing recorded is ever deleted: a unit's corrected nominations supersede its earlier return (kept,
with the moment it was superseded), and affiliate nominations are withdrawn, not removed.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from hustings.candidates.models import Candidacy
from hustings.elections.models import BallotOrder, Contest, Election
from hustings.members.models import Unit


class MeetingKind(models.TextChoices):
    """The kind of meeting at which a unit decided its nominations."""

    GENERAL_COMMITTEE = "general-committee", "General committee"
    ALL_MEMBER = "all-member", "All-member meeting"


class Response(models.TextChoices):
    """A candidate's answer to a nomination."""

    PENDING = "", "not yet answered"
    ACCEPTED = "accepted", "accepted"
    DECLINED = "declined", "declined"


class Affiliate(models.Model):
    """An affiliated organisation, such as a trade union, that may nominate; created by staff."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class UnitReturn(models.Model):
    """One unit's nominations in one contest, as decided at one meeting and recorded once."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="nomination_returns")
    contest = models.ForeignKey(
        Contest, on_delete=models.PROTECT, related_name="nomination_returns"
    )
    meeting_date = models.DateField()
    meeting_kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    attendance = models.PositiveIntegerField("members attending")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who recorded it when there is no account: "paper form", "import (file.csv)", "hustings demo".
    recorded_via = models.CharField(max_length=200, blank=True)
    recorded_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "unit's nominations"
        verbose_name_plural = "units' nominations"
        ordering = ("contest", "unit", "-recorded_at")
        constraints = (
            # The database itself refuses a second current return, whatever the code does.
            models.UniqueConstraint(
                fields=["unit", "contest"],
                condition=Q(superseded_at__isnull=True),
                name="one_current_return_per_unit_contest",
            ),
        )

    def __str__(self) -> str:
        return f"{self.unit} in {self.contest}"

    def is_current(self) -> bool:
        """Return whether no later return has replaced this one."""
        return self.superseded_at is None


class NominationQuerySet(models.QuerySet["Nomination"]):
    """Reusable selections of unit nominations."""

    def current(self) -> NominationQuerySet:
        """Return nominations in returns that have not been superseded."""
        return self.filter(unit_return__superseded_at__isnull=True)

    def counting(self) -> NominationQuerySet:
        """Return current nominations of standing candidates who have not declined them."""
        return (
            self.current()
            .exclude(response=Response.DECLINED)
            .filter(candidacy__withdrawn_at__isnull=True, candidacy__removed_at__isnull=True)
        )


class Nomination(models.Model):
    """A unit's nomination of one candidate, within one return."""

    unit_return = models.ForeignKey(
        UnitReturn, on_delete=models.PROTECT, related_name="nominations"
    )
    # Copied from the return so tallies group without a join.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="nominations")
    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="nominations")
    candidacy = models.ForeignKey(
        Candidacy, on_delete=models.PROTECT, related_name="unit_nominations"
    )
    votes = models.PositiveIntegerField(null=True, blank=True)
    response = models.CharField(max_length=10, choices=Response.choices, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[NominationQuerySet] = NominationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("contest", "unit", "candidacy")
        constraints = (
            models.UniqueConstraint(
                fields=["unit_return", "candidacy"], name="one_nomination_per_return_candidacy"
            ),
        )
        indexes = (models.Index(fields=["contest", "candidacy"], name="nomination_tally"),)

    def __str__(self) -> str:
        return f"{self.unit} nominated {self.candidacy.member.name}"


class AffiliateNominationQuerySet(models.QuerySet["AffiliateNomination"]):
    """Reusable selections of affiliate nominations."""

    def counting(self) -> AffiliateNominationQuerySet:
        """Return standing affiliate nominations of standing candidates who have not declined."""
        return self.filter(
            withdrawn_at__isnull=True,
            candidacy__withdrawn_at__isnull=True,
            candidacy__removed_at__isnull=True,
        ).exclude(response=Response.DECLINED)


class AffiliateNomination(models.Model):
    """An affiliate's nomination of a candidate, recorded by staff; counted apart from units."""

    affiliate = models.ForeignKey(Affiliate, on_delete=models.PROTECT, related_name="nominations")
    contest = models.ForeignKey(
        Contest, on_delete=models.PROTECT, related_name="affiliate_nominations"
    )
    candidacy = models.ForeignKey(
        Candidacy, on_delete=models.PROTECT, related_name="affiliate_nominations"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    response = models.CharField(max_length=10, choices=Response.choices, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[AffiliateNominationQuerySet] = AffiliateNominationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("contest", "affiliate", "candidacy")
        constraints = (
            models.UniqueConstraint(
                fields=["affiliate", "candidacy"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_standing_affiliate_nomination",
            ),
        )

    def __str__(self) -> str:
        return f"{self.affiliate} nominated {self.candidacy.member.name}"


class NominationsClosure(models.Model):
    """The close of an election's nominations, run once by staff at or after the deadline."""

    election = models.OneToOneField(Election, on_delete=models.PROTECT, related_name="closure")
    closed_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "close of nominations"
        verbose_name_plural = "closes of nominations"

    def __str__(self) -> str:
        return f"Nominations closed for {self.election}"


class ThresholdResult(models.Model):
    """Whether a candidate reached the ballot when nominations closed, and why."""

    closure = models.ForeignKey(
        NominationsClosure, on_delete=models.PROTECT, related_name="results"
    )
    candidacy = models.OneToOneField(
        Candidacy, on_delete=models.PROTECT, related_name="threshold_result"
    )
    units = models.PositiveIntegerField()
    affiliates = models.PositiveIntegerField()
    met = models.BooleanField()
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ("candidacy__contest", "candidacy__member__name")

    def __str__(self) -> str:
        return f"{self.candidacy.member.name}: {self.reason}"


class BallotConfirmation(models.Model):
    """Staff's confirmation of a contest's ballot list: after this the candidates are fixed."""

    contest = models.OneToOneField(Contest, on_delete=models.PROTECT, related_name="ballot")
    confirmed_at = models.DateTimeField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.CharField(max_length=20, choices=BallotOrder.choices)
    # For an order drawn by lot: the seed, so anyone can repeat the draw.
    seed = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"Ballot for {self.contest}"


class BallotEntry(models.Model):
    """One candidate's place on a confirmed ballot paper."""

    ballot = models.ForeignKey(BallotConfirmation, on_delete=models.PROTECT, related_name="entries")
    candidacy = models.ForeignKey(Candidacy, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name_plural = "ballot entries"
        ordering = ("ballot", "position")
        constraints = (
            models.UniqueConstraint(fields=["ballot", "position"], name="one_entry_per_position"),
            models.UniqueConstraint(fields=["ballot", "candidacy"], name="one_entry_per_candidacy"),
        )

    def __str__(self) -> str:
        return f"{self.position}. {self.candidacy.member.name}"
