"""Counts, their per-contest results with the verification files, publications and vacancies.

A `Count` is one run of the counting library over an election's ballots: the first count at the
close, a recount, or the count that fills a casual vacancy. Each contest's outcome is a
`ContestResult` holding the result JSON and the very files the public can recount from, with their
SHA-256. Nothing here is shown to anyone but the returning officer and observers until a
`Publication` names the count; later changes (a casual vacancy) are published as amendments, and
the original publication stays.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q

from hustings.candidates.models import Candidacy
from hustings.elections.models import Contest, Election


def sha256_hex(text: str) -> str:
    """Return the SHA-256 of the text's UTF-8 bytes, as the downloads are served."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CountKind(models.TextChoices):
    """Why a count was run."""

    COUNT = "count", "count"
    RECOUNT = "recount", "recount"
    VACANCY = "vacancy", "casual vacancy"


class CountStatus(models.TextChoices):
    """How far a count has got."""

    QUEUED = "queued", "queued"
    RUNNING = "running", "running"
    DONE = "done", "finished"
    FAILED = "failed", "failed"


class Count(models.Model):
    """One run of the counting library over an election's ballots."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="counts")
    kind = models.CharField(max_length=10, choices=CountKind.choices, default=CountKind.COUNT)
    status = models.CharField(
        max_length=10, choices=CountStatus.choices, default=CountStatus.QUEUED
    )
    # Drawn with `secrets` when the count starts and shown with the result; a recount reuses it.
    seed = models.CharField(max_length=40)
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # A recount names the count it repeats; a vacancy count the count whose ballots it reuses.
    repeats = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="repeated_by"
    )
    # A recount's comparison with the count it repeats: {"identical": bool, "contests": [...]}.
    comparison = models.JSONField(default=dict, blank=True)
    # Postal papers rejected as spoilt (a whole paper, so one number for the election).
    spoilt = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("election", "started_at", "pk")
        constraints = (
            models.CheckConstraint(condition=Q(kind__in=CountKind.values), name="count_kind_known"),
            models.CheckConstraint(
                condition=Q(status__in=CountStatus.values), name="count_status_known"
            ),
        )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} of {self.election} ({self.status})"

    @property
    def is_done(self) -> bool:
        """Return whether the count finished and its results are stored."""
        return self.status == CountStatus.DONE


class ContestResult(models.Model):
    """One contest's outcome in a count, with the files anyone can recount it from."""

    count = models.ForeignKey(Count, on_delete=models.CASCADE, related_name="results")
    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="results")
    method = models.CharField(max_length=20)
    seats = models.PositiveSmallIntegerField()
    # The seed passed to the count when a lot was drawn; blank when no tie needed a lot.
    seed = models.CharField(max_length=40, blank=True)
    # CountResult.to_dict(): every stage, total, decision and tie.
    result = models.JSONField()
    # Candidacy ids: in ballot-paper order (the BLT's candidates 1..n), withdrawn, and elected in
    # order of election.
    candidacy_ids = models.JSONField(default=list)
    withdrawn_ids = models.JSONField(default=list, blank=True)
    elected_ids = models.JSONField(default=list)
    # Ballots with a vote in this contest (blank ones included), and the blank ones.
    ballots = models.PositiveIntegerField()
    blank = models.PositiveIntegerField()

    # The verification files, exactly as downloaded, with the SHA-256 of their UTF-8 bytes.
    blt = models.TextField()
    blt_sha256 = models.CharField(max_length=64)
    csv = models.TextField()
    csv_sha256 = models.CharField(max_length=64)
    attributes = models.TextField()
    attributes_sha256 = models.CharField(max_length=64)
    result_json = models.TextField()
    result_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ("count", "contest__position", "contest__name")
        constraints = (
            models.UniqueConstraint(fields=["count", "contest"], name="one_result_per_contest"),
        )

    def __str__(self) -> str:
        return f"{self.contest} in count #{self.count_id}"

    @property
    def valid(self) -> int:
        """Return the number of valid (non-blank) ballots in this contest."""
        return self.ballots - self.blank

    @property
    def lot_drawn(self) -> bool:
        """Return whether any tie in this contest was broken by lot."""
        return any(tie.get("by") == "lot" for tie in self.result.get("tie_breaks", []))

    def elected_candidacies(self) -> list[Candidacy]:
        """Return the elected candidacies in order of election."""
        by_id = Candidacy.objects.select_related("member").in_bulk(self.elected_ids)
        return [by_id[pk] for pk in self.elected_ids if pk in by_id]


class PublicationKind(models.TextChoices):
    """Whether a publication is the election's result or a later amendment to it."""

    ORIGINAL = "original", "result"
    AMENDMENT = "amendment", "amendment"


class Publication(models.Model):
    """The returning officer's publication of a count's results (or an amendment to them)."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="publications")
    count = models.ForeignKey(Count, on_delete=models.PROTECT, related_name="publications")
    kind = models.CharField(max_length=10, choices=PublicationKind.choices)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ("election", "published_at", "pk")
        constraints = (
            models.UniqueConstraint(
                fields=["election"],
                condition=Q(kind="original"),
                name="one_original_publication_per_election",
            ),
            models.UniqueConstraint(fields=["count"], name="one_publication_per_count"),
            models.CheckConstraint(
                condition=Q(kind__in=PublicationKind.values), name="publication_kind_known"
            ),
        )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.election} ({self.published_at:%Y-%m-%d})"


class Vacancy(models.Model):
    """An elected member standing down, and how the seat was filled."""

    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="vacancies")
    candidacy = models.ForeignKey(Candidacy, on_delete=models.PROTECT, related_name="vacancies")
    reason = models.TextField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The result the seat was filled from (published as an amendment), and who filled it: None
    # when no eligible candidate was left to fill it.
    result = models.OneToOneField(
        ContestResult, on_delete=models.PROTECT, related_name="vacancy", null=True, blank=True
    )
    filled_by = models.ForeignKey(
        Candidacy,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vacancies_filled",
    )
    publication = models.ForeignKey(
        Publication, null=True, blank=True, on_delete=models.PROTECT, related_name="vacancies"
    )

    class Meta:
        verbose_name_plural = "vacancies"
        ordering = ("contest", "recorded_at")
        constraints = (
            models.UniqueConstraint(fields=["candidacy"], name="one_vacancy_per_candidacy"),
        )

    def __str__(self) -> str:
        return f"Vacancy: {self.candidacy} stood down"
