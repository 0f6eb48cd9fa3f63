"""Read the candidates' attributes CSV: `candidate` then one column per attribute, a row each."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Collection
from pathlib import Path

from hustings.counting.errors import BallotFileError

__all__ = ["parse_attributes", "read_attributes"]


def read_attributes(
    path: str | os.PathLike[str],
    *,
    candidates: Collection[str] | None = None,
    encoding: str = "utf-8",
) -> dict[str, dict[str, str]]:
    """Read {candidate name: {attribute: value}} from a CSV file."""
    data = Path(path).read_bytes()
    name = os.fspath(path)
    try:
        text = data.decode("utf-8-sig" if encoding.lower() in ("utf-8", "utf8") else encoding)
    except LookupError:
        raise BallotFileError(f"unknown text encoding {encoding!r}", path=name) from None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise BallotFileError(
            f"the file is not valid {encoding} text", path=name, line=line
        ) from None
    return parse_attributes(text, path=name, candidates=candidates)


def parse_attributes(
    text: str, *, path: str | None = None, candidates: Collection[str] | None = None
) -> dict[str, dict[str, str]]:
    """Parse attributes CSV text; with `candidates`, every row must name one of them.

    A blank cell means the candidate has no value for that attribute. Names and values are
    trimmed of surrounding spaces; names must match the ballot file's exactly otherwise.
    """
    reader = csv.reader(
        io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True, skipinitialspace=True
    )

    def error(message: str, line: int | None = None) -> BallotFileError:
        return BallotFileError(message, path=path, line=reader.line_num if line is None else line)

    known = None if candidates is None else set(candidates)
    attributes: dict[str, dict[str, str]] = {}
    seen_on: dict[str, int] = {}
    try:
        header = next((row for row in reader if any(c.strip() for c in row)), None)
        if header is None:
            raise error("the file is empty: expected a header row 'candidate,ATTRIBUTE,...'", 1)
        columns = [c.strip() for c in header]
        if columns[0].lower() != "candidate":
            raise error(
                f"the header must start with a 'candidate' column, not {columns[0]!r} "
                "(e.g. candidate,gender,region)"
            )
        names = columns[1:]
        if not names:
            raise error("the header names no attributes after 'candidate'")
        for i, attribute in enumerate(names):
            if not attribute:
                raise error(f"column {i + 2} of the header has no attribute name")
            if attribute in names[:i]:
                raise error(f"the header names the attribute {attribute!r} twice")
        for row in reader:
            cells = [c.strip() for c in row]
            if not any(cells):
                continue
            if len(cells) > len(columns) and any(cells[len(columns) :]):
                raise error(f"the row has {len(cells)} cells but the header has {len(columns)}")
            candidate = cells[0]
            if not candidate:
                raise error("the row names no candidate")
            if known is not None and candidate not in known:
                raise error(f"unknown candidate {candidate!r}: not a candidate in the ballot file")
            if candidate in seen_on:
                raise error(
                    f"candidate {candidate!r} is listed twice (lines {seen_on[candidate]} and "
                    f"{reader.line_num})"
                )
            seen_on[candidate] = reader.line_num
            values = cells[1 : len(columns)]
            attributes[candidate] = {a: v for a, v in zip(names, values, strict=False) if v}
    except csv.Error as problem:
        raise error(f"not a well-formed CSV file: {problem}") from None
    return attributes
