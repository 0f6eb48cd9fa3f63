"""The ballot in the admin: the roll, credentials, postal batches and the emails' log, read-only.

Staff may see whether a member voted and by which channel, never how: ballots, votes and trackers
are deliberately not registered here. Nothing is added, changed or deleted through the admin;
credentials are issued and reissued, and postal batches imported, only through the ballot's own
audited actions and screens.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from hustings.admin_site import StaffModelAdmin, readonly_everything
from hustings.ballots.models import BallotEmail, Credential, PostalBatch, Voter


class BallotRecordAdmin(StaffModelAdmin):
    """Shown to staff; never added, changed or deleted by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Ballot records come only from the ballot's actions."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Ballot records are never edited."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Ballot records are never deleted."""
        return False


@admin.register(Voter)
class VoterAdmin(BallotRecordAdmin):
    """The roll: who may vote, and whether (and by which channel) they have."""

    list_display = ("member", "election", "region", "has_voted", "voted")
    list_filter = ("election", "voted", "region")
    list_select_related = ("member", "election", "region")
    search_fields = ("=member__membership_number", "member__name")
    readonly_fields = (*readonly_everything(Voter),)

    @admin.display(boolean=True, description="has voted")
    def has_voted(self, voter: Voter) -> bool:
        """Return whether the member has voted, by either channel."""
        return voter.has_voted


@admin.register(Credential)
class CredentialAdmin(BallotRecordAdmin):
    """Voting codes issued: how delivered, when, by whom, and whether revoked or used; never a code."""

    list_display = ("__str__", "voter", "delivery", "issued_at", "reissue", "revoked_at", "used")
    list_filter = ("voter__election", "delivery", "reissue", "used")
    list_select_related = ("voter__member", "voter__election")
    search_fields = ("=voter__member__membership_number",)
    # The digest is kept out of sight too: it is no use to staff, and it is what a code is checked by.
    fields = ("voter", "delivery", "issued_at", "issued_by", "reissue", "revoked_at", "used")
    readonly_fields = fields


@admin.register(PostalBatch)
class PostalBatchAdmin(BallotRecordAdmin):
    """Imported files of returned paper ballots, with every rejected row's line and reason."""

    list_display = ("filename", "election", "imported_at", "imported_by", "rows", "accepted")
    list_filter = ("election",)
    list_select_related = ("election", "imported_by")
    date_hierarchy = "imported_at"
    readonly_fields = (*readonly_everything(PostalBatch), "report")
    exclude = ("rejections",)

    @admin.display(description="rejected rows")
    def report(self, batch: PostalBatch) -> str:
        """Return the rejected rows as indented JSON."""
        return format_html(
            "<pre>{}</pre>", json.dumps(batch.rejections, indent=2, ensure_ascii=False)
        )


@admin.register(BallotEmail)
class BallotEmailAdmin(BallotRecordAdmin):
    """The log of ballot emails: to whom, what kind, and how the sending went; never the code."""

    list_display = ("at", "member", "election", "kind", "status", "attempt", "error")
    list_filter = ("election", "kind", "status")
    list_select_related = ("member", "election")
    search_fields = ("=member__membership_number",)
    date_hierarchy = "at"
    readonly_fields = (*readonly_everything(BallotEmail),)
