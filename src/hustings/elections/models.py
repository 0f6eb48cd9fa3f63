"""Elections, their timetables and contests, with who may vote, who may stand, and the rules.

Phases are derived from timestamps and the clock, never stored: each window is half-open, so at the
very instant nominations close they are closed.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hustings.counting import METHODS, Constraint
from hustings.members.models import Gender, Member, Region

if TYPE_CHECKING:
    from hustings.members.models import MemberQuerySet


class Phase(StrEnum):
    """Where an election stands in its timetable."""

    SCHEDULED = "scheduled"
    DECLARATIONS = "declarations"
    NOMINATIONS = "nominations"
    BALLOT_PENDING = "ballot-pending"
    BALLOT = "ballot"
    COUNT = "count"
    RESULTS = "results"

    @property
    def label(self) -> str:
        """Return the phase as people read it."""
        return PHASE_LABELS[self]


PHASE_LABELS = {
    Phase.SCHEDULED: "Not yet open",
    Phase.DECLARATIONS: "Declarations open",
    Phase.NOMINATIONS: "Nominations open",
    Phase.BALLOT_PENDING: "Nominations closed; ballot not yet open",
    Phase.BALLOT: "Ballot open",
    Phase.COUNT: "Ballot closed; count under way",
    Phase.RESULTS: "Results published",
}

# The timetable in order: each moment must come no earlier than the one before it.
TIMETABLE = (
    ("declarations_open_at", "Declarations open"),
    ("nominations_open_at", "Nominations open"),
    ("nominations_close_at", "Nominations close"),
    ("ballot_open_at", "Ballot opens"),
    ("ballot_close_at", "Ballot closes"),
    ("results_published_at", "Results published"),
)


class ElectionQuerySet(models.QuerySet["Election"]):
    """Reusable selections of elections."""

    def current(self, now: datetime | None = None) -> ElectionQuerySet:
        """Return elections whose declarations have opened and whose results are not yet out."""
        now = now or timezone.now()
        return self.filter(declarations_open_at__lte=now).filter(
            Q(results_published_at__isnull=True) | Q(results_published_at__gt=now)
        )


class Election(models.Model):
    """An election, such as "NEC and NPF elections 2026", with its timetable and eligibility."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    declarations_open_at = models.DateTimeField()
    nominations_open_at = models.DateTimeField()
    nominations_close_at = models.DateTimeField()
    ballot_open_at = models.DateTimeField()
    ballot_close_at = models.DateTimeField()
    # Set when the returning officer publishes; until then the election is counting.
    results_published_at = models.DateTimeField(null=True, blank=True)

    voters_joined_by = models.DateField(
        "voters must have joined on or before",
        help_text="The freeze date: members who joined later may not vote.",
    )
    voters_paid_up_on = models.DateField(
        "voters must be paid up on",
        null=True,
        blank=True,
        help_text="Blank means the day the ballot opens.",
    )
    candidate_min_membership_days = models.PositiveIntegerField(
        "candidates' minimum membership (days)",
        default=365,
        help_text="Counted up to the day nominations close.",
    )

    objects: ClassVar[ElectionQuerySet] = ElectionQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("-ballot_open_at",)
        constraints = (
            models.CheckConstraint(
                condition=Q(declarations_open_at__lte=models.F("nominations_open_at"))
                & Q(nominations_open_at__lt=models.F("nominations_close_at"))
                & Q(nominations_close_at__lte=models.F("ballot_open_at"))
                & Q(ballot_open_at__lt=models.F("ballot_close_at"))
                & (
                    Q(results_published_at__isnull=True)
                    | Q(results_published_at__gte=models.F("ballot_close_at"))
                ),
                name="election_timetable_in_order",
            ),
        )

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Check that the timetable runs forwards, naming the first pair out of order."""
        super().clean()
        errors: dict[str, str] = {}
        previous: tuple[str, str, datetime] | None = None
        for field, words in TIMETABLE:
            moment = getattr(self, field)
            if moment is None:
                continue
            if previous is not None:
                _, before_words, before = previous
                # Nominations and the ballot must be open for some time; the others may touch.
                strict = field in ("nominations_close_at", "ballot_close_at")
                if strict and moment <= before:
                    errors[field] = f"Must be later than “{before_words}”."
                elif moment < before:
                    errors[field] = f"Cannot be earlier than “{before_words}”."
            previous = (field, words, moment)
        if errors:
            raise ValidationError(errors)

    def phase(self, now: datetime | None = None) -> Phase:
        """Return the phase of the timetable at a moment (now by default)."""
        now = now or timezone.now()
        if now < self.declarations_open_at:
            return Phase.SCHEDULED
        if now < self.nominations_open_at:
            return Phase.DECLARATIONS
        if now < self.nominations_close_at:
            return Phase.NOMINATIONS
        if now < self.ballot_open_at:
            return Phase.BALLOT_PENDING
        if now < self.ballot_close_at:
            return Phase.BALLOT
        if self.results_published_at is None or now < self.results_published_at:
            return Phase.COUNT
        return Phase.RESULTS

    def declarations_open(self, now: datetime | None = None) -> bool:
        """Return whether members may declare: from declarations opening until nominations close."""
        return self.phase(now) in (Phase.DECLARATIONS, Phase.NOMINATIONS)

    def candidacies_editable(self, now: datetime | None = None) -> bool:
        """Return whether candidates may still edit what they published."""
        return self.phase(now) in (Phase.DECLARATIONS, Phase.NOMINATIONS)

    def withdrawals_open(self, now: datetime | None = None) -> bool:
        """Return whether a candidate may still withdraw: until the ballot opens."""
        return self.phase(now) in (Phase.DECLARATIONS, Phase.NOMINATIONS, Phase.BALLOT_PENDING)

    def nominations_close_date(self) -> date:
        """Return the day (Europe/London) on which nominations close."""
        return timezone.localdate(self.nominations_close_at)

    def paid_up_date(self) -> date:
        """Return the day on which voters must be in good standing."""
        return self.voters_paid_up_on or timezone.localdate(self.ballot_open_at)

    def member_may_vote(self, member: Member) -> bool:
        """Return whether the member meets this election's voter eligibility rule."""
        return member.joined_on <= self.voters_joined_by and member.in_good_standing(
            self.paid_up_date()
        )

    def eligible_voters(self) -> MemberQuerySet:
        """Return every member who meets the voter eligibility rule."""
        return Member.objects.joined_on_or_before(self.voters_joined_by).in_good_standing(
            self.paid_up_date()
        )

    def reasons_member_may_not_stand(
        self, member: Member, contest: Contest, today: date | None = None
    ) -> list[str]:
        """Return why the member may not stand in the contest, or nothing if they may."""
        today = today or timezone.localdate()
        reasons = []
        if contest.election_id != self.pk:
            reasons.append(f"{contest.name} is not part of {self.name}.")
        if not contest.covers(member):
            reasons.append(f"{contest.name} is only for members in {contest.region}.")
        if not member.in_good_standing(today):
            reasons.append("Your membership subscription is not paid up.")
        needed = self.candidate_min_membership_days
        close = self.nominations_close_date()
        if member.membership_days(close) < needed:
            reasons.append(
                f"Candidates must have been members for at least {needed} days when nominations "
                f"close on {close:%-d %B %Y}."
            )
        return reasons

    def member_may_stand(self, member: Member, contest: Contest, today: date | None = None) -> bool:
        """Return whether the member meets the rules to stand in the contest."""
        return not self.reasons_member_may_not_stand(member, contest, today)


