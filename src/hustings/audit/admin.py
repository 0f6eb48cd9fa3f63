"""The audit log in the admin: read-only, filterable, verifiable and exportable."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.html import format_html

from hustings.admin_site import StaffModelAdmin, acting_user, readonly_everything
from hustings.audit.actions import do_export_audit_log
from hustings.audit.chain import verify_chain
from hustings.audit.models import AuditEvent, ChainHead


@admin.register(AuditEvent)
class AuditEventAdmin(StaffModelAdmin):
    """Every audit event, newest first; nobody may add, change or delete one."""

    change_list_template = "admin/audit/auditevent/change_list.html"
    list_display = ("seq", "at", "tag", "actor_label", "object_repr")
    list_filter = ("tag", "election")
    search_fields = ("tag", "actor_label", "object_repr", "=object_id")
    date_hierarchy = "at"
    readonly_fields = (*readonly_everything(AuditEvent), "pretty_data")
    exclude = ("data",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Nobody adds events by hand."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Nobody changes an event."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Nobody deletes an event."""
        return False

    @admin.display(description="what changed")
    def pretty_data(self, event: AuditEvent) -> str:
        """Return the event's data as indented JSON."""
        return format_html("<pre>{}</pre>", json.dumps(event.data, indent=2, ensure_ascii=False))

    def get_urls(self) -> list[URLPattern]:
        """Add the verify and export screens."""
        return [
            path("verify/", self.admin_site.admin_view(self.verify_view), name="audit_verify"),
            path(
                "export.<str:fmt>",
                self.admin_site.admin_view(self.export_view),
                name="audit_export",
            ),
            *super().get_urls(),
        ]

    def verify_view(self, request: HttpRequest) -> HttpResponse:
        """Recompute every hash and show the result and the current head."""
        report = verify_chain()
        context = {
            **self.admin_site.each_context(request),
            "opts": AuditEvent._meta,
            "title": "Verify the audit log",
            "report": report,
            "head": ChainHead.objects.filter(pk=1).first(),
        }
        return TemplateResponse(request, "admin/audit/verify.html", context)

    def export_view(self, request: HttpRequest, fmt: str) -> HttpResponseBase:
        """Stream the whole log as CSV or JSON."""
        if fmt not in ("csv", "json"):
            return HttpResponse("Export as .csv or .json", status=404, content_type="text/plain")
        chunks = do_export_audit_log(acting_user(request), "csv" if fmt == "csv" else "json")
        content_type = "text/csv" if fmt == "csv" else "application/json"
        response = StreamingHttpResponse(chunks, content_type=f"{content_type}; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.{fmt}"'
        return response
