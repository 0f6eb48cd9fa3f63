"""Exporting the audit log, itself an audited act."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

from django.db import transaction

from hustings.audit import tags
from hustings.audit.chain import export_csv, export_json, record_event
from hustings.audit.models import AuditEvent

if TYPE_CHECKING:
    from hustings.accounts.models import User


def do_export_audit_log(actor: User | None, fmt: Literal["csv", "json"]) -> Iterator[str]:
    """Record the export, then return the whole log (including that record) in order."""
    with transaction.atomic():
        event = record_event(tags.AUDIT_EXPORTED, actor=actor, data={"format": fmt})
    events = AuditEvent.objects.filter(seq__lte=event.seq).order_by("seq").iterator(2000)
    return export_csv(events) if fmt == "csv" else export_json(events)