class Method(models.TextChoices):
    """The counting methods of hustings.counting, as contest choices."""

    BLOCK = "block", "Block vote (first past the post, several seats)"
    SCOTTISH_STV = "scottish-stv", "STV, Scottish local government rules"
    ERS97_STV = "ers97-stv", "STV, ERS97 rules"
    MEEK_STV = "meek-stv", "STV, Meek's method"


assert tuple(Method.values) == METHODS, "contest methods must match hustings.counting.METHODS"


class ThresholdKind(models.TextChoices):
    """How many nominations a candidate needs to reach the ballot."""

    NONE = "none", "No nominations needed"
    UNITS = "units", "At least K units"
    HOME_AND_SPREAD = "home-and-spread", "Home unit and M others from R other regions"


class BallotOrder(models.TextChoices):
    """How the candidates are ordered on a contest's ballot paper."""

    SURNAME = "surname", "Alphabetical by surname"
    LOT = "lot", "Drawn by lot when the ballot is confirmed"


class Contest(models.Model):
    """One race within an election: a national committee section, or a region's seats."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="contests")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Contests are listed in this order."
    )
    seats = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contests",
        help_text="Blank for a national contest; otherwise only this region's members vote and stand.",
    )
    method = models.CharField(max_length=20, choices=Method.choices)
    statement_word_limit = models.PositiveIntegerField(
        default=300, validators=[MinValueValidator(1)]
    )

    # Nomination rules: stored here, applied by the nominations process.
    max_nominations_per_unit = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="How many candidates one unit may nominate in this contest; blank for no limit.",
    )
    threshold_kind = models.CharField(
        max_length=20, choices=ThresholdKind.choices, default=ThresholdKind.NONE
    )
    threshold_units = models.PositiveSmallIntegerField(
        "K: units", default=0, help_text="For 'at least K units'."
    )
    threshold_other_units = models.PositiveSmallIntegerField(
        "M: other units", default=0, help_text="For 'home unit and M others'."
    )
    threshold_other_regions = models.PositiveSmallIntegerField(
        "R: other regions", default=0, help_text="The M other units must span this many regions."
    )
    affiliates_may_nominate = models.BooleanField(default=False)
    affiliate_nominations_needed = models.PositiveSmallIntegerField(
        default=0, help_text="Affiliate nominations that count towards the threshold instead."
    )
    nomination_balance_gender = models.CharField(
        "balance rule: at least half",
        max_length=20,
        blank=True,
        choices=[(value, label) for value, label in Gender.choices if value],
        help_text="At least half of a unit's nominations must be of this gender; blank for none.",
    )
    nomination_balance_only_when_full = models.BooleanField(
        "balance rule applies only to a full list",
        default=True,
        help_text="Apply the balance rule only when a unit nominates the maximum.",
    )
    ballot_order = models.CharField(
        max_length=20, choices=BallotOrder.choices, default=BallotOrder.SURNAME
    )

    class Meta:
        ordering = ("election", "position", "name")
        constraints = (
            models.UniqueConstraint(fields=["election", "slug"], name="contest_slug_per_election"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="contest_has_seats"),
            models.CheckConstraint(condition=Q(method__in=METHODS), name="contest_method_known"),
        )

    def __str__(self) -> str:
        return self.name

    @property
    def is_national(self) -> bool:
        """Return whether every member of the organisation may take part."""
        return self.region_id is None

    def covers(self, member: Member) -> bool:
        """Return whether the member is within the contest's scope (loads their unit)."""
        return self.region_id is None or member.unit.region_id == self.region_id

    def member_may_vote(self, member: Member) -> bool:
        """Return whether the member may vote in this contest."""
        return self.covers(member) and self.election.member_may_vote(member)

    def member_may_stand(self, member: Member, today: date | None = None) -> bool:
        """Return whether the member may stand in this contest."""
        return self.election.member_may_stand(member, self, today)

    def constraints(self) -> tuple[Constraint, ...]:
        """Return the representation rules as the counting library's constraints."""
        return tuple(rule.as_constraint() for rule in self.representation_rules.all())

    def clean(self) -> None:
        """Check the nomination threshold is complete for its kind."""
        super().clean()
        errors: dict[str, str] = {}
        if self.threshold_kind == ThresholdKind.UNITS and self.threshold_units < 1:
            errors["threshold_units"] = "Say how many units must nominate (K at least 1)."
        if (
            self.threshold_kind == ThresholdKind.HOME_AND_SPREAD
            and self.threshold_other_regions > self.threshold_other_units
        ):
            errors["threshold_other_regions"] = (
                "The other units cannot span more regions than there are units (R ≤ M)."
            )
        if not self.affiliates_may_nominate and self.affiliate_nominations_needed:
            errors["affiliate_nominations_needed"] = (
                "Affiliates do not nominate in this contest, so none can be needed."
            )
        if errors:
            raise ValidationError(errors)


