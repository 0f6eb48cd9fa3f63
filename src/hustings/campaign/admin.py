"""The campaign in the admin: read-only lists pointing to the moderation and questionnaire pages.

Quotes are approved, questions hidden and questionnaires registered only on the campaign's own
audited pages (linked from each list), never by editing rows here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hustings.admin_site import StaffModelAdmin, readonly_everything
from hustings.campaign.models import PublicQuestion, Questionnaire, Support


class CampaignRecordAdmin(StaffModelAdmin):
    """Shown to staff; changed only through the campaign's actions."""

    # Adds links to the pages where these records are acted on.
    change_list_template = "campaign/admin/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Campaign records come only from the campaign's pages."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Campaign records are never edited by hand."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Campaign records are never deleted by hand."""
        return False


@admin.register(Support)
class SupportAdmin(CampaignRecordAdmin):
    """Members' public support, with each quote's moderation."""

    list_display = ("member", "candidacy", "quote_status", "email_updates", "created_at")
    list_filter = ("quote_status",)
    readonly_fields = (*readonly_everything(Support),)


@admin.register(PublicQuestion)
class PublicQuestionAdmin(CampaignRecordAdmin):
    """Members' public questions, answered and hidden."""

    list_display = ("candidacy", "asker", "asked_at", "answered_at", "hidden_at")
    readonly_fields = (*readonly_everything(PublicQuestion),)


@admin.register(Questionnaire)
class QuestionnaireAdmin(CampaignRecordAdmin):
    """Groups' questionnaires."""

    list_display = ("title", "group_name", "election", "deadline")
    readonly_fields = (*readonly_everything(Questionnaire),)
