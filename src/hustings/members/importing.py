"""Read unit and member registers from CSV, check every row, and load the good ones in bulk.

A register of 600,000 members must load in well under a minute, so rows are checked in plain
Python against maps loaded once (units, existing members), and written with one statement per
batch: executemany on SQLite, COPY on PostgreSQL. Nothing here issues a query per row.

Bad rows are reported by the line of the file on which they start, with the reason, so that
whoever keeps the register can fix them at the source.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, validate_email
from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from hustings.members.models import Gender, Member, Region, Unit

__all__ = [
    "MEMBER_COLUMNS",
    "UNIT_COLUMNS",
    "ImportFileError",
    "ImportReport",
    "RowError",
    "import_members",
    "import_units",
    "parse_date",
    "read_members",
    "write_members",
]

UNIT_COLUMNS = {"required": ("unit_code", "unit_name", "region_name"), "optional": ("region_code",)}
MEMBER_COLUMNS = {
    "required": ("membership_number", "name", "unit_code", "joined_on"),
    "optional": (
        "email",
        "address_line_1",
        "address_line_2",
        "address_line_3",
        "town",
        "postcode",
        "paid_until",
        "gender",
        "gender_self_description",
    ),
}
ADDRESS_COLUMNS = ("address_line_1", "address_line_2", "address_line_3", "town")

_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/-]{0,31}$")
_POSTCODE = re.compile(r"^[A-Za-z0-9 ]{2,10}$")
_GENDERS = {value.replace("-", ""): value for value in Gender.values if value} | {
    "nonbinary": Gender.NON_BINARY,
    "selfdescribed": Gender.SELF_DESCRIBED,
}
# Only the fields an import writes; names match both the model and the table's columns.
_WRITTEN = (
    "membership_number",
    "name",
    "email",
    "address",
    "postcode",
    "unit_id",
    "joined_on",
    "paid_until",
    "gender",
    "gender_self_description",
)
BATCH = 5000

# Django's own email patterns, compiled once: they accept exactly what validate_email accepts
# without its fallbacks (internationalised domains, IP literals), which then get the full check.
_EMAIL_RULES = EmailValidator()
_EMAIL_USER = re.compile(_EMAIL_RULES.user_regex.pattern, _EMAIL_RULES.user_regex.flags)
_EMAIL_DOMAIN = re.compile(_EMAIL_RULES.domain_regex.pattern, _EMAIL_RULES.domain_regex.flags)


def _valid_email(email: str) -> bool:
    """Return whether Django's validate_email accepts the address, quickly for plain ones."""
    user, at, domain = email.rpartition("@")
    if at and len(email) <= 320 and _EMAIL_USER.match(user) and _EMAIL_DOMAIN.match(domain):
        return True
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


class ImportFileError(ValueError):
    """The file as a whole cannot be read: wrong encoding, missing or unknown columns."""


@dataclass(frozen=True)
class RowError:
    """One rejected row: the line of the file where it starts, and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class ImportReport:
    """What an import did, row by row for the rejected ones."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    strict_refused: bool = False
    # Members already in the database whom this file does not mention (left as they were).
    not_in_file: int = 0
    regions_created: int = 0

    @property
    def rejected(self) -> int:
        """Return how many rows were rejected."""
        return len({error.line for error in self.errors})

    def summary(self) -> str:
        """Return the one-paragraph summary printed after an import."""
        if self.strict_refused:
            return (
                f"Nothing imported: {self.rejected} of {self.rows} row(s) rejected, and --strict "
                "loads nothing unless every row is good."
            )
        text = (
            f"{self.rows} row(s) read: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.rejected} rejected."
        )
        if self.regions_created:
            text += f" {self.regions_created} new region(s)."
        if self.not_in_file:
            text += (
                f" {self.not_in_file} existing record(s) not in this file were left as they were."
            )
        return text

    def as_dict(self) -> dict[str, Any]:
        """Return the counts, for the audit log."""
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "not_in_file": self.not_in_file,
            "strict_refused": self.strict_refused,
            "regions_created": self.regions_created,
        }


def parse_date(text: str) -> date:
    """Parse a date written as YYYY-MM-DD or DD/MM/YYYY (the UK order, never the US one)."""
    text = text.strip()
    if "/" in text:
        parts = text.split("/")
        if len(parts) != 3 or len(parts[2]) != 4:
            raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD or DD/MM/YYYY)")
        day, month, year = parts
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError(f"{text!r} is not a real date") from None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD or DD/MM/YYYY)") from None


