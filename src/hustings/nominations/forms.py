"""Forms for unit secretaries and candidates; the nomination rules are the actions' to enforce.

The nominating form does not count ticks or check the balance rule itself: it passes what the
secretary chose to the action, and shows the action's refusal word for word, so there is one place
where the rules live.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.forms.boundfield import BoundWidget

from hustings.candidates.models import Candidacy
from hustings.nominations.actions import Meeting
from hustings.nominations.models import MeetingKind, Nomination, Response


class NominationForm(forms.Form):
    """A unit's nominations in one contest: the candidates, and the meeting that chose them."""

    candidacies = forms.TypedMultipleChoiceField(
        label="Candidates your unit nominates",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    meeting_date = forms.DateField(
        label="Date of the meeting",
        help_text="The day the meeting decided these nominations.",
        # A date input reads and writes ISO dates whatever the page's language.
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    meeting_kind = forms.ChoiceField(
        label="Kind of meeting", choices=MeetingKind.choices, widget=forms.RadioSelect
    )
    attendance = forms.IntegerField(label="Members attending")

    def __init__(
        self, *args: Any, offered: Sequence[Candidacy], chosen: Iterable[int] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # Every candidacy of the contest is a valid choice, so that ticking one who withdrew
        # while the form was open reaches the action, which says why it cannot count. Only the
        # standing ones, and any already nominated, are shown.
        chosen = set(chosen)
        self.known = {candidacy.pk: candidacy for candidacy in offered}
        self.listed = {
            pk: candidacy
            for pk, candidacy in self.known.items()
            if candidacy.is_standing() or pk in chosen
        }
        field = self.fields["candidacies"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(pk, _choice_label(candidacy)) for pk, candidacy in self.known.items()]
        for pk, candidacy in self.listed.items():
            self.fields[f"votes_{pk}"] = forms.IntegerField(
                label=f"Votes for {candidacy.member.name}",
                required=False,
                min_value=0,
                help_text="Optional.",
            )

    def shown_choices(self) -> list[BoundWidget]:
        """Return the candidate checkboxes to show: the standing, and any already nominated."""
        return [
            choice for choice in self["candidacies"] if int(choice.data["value"]) in self.listed
        ]

    @classmethod
    def initial_from(cls, nominations: Iterable[Nomination], meeting: Any) -> dict[str, Any]:
        """Return the form's initial values from the unit's current nominations and meeting."""
        initial: dict[str, Any] = {"candidacies": []}
        for nomination in nominations:
            initial["candidacies"].append(nomination.candidacy_id)
            initial[f"votes_{nomination.candidacy_id}"] = nomination.votes
        if meeting is not None:
            initial["meeting_date"] = meeting.meeting_date
            initial["meeting_kind"] = meeting.meeting_kind
            initial["attendance"] = meeting.attendance
        return initial

    def vote_fields(self) -> list[tuple[Candidacy, forms.BoundField]]:
        """Return each listed candidate with the bound field for their votes."""
        return [(candidacy, self[f"votes_{pk}"]) for pk, candidacy in self.listed.items()]

    def chosen(self) -> list[Candidacy]:
        """Return the ticked candidacies, in the order listed."""
        ticked = set(self.cleaned_data["candidacies"])
        return [candidacy for pk, candidacy in self.known.items() if pk in ticked]

    def votes(self) -> dict[int, int]:
        """Return the votes given, by candidacy primary key; the action refuses any not ticked."""
        return {
            pk: self.cleaned_data[f"votes_{pk}"]
            for pk in self.listed
            if self.cleaned_data.get(f"votes_{pk}") is not None
        }

    def meeting(self) -> Meeting:
        """Return the meeting as the nominations action takes it."""
        data = self.cleaned_data
        return Meeting(data["meeting_date"], data["meeting_kind"], data["attendance"])


def _choice_label(candidacy: Candidacy) -> str:
    unit = candidacy.member.unit
    label = f"{candidacy.member.name} ({unit.name})"
    return label if candidacy.is_standing() else f"{label}: {candidacy.status()}"


class ResponseForm(forms.Form):
    """A candidate's answer to one nomination."""

    response = forms.ChoiceField(
        choices=[(Response.ACCEPTED, "Accept"), (Response.DECLINED, "Decline")]
    )

    def accept(self) -> bool:
        """Return whether the candidate accepts."""
        return bool(self.cleaned_data["response"] == Response.ACCEPTED)
