"""The guide's filter and sort form: a plain GET form, so it works without script."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms

from hustings.guide.queries import Card, ContestGuide, by_nominations, by_surname
from hustings.members.models import Gender

INDEPENDENT = "independent"
# The register stores "not stated" as "", which a GET form cannot tell apart from "any".
NOT_STATED = "not-stated"

SORT_LABELS = {
    "ballot": "Ballot paper order",
    "name": "Surname, A to Z",
    "nominations": "Most nominations first",
}


def _gender_value(stored: str) -> str:
    return stored or NOT_STATED


class GuideFilterForm(forms.Form):
    """Which candidates to show, and in what order; every field optional."""

    slate = forms.ChoiceField(label="Slate", required=False)
    region = forms.ChoiceField(label="Region", required=False)
    gender = forms.ChoiceField(
        label="Gender",
        required=False,
        help_text="As the candidate describes it on the membership register.",
    )
    sort = forms.ChoiceField(label="Order", required=False)

    def __init__(self, data: Mapping[str, Any] | None, *, guide: ContestGuide) -> None:
        super().__init__(data)
        self.guide = guide
        slates = {card.slate.slug: card.slate.name for card in guide.cards if card.slate}
        regions = {
            card.member.unit.region.code: card.member.unit.region.name for card in guide.cards
        }
        self._offer(
            "slate",
            [
                ("", "All slates and independents"),
                *sorted(slates.items(), key=lambda item: item[1].casefold()),
                (INDEPENDENT, "Independent (no slate)"),
            ],
        )
        self._offer("region", [("", "All regions"), *sorted(regions.items(), key=lambda i: i[1])])
        genders = [(_gender_value(value), str(label)) for value, label in Gender.choices]
        self._offer("gender", [("", "Any"), *genders])
        orders = [guide.neutral_order] + [
            o for o in ("name", "nominations") if o != guide.neutral_order
        ]
        self._offer("sort", [(order, SORT_LABELS[order]) for order in orders])
        self.fields["sort"].initial = guide.neutral_order

    def _offer(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def chosen(self) -> dict[str, str]:
        """Return the valid choices made, blank ones left out (call after is_valid)."""
        cleaned = getattr(self, "cleaned_data", {})
        return {name: value for name, value in cleaned.items() if value}

    def order(self) -> str:
        """Return the order to show: the reader's choice, else the neutral default."""
        chosen = self.chosen() if self.is_valid() else {}
        return chosen.get("sort", self.guide.neutral_order)

    def apply(self) -> list[Card]:
        """Return the guide's cards that match the valid filters, in the chosen order."""
        chosen = self.chosen() if self.is_valid() else {}
        cards: Sequence[Card] = self.guide.cards
        slate = chosen.get("slate")
        if slate == INDEPENDENT:
            cards = [card for card in cards if card.slate is None]
        elif slate:
            cards = [card for card in cards if card.slate and card.slate.slug == slate]
        if region := chosen.get("region"):
            cards = [card for card in cards if card.member.unit.region.code == region]
        if gender := chosen.get("gender"):
            cards = [card for card in cards if _gender_value(card.member.gender) == gender]
        order = self.order()
        if order == "name":
            return sorted(cards, key=by_surname)
        if order == "nominations":
            return sorted(cards, key=by_nominations)
        # The guide's cards are already in the neutral order (ballot paper, else surname).
        return list(cards)
