"""Append events to the audit chain, verify it, and export it.

Each event's hash is SHA-256 over the UTF-8 bytes of a canonical JSON object (keys sorted, no
spaces, non-ASCII kept) holding every stored field of the event and the previous event's hash.
Anyone holding an export can recompute every hash with `canonical_bytes` and nothing else.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from hustings.audit.models import GENESIS, AuditEvent, ChainHead

if TYPE_CHECKING:
    from hustings.accounts.models import User
    from hustings.elections.models import Election

__all__ = [
    "ChainReport",
    "canonical_bytes",
    "event_content",
    "export_csv",
    "export_json",
    "record_event",
    "verify_chain",
]

HASHED_FIELDS = (
    "seq",
    "at",
    "tag",
    "actor_id",
    "actor_label",
    "election_id",
    "object_type",
    "object_id",
    "object_repr",
    "data",
    "prev_hash",
)


def _plain(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """Return data as plain JSON values, exactly as the database will give them back."""
    return json.loads(json.dumps(dict(data or {}), cls=DjangoJSONEncoder, sort_keys=True))  # type: ignore[no-any-return]


def _at(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_content(event: AuditEvent) -> dict[str, Any]:
    """Return the fields of an event that its hash covers, as JSON values."""
    return {
        "seq": event.seq,
        "at": _at(event.at),
        "tag": event.tag,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "election_id": event.election_id,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "data": event.data,
        "prev_hash": event.prev_hash,
    }


def canonical_bytes(content: Mapping[str, Any]) -> bytes:
    """Return the canonical JSON encoding of an event's content, the input to its hash."""
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _digest(content: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(content)).hexdigest()


def actor_label_for(actor: User | None) -> str:
    """Return how an actor is named in the log."""
    if actor is None:
        return "system"
    role = getattr(actor, "staff_role", "") or ""
    who = actor.email or f"user #{actor.pk}"
    return f"{role.replace('_', ' ')} {who}" if role else who


def record_event(
    tag: str,
    *,
    actor: User | None,
    obj: models.Model | None = None,
    election: Election | None = None,
    data: Mapping[str, Any] | None = None,
    actor_label: str | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Append one event to the chain; call it inside the transaction that made the change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the transaction that made the change")
    # Locking the head row is what serialises writers: the second waits, then reads the first's
    # hash, so the chain never forks. (SQLite has no row locks; its IMMEDIATE transactions
    # serialise writers for us, see settings.)
    head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
    at = at or timezone.now()
    event = AuditEvent(
        seq=head.seq + 1,
        # Stored at microsecond precision, the finest both SQLite and PostgreSQL keep.
        at=at.astimezone(UTC),
        tag=tag,
        actor=actor,
        actor_label=(actor_label or actor_label_for(actor))[:300],
        election=election,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        data=_plain(data),
        prev_hash=head.hash,
    )
    event.hash = _digest(event_content(event))
    event.save()
    head.seq, head.hash = event.seq, event.hash
    head.save(update_fields=["seq", "hash"])
    return event


@dataclass(frozen=True)
class ChainReport:
    """What verifying the chain found: how many events were checked and the first fault, if any."""

    checked: int
    fault: str = ""
    fault_seq: int | None = None

    @property
    def ok(self) -> bool:
        """Return whether the whole chain verified."""
        return not self.fault

    def __str__(self) -> str:
        if self.ok:
            return f"audit chain intact: {self.checked} event(s) verified"
        return f"audit chain broken at event #{self.fault_seq}: {self.fault}"


def verify_chain(events: Iterable[AuditEvent] | None = None) -> ChainReport:
    """Recompute every hash in order and report the first event that does not verify."""
    if events is None:
        events = AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    for event in events:
        if event.seq != expected_seq:
            return ChainReport(
                checked, f"expected event #{expected_seq} here, found #{event.seq}", event.seq
            )
        if event.prev_hash != expected_prev:
            return ChainReport(checked, "it does not follow the event before it", event.seq)
        if _digest(event_content(event)) != event.hash:
            return ChainReport(checked, "its content does not match its hash", event.seq)
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq, head.hash) != (checked, expected_prev):
        # Events were removed from the end: the head still remembers the newest one.
        return ChainReport(
            checked, f"the chain head records event #{head.seq}, which is missing", head.seq
        )
    return ChainReport(checked)


EXPORT_COLUMNS = (
    "seq",
    "at",
    "tag",
    "actor_id",
    "actor_label",
    "election_id",
    "object_type",
    "object_id",
    "object_repr",
    "data",
    "prev_hash",
    "hash",
)


def _rows(events: Iterable[AuditEvent]) -> Iterator[dict[str, Any]]:
    for event in events:
        row = event_content(event)
        row["hash"] = event.hash
        yield row


def export_json(events: Iterable[AuditEvent]) -> Iterator[str]:
    """Yield the events as a JSON array, in pieces, one event per line."""
    yield "[\n"
    first = True
    for row in _rows(events):
        yield ("" if first else ",\n") + json.dumps(row, sort_keys=True, ensure_ascii=False)
        first = False
    yield "\n]\n"


def export_csv(events: Iterable[AuditEvent]) -> Iterator[str]:
    """Yield the events as CSV, in pieces, with data as canonical JSON in one column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for row in _rows(events):
        row["data"] = canonical_bytes(row["data"]).decode("utf-8")
        writer.writerow(["" if row[c] is None else row[c] for c in EXPORT_COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()
