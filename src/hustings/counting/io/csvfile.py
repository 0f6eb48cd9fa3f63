"""Read and write ballots as CSV: one ballot per row, ranked by name or marked in columns.

Two layouts, told apart by the header row (see docs/counting/files.md):
- ranked: columns `1`, `2`, `3`, ... hold the names of the voter's first, second, third ...
  choices; a voter who ranked fewer leaves the rest blank.
- marks (a block vote): one column per candidate, headed by the name; a cell holding `X`, `x`, `1`
  or `✓` marks that candidate, a blank cell or `0` does not.
Either may have a `weight` column (a positive whole number: how many voters cast that ballot);
without one every row is one ballot. A completely empty line is skipped; a row of empty cells is a
blank ballot, which the count reports as invalid.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Literal, Protocol

from hustings.counting.errors import BallotFileError, CountError
from hustings.counting.io._limits import MAX_TOTAL, MAX_WEIGHT
from hustings.counting.profile import Profile

__all__ = [
    "MARKS",
    "CsvLayout",
    "format_csv_ballots",
    "parse_csv_ballots",
    "read_csv_ballots",
    "write_csv_ballots",
]

CsvLayout = Literal["auto", "ranked", "marks"]

#: Cell values that mark a candidate in the marks layout (compared after trimming spaces).
MARKS = frozenset({"X", "x", "1", "✓", "✔"})
_UNMARKED = frozenset({"", "0"})
_WEIGHT = "weight"


def read_csv_ballots(
    path: str | os.PathLike[str],
    *,
    layout: CsvLayout = "auto",
    candidates: Sequence[str] | None = None,
    seats: int | None = None,
    title: str = "",
    encoding: str = "utf-8",
    skipped_ranks: Literal["reject", "truncate"] = "reject",
) -> Profile:
    """Read a CSV ballot file into a profile, merging identical ballots."""
    data = Path(path).read_bytes()
    return parse_csv_ballots(
        _decode(data, encoding, os.fspath(path)),
        path=os.fspath(path),
        layout=layout,
        candidates=candidates,
        seats=seats,
        title=title,
        skipped_ranks=skipped_ranks,
    )


def _decode(data: bytes, encoding: str, path: str | None) -> str:
    try:
        return data.decode(
            "utf-8-sig" if encoding.lower().replace("_", "-") == "utf-8" else encoding
        )
    except LookupError:
        raise BallotFileError(f"unknown text encoding {encoding!r}", path=path) from None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise BallotFileError(
            f"the file is not valid {encoding} text (byte {data[error.start : error.end].hex(' ')})"
            "; give its encoding, e.g. --encoding cp1252",
            path=path,
            line=line,
        ) from None


def parse_csv_ballots(
    text: str,
    *,
    path: str | None = None,
    layout: CsvLayout = "auto",
    candidates: Sequence[str] | None = None,
    seats: int | None = None,
    title: str = "",
    skipped_ranks: Literal["reject", "truncate"] = "reject",
) -> Profile:
    """Parse CSV ballots; `candidates` fixes the names and their order (else they are found)."""
    if layout not in ("auto", "ranked", "marks"):
        raise ValueError(f"layout must be 'auto', 'ranked' or 'marks', not {layout!r}")
    if skipped_ranks not in ("reject", "truncate"):
        raise ValueError(f"skipped_ranks must be 'reject' or 'truncate', not {skipped_ranks!r}")
    reader = csv.reader(
        io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True, skipinitialspace=True
    )

    def error(message: str, line: int | None = None) -> BallotFileError:
        return BallotFileError(message, path=path, line=reader.line_num if line is None else line)

    try:
        header = next((row for row in reader if row), None)
        if header is None:
            raise error("the file is empty: expected a header row", 1)
        header_line = reader.line_num
        columns = [cell.strip() for cell in header]
        weight_column = _weight_column(columns, error)
        others = [c for i, c in enumerate(columns) if i != weight_column]
        if not others:
            raise error("the header names no preference or candidate columns", header_line)
        ranked = _is_ranked_header(others)
        if layout == "ranked" and not ranked:
            raise error(
                "expected a ranked-ballot header: a column for each preference headed 1, 2, 3, "
                "... in order (and optionally a weight column); this looks like one column per "
                "candidate, which is the layout for a block vote",
                header_line,
            )
        if layout == "marks":
            ranked = False
        parser: _RankedRows | _MarkedRows
        if ranked:
            parser = _RankedRows(candidates, skipped_ranks)
        else:
            parser = _MarkedRows(others, candidates, error, header_line)
        counts: dict[tuple[int, ...], int] = {}
        total = 0
        for row in reader:
            if not row:
                continue
            if len(row) > len(columns):
                extra = ", ".join(repr(c) for c in row[len(columns) :] if c.strip())
                if extra:
                    raise error(f"the row has more cells than the header: {extra}")
            cells = [c.strip() for c in row] + [""] * (len(columns) - len(row))
            weight = 1
            if weight_column is not None:
                weight = _weight(cells[weight_column], error)
            choices = [c for i, c in enumerate(cells[: len(columns)]) if i != weight_column]
            key = parser.ballot(choices, error)
            counts[key] = counts.get(key, 0) + weight
            total += weight
            if total > MAX_TOTAL:
                raise error("the weights add up to more than can be counted")
    except csv.Error as problem:
        raise error(f"not a well-formed CSV file: {problem}") from None
    names = parser.names()
    try:
        return Profile.from_counts(names, counts, seats=seats, title=title)
    except CountError as problem:
        raise BallotFileError(str(problem), path=path) from None


def _weight_column(columns: list[str], error: _ErrorMaker) -> int | None:
    found = [i for i, c in enumerate(columns) if c.lower() == _WEIGHT]
    if len(found) > 1:
        raise error("the header has more than one weight column")
    return found[0] if found else None


def _is_ranked_header(columns: list[str]) -> bool:
    if not columns or not all(c.isascii() and c.isdigit() for c in columns):
        return False
    return [int(c) for c in columns] == list(range(1, len(columns) + 1))


def _weight(cell: str, error: _ErrorMaker) -> int:
    if not (cell.isascii() and cell.isdigit()) or not 1 <= int(cell) <= MAX_WEIGHT:
        raise error(f"the weight must be a whole number from 1 to {MAX_WEIGHT}, not {cell!r}")
    return int(cell)


class _ErrorMaker(Protocol):
    """Builds a BallotFileError for the current line."""

    def __call__(self, message: str, line: int | None = None) -> BallotFileError: ...


class _RankedRows:
    """Reads rows of names in preference order."""

    def __init__(
        self, candidates: Sequence[str] | None, skipped_ranks: Literal["reject", "truncate"]
    ) -> None:
        self.fixed = candidates is not None
        self.order: list[str] = list(candidates or ())
        self.index = {name: i for i, name in enumerate(self.order)}
        if len(self.index) != len(self.order):
            raise CountError("the list of candidates names someone twice")
        self.skipped_ranks = skipped_ranks

    def ballot(self, cells: list[str], error: _ErrorMaker) -> tuple[int, ...]:
        ranking: list[int] = []
        gap_at: int | None = None
        for position, name in enumerate(cells, start=1):
            if not name:
                gap_at = gap_at or position
                continue
            if gap_at is not None:
                if self.skipped_ranks == "reject":
                    raise error(
                        f"preference {gap_at} is blank but preference {position} is not "
                        "(skipped ranks are not allowed; --skipped-ranks truncate counts the "
                        "ballot up to the gap)"
                    )
                break
            index = self.index.get(name)
            if index is None:
                if self.fixed:
                    raise error(f"unknown candidate {name!r} (preference {position})")
                index = self.index[name] = len(self.order)
                self.order.append(name)
            if index in ranking:
                raise error(f"the ballot ranks {name!r} twice")
            ranking.append(index)
        return tuple(ranking)

    def names(self) -> list[str]:
        return self.order


class _MarkedRows:
    """Reads rows of marks under one column per candidate."""

    def __init__(
        self,
        columns: list[str],
        candidates: Sequence[str] | None,
        error: _ErrorMaker,
        header_line: int,
    ) -> None:
        self.columns = columns
        seen: set[str] = set()
        for name in columns:
            if not name:
                raise error("a column of the header has no candidate's name", header_line)
            if name in seen:
                raise error(f"two columns are headed {name!r}", header_line)
            seen.add(name)
        if candidates is not None:
            unknown = [c for c in columns if c not in set(candidates)]
            if unknown:
                raise error(f"unknown candidate {unknown[0]!r} in the header", header_line)
            self.order = list(candidates)
        else:
            self.order = list(columns)
        position = {name: i for i, name in enumerate(self.order)}
        self.index = [position[name] for name in columns]

    def ballot(self, cells: list[str], error: _ErrorMaker) -> tuple[int, ...]:
        marked: list[int] = []
        for column, cell in enumerate(cells):
            if cell in MARKS:
                marked.append(self.index[column])
            elif cell not in _UNMARKED:
                raise error(
                    f"cell {cell!r} under {self.columns[column]!r}: mark a candidate with X or 1, "
                    "or leave the cell blank"
                )
        return tuple(sorted(marked))

    def names(self) -> list[str]:
        return self.order


def format_csv_ballots(profile: Profile, *, layout: Literal["ranked", "marks"] = "ranked") -> str:
    """Return the profile as CSV text, each distinct ballot once with its weight."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    ballots = [(r, w) for r, w in profile.canonical().ballots() if w]
    if layout == "ranked":
        width = max((len(r) for r, _ in ballots), default=1) or 1
        writer.writerow([_WEIGHT, *map(str, range(1, width + 1))])
        for ranking, weight in ballots:
            names = [profile.candidates[c] for c in ranking]
            writer.writerow([weight, *names, *[""] * (width - len(names))])
    elif layout == "marks":
        writer.writerow([_WEIGHT, *profile.candidates])
        for ranking, weight in ballots:
            chosen = set(ranking)
            writer.writerow(
                [weight, *("X" if i in chosen else "" for i in range(len(profile.candidates)))]
            )
    else:
        raise ValueError(f"layout must be 'ranked' or 'marks', not {layout!r}")
    return out.getvalue()


def write_csv_ballots(
    profile: Profile,
    target: str | os.PathLike[str] | IO[str],
    *,
    layout: Literal["ranked", "marks"] = "ranked",
) -> None:
    """Write the profile as a CSV ballot file to a path or an open text stream."""
    text = format_csv_ballots(profile, layout=layout)
    if isinstance(target, (str, os.PathLike)):
        Path(target).write_text(text, encoding="utf-8")
    else:
        target.write(text)
