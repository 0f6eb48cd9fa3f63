"""The returning officer's admin: who may use it, and an audit event for every change made in it.

Access follows staff roles, not Django's per-model permissions: a returning officer may change
everything the admin shows, an observer (an independent scrutineer) may only look, and nobody else
gets in. Every save and delete made through a `StaffModelAdmin` records an audit event naming the
fields that changed, their old and new values, and who changed them; admins for election objects
call the domain's own `do_*` actions instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.db.models import Model, QuerySet
from django.db.models.fields.files import FieldFile
from django.forms import BaseModelForm, BaseModelFormSet
from django.http import HttpRequest

from hustings.accounts.access import is_observer, is_returning_officer
from hustings.accounts.models import User
from hustings.audit import tags
from hustings.audit.chain import record_event

__all__ = ["HustingsAdminSite", "StaffModelAdmin", "StaffTabularInline", "acting_user"]


def acting_user(request: HttpRequest) -> User:
    """Return the signed-in staff user; the admin lets nobody else in."""
    user = request.user
    if not isinstance(user, User):
        raise TypeError("the admin acts only for a signed-in user")
    return user


def may_change(request: HttpRequest) -> bool:
    """Return whether the signed-in user may change things in the admin."""
    user = request.user
    return bool(user.is_active and user.is_staff and is_returning_officer(user))


def may_view(request: HttpRequest) -> bool:
    """Return whether the signed-in user may look at the admin."""
    user = request.user
    return bool(user.is_active and user.is_staff and (may_change(request) or is_observer(user)))


class HustingsAdminSite(admin.AdminSite):
    """The admin as the returning officer and observers see it."""

    site_header = "Hustings: returning officer"
    site_title = "Hustings admin"
    index_title = "Elections, members and the audit log"
    enable_nav_sidebar = True

    def has_permission(self, request: HttpRequest) -> bool:
        """Let in returning officers and observers only."""
        return may_view(request)


def jsonable(value: Any) -> Any:
    """Return a value as it should appear in an audit event."""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, QuerySet | list | tuple | set):
        return [jsonable(item) for item in value]
    if isinstance(value, FieldFile):
        return value.name or ""
    if hasattr(value, "read"):  # an uploaded file
        return getattr(value, "name", "uploaded file")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


REDACTED = "(personal data, not logged)"


def form_changes(
    form: BaseModelForm[Any], redacted: frozenset[str] = frozenset()
) -> dict[str, list[Any]]:
    """Return {field: [before, after]} for every field the form changed, hiding redacted values."""
    return {
        name: (
            [REDACTED, REDACTED]
            if name in redacted
            else [jsonable(form.initial.get(name)), jsonable(form.cleaned_data.get(name))]
        )
        for name in form.changed_data
    }


class AuditedAdminMixin:
    """Record an audit event for every object the admin creates, changes or deletes."""

    def election_of(self, obj: Model) -> Any:
        """Return the election an object belongs to, for filtering the log."""
        from hustings.elections.models import Election

        if isinstance(obj, Election):
            return obj
        for path in ("election", "contest", "slate", "candidacy"):
            target = getattr(obj, path, None)
            if target is not None:
                return self.election_of(target)
        return None

    def audit(self, request: HttpRequest, tag: str, obj: Model, data: dict[str, Any]) -> None:
        """Record one admin event about obj."""
        record_event(
            tag,
            actor=acting_user(request),
            obj=obj,
            election=self.election_of(obj),
            data={"model": obj._meta.label_lower, **data},
        )


class StaffModelAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """A ModelAdmin that returning officers change, observers view, and that audits every change."""

    show_full_result_count = False
    # Fields whose values stay out of the audit log, which can never be erased: only the fact
    # that they changed is recorded.
    audit_redacted: frozenset[str] = frozenset()

    def has_module_permission(self, request: HttpRequest) -> bool:
        """Show the app to anyone who may view the admin."""
        return may_view(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """Let returning officers and observers look."""
        return may_view(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Let only returning officers add."""
        return may_change(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """Let only returning officers change."""
        return may_change(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """Let only returning officers delete."""
        return may_change(request)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Save and record what changed."""
        changes = form_changes(form, self.audit_redacted)
        super().save_model(request, obj, form, change)
        if changes or not change:
            self.audit(
                request,
                tags.OBJECT_CHANGED if change else tags.OBJECT_CREATED,
                obj,
                {"changed": changes},
            )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        """Record the deletion, then delete."""
        self.audit(request, tags.OBJECT_DELETED, obj, {})
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        """Record each deletion, then delete them all, in one transaction."""
        with transaction.atomic():
            for obj in queryset:
                self.audit(request, tags.OBJECT_DELETED, obj, {})
            super().delete_queryset(request, queryset)

    def save_formset(
        self,
        request: HttpRequest,
        form: BaseModelForm[Any],
        formset: BaseModelFormSet[Any, Any],
        change: bool,
    ) -> None:
        """Save inline objects one by one, recording each creation, change and deletion."""
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            self.audit(request, tags.OBJECT_DELETED, obj, {})
            obj.delete()
        for obj in formset.new_objects:
            obj.save()
            self.audit(request, tags.OBJECT_CREATED, obj, {})
        for obj, fields in formset.changed_objects:
            obj.save()
            self.audit(request, tags.OBJECT_CHANGED, obj, {"fields": list(fields)})
        formset.save_m2m()


class StaffTabularInline(admin.TabularInline):  # type: ignore[type-arg]
    """An inline that follows the same role rules as StaffModelAdmin."""

    extra = 0

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """Let returning officers and observers look."""
        return may_view(request)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """Let only returning officers add."""
        return may_change(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """Let only returning officers change."""
        return may_change(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        """Let only returning officers delete."""
        return may_change(request)


def readonly_everything(model: type[models.Model]) -> Sequence[str]:
    """Return every concrete field name of a model, for read-only admins."""
    return [field.name for field in model._meta.concrete_fields]
