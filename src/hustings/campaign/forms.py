"""Forms for the campaign pages; the actions do the checking, the forms carry the words."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from hustings.campaign.models import (
    ANSWER_LIMIT_MAX,
    HIDE_REASON_MAX_CHARS,
    QUESTION_ANSWER_MAX_CHARS,
    QUESTION_MAX_CHARS,
    QUOTE_MAX_CHARS,
    REPORT_REASON_MAX_CHARS,
    UPDATE_BODY_MAX_CHARS,
    UPDATE_TITLE_MAX_CHARS,
    Answer,
    Question,
)
from hustings.elections.models import Contest, Election

FORMATTING_HELP = (
    "Leave a blank line between paragraphs. You may use **bold**, *italic*, lines starting "
    "with “- ” for a list, and [a label](https://example.org) for a link. Any other HTML is "
    "shown as typed."
)
QUESTION_ROWS = 8


class SupportForm(forms.Form):
    """Support a candidate, with an optional quote and an explicit email opt-in."""

    quote = forms.CharField(
        label="Why you support them (optional)",
        required=False,
        max_length=QUOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": QUOTE_MAX_CHARS}),
        help_text=(
            f"Up to {QUOTE_MAX_CHARS} characters. Your name and local party are shown at once; "
            "your quote is shown after the returning officer has approved it."
        ),
    )
    email_updates = forms.BooleanField(
        label="Email me this candidate's campaign updates",
        required=False,
        initial=False,
        help_text="Every email has a link to stop them.",
    )


class UpdateEmailsForm(forms.Form):
    """Turn a supporter's update emails on or off."""

    email_updates = forms.BooleanField(
        label="Email me this candidate's campaign updates", required=False
    )


class CampaignUpdateForm(forms.Form):
    """A candidate's campaign update."""

    title = forms.CharField(max_length=UPDATE_TITLE_MAX_CHARS)
    body = forms.CharField(
        label="Update",
        max_length=UPDATE_BODY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=FORMATTING_HELP,
    )


class ReportBackForm(forms.Form):
    """An elected representative's report of a meeting."""

    title = forms.CharField(max_length=UPDATE_TITLE_MAX_CHARS)
    meeting_date = forms.DateField(
        label="Date of the meeting",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For example 2026-11-20.",
    )
    body = forms.CharField(
        label="Report",
        max_length=UPDATE_BODY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=FORMATTING_HELP,
    )


class AskForm(forms.Form):
    """A member's public question to a candidate."""

    text = forms.CharField(
        label="Your question",
        max_length=QUESTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": QUESTION_MAX_CHARS}),
        help_text=(
            f"Up to {QUESTION_MAX_CHARS} characters. Your question is public, with your name "
            "and local party."
        ),
    )


class AnswerQuestionForm(forms.Form):
    """A candidate's answer to a public question."""

    answer = forms.CharField(
        label="Your answer",
        max_length=QUESTION_ANSWER_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": QUESTION_ANSWER_MAX_CHARS}),
        help_text=f"Up to {QUESTION_ANSWER_MAX_CHARS:,} characters.",
    )


class ReportQuestionForm(forms.Form):
    """A member's report of an abusive question."""

    reason = forms.CharField(
        label="What is wrong with it (optional)",
        required=False,
        max_length=REPORT_REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HideQuestionForm(forms.Form):
    """The returning officer's reason for hiding a question."""

    reason = forms.CharField(
        label="Reason for hiding",
        max_length=HIDE_REASON_MAX_CHARS,
        help_text="Recorded in the audit log.",
    )


class QuestionnaireForm(forms.Form):
    """A group's questionnaire: who sends it, its deadline, contests and questions."""

    group_name = forms.CharField(label="Group", max_length=150)
    title = forms.CharField(max_length=200)
    deadline = forms.DateTimeField(
        label="Deadline for answers",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="UK time, for example 2026-12-01 17:00.",
    )
    contests = forms.ModelMultipleChoiceField(
        queryset=Contest.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, election: Election, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contests = self.fields["contests"]
        assert isinstance(contests, forms.ModelMultipleChoiceField)
        contests.queryset = Contest.objects.filter(election=election).order_by("position", "name")
        for n in range(1, QUESTION_ROWS + 1):
            self.fields[f"question_{n}"] = forms.CharField(
                label=f"Question {n}", required=n == 1, max_length=500
            )
            self.fields[f"limit_{n}"] = forms.IntegerField(
                label=f"Question {n}: longest answer (characters)",
                required=False,
                min_value=1,
                max_value=ANSWER_LIMIT_MAX,
                initial=1000,
            )

    def question_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """Return each question's text and limit fields, in order."""
        return [(self[f"question_{n}"], self[f"limit_{n}"]) for n in range(1, QUESTION_ROWS + 1)]

    def questions(self) -> list[tuple[str, int]]:
        """Return the filled-in questions with their limits (1,000 characters if none given)."""
        found = []
        for n in range(1, QUESTION_ROWS + 1):
            text = (self.cleaned_data.get(f"question_{n}") or "").strip()
            if text:
                found.append((text, self.cleaned_data.get(f"limit_{n}") or 1000))
        return found

    def clean_deadline(self) -> Any:
        """Return the deadline, read as UK time when no zone was given."""
        value = self.cleaned_data["deadline"]
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


class QuestionnaireAnswersForm(forms.Form):
    """A candidate's answers to every question of one questionnaire."""

    def __init__(
        self, *args: Any, questions: list[Question], answers: dict[int, Answer], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            existing = answers.get(question.pk)
            self.fields[f"answer_{question.pk}"] = forms.CharField(
                label=f"{question.position}. {question.text}",
                required=False,
                initial=existing.text if existing else "",
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text=f"Up to {question.max_chars:,} characters. Leave blank to not answer.",
            )

    def answers(self) -> dict[int, str]:
        """Return {question id: answer text} as typed."""
        return {q.pk: self.cleaned_data.get(f"answer_{q.pk}", "") for q in self.questions}
