"""Nominations in the admin: staff record a unit's return (a paper form) or an affiliate's, and look.

Every record goes through the nominations actions, so the same rules and audit apply as for a
unit secretary. Nothing here is ever edited or deleted: a unit's correction is a new return.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from hustings.accounts.access import is_returning_officer
from hustings.admin_site import StaffModelAdmin, StaffTabularInline, acting_user
from hustings.candidates.models import Candidacy
from hustings.elections.admin import _adopt
from hustings.nominations.actions import (
    Meeting,
    do_create_affiliate,
    do_record_affiliate_nomination,
    do_record_unit_nominations,
    do_respond_to_nomination,
    do_withdraw_affiliate_nomination,
    refusals,
)
from hustings.nominations.models import (
    Affiliate,
    AffiliateNomination,
    BallotConfirmation,
    BallotEntry,
    Nomination,
    NominationsClosure,
    ThresholdResult,
    UnitReturn,
)


class ReadOnlyAdmin(StaffModelAdmin):
    """Shown to staff, changed only through actions."""

    def has_record_permission(self, request: HttpRequest) -> bool:
        """Only the returning officer records on someone's behalf (the admin actions below)."""
        return is_returning_officer(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Records are never edited."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Records are never deleted."""
        return False


def _apply(
    request: HttpRequest,
    queryset: QuerySet[Any],
    act: Any,
    done: str,
) -> None:
    """Run an action on each selected record, reporting each refusal with the record it names."""
    user = acting_user(request)
    succeeded = 0
    for record in queryset:
        try:
            act(user, record)
        except (ValidationError, PermissionDenied) as refusal:
            reason = " ".join(getattr(refusal, "messages", [str(refusal)]))
            messages.error(request, f"{record}: {reason}")
        else:
            succeeded += 1
    if succeeded:
        messages.success(request, f"{done}: {succeeded}.")


@admin.action(
    description="Record the candidate's acceptance (on their behalf)", permissions=["record"]
)
def accept_on_behalf(admin_: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    """Record that the candidates accepted, as they told staff by phone or letter."""
    _apply(
        request,
        queryset,
        lambda user, nomination: do_respond_to_nomination(user, nomination, accept=True),
        "Acceptances recorded",
    )


@admin.action(
    description="Record the candidate's refusal (on their behalf)", permissions=["record"]
)
def decline_on_behalf(admin_: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    """Record that the candidates declined, as they told staff by phone or letter."""
    _apply(
        request,
        queryset,
        lambda user, nomination: do_respond_to_nomination(user, nomination, accept=False),
        "Refusals recorded",
    )


@admin.action(description="Withdraw the selected affiliate nominations", permissions=["record"])
def withdraw_affiliate_nominations(
    admin_: Any, request: HttpRequest, queryset: QuerySet[Any]
) -> None:
    """Withdraw nominations an affiliate has taken back; they stay on record as withdrawn."""
    _apply(request, queryset, do_withdraw_affiliate_nomination, "Nominations withdrawn")


@admin.register(Affiliate)
class AffiliateAdmin(ReadOnlyAdmin):
    """Affiliated organisations that may nominate."""

    list_display = ("name", "slug", "created_at")
    fields = ("name", "slug")

    def save_model(self, request: HttpRequest, obj: Affiliate, form: Any, change: bool) -> None:
        """Create through the nominations actions."""
        _adopt(obj, do_create_affiliate(acting_user(request), obj.name, slug=obj.slug))


class UnitReturnForm(forms.ModelForm):  # type: ignore[type-arg]
    """A unit's return as staff record it from a paper form: same checks as the secretary's."""

    candidacies = forms.ModelMultipleChoiceField(
        queryset=Candidacy.objects.standing().select_related("member", "contest"),
        help_text="Every candidate the unit nominates in this contest (this replaces any earlier "
        "return).",
    )

    class Meta:
        model = UnitReturn
        fields = ("unit", "contest", "meeting_date", "meeting_kind", "attendance", "recorded_via")

    def clean(self) -> dict[str, Any]:
        """Refuse a return that breaks any nomination rule, listing every rule it breaks."""
        data = super().clean() or {}
        unit, contest = data.get("unit"), data.get("contest")
        if unit is None or contest is None or self.errors:
            return data
        meeting = Meeting(data["meeting_date"], data["meeting_kind"], data["attendance"])
        _, problems = refusals(
            unit, contest, list(data.get("candidacies") or ()), meeting, {}, timezone.now()
        )
        for problem in problems:
            self.add_error(None, problem)
        return data


class NominationInline(StaffTabularInline):
    """The candidates a return nominates, and their answers."""

    model = Nomination
    fields = ("candidacy", "votes", "response", "responded_at")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Nominations arrive with their return."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Nominations are never edited."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Nominations are never deleted."""
        return False


@admin.register(UnitReturn)
class UnitReturnAdmin(ReadOnlyAdmin):
    """Units' returns, current and superseded; staff add one for a unit from a paper form."""

    form = UnitReturnForm
    list_display = ("unit", "contest", "meeting_date", "recorded_at", "recorded_via", "current")
    list_filter = ("contest__election", "contest", "unit__region")
    list_select_related = ("unit", "contest")
    search_fields = ("unit__name", "=unit__code")
    raw_id_fields = ("unit",)
    inlines = (NominationInline,)

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        """List the nominations of a recorded return; a new one's come from the form."""
        return self.inlines if obj is not None else ()

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """Ask for the candidates only when adding."""
        fields = ("unit", "contest", "meeting_date", "meeting_kind", "attendance", "recorded_via")
        return (*fields, "candidacies") if obj is None else (*fields, "recorded_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """Show a recorded return as it was recorded."""
        if obj is None:
            return ()
        return (*self.get_fields(request, obj), "superseded_at")

    @admin.display(boolean=True)
    def current(self, unit_return: UnitReturn) -> bool:
        """Return whether no later return replaced this one."""
        return unit_return.is_current()

    def save_model(self, request: HttpRequest, obj: UnitReturn, form: Any, change: bool) -> None:
        """Record through the nominations actions, on the unit's behalf."""
        data = form.cleaned_data
        saved = do_record_unit_nominations(
            acting_user(request),
            data["unit"],
            data["contest"],
            list(data["candidacies"]),
            meeting=Meeting(data["meeting_date"], data["meeting_kind"], data["attendance"]),
            recorded_via=data["recorded_via"] or "paper form",
        )
        _adopt(obj, saved)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The action saved the nominations; nothing else to save."""


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    """Every unit nomination and the candidate's answer; staff record answers given off-line."""

    list_display = ("candidacy", "unit", "contest", "response", "responded_at", "current")
    list_filter = ("contest__election", "contest", "response")
    list_select_related = ("candidacy__member", "unit", "contest", "unit_return")
    search_fields = ("candidacy__member__name", "unit__name", "=unit__code")
    actions = (accept_on_behalf, decline_on_behalf)

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Nominations arrive with a unit's return."""
        return False

    @admin.display(boolean=True, description="current")
    def current(self, nomination: Nomination) -> bool:
        """Return whether the unit's return holding it is still current."""
        return nomination.unit_return.superseded_at is None


@admin.register(AffiliateNomination)
class AffiliateNominationAdmin(ReadOnlyAdmin):
    """Affiliates' nominations, recorded by staff."""

    list_display = ("affiliate", "candidacy", "contest", "recorded_at", "withdrawn_at")
    list_filter = ("contest__election", "affiliate")
    list_select_related = ("affiliate", "candidacy__member", "contest")
    fields = ("affiliate", "candidacy")
    raw_id_fields = ("candidacy",)
    actions = (withdraw_affiliate_nominations, accept_on_behalf, decline_on_behalf)

    def save_model(
        self, request: HttpRequest, obj: AffiliateNomination, form: Any, change: bool
    ) -> None:
        """Record through the nominations actions."""
        data = form.cleaned_data
        _adopt(
            obj,
            do_record_affiliate_nomination(
                acting_user(request), data["affiliate"], data["candidacy"]
            ),
        )


@admin.register(NominationsClosure)
class NominationsClosureAdmin(ReadOnlyAdmin):
    """When each election's nominations were closed (run with `hustings close-nominations`)."""

    list_display = ("election", "closed_at", "closed_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Closing is an action with its own command."""
        return False


@admin.register(ThresholdResult)
class ThresholdResultAdmin(ReadOnlyAdmin):
    """Each candidate's threshold status as fixed at the close."""

    list_display = ("candidacy", "units", "affiliates", "met", "reason")
    list_filter = ("candidacy__contest__election", "candidacy__contest", "met")
    list_select_related = ("candidacy__member", "candidacy__contest")

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Results come from the close."""
        return False


class BallotEntryInline(StaffTabularInline):
    """The candidates on a confirmed ballot, in order."""

    model = BallotEntry
    fields = ("position", "candidacy")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """The ballot is fixed."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """The ballot is fixed."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """The ballot is fixed."""
        return False


@admin.register(BallotConfirmation)
class BallotConfirmationAdmin(ReadOnlyAdmin):
    """Confirmed ballot lists."""

    list_display = ("contest", "confirmed_at", "order")
    readonly_fields = ("contest", "confirmed_at", "confirmed_by", "order", "seed")
    inlines = (BallotEntryInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Ballots are confirmed by `hustings close-nominations --confirm`."""
        return False
