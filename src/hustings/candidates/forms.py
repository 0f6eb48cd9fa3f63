"""Forms for candidate self-service; the rules themselves are checked by the candidacy actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from hustings.candidates.text import MAX_LINKS, count_words

LINES_HELP = "One per line."


def add_action_error(form: forms.Form, error: ValidationError) -> None:
    """Show an action's refusal on the form: on the field it names, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class CandidacyForm(forms.Form):
    """What a candidate publishes: statement, reasons, experience, priorities and links."""

    statement = forms.CharField(
        label="Statement",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "class": "long"}),
    )
    why_standing = forms.CharField(
        label="Why I am standing",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    experience = forms.CharField(
        label="Experience",
        help_text=LINES_HELP + " For example: “Secretary, Millbrook CLP, 2019–2024”.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    priorities = forms.CharField(
        label="Priorities",
        help_text=LINES_HELP,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, word_limit: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.word_limit = word_limit
        self.fields[
            "statement"
        ].help_text = (
            f"Up to {word_limit} words. Members read this on the contest and candidate pages."
        )
        for number in range(1, MAX_LINKS + 1):
            self.fields[f"link_{number}_label"] = forms.CharField(
                label=f"Link {number}: label", required=False, max_length=60
            )
            self.fields[f"link_{number}_url"] = forms.CharField(
                label=f"Link {number}: web address",
                required=False,
                max_length=500,
                widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
            )

    @classmethod
    def initial_from(cls, candidacy: Any) -> dict[str, Any]:
        """Return the form's initial values from a candidacy."""
        initial: dict[str, Any] = {
            "statement": candidacy.statement,
            "why_standing": candidacy.why_standing,
            "experience": "\n".join(candidacy.experience or []),
            "priorities": "\n".join(candidacy.priorities or []),
        }
        for number, link in enumerate(candidacy.links or [], start=1):
            initial[f"link_{number}_label"] = link.get("label", "")
            initial[f"link_{number}_url"] = link.get("url", "")
        return initial

    def link_pairs(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """Return the (label, address) bound fields of each link, for the template."""
        return [
            (self[f"link_{number}_label"], self[f"link_{number}_url"])
            for number in range(1, MAX_LINKS + 1)
        ]

    def statement_words(self) -> int:
        """Return the word count of the statement as submitted or as it stands."""
        value = self.data.get("statement") if self.is_bound else self.initial.get("statement")
        return count_words(value or "")

    def clean_statement(self) -> str:
        """Refuse a statement over the word limit here too, so the form shows the count."""
        statement: str = self.cleaned_data["statement"]
        words = count_words(statement)
        if words > self.word_limit:
            raise ValidationError(
                f"Your statement has {words} words; the limit for this contest is "
                f"{self.word_limit}. Please remove {words - self.word_limit}."
            )
        return statement

    def details(self) -> dict[str, Any]:
        """Return the cleaned values in the shape the candidacy actions take."""
        data = self.cleaned_data
        return {
            "statement": data["statement"],
            "why_standing": data["why_standing"],
            "experience": _lines(data["experience"]),
            "priorities": _lines(data["priorities"]),
            "links": [
                {"label": data[f"link_{n}_label"], "url": data[f"link_{n}_url"].strip()}
                for n in range(1, MAX_LINKS + 1)
                if data[f"link_{n}_label"].strip() or data[f"link_{n}_url"].strip()
            ],
        }


class PhotoForm(forms.Form):
    """Upload a photo; the photo action checks, cleans and resizes it."""

    photo = forms.FileField(
        label="Photo",
        help_text="A JPEG, PNG or WebP picture of your face, up to 10 MB. We resize it and remove "
        "its hidden details (such as where it was taken).",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


class ConfirmForm(forms.Form):
    """A deliberate confirmation, so a stray click cannot withdraw a candidate."""

    confirm = forms.BooleanField(label="Yes, I am sure", required=True)
