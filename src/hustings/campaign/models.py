"""What candidates and members publish around a contest, and who asked to hear about it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hustings.candidates.models import Candidacy
from hustings.elections.models import Contest, Election
from hustings.members.models import Member

QUOTE_MAX_CHARS = 280
UPDATE_TITLE_MAX_CHARS = 150
UPDATE_BODY_MAX_CHARS = 10_000
QUESTION_MAX_CHARS = 500
QUESTION_ANSWER_MAX_CHARS = 2_000
REPORT_REASON_MAX_CHARS = 300
HIDE_REASON_MAX_CHARS = 300
ANSWER_LIMIT_MAX = 5_000


class QuoteStatus(models.TextChoices):
    """Where a supporter's quote stands in pre-moderation."""

    NONE = "", "no quote"
    PENDING = "pending", "awaiting moderation"
    APPROVED = "approved", "approved"
    REJECTED = "rejected", "not published"


class Support(models.Model):
    """A member publicly supporting a candidacy, perhaps with a quote shown once approved."""

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="supports")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="supports")
    quote = models.CharField(max_length=QUOTE_MAX_CHARS, blank=True)
    quote_status = models.CharField(
        max_length=10, choices=QuoteStatus.choices, default=QuoteStatus.NONE, blank=True
    )
    quote_moderated_at = models.DateTimeField(null=True, blank=True)
    quote_moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Off unless the supporter ticks the box: no email without an explicit opt-in.
    email_updates = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "pk")
        constraints = (
            models.UniqueConstraint(
                fields=["candidacy", "member"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_support_per_member_per_candidacy",
            ),
            models.CheckConstraint(
                condition=Q(quote="", quote_status="") | (~Q(quote="") & ~Q(quote_status="")),
                name="support_quote_has_a_status",
            ),
        )

    def __str__(self) -> str:
        return f"{self.member.name} supports {self.candidacy.member.name}"

    @property
    def quote_shown(self) -> bool:
        """Return whether the quote may be shown to the public."""
        return bool(self.quote) and self.quote_status == QuoteStatus.APPROVED


class CampaignUpdate(models.Model):
    """A dated post by a candidate about their campaign."""

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="updates")
    title = models.CharField(max_length=UPDATE_TITLE_MAX_CHARS)
    # Stored as the candidate typed it; rendered through campaign.formatting, never raw.
    body = models.TextField()
    posted_at = models.DateTimeField()

    class Meta:
        ordering = ("-posted_at", "-pk")

    def __str__(self) -> str:
        return self.title


class Questionnaire(models.Model):
    """Questions from a recognised group, sent alike to every candidate in some contests."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="questionnaires")
    group_name = models.CharField(max_length=150)
    title = models.CharField(max_length=200)
    deadline = models.DateTimeField()
    contests = models.ManyToManyField(Contest, related_name="questionnaires")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ("election", "deadline", "pk")

    def __str__(self) -> str:
        return f"{self.title} ({self.group_name})"


class Question(models.Model):
    """One question of a questionnaire, with the longest answer it accepts."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=500)
    max_chars = models.PositiveIntegerField()

    class Meta:
        ordering = ("questionnaire", "position")
        constraints = (
            models.UniqueConstraint(
                fields=["questionnaire", "position"], name="question_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(max_chars__gte=1, max_chars__lte=ANSWER_LIMIT_MAX),
                name="question_limit_in_range",
            ),
        )

    def __str__(self) -> str:
        return self.text


class Answer(models.Model):
    """A candidate's answer to one questionnaire question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    candidacy = models.ForeignKey(
        Candidacy, on_delete=models.CASCADE, related_name="questionnaire_answers"
    )
    text = models.TextField()
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ("question", "candidacy")
        constraints = (
            models.UniqueConstraint(
                fields=["question", "candidacy"], name="one_answer_per_question_per_candidacy"
            ),
        )

    def __str__(self) -> str:
        return f"{self.candidacy.member.name}: {self.question.text}"


class PublicQuestion(models.Model):
    """A member's question to a candidate, asked and answered in public."""

    candidacy = models.ForeignKey(
        Candidacy, on_delete=models.CASCADE, related_name="public_questions"
    )
    asker = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="questions_asked")
    text = models.CharField(max_length=QUESTION_MAX_CHARS)
    asked_at = models.DateTimeField()
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.CharField(max_length=HIDE_REASON_MAX_CHARS, blank=True)

    class Meta:
        ordering = ("-asked_at", "-pk")
        indexes = (models.Index(fields=["asker", "asked_at"], name="question_asker_time"),)
        constraints = (
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="hidden_question_has_a_reason",
            ),
        )

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_hidden(self) -> bool:
        """Return whether the returning officer has hidden the question."""
        return self.hidden_at is not None


class QuestionReport(models.Model):
    """A member's report that a public question is abusive."""

    question = models.ForeignKey(PublicQuestion, on_delete=models.CASCADE, related_name="reports")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=REPORT_REASON_MAX_CHARS, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("created_at", "pk")
        constraints = (
            models.UniqueConstraint(
                fields=["question", "member"], name="one_report_per_member_per_question"
            ),
        )

    def __str__(self) -> str:
        return f"report on question {self.question_id}"


class ReportBack(models.Model):
    """An elected representative's report of a meeting they attended."""

    # The candidacy through which they were elected: a representative's reports belong to the
    # seat they won, so a second term is a second page and feed.
    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="report_backs")
    title = models.CharField(max_length=UPDATE_TITLE_MAX_CHARS)
    meeting_date = models.DateField()
    body = models.TextField()
    published_at = models.DateTimeField()

    class Meta:
        ordering = ("-meeting_date", "-published_at", "-pk")

    def __str__(self) -> str:
        return self.title


class Follow(models.Model):
    """A member who asked to receive a representative's report-backs by email."""

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="followers")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "pk")
        constraints = (
            models.UniqueConstraint(
                fields=["candidacy", "member"],
                condition=Q(ended_at__isnull=True),
                name="one_follow_per_member_per_representative",
            ),
        )

    def __str__(self) -> str:
        return f"{self.member.name} follows {self.candidacy.member.name}"
