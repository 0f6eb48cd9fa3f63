"""Candidacies and slates in the admin; staff edits go through the candidates actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from hustings.admin_site import StaffModelAdmin, StaffTabularInline, acting_user
from hustings.candidates.actions import (
    CONTENT_FIELDS,
    do_create_slate,
    do_declare_candidacy,
    do_end_slate_membership,
    do_propose_slate_membership,
    do_remove_candidacy,
    do_staff_edit_candidacy,
)
from hustings.candidates.models import Candidacy, Slate, SlateMembership
from hustings.elections.admin import _adopt


class CandidacyForm(forms.ModelForm):  # type: ignore[type-arg]
    """A candidacy as staff edit it: every change needs a reason, which goes in the audit log."""

    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why you are changing or removing this candidacy (recorded in the audit log).",
    )
    remove = forms.BooleanField(
        required=False,
        label="Remove this candidacy",
        help_text="For example, if the member is not eligible. The candidate is told why.",
    )

    class Meta:
        model = Candidacy
        fields = ("contest", "member", *CONTENT_FIELDS, "photo")

    def clean(self) -> dict[str, Any]:
        """Insist on a reason for any change to an existing candidacy."""
        data = super().clean() or {}
        if self.instance.pk and self.has_changed() and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why you are changing this candidacy.")
        return data


@admin.register(Candidacy)
class CandidacyAdmin(StaffModelAdmin):
    """Candidacies: staff may correct or remove them at any time, giving a reason."""

    form = CandidacyForm
    list_display = ("member_name", "contest", "unit", "declared_at", "status_text")
    list_filter = ("contest__election", "contest")
    list_select_related = ("member__unit", "contest")
    search_fields = ("member__name", "=member__membership_number")
    raw_id_fields = ("member",)
    readonly_fields = ("declared_at", "updated_at", "withdrawn_at", "removed_at", "removal_reason")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """Fix the contest and member once declared."""
        fixed = ("contest", "member") if obj is not None else ()
        return (*fixed, *self.readonly_fields)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Never delete a candidacy: remove it, with a reason, so its history stays."""
        return False

    @admin.display(description="candidate", ordering="member__name")
    def member_name(self, candidacy: Candidacy) -> str:
        """Return the candidate's name."""
        return candidacy.member.name

    @admin.display(description="unit")
    def unit(self, candidacy: Candidacy) -> str:
        """Return the candidate's unit."""
        return candidacy.member.unit.name

    @admin.display(description="status")
    def status_text(self, candidacy: Candidacy) -> str:
        """Return whether the candidacy is standing."""
        return candidacy.status()

    def save_model(self, request: HttpRequest, obj: Candidacy, form: Any, change: bool) -> None:
        """Declare, correct or remove through the candidates actions."""
        user = acting_user(request)
        data = form.cleaned_data
        photo = data.get("photo")
        if not change:
            created = do_declare_candidacy(
                user,
                data["member"],
                data["contest"],
                **{name: data[name] for name in CONTENT_FIELDS},
                photo=photo if hasattr(photo, "read") else None,
            )
            _adopt(obj, created)
            return
        original = Candidacy.objects.select_related("contest__election", "member").get(pk=obj.pk)
        changed = {name: data[name] for name in CONTENT_FIELDS if name in form.changed_data}
        extra: dict[str, Any] = {}
        if "photo" in form.changed_data:
            extra["photo"] = photo if hasattr(photo, "read") else None
        if changed or extra:
            do_staff_edit_candidacy(
                user,
                original,
                reason=data["reason"],
                **changed,
                **extra,
            )
        if data.get("remove") and original.is_standing():
            do_remove_candidacy(user, original, reason=data["reason"])


class SlateMembershipInline(StaffTabularInline):
    """Candidates proposed for a slate; each confirms their own place."""

    model = SlateMembership
    fields = ("candidacy", "proposed_at", "confirmed_at", "ended_at")
    readonly_fields = ("proposed_at", "confirmed_at", "ended_at")
    raw_id_fields = ("candidacy",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Places are proposed or ended, never edited."""
        return False


@admin.register(Slate)
class SlateAdmin(StaffModelAdmin):
    """Slates and the candidates proposed for them."""

    list_display = ("name", "election", "confirmed_count")
    list_filter = ("election",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012
    inlines = (SlateMembershipInline,)
    fields = ("election", "name", "slug", "description", "website")

    @admin.display(description="confirmed candidates")
    def confirmed_count(self, slate: Slate) -> int:
        """Return how many candidates have confirmed their place."""
        return slate.confirmed_candidacies().count()

    def save_model(self, request: HttpRequest, obj: Slate, form: Any, change: bool) -> None:
        """Create through the slate action; later edits are audited by the generic admin."""
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        created = do_create_slate(
            acting_user(request),
            data["election"],
            name=data["name"],
            slug=data["slug"],
            description=data["description"],
            website=data["website"],
        )
        _adopt(obj, created)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Propose new places and end removed ones through the slate actions."""
        if formset.model is not SlateMembership:
            super().save_formset(request, form, formset, change)
            return
        formset.save(commit=False)
        for membership in formset.deleted_objects:
            do_end_slate_membership(acting_user(request), membership)
        for membership in formset.new_objects:
            saved = do_propose_slate_membership(
                acting_user(request), form.instance, membership.candidacy
            )
            _adopt(membership, saved)