def _header_key(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def _records(
    stream: IO[str], columns: dict[str, tuple[str, ...]]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (starting line, row as column -> stripped text) for every non-blank data row."""
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("the file is empty: expected a header row") from None
    except UnicodeDecodeError as error:
        raise ImportFileError(f"the file is not UTF-8 text ({error.reason})") from None
    keys = [_header_key(name) for name in header]
    known = set(columns["required"]) | set(columns["optional"])
    unknown = [name for name, key in zip(header, keys, strict=True) if key not in known]
    if unknown:
        raise ImportFileError(
            f"line 1: unknown column(s) {', '.join(repr(u) for u in unknown)}; expected "
            f"{', '.join(columns['required'])} and optionally {', '.join(columns['optional'])}"
        )
    missing = [name for name in columns["required"] if name not in keys]
    if missing:
        raise ImportFileError(f"line 1: missing column(s) {', '.join(missing)}")
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise ImportFileError(f"line 1: column(s) {', '.join(repeated)} appear more than once")
    width = len(keys)
    previous_end = reader.line_num
    while True:
        try:
            raw = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as error:
            raise ImportFileError(
                f"after line {previous_end}: the file is not UTF-8 text ({error.reason})"
            ) from None
        except csv.Error as error:
            raise ImportFileError(f"line {previous_end + 1}: {error}") from None
        start, previous_end = previous_end + 1, reader.line_num
        if not any(cell.strip() for cell in raw):
            continue
        if len(raw) != width:
            yield start, {"": f"has {len(raw)} field(s) where the header has {width}"}
            continue
        yield start, {key: cell.strip() for key, cell in zip(keys, raw, strict=True)}


# -- Units -------------------------------------------------------------------------------------


def import_units(stream: IO[str], *, strict: bool = False) -> ImportReport:
    """Create or update units (and their regions) from a CSV of unit_code, unit_name, region_name."""
    report = ImportReport()
    rows: dict[str, tuple[int, str, str, str]] = {}
    seen_on: dict[str, int] = {}
    for line, record in _records(stream, UNIT_COLUMNS):
        report.rows += 1
        if "" in record:
            report.errors.append(RowError(line, record[""]))
            continue
        code, name, region = record["unit_code"], record["unit_name"], record["region_name"]
        region_code = record.get("region_code") or slugify(region)
        problems = []
        if not code:
            problems.append("missing unit code")
        elif len(code) > 40:
            problems.append(f"unit code {code[:20]!r}… is longer than 40 characters")
        if not name:
            problems.append("missing unit name")
        elif len(name) > 200:
            problems.append("unit name is longer than 200 characters")
        if not region:
            problems.append("missing region name")
        elif not region_code or len(region_code) > 40 or len(region) > 100:
            problems.append(f"region {region!r} needs a shorter name or a region code")
        if code and code in seen_on:
            problems.append(f"unit code {code} is also on line {seen_on[code]}")
            if code in rows:
                first = rows.pop(code)
                report.errors.append(RowError(first[0], f"unit code {code} is also on line {line}"))
        if problems:
            report.errors.extend(RowError(line, problem) for problem in problems)
        else:
            rows[code] = (line, name, region, region_code)
        if code:
            seen_on.setdefault(code, line)
    report.errors.sort(key=lambda error: error.line)
    if strict and report.errors:
        report.strict_refused = True
        return report

    regions = {region.name: region for region in Region.objects.all()}
    region_codes = {region.code: region for region in regions.values()}
    for _, _, region_name, code_for_region in rows.values():
        if region_name not in regions:
            if code_for_region in region_codes:
                raise ImportFileError(
                    f"region {region_name!r} would need the code {code_for_region!r}, which "
                    f"{region_codes[code_for_region].name!r} already has; add a region_code column"
                )
            created = Region.objects.create(code=code_for_region, name=region_name)
            regions[region_name] = region_codes[code_for_region] = created
            report.regions_created += 1
    existing = {unit.code: unit for unit in Unit.objects.all()}
    new, changed = [], []
    for code, (_, name, region_name, _) in rows.items():
        region_id = regions[region_name].pk
        unit = existing.get(code)
        if unit is None:
            new.append(Unit(code=code, name=name, region_id=region_id))
        elif (unit.name, unit.region_id) != (name, region_id):
            unit.name, unit.region_id = name, region_id
            changed.append(unit)
        else:
            report.unchanged += 1
    Unit.objects.bulk_create(new, batch_size=BATCH)
    Unit.objects.bulk_update(changed, ["name", "region"], batch_size=BATCH)
    report.created, report.updated = len(new), len(changed)
    report.not_in_file = len(set(existing) - set(rows))
    return report


# -- Members -----------------------------------------------------------------------------------

MemberRow = tuple[str, str, str, str, str, int, date, date | None, str, str]


def _member_row(
    record: dict[str, str], unit_ids: dict[str, int], today: date
) -> tuple[MemberRow | None, list[str]]:
    """Return the row as values to store, or the reasons it cannot be stored."""
    problems: list[str] = []
    number = record["membership_number"]
    if not number:
        problems.append("missing membership number")
    elif not _NUMBER.match(number):
        problems.append(
            f"membership number {number[:40]!r} must be up to 32 letters, digits, '-' or '/'"
        )
    name = " ".join(record["name"].split())
    if not name:
        problems.append("missing name")
    elif len(name) > 200:
        problems.append("name is longer than 200 characters")

    email = record.get("email", "")
    if email:
        if not _valid_email(email):
            problems.append(f"email {email[:60]!r} is not a valid address")
        else:
            local, _, domain = email.rpartition("@")
            email = f"{local}@{domain.lower()}"

    unit_code = record["unit_code"]
    unit_id = unit_ids.get(unit_code)
    if not unit_code:
        problems.append("missing unit code")
    elif unit_id is None:
        problems.append(f"unknown unit code {unit_code[:40]!r} (import the units first)")

    joined_on: date | None = None
    if not record["joined_on"]:
        problems.append("missing joined_on date")
    else:
        try:
            joined_on = parse_date(record["joined_on"])
        except ValueError as error:
            problems.append(f"joined_on: {error}")
        else:
            if joined_on > today:
                problems.append(f"joined_on {joined_on:%Y-%m-%d} is in the future")
    paid_until: date | None = None
    if record.get("paid_until"):
        try:
            paid_until = parse_date(record["paid_until"])
        except ValueError as error:
            problems.append(f"paid_until: {error}")

    gender_text = record.get("gender", "")
    gender = _GENDERS.get(gender_text.lower().replace("-", "").replace(" ", "").replace("_", ""))
    if gender_text and gender is None:
        problems.append(
            f"gender {gender_text[:30]!r} is not one of {', '.join(v for v in Gender.values if v)}"
        )
    description = record.get("gender_self_description", "")
    if description and gender != Gender.SELF_DESCRIBED:
        problems.append("gender_self_description is given but gender is not self-described")
    if len(description) > 100:
        problems.append("gender_self_description is longer than 100 characters")

    postcode = " ".join(record.get("postcode", "").upper().split())
    if postcode and not _POSTCODE.match(postcode):
        problems.append(f"postcode {postcode[:20]!r} is not a postcode")
    address = "\n".join(record[c] for c in ADDRESS_COLUMNS if record.get(c))
    if len(email) > 254:
        problems.append("email is longer than 254 characters")
    if problems:
        return None, problems
    assert unit_id is not None
    assert joined_on is not None
    return (
        number,
        name,
        email,
        address,
        postcode,
        unit_id,
        joined_on,
        paid_until,
        gender or "",
        description,
    ), []


def read_members(
    stream: IO[str], unit_ids: dict[str, int], today: date
) -> tuple[list[MemberRow], list[RowError], int]:
    """Check every row; return the good rows, the errors and the number of rows read."""
    good: dict[str, tuple[int, MemberRow]] = {}
    errors: list[RowError] = []
    lines_of: dict[str, list[int]] = defaultdict(list)
    rows = 0
    for line, record in _records(stream, MEMBER_COLUMNS):
        rows += 1
        if "" in record:
            errors.append(RowError(line, record[""]))
            continue
        row, problems = _member_row(record, unit_ids, today)
        number = record["membership_number"]
        if number:
            lines_of[number].append(line)
        if row is None:
            errors.extend(RowError(line, problem) for problem in problems)
        else:
            good[row[0]] = (line, row)
    # A number on two rows is ambiguous: neither row can be trusted over the other.
    for number, lines in lines_of.items():
        if len(lines) > 1:
            good.pop(number, None)
            for line in lines:
                others = ", ".join(str(other) for other in lines if other != line)
                errors.append(
                    RowError(line, f"membership number {number} is also on line(s) {others}")
                )
    errors.sort(key=lambda error: error.line)
    return [row for _, row in sorted(good.values(), key=lambda item: item[0])], errors, rows


def _adapt(rows: Iterable[MemberRow]) -> Iterator[tuple[Any, ...]]:
    """Return rows with dates as the database keeps them (SQLite: ISO text)."""
    ops = connection.ops
    for row in rows:
        yield (
            *row[:6],
            ops.adapt_datefield_value(row[6]),
            ops.adapt_datefield_value(row[7]),
            *row[8:],
        )


def _existing_members() -> dict[str, tuple[int, tuple[Any, ...]]]:
    """Return every member's id and stored values, keyed by membership number."""
    table = Member._meta.db_table
    columns = ", ".join(connection.ops.quote_name(c) for c in _WRITTEN)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {columns} FROM {table}")
        return {row[1]: (row[0], tuple(row[1:])) for row in cursor.fetchall()}


def _write_sqlite(
    new: Sequence[tuple[Any, ...]], changed: Sequence[tuple[Any, ...]], now: Any
) -> None:
    table = Member._meta.db_table
    names = [*_WRITTEN, "updated_at"]
    insert = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})"
    update = (
        f"UPDATE {table} SET {', '.join(f'{n} = %s' for n in names[1:])} "
        "WHERE membership_number = %s"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(new), BATCH):
            cursor.executemany(insert, [(*row, now) for row in new[start : start + BATCH]])
        for start in range(0, len(changed), BATCH):
            cursor.executemany(
                update, [(*row[1:], now, row[0]) for row in changed[start : start + BATCH]]
            )


