"""The organisation in the admin: regions, units and members, with CSV import screens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from hustings.admin_site import StaffModelAdmin, acting_user, may_change
from hustings.members.actions import Upload, do_import_members, do_import_units
from hustings.members.importing import MEMBER_COLUMNS, UNIT_COLUMNS, ImportFileError, ImportReport
from hustings.members.models import Member, Region, Unit, UnitSecretary

# The page lists this many rejected rows; the rest are summarised.
SHOWN_ERRORS = 500


class ImportForm(forms.Form):
    """Upload a CSV file to import."""

    file = forms.FileField(label="CSV file", help_text="UTF-8, with a header row.")
    strict = forms.BooleanField(
        required=False,
        label="Import nothing unless every row is good",
        help_text="Otherwise the good rows are loaded and the bad ones listed.",
    )


class ImportMixin:
    """An 'Import from CSV' screen on a model's change list."""

    importer: Callable[..., ImportReport]
    columns: dict[str, tuple[str, ...]]
    admin_site: admin.AdminSite
    model: type[Any]

    def get_urls(self) -> list[URLPattern]:
        """Add the import screen before the admin's own URLs."""
        info = self.model._meta.app_label, self.model._meta.model_name
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            )
        ]
        urls: list[URLPattern] = super().get_urls()  # type: ignore[misc]
        return own + urls

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Show the upload form; on upload, import and show the report row by row."""
        if not may_change(request):
            raise PermissionDenied("Only the returning officer may import.")
        report: ImportReport | None = None
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = type(self).importer(
                    acting_user(request),
                    Upload.from_file(upload, upload.name),
                    strict=form.cleaned_data["strict"],
                )
            except ImportFileError as error:
                form.add_error("file", str(error))
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": f"Import {opts.verbose_name_plural} from CSV",
            "form": form,
            "report": report,
            "errors": report.errors[:SHOWN_ERRORS] if report else [],
            "more_errors": max(0, len(report.errors) - SHOWN_ERRORS) if report else 0,
            "required_columns": self.columns["required"],
            "optional_columns": self.columns["optional"],
        }
        return TemplateResponse(request, "admin/members/import.html", context)


@admin.register(Region)
class RegionAdmin(StaffModelAdmin):
    """Regions."""

    list_display = ("name", "code", "unit_count")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}  # noqa: RUF012

    @admin.display(description="units")
    def unit_count(self, region: Region) -> int:
        """Return how many units the region has."""
        return region.units.count()


@admin.register(Unit)
class UnitAdmin(ImportMixin, StaffModelAdmin):
    """Units, with an import screen."""

    importer = staticmethod(do_import_units)
    columns = UNIT_COLUMNS
    change_list_template = "admin/members/change_list_with_import.html"
    list_display = ("name", "code", "region")
    list_filter = ("region",)
    list_select_related = ("region",)
    search_fields = ("name", "code")


class GenderFilter(admin.SimpleListFilter):
    """Filter members by self-described gender."""

    title = "gender"
    parameter_name = "gender"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        """Offer every gender choice, including not stated."""
        from hustings.members.models import Gender

        return [(value or "unstated", label) for value, label in Gender.choices]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        """Filter by the chosen value."""
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(gender="" if value == "unstated" else value)


@admin.register(Member)
class MemberAdmin(ImportMixin, StaffModelAdmin):
    """The membership register, with an import screen."""

    importer = staticmethod(do_import_members)
    columns = MEMBER_COLUMNS
    change_list_template = "admin/members/change_list_with_import.html"
    list_display = ("membership_number", "name", "email", "unit", "joined_on", "paid_until")
    list_filter = ("unit__region", GenderFilter)
    list_select_related = ("unit",)
    search_fields = ("=membership_number", "name", "email", "postcode")
    autocomplete_fields = ("unit",)
    raw_id_fields = ("user",)
    readonly_fields = ("updated_at",)
    audit_redacted = frozenset(
        {"name", "email", "address", "postcode", "gender", "gender_self_description"}
    )
    fieldsets = (
        (None, {"fields": ("membership_number", "name", "unit", "joined_on", "paid_until")}),
        ("Contact", {"fields": ("email", "address", "postcode")}),
        ("Representation", {"fields": ("gender", "gender_self_description")}),
        ("Account", {"fields": ("user", "updated_at")}),
    )

    def save_model(self, request: HttpRequest, obj: Member, form: Any, change: bool) -> None:
        """Stamp the change time, then save and audit."""
        from django.utils import timezone

        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(UnitSecretary)
class UnitSecretaryAdmin(StaffModelAdmin):
    """Who is secretary of which unit."""

    list_display = ("unit", "member", "appointed_at", "ended_at")
    list_select_related = ("unit", "member")
    list_filter = ("unit__region",)
    search_fields = ("unit__name", "member__name", "=member__membership_number")
    raw_id_fields = ("member",)
    autocomplete_fields = ("unit",)
