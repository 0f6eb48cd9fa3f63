"""Accounts in the admin: staff accounts with their role and password, and authenticator resets.

Passwords never reach the audit log: the log records that one was set, not what it was. Sign-in
tokens, rate-limit records and authenticator seeds are not shown at all.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.password_validation import validate_password
from django.db.models import QuerySet
from django.http import HttpRequest

from hustings.accounts.actions import do_reset_totp_device
from hustings.accounts.models import User
from hustings.admin_site import StaffModelAdmin, acting_user, form_changes
from hustings.audit import tags

PASSWORD_FIELDS = ("new_password", "repeat_password")


class UserForm(forms.ModelForm):  # type: ignore[type-arg]
    """An account as the returning officer edits it, with an optional new password."""

    new_password = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Staff need one to sign in. Leave blank to keep the current password.",
    )
    repeat_password = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ("email", "name", "staff_role", "is_active")

    def clean(self) -> dict[str, Any]:
        """Check the two passwords agree and meet the password rules."""
        data = super().clean() or {}
        password = data.get("new_password") or ""
        if password != (data.get("repeat_password") or ""):
            self.add_error("repeat_password", "The two passwords differ.")
        elif password:
            try:
                validate_password(password, self.instance)
            except forms.ValidationError as error:
                self.add_error("new_password", error)
        if data.get("staff_role") and not data.get("email"):
            self.add_error("email", "Staff sign in with their email address, so they need one.")
        return data

    def save(self, commit: bool = True) -> User:
        """Set the admin flag from the role, and the password if one was given."""
        user: User = super().save(commit=False)
        user.is_staff = bool(user.staff_role) or user.is_superuser
        if self.cleaned_data.get("new_password"):
            user.set_password(self.cleaned_data["new_password"])
        elif user.pk is None:
            user.set_unusable_password()
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(StaffModelAdmin):
    """Accounts: members' (made when they first sign in) and staff's (made here)."""

    form = UserForm
    list_display = ("email", "name", "staff_role", "is_active", "has_authenticator", "last_login")
    list_filter = ("staff_role", "is_active")
    search_fields = ("email", "name")
    readonly_fields = ("last_login", "date_joined")
    actions = ("reset_authenticator",)
    ordering = ("email",)

    @admin.display(boolean=True, description="authenticator")
    def has_authenticator(self, obj: User) -> bool:
        """Return whether the account has a confirmed authenticator."""
        device = getattr(obj, "totp_device", None)
        return device is not None and device.confirmed_at is not None

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        """Load each account's authenticator with it."""
        return super().get_queryset(request).select_related("totp_device")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Save, and audit what changed without ever recording a password."""
        changes = {
            name: value for name, value in form_changes(form).items() if name not in PASSWORD_FIELDS
        }
        if form.cleaned_data.get("new_password"):
            changes["password"] = ["", "set"]
        obj.save()
        if changes or not change:
            self.audit(
                request,
                tags.OBJECT_CHANGED if change else tags.OBJECT_CREATED,
                obj,
                {"changed": changes},
            )

    @admin.action(
        description="Reset the authenticator (they enrol a new one at next sign-in)",
        permissions=["change"],
    )
    def reset_authenticator(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """Remove the selected accounts' authenticators, ending their staff sessions."""
        actor = acting_user(request)
        for user in queryset:
            do_reset_totp_device(actor, user)
        self.message_user(
            request, f"Reset {queryset.count()} authenticator(s).", level=messages.SUCCESS
        )
