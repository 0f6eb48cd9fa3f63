"""Ballot files: BLT, CSV and JSON readers and writers, and the candidates' attributes CSV.

`read_ballots(path)` picks the reader by the file's extension (.blt, .csv, .json); each format's
module has its own reader and writer with the options that format needs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from hustings.counting.errors import BallotFileError
from hustings.counting.io.attributes import parse_attributes, read_attributes
from hustings.counting.io.blt import format_blt, parse_blt, read_blt, repair_mojibake, write_blt
from hustings.counting.io.csvfile import (
    format_csv_ballots,
    parse_csv_ballots,
    read_csv_ballots,
    write_csv_ballots,
)
from hustings.counting.io.jsonfile import (
    format_json_ballots,
    parse_json_ballots,
    profile_to_dict,
    read_json_ballots,
    write_json_ballots,
)
from hustings.counting.profile import Profile

__all__ = [
    "FORMATS",
    "BallotFormat",
    "format_blt",
    "format_csv_ballots",
    "format_json_ballots",
    "format_of",
    "parse_attributes",
    "parse_blt",
    "parse_csv_ballots",
    "parse_json_ballots",
    "profile_to_dict",
    "read_attributes",
    "read_ballots",
    "read_blt",
    "read_csv_ballots",
    "read_json_ballots",
    "repair_mojibake",
    "write_blt",
    "write_csv_ballots",
    "write_json_ballots",
]

BallotFormat = Literal["blt", "csv", "json"]
FORMATS: tuple[BallotFormat, ...] = ("blt", "csv", "json")


def format_of(path: str | os.PathLike[str]) -> BallotFormat:
    """Return a ballot file's format from its extension, or refuse an unknown one."""
    suffix = Path(path).suffix.lower().lstrip(".")
    for known in FORMATS:
        if suffix == known:
            return known
    raise BallotFileError(
        "cannot tell the ballot file's format from its name (expected .blt, .csv or .json)",
        path=os.fspath(path),
    )


def read_ballots(
    path: str | os.PathLike[str], *, file_format: BallotFormat | None = None, **options: Any
) -> Profile:
    """Read a ballot file in any supported format, passing the options to its reader."""
    chosen = file_format or format_of(path)
    if chosen == "blt":
        return read_blt(path, **options)
    if chosen == "csv":
        return read_csv_ballots(path, **options)
    return read_json_ballots(path, **options)
