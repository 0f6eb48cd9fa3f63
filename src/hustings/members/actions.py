"""Changes to the organisation and its register; each runs in one transaction and is audited."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from hustings.audit import tags
from hustings.audit.chain import record_event
from hustings.members import importing
from hustings.members.importing import ImportReport
from hustings.members.models import Member, Unit, UnitSecretary

if TYPE_CHECKING:
    from hustings.accounts.models import User


@dataclass(frozen=True)
class Upload:
    """A CSV file to import: its bytes and the name to record in the audit log."""

    data: bytes
    name: str

    @classmethod
    def from_path(cls, path: str | Path) -> Upload:
        """Read a file from disk."""
        path = Path(path)
        return cls(path.read_bytes(), path.name)

    @classmethod
    def from_file(cls, handle: IO[bytes], name: str) -> Upload:
        """Read an uploaded file."""
        return cls(handle.read(), name)

    def digest(self) -> str:
        """Return the SHA-256 of the file, so the log pins exactly what was loaded."""
        return hashlib.sha256(self.data).hexdigest()


def _record_import(
    tag: str, actor: User | None, upload: Upload, report: ImportReport, actor_label: str | None
) -> None:
    record_event(
        tag,
        actor=actor,
        actor_label=actor_label,
        data={
            "file": upload.name,
            "sha256": upload.digest(),
            **report.as_dict(),
            # The first few reasons, so the log says why rows were refused; the full list was
            # shown to whoever imported.
            "first_errors": [str(error) for error in report.errors[:20]],
        },
    )


def do_import_units(
    actor: User | None, upload: Upload, *, strict: bool = False, actor_label: str | None = None
) -> ImportReport:
    """Create and update units and regions from a CSV register of units."""
    with transaction.atomic():
        report = importing.import_units(importing.open_text(upload.data), strict=strict)
        if not report.strict_refused:
            _record_import(tags.UNITS_IMPORTED, actor, upload, report, actor_label)
    return report


def do_import_members(
    actor: User | None,
    upload: Upload,
    *,
    strict: bool = False,
    actor_label: str | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Create and update members, matched by membership number, from a CSV register."""
    with transaction.atomic():
        report = importing.import_members(importing.open_text(upload.data), strict=strict, now=now)
        if not report.strict_refused:
            _record_import(tags.MEMBERS_IMPORTED, actor, upload, report, actor_label)
    return report


def do_appoint_unit_secretary(
    actor: User | None, unit: Unit, member: Member, *, now: datetime | None = None
) -> UnitSecretary:
    """Make a member of the unit its secretary, ending any current appointment."""
    if member.unit_id != unit.pk:
        raise ValueError(f"{member} is not a member of {unit}")
    now = now or timezone.now()
    with transaction.atomic():
        current = UnitSecretary.objects.select_for_update().filter(unit=unit, ended_at__isnull=True)
        ended = [str(s.member) for s in current]
        current.update(ended_at=now)
        appointment = UnitSecretary.objects.create(unit=unit, member=member, appointed_at=now)
        record_event(
            tags.UNIT_SECRETARY_APPOINTED,
            actor=actor,
            obj=appointment,
            data={"unit": unit.code, "member": member.membership_number, "replaces": ended},
        )
    return appointment
