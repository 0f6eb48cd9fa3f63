"""The audit log in the admin: visible to staff, never editable, verifiable and exportable."""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.urls import reverse

from hustings.audit import tags
from hustings.audit.chain import record_event, verify_chain
from hustings.audit.models import AuditEvent
from tests.accounts.helpers import staff_client
from tests.factories import observer, returning_officer

pytestmark = pytest.mark.django_db


def some_events() -> None:
    with transaction.atomic():
        record_event("test:first", actor=None, data={"n": 1})
        record_event("test:second", actor=None, data={"n": 2})


def test_staff_see_the_log_but_nobody_can_add_change_or_delete_an_event():
    some_events()
    event = AuditEvent.objects.get(tag="test:first")
    client = staff_client(returning_officer())

    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_change", args=[event.pk])).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403
    response = client.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert response.status_code in (200, 302)


def test_the_verify_screen_reports_an_intact_chain():
    some_events()
    client = staff_client(observer())

    page = client.get(reverse("admin:audit_verify")).content.decode()

    assert "audit chain intact" in page
    assert AuditEvent.objects.order_by("-seq").first().hash in page


def test_exporting_is_itself_recorded_and_the_export_verifies():
    some_events()
    client = staff_client(returning_officer())

    response = client.get(reverse("admin:audit_export", args=["json"]))

    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    rows = json.loads(b"".join(response.streaming_content))
    assert rows[-1]["tag"] == tags.AUDIT_EXPORTED
    assert [row["seq"] for row in rows] == list(range(1, len(rows) + 1))
    assert verify_chain().ok


def test_the_csv_export_streams_every_event():
    some_events()
    client = staff_client(returning_officer())

    response = client.get(reverse("admin:audit_export", args=["csv"]))

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("seq,at,tag")
    assert len(lines) == 1 + AuditEvent.objects.count()
