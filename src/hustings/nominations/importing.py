"""Importing units' nominations from CSV: each unit's rows are one return, checked as a secretary's.

Columns: unit_code, contest (the contest's slug), membership_number (the candidate's), meeting_date
(YYYY-MM-DD), meeting_kind (general-committee or all-member), attendance, and optionally votes. All
of one unit's rows for one contest form its return, which replaces any earlier one; if any of those
rows is bad, none of them is recorded, and every one is reported with its line.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from hustings.audit import tags
from hustings.audit.chain import record_event
from hustings.candidates.models import Candidacy
from hustings.elections.models import Contest, Election
from hustings.members.actions import Upload
from hustings.members.importing import ImportFileError, RowError
from hustings.members.models import Unit
from hustings.nominations.actions import Meeting, do_record_unit_nominations

if TYPE_CHECKING:
    from hustings.accounts.models import User

__all__ = ["COLUMNS", "NominationImportReport", "do_import_nominations"]

COLUMNS = (
    "unit_code",
    "contest",
    "membership_number",
    "meeting_date",
    "meeting_kind",
    "attendance",
)
OPTIONAL = ("votes",)


@dataclass
class NominationImportReport:
    """What an import did: returns recorded, and every rejected row with its line and reason."""

    rows: int = 0
    returns: int = 0
    recorded_rows: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        """Return how many rows were rejected."""
        return len({error.line for error in self.errors})

    def summary(self) -> str:
        """Return the one-line summary printed after an import."""
        return (
            f"{self.rows} row(s) read: {self.returns} unit return(s) recorded from "
            f"{self.recorded_rows} row(s); {self.rejected} row(s) rejected."
        )


@dataclass
class _Row:
    line: int
    unit: str
    contest: str
    member: str
    meeting: tuple[str, str, str]
    votes: str


def _read(upload: Upload) -> list[_Row]:
    try:
        text = upload.data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(f"not UTF-8 text (byte {error.start})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in reader.fieldnames or ()]
    missing = [name for name in COLUMNS if name not in header]
    unknown = [name for name in header if name not in COLUMNS + OPTIONAL]
    if missing:
        raise ImportFileError(f"missing column(s): {', '.join(missing)}")
    if unknown:
        raise ImportFileError(f"unknown column(s): {', '.join(unknown)}")
    reader.fieldnames = header
    rows = []
    for record in reader:
        value = {k: (v or "").strip() for k, v in record.items() if k is not None}
        rows.append(
            _Row(
                line=reader.line_num,
                unit=value["unit_code"],
                contest=value["contest"],
                member=value["membership_number"],
                meeting=(value["meeting_date"], value["meeting_kind"], value["attendance"]),
                votes=value.get("votes", ""),
            )
        )
    return rows


def _meeting(raw: tuple[str, str, str]) -> Meeting:
    day, kind, attendance = raw
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise ValidationError(f"meeting_date {day!r} is not a date like 2026-05-14") from None
    if not attendance.isdigit():
        raise ValidationError(f"attendance {attendance!r} is not a whole number")
    return Meeting(date=when, kind=kind, attendance=int(attendance))


def _messages(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def _record_group(
    actor: User | None,
    election: Election,
    key: tuple[str, str],
    rows: list[_Row],
    via: str,
    now: datetime | None,
) -> list[RowError]:
    unit_code, contest_slug = key
    errors: list[RowError] = []
    unit = Unit.objects.filter(code=unit_code).first()
    contest = Contest.objects.filter(election=election, slug=contest_slug).first()
    if unit is None:
        errors += [RowError(row.line, f"no unit with code {unit_code!r}") for row in rows]
    if contest is None:
        errors += [
            RowError(row.line, f"no contest {contest_slug!r} in {election.name}") for row in rows
        ]
    if unit is None or contest is None:
        return errors
    meetings = {row.meeting for row in rows}
    if len(meetings) > 1:
        return [
            RowError(row.line, f"{unit.name}'s rows for {contest.name} disagree about the meeting")
            for row in rows
        ]
    candidacies: list[Candidacy] = []
    votes: dict[int, int] = {}
    for row in rows:
        found = (
            Candidacy.objects.filter(contest=contest, member__membership_number=row.member)
            .select_related("member")
            .order_by("withdrawn_at", "removed_at", "-declared_at")
            .first()
        )
        if found is None:
            errors.append(
                RowError(row.line, f"member {row.member!r} is not a candidate in {contest.name}")
            )
            continue
        candidacies.append(found)
        if row.votes:
            if not row.votes.isdigit():
                errors.append(RowError(row.line, f"votes {row.votes!r} is not a whole number"))
            else:
                votes[found.pk] = int(row.votes)
    try:
        meeting = _meeting(rows[0].meeting)
    except ValidationError as error:
        return errors + [RowError(row.line, _messages(error)) for row in rows]
    if errors:
        return errors + [
            RowError(row.line, f"not recorded: another of {unit.name}'s rows was rejected")
            for row in rows
            if row.line not in {error.line for error in errors}
        ]
    try:
        do_record_unit_nominations(
            actor,
            unit,
            contest,
            candidacies,
            meeting=meeting,
            votes=votes,
            recorded_via=via,
            now=now,
        )
    except (ValidationError, PermissionDenied) as error:
        return [RowError(row.line, f"{unit.name}: {_messages(error)}") for row in rows]
    return []


def do_import_nominations(
    actor: User | None,
    election: Election,
    upload: Upload,
    *,
    actor_label: str | None = None,
    now: datetime | None = None,
) -> NominationImportReport:
    """Record every unit's return found in a CSV file, each under the same rules as by hand."""
    rows = _read(upload)
    groups: dict[tuple[str, str], list[_Row]] = defaultdict(list)
    for row in rows:
        groups[(row.unit, row.contest)].append(row)
    report = NominationImportReport(rows=len(rows))
    via = actor_label or f"import ({upload.name})"
    for key, group in groups.items():
        errors = _record_group(actor, election, key, group, via, now)
        if errors:
            report.errors += errors
        else:
            report.returns += 1
            report.recorded_rows += len(group)
    report.errors.sort(key=lambda error: error.line)
    with transaction.atomic():
        record_event(
            tags.NOMINATIONS_IMPORTED,
            actor=actor,
            election=election,
            actor_label=actor_label,
            data={
                "file": upload.name,
                "sha256": upload.digest(),
                "rows": report.rows,
                "returns": report.returns,
                "rejected": report.rejected,
            },
        )
    return report