def _write_postgresql(new: Sequence[MemberRow], changed: Sequence[MemberRow], now: Any) -> None:
    table = Member._meta.db_table
    names = ", ".join([*_WRITTEN, "updated_at"])
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        if new:
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in new:
                    copy.write_row((*row, now))
        if changed:
            cursor.execute("DROP TABLE IF EXISTS member_import")
            cursor.execute(
                f"CREATE TEMPORARY TABLE member_import ON COMMIT DROP AS "
                f"SELECT {names} FROM {table} WITH NO DATA"
            )
            with raw.copy(f"COPY member_import ({names}) FROM STDIN") as copy:
                for row in changed:
                    copy.write_row((*row, now))
            assignments = ", ".join(f"{n} = i.{n}" for n in [*_WRITTEN[1:], "updated_at"])
            cursor.execute(
                f"UPDATE {table} AS m SET {assignments} FROM member_import AS i "
                "WHERE m.membership_number = i.membership_number"
            )


def import_members(
    stream: IO[str], *, strict: bool = False, now: datetime | None = None
) -> ImportReport:
    """Check every member row, then create new members and update changed ones by number."""
    now = now or timezone.now()
    unit_ids = dict(Unit.objects.values_list("code", "id"))
    rows, errors, count = read_members(stream, unit_ids, timezone.localdate(now))
    report = ImportReport(rows=count, errors=errors)
    if strict and errors:
        report.strict_refused = True
        return report
    existing = _existing_members()
    new: list[MemberRow] = []
    changed: list[MemberRow] = []
    seen = 0
    for row in rows:
        stored = existing.get(row[0])
        if stored is None:
            new.append(row)
        else:
            seen += 1
            if stored[1] != row:
                changed.append(row)
    report.created, report.updated = len(new), len(changed)
    report.unchanged = seen - len(changed)
    report.not_in_file = len(existing) - seen
    write_members(new, changed, now)
    return report


def write_members(new: Sequence[MemberRow], changed: Sequence[MemberRow], now: datetime) -> None:
    """Insert new members and update changed ones (matched by number) in a few statements."""
    stamp = connection.ops.adapt_datetimefield_value(now)
    if connection.vendor == "postgresql":
        _write_postgresql(new, changed, stamp)
    else:
        _write_sqlite(list(_adapt(new)), list(_adapt(changed)), stamp)


def open_text(data: bytes | IO[bytes]) -> IO[str]:
    """Return a text stream over CSV bytes, UTF-8 with or without a byte-order mark."""
    binary = io.BytesIO(data) if isinstance(data, bytes) else data
    return io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
