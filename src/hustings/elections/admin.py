"""Elections and contests in the admin; saves go through the elections actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from hustings.admin_site import StaffModelAdmin, StaffTabularInline, acting_user
from hustings.elections.actions import (
    do_create_contest,
    do_create_election,
    do_update_contest,
    do_update_election,
)
from hustings.elections.models import Contest, Election, RepresentationRule


def _adopt(obj: Any, saved: Any) -> None:
    """Make the admin's unsaved form instance stand for the object an action saved."""
    obj.pk = saved.pk
    obj._state.adding = False
    obj._state.db = saved._state.db


def _model_fields(form: forms.ModelForm[Any], names: Any) -> dict[str, Any]:
    concrete = {f.name for f in form._meta.model._meta.concrete_fields}
    return {name: form.cleaned_data[name] for name in names if name in concrete}


class ContestInline(StaffTabularInline):
    """The contests of an election, listed on its page (edited on their own pages)."""

    model = Contest
    fields = ("position", "name", "seats", "region", "method")
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Contests are added from their own page, where their rules are set."""
        return False


@admin.register(Election)
class ElectionAdmin(StaffModelAdmin):
    """Elections, their timetable and eligibility rules."""

    list_display = ("name", "current_phase", "nominations_close_at", "ballot_open_at")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012
    readonly_fields = ("current_phase",)
    inlines = (ContestInline,)
    fieldsets = (
        (None, {"fields": ("name", "slug", "description", "current_phase")}),
        (
            "Timetable (Europe/London)",
            {
                "fields": (
                    "declarations_open_at",
                    "nominations_open_at",
                    "nominations_close_at",
                    "ballot_open_at",
                    "ballot_close_at",
                    "results_published_at",
                ),
                "description": "Each moment must come after the one before. The phase follows "
                "from these and the clock; windows include their start and exclude their end.",
            },
        ),
        (
            "Eligibility",
            {
                "fields": (
                    "voters_joined_by",
                    "voters_paid_up_on",
                    "candidate_min_membership_days",
                )
            },
        ),
    )

    @admin.display(description="phase now")
    def current_phase(self, election: Election) -> str:
        """Return the phase at this moment."""
        if election.pk is None:
            return "—"
        return election.phase(timezone.now()).label

    def save_model(self, request: HttpRequest, obj: Election, form: Any, change: bool) -> None:
        """Create or update through the elections actions, which audit the change."""
        if change:
            original = Election.objects.get(pk=obj.pk)
            do_update_election(
                acting_user(request),
                original,
                **_model_fields(form, form.changed_data),
            )
        else:
            created = do_create_election(
                acting_user(request),
                **_model_fields(form, form.fields),
            )
            _adopt(obj, created)


class RuleFormSet(forms.BaseInlineFormSet):  # type: ignore[type-arg]
    """Representation rules whose minima fit into the contest's seats."""

    def clean(self) -> None:
        """Refuse minima that add up to more than the seats."""
        super().clean()
        seats = getattr(self.instance, "seats", None) or 0
        total = sum(
            form.cleaned_data.get("minimum") or 0
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        )
        if seats and total > seats:
            raise ValidationError(
                f"The rules need at least {total} winners, but the contest has {seats} seat(s)."
            )


class RepresentationRuleInline(StaffTabularInline):
    """A contest's representation rules, e.g. at least 3 women."""

    model = RepresentationRule
    formset = RuleFormSet
    fields = ("attribute", "value", "minimum", "maximum")


@admin.register(Contest)
class ContestAdmin(StaffModelAdmin):
    """Contests: seats, scope, method, rules for representation and for nominations."""

    list_display = ("name", "election", "seats", "region", "method", "statement_word_limit")
    list_filter = ("election", "method", "region")
    list_select_related = ("election", "region")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012
    inlines = (RepresentationRuleInline,)
    fieldsets = (
        (None, {"fields": ("election", "name", "slug", "position")}),
        ("Seats and count", {"fields": ("seats", "region", "method", "statement_word_limit")}),
        (
            "Nominations",
            {
                "fields": (
                    "max_nominations_per_unit",
                    "nomination_balance_gender",
                    "nomination_balance_only_when_full",
                    "threshold_kind",
                    "threshold_units",
                    "threshold_other_units",
                    "threshold_other_regions",
                    "affiliates_may_nominate",
                    "affiliate_nominations_needed",
                    "ballot_order",
                ),
                "description": "Stored with the contest and applied when nominations are made.",
            },
        ),
    )

    def save_model(self, request: HttpRequest, obj: Contest, form: Any, change: bool) -> None:
        """Create or update through the elections actions; rules are saved by the inline."""
        if change:
            original = Contest.objects.get(pk=obj.pk)
            do_update_contest(
                acting_user(request),
                original,
                **_model_fields(form, form.changed_data),
            )
        else:
            fields = _model_fields(form, form.fields)
            election = fields.pop("election")
            created = do_create_contest(acting_user(request), election, **fields)
            _adopt(obj, created)
