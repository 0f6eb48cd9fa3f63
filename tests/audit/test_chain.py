"""The audit log: every event chained to the one before, append-only, and verifiable."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from hustings.audit.chain import (
    canonical_bytes,
    event_content,
    export_csv,
    export_json,
    record_event,
    verify_chain,
)
from hustings.audit.models import GENESIS, AppendOnlyError, AuditEvent, ChainHead
from tests.factories import make_region, returning_officer

pytestmark = pytest.mark.django_db


def record(n: int = 3) -> list[AuditEvent]:
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(record_event("test:event", actor=None, data={"i": i, "name": "Zoë"}))
    return events


def test_each_event_hashes_its_content_and_the_previous_hash():
    first, second = record(2)

    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    # Recomputed from the stored row alone, by the documented recipe.
    stored = AuditEvent.objects.get(pk=second.pk)
    content = event_content(stored)
    expected = hashlib.sha256(
        json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()
    assert stored.hash == expected


def test_an_untouched_chain_verifies():
    record(5)

    report = verify_chain()

    assert report.ok
    assert report.checked == 5
    assert str(report) == "audit chain intact: 5 event(s) verified"


def test_an_empty_chain_verifies():
    assert verify_chain().ok


def test_the_event_records_actor_object_and_data():
    officer = returning_officer(email="ro@example.org")
    region = make_region(name="Wales")

    with transaction.atomic():
        event = record_event("region:created", actor=officer, obj=region, data={"code": "wales"})

    assert event.actor_label == "returning officer ro@example.org"
    assert (event.object_type, event.object_id, event.object_repr) == (
        "members.region",
        str(region.pk),
        "Wales",
    )
    assert AuditEvent.objects.for_object(region).get() == event


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        record_event("test:event", actor=None)


def test_the_orm_refuses_to_change_or_delete_events():
    (event,) = record(1)

    event.tag = "forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(tag="forged")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_an_update_behind_the_orms_back():
    (event,) = record(1)

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET tag = 'forged' WHERE id = %s", [event.pk])


def _drop_trigger() -> None:
    """Remove the append-only trigger inside the current transaction (rolled back with the test)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER audit_event_append_only ON audit_auditevent")
        else:
            cursor.execute("DROP TRIGGER audit_event_append_only")


def _raw(sql: str, params: list[object]) -> None:
    _drop_trigger()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_verify_finds_altered_content():
    events = record(4)
    _raw(
        "UPDATE audit_auditevent SET data = %s WHERE id = %s",
        [json.dumps({"i": 99, "name": "Zoë"}), events[1].pk],
    )

    report = verify_chain()

    assert not report.ok
    assert report.fault_seq == 2
    assert report.checked == 1
    assert "does not match its hash" in report.fault


def test_verify_finds_a_rehashed_event_that_no_longer_links():
    events = record(3)
    forged = AuditEvent.objects.get(pk=events[1].pk)
    forged.data = {"i": 42}
    content = event_content(forged)
    new_hash = hashlib.sha256(canonical_bytes(content)).hexdigest()
    _raw(
        "UPDATE audit_auditevent SET data = %s, hash = %s WHERE id = %s",
        [json.dumps({"i": 42}), new_hash, events[1].pk],
    )

    report = verify_chain()

    assert (report.ok, report.fault_seq) == (False, 3)
    assert "does not follow" in report.fault


def test_verify_finds_a_deleted_event_in_the_middle():
    events = record(3)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])

    report = verify_chain()

    assert (report.ok, report.fault_seq) == (False, 3)
    assert "expected event #2" in report.fault


def test_verify_finds_events_cut_from_the_end():
    events = record(3)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])

    report = verify_chain()

    assert not report.ok
    assert "chain head records event #3" in report.fault


def test_the_head_follows_the_newest_event():
    events = record(2)

    head = ChainHead.objects.get()
    assert (head.seq, head.hash) == (2, events[1].hash)


def test_json_export_holds_every_hashed_field_and_the_hash():
    events = record(2)

    exported = json.loads("".join(export_json(AuditEvent.objects.order_by("seq"))))

    assert [row["hash"] for row in exported] == [e.hash for e in events]
    for row in exported:
        content = {k: v for k, v in row.items() if k != "hash"}
        assert hashlib.sha256(canonical_bytes(content)).hexdigest() == row["hash"]


def test_csv_export_has_a_header_and_one_row_per_event():
    record(3)

    lines = "".join(export_csv(AuditEvent.objects.order_by("seq"))).splitlines()

    assert lines[0].startswith("seq,at,tag,actor_id,actor_label")
    assert len(lines) == 4
    assert '"{""i"":0,""name"":""Zoë""}"' in lines[1]