class Attribute(models.TextChoices):
    """Member attributes that representation rules may name."""

    GENDER = "gender", "gender"


class RepresentationRule(models.Model):
    """At least (or at most) so many winners with an attribute, e.g. at least 3 women of 6."""

    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="representation_rules"
    )
    attribute = models.CharField(max_length=20, choices=Attribute.choices, default="gender")
    value = models.CharField(
        max_length=40, choices=[(value, label) for value, label in Gender.choices if value]
    )
    minimum = models.PositiveSmallIntegerField(default=0)
    maximum = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("contest", "attribute", "value")
        constraints = (
            models.UniqueConstraint(
                fields=["contest", "attribute", "value"], name="one_rule_per_attribute_value"
            ),
            models.CheckConstraint(
                condition=Q(maximum__isnull=True) | Q(maximum__gte=models.F("minimum")),
                name="rule_maximum_not_below_minimum",
            ),
        )

    def __str__(self) -> str:
        return self.as_constraint().label()

    def as_constraint(self) -> Constraint:
        """Return the rule as the counting library's Constraint."""
        return Constraint(self.attribute, self.value, self.minimum, self.maximum)

    def clean(self) -> None:
        """Refuse a rule that could never be met or does nothing."""
        super().clean()
        if self.maximum is not None and self.maximum < self.minimum:
            raise ValidationError({"maximum": "The maximum cannot be below the minimum."})
        if not self.minimum and self.maximum is None:
            raise ValidationError("Give a minimum, a maximum, or both.")
        if self.contest_id is not None and self.minimum > self.contest.seats:
            raise ValidationError(
                {"minimum": f"The contest has only {self.contest.seats} seat(s)."}
            )
