"""Read and write ballot files in the BLT format used by OpenSTV, the ERS and Scottish councils.

A BLT file is a stream of tokens, not of lines: `C S` (candidates, seats); optionally the withdrawn
candidates as negative numbers (`-2 -5`); then each ballot as `weight pref pref ... 0`; a lone `0`
ending the ballots; then the C candidate names and the election's title, each quoted (`"..."`, a
doubled `""` standing for one quote) or bare (the whole line). See docs/counting/files.md.

Real files bend the format in ways this reader accepts on purpose, and it refuses everything else
with an error naming the file, the line and the problem:
- `#` starts a comment: to the end of the line among the numbers; only as a whole line among names.
- Names that are UTF-8 mis-read as Windows-1252/Latin-1 and saved again ("JÃ©rÃ©mie") are repaired
  when the text round-trips exactly (repair_names=False keeps them as they are).
- A file saved from a spreadsheet as CSV (first line `5 1,`) has its commas read as cell breaks.
- Equal rankings (`2=5`) and skipped ranks (`-`) are refused unless `equal_rankings` or
  `skipped_ranks` is "truncate": the ballot then counts up to the preference before the mark, as a
  ballot paper is valid up to the point where its voter's intention stops being clear.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Literal

import numpy as np

from hustings.counting.errors import BallotFileError, CountError
from hustings.counting.io._blt_fast import ballot_arrays
from hustings.counting.io._limits import MAX_TOTAL, MAX_WEIGHT
from hustings.counting.profile import Profile

__all__ = [
    "EqualRankings",
    "SkippedRanks",
    "format_blt",
    "parse_blt",
    "read_blt",
    "repair_mojibake",
    "write_blt",
]

EqualRankings = Literal["reject", "truncate"]
SkippedRanks = Literal["reject", "truncate"]


_DIGITS = re.compile(r"[0-9]+")
_WITHDRAWN = re.compile(r"-[0-9]+")
_SPREADSHEET_HEADER = re.compile(r"\s*[0-9]+\s+[0-9]+\s*,+\s*")
_FAST_HEADER = re.compile(rb"[ \t]*([0-9]+)[ \t]+([0-9]+)[ \t]*\r?\n")
_FAST_WITHDRAWN = re.compile(rb"[ \t]*(-[0-9]+(?:[ \t]+-[0-9]+)*)[ \t]*\r?\n")


def repair_mojibake(text: str) -> str:
    """Return `text` with UTF-8 that was mis-read as Windows-1252 or Latin-1 decoded properly.

    The text is re-encoded byte for byte (Windows-1252, or Latin-1 for the five code points
    Windows-1252 leaves undefined) and decoded as UTF-8; the repair is kept only when that
    succeeds exactly, so text that was never mis-encoded (a real "é", say) is returned unchanged.
    """
    if text.isascii():
        return text
    raw = bytearray()
    for char in text:
        code = ord(char)
        if code <= 0xFF:
            raw.append(code)
            continue
        try:
            raw += char.encode("cp1252")
        except UnicodeEncodeError:
            return text
    try:
        repaired = raw.decode("utf-8")
    except UnicodeDecodeError:
        return text
    return repaired


class _Options:
    """The reader's choices, passed along together."""

    def __init__(
        self,
        path: str | None,
        equal_rankings: EqualRankings,
        skipped_ranks: SkippedRanks,
        repair_names: bool,
    ) -> None:
        if equal_rankings not in ("reject", "truncate"):
            raise ValueError(
                f"equal_rankings must be 'reject' or 'truncate', not {equal_rankings!r}"
            )
        if skipped_ranks not in ("reject", "truncate"):
            raise ValueError(f"skipped_ranks must be 'reject' or 'truncate', not {skipped_ranks!r}")
        self.path = path
        self.equal_rankings = equal_rankings
        self.skipped_ranks = skipped_ranks
        self.repair_names = repair_names

    def error(self, message: str, line: int | None) -> BallotFileError:
        return BallotFileError(message, path=self.path, line=line)


def read_blt(
    path: str | os.PathLike[str],
    *,
    encoding: str = "utf-8",
    equal_rankings: EqualRankings = "reject",
    skipped_ranks: SkippedRanks = "reject",
    repair_names: bool = True,
) -> Profile:
    """Read a BLT ballot file into a profile, merging identical ballots."""
    data = Path(path).read_bytes()
    return parse_blt(
        data,
        path=os.fspath(path),
        encoding=encoding,
        equal_rankings=equal_rankings,
        skipped_ranks=skipped_ranks,
        repair_names=repair_names,
    )


def parse_blt(
    content: str | bytes,
    *,
    path: str | None = None,
    encoding: str = "utf-8",
    equal_rankings: EqualRankings = "reject",
    skipped_ranks: SkippedRanks = "reject",
    repair_names: bool = True,
) -> Profile:
    """Parse the text (or undecoded bytes) of a BLT file; `path` only names it in errors."""
    options = _Options(path, equal_rankings, skipped_ranks, repair_names)
    text: str | None = None
    if isinstance(content, str):
        text = content.removeprefix("\ufeff")
        data = text.encode("utf-8")
        encoding = "utf-8"
    else:
        data = content.removeprefix(b"\xef\xbb\xbf")
    if _ascii_compatible(encoding):
        # The fast path checks that the ballot lines are plain ASCII digits, and decodes the rest.
        fast = _parse_fast(data, encoding, options)
        if fast is not None:
            return fast
    if text is None:
        text = _decode(data, encoding, options)
    return _parse_tokens(text.split("\n"), options)


def _ascii_compatible(encoding: str) -> bool:
    try:
        return "0123456789 -\n".encode(encoding) == b"0123456789 -\n"
    except (LookupError, UnicodeError):
        return False


def _decode(data: bytes, encoding: str, options: _Options, lines_before: int = 0) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        raise options.error(f"unknown text encoding {encoding!r}", None) from None
    except UnicodeDecodeError as error:
        line = lines_before + data.count(b"\n", 0, error.start) + 1
        bad = data[error.start : error.end].hex(" ")
        raise options.error(
            f"the file is not valid {encoding} text (byte {bad}); give its encoding, "
            "e.g. --encoding cp1252",
            line,
        ) from None


# --- the fast path: a plain file of one ballot per line ------------------------------------------


def _parse_fast(data: bytes, encoding: str, options: _Options) -> Profile | None:
    """Read a plainly laid out file with NumPy, or return None to leave it to the token parser."""
    header = _FAST_HEADER.match(data)
    if header is None:
        return None
    n, seats = int(header[1]), int(header[2])
    if not 1 <= seats <= n:
        return None
    start = header.end()
    withdrawn: set[int] = set()
    line = _FAST_WITHDRAWN.match(data, start)
    if line is not None:
        withdrawn = {-int(t) - 1 for t in line[1].split()}
        if not all(0 <= w < n for w in withdrawn):
            return None
        start = line.end()
    end = _end_of_ballots(data, start)
    if end is None:
        return None
    marker, names_start = end
    first_line = data.count(b"\n", 0, names_start) + 1
    # The ballot lines' count, from counts already needed, saves the reader a pass over the file.
    region_lines = (
        first_line - 1 - data.count(b"\n", 0, start) - data.count(b"\n", marker, names_start)
    )
    arrays = ballot_arrays(data, start, marker, n, lines=region_lines)
    if arrays is None:
        return None
    rankings, weights = arrays
    # Checked in floating point first, so that an absurd file cannot overflow the integer sum.
    if int(weights.max(initial=0)) > MAX_WEIGHT or float(weights.sum(dtype=np.float64)) > MAX_TOTAL:
        return None
    rest = _decode(data[names_start:], encoding, options, first_line - 1).split("\n")
    names, title = _names_and_title(rest, first_line, n, options, spreadsheet=False)
    return Profile(
        candidates=names,
        rankings=rankings,
        weights=weights,
        seats=seats,
        title=title,
        withdrawn=frozenset(withdrawn),
    )


def _end_of_ballots(data: bytes, start: int) -> tuple[int, int] | None:
    """Find the last line holding a lone 0: return (where it starts, where the names start).

    The last, not the first, because searching from the end reads only the names. Should an
    earlier line also hold a lone 0 (a ballot closed on a line of its own), that line falls inside
    the ballot lines and the fast path declines the file, so the choice never changes a result.
    """
    found: list[tuple[int, int]] = []
    if data.startswith((b"0\n", b"0\r\n"), start):
        found.append((start, data.index(b"\n", start) + 1))
    for marker in (b"\n0\n", b"\n0\r\n"):
        at = data.rfind(marker, max(start - 1, 0))
        if at >= 0:
            found.append((at + 1, at + len(marker)))
    for marker in (b"\n0", b"\n0\r"):
        if data.endswith(marker) and len(data) - len(marker) >= start - 1:
            found.append((len(data) - len(marker) + 1, len(data)))
    return max(found) if found else None


# --- the token parser: every layout, and every error with its line --------------------------------


class _Ballots:
    """Collects ballots as the token parser reads them."""

    def __init__(self) -> None:
        self.counts: dict[tuple[int, ...], int] = {}
        self.total = 0


def _parse_tokens(lines: list[str], options: _Options) -> Profile:
    """Parse a BLT file token by token, whatever its layout."""
    spreadsheet = False
    for raw in lines:
        stripped = raw.strip()
        if stripped and not stripped.startswith("#"):
            spreadsheet = _SPREADSHEET_HEADER.fullmatch(raw) is not None
            break
    tokens = _numeric_tokens(lines, spreadsheet)
    header = _read_header(tokens, options)
    n, seats, header_line = header
    withdrawn: set[int] = set()
    ballots = _Ballots()
    weight_line: int | None = None
    end_line: int | None = None
    pending: tuple[str, int, int] | None = None
    for token, number, index in tokens:
        if _is_zero(token):
            end_line = number
            pending = next(tokens, None)
            if pending is not None and pending[1] == number:
                raise options.error(
                    f"unexpected {pending[0]!r} after the 0 that ends the ballots "
                    "(a ballot's weight cannot be 0)",
                    number,
                )
            break
        if _WITHDRAWN.fullmatch(token) and weight_line is None:
            candidate = -int(token)
            if not 1 <= candidate <= n:
                raise options.error(
                    f"withdrawn candidate {candidate} does not exist: there are {n} candidates",
                    number,
                )
            withdrawn.add(candidate - 1)
            continue
        weight_line = number
        weight = _weight(token, number, options)
        _read_ballot(weight, number, index, tokens, n, ballots, options)
    else:
        last = max((i for i, raw in enumerate(lines) if raw.strip()), default=0) + 1
        raise options.error("the ballots are not ended by a line holding 0", max(last, header_line))
    assert end_line is not None
    rest_start = end_line  # 0-based index of the line after the end marker
    names, title = _names_and_title(
        lines[rest_start:], end_line + 1, n, options, spreadsheet=spreadsheet
    )
    return Profile.from_counts(names, ballots.counts, seats=seats, title=title, withdrawn=withdrawn)


def _numeric_tokens(lines: list[str], spreadsheet: bool) -> Iterator[tuple[str, int, int]]:
    """Yield (token, line number, line index) through the numeric part; comments removed."""
    for index, raw in enumerate(lines):
        text = raw
        if "#" in text:
            text = text[: text.index("#")]
        if spreadsheet:
            text = text.replace(",", " ")
        for token in text.split():
            yield token, index + 1, index


def _read_header(tokens: Iterator[tuple[str, int, int]], options: _Options) -> tuple[int, int, int]:
    found: list[tuple[str, int, int]] = []
    for item in tokens:
        found.append(item)
        if len(found) == 2:
            break
    if not found:
        raise options.error("the file is empty: expected 'CANDIDATES SEATS' first", 1)
    line = found[0][1]
    words = " ".join(t for t, _, _ in found)
    if len(found) < 2 or not all(_DIGITS.fullmatch(t) for t, _, _ in found):
        raise options.error(
            f"the file must start with the number of candidates and of seats, found {words!r}",
            line,
        )
    n, seats = int(found[0][0]), int(found[1][0])
    if n < 1:
        raise options.error("the file says there are no candidates", line)
    if seats < 1:
        raise options.error("the file says there are no seats to fill", line)
    if seats > n:
        raise options.error(f"{seats} seats but only {n} candidates", line)
    return n, seats, line


def _is_zero(token: str) -> bool:
    return _DIGITS.fullmatch(token) is not None and int(token) == 0


def _weight(token: str, line: int, options: _Options) -> int:
    if _DIGITS.fullmatch(token):
        weight = int(token)
        if weight > MAX_WEIGHT:
            raise options.error(f"ballot weight {token} is too large (at most {MAX_WEIGHT})", line)
        return weight
    if _WITHDRAWN.fullmatch(token):
        raise options.error(
            f"a ballot's weight must be a positive whole number, not {token} (withdrawn "
            "candidates are listed straight after the first line, before any ballot)",
            line,
        )
    if token.startswith('"') or token[:1].isalpha():
        raise options.error(
            f"found {token!r} where a ballot or the 0 that ends the ballots should be: "
            "the line holding 0 after the last ballot is missing",
            line,
        )
    raise options.error(
        f"expected a ballot weight (a positive whole number) or the 0 that ends the ballots, "
        f"found {token!r}",
        line,
    )


def _read_ballot(
    weight: int,
    start_line: int,
    start_index: int,
    tokens: Iterator[tuple[str, int, int]],
    n: int,
    ballots: _Ballots,
    options: _Options,
) -> None:
    """Read one ballot's preferences up to its closing 0 and add it to `ballots`."""
    ranking: list[int] = []
    seen: set[int] = set()
    stopped = False  # truncated at an equal ranking or a skipped rank

    def hint(line: int) -> str:
        if line == start_line:
            return ""
        return f" (the ballot starting on line {start_line} may be missing its closing 0)"

    def candidate(text: str, line: int) -> int:
        number = int(text)
        if not 1 <= number <= n:
            raise options.error(
                f"candidate number {number} does not exist: there are {n} candidates" + hint(line),
                line,
            )
        return number - 1

    for token, line, _ in tokens:
        if _is_zero(token):
            break
        if _DIGITS.fullmatch(token):
            index = candidate(token, line)
            if stopped:
                continue
            if index in seen:
                raise options.error(
                    f"the ballot ranks candidate {index + 1} twice" + hint(line), line
                )
            seen.add(index)
            ranking.append(index)
        elif token == "-":
            if options.skipped_ranks == "reject":
                raise options.error(
                    "skipped rank '-' is not allowed (to count such a ballot up to its previous "
                    "preference, use skipped_ranks='truncate', on the command line "
                    "--skipped-ranks truncate)",
                    line,
                )
            stopped = True
        elif "=" in token:
            parts = token.split("=")
            if not all(_DIGITS.fullmatch(p) for p in parts):
                raise options.error(f"malformed equal ranking {token!r}", line)
            for part in parts:
                candidate(part, line)
            if options.equal_rankings == "reject":
                raise options.error(
                    f"equal ranking {token!r} is not allowed (to count such a ballot up to its "
                    "previous preference, use equal_rankings='truncate', on the command line "
                    "--equal-rankings truncate)",
                    line,
                )
            stopped = True
        elif token.startswith('"') or (token[:1].isalpha() and line != start_line):
            raise options.error(
                f"the ballot starting on line {start_line} has no closing 0 (found {token!r})",
                line,
            )
        else:
            raise options.error(f"expected a candidate number or 0, found {token!r}", line)
    else:
        raise options.error(
            f"the ballot starting on line {start_line} has no closing 0", start_line
        )
    key = tuple(ranking)
    ballots.counts[key] = ballots.counts.get(key, 0) + weight
    ballots.total += weight
    if ballots.total > MAX_TOTAL:
        raise options.error("the ballots' weights add up to more than can be counted", start_line)


# --- names and title ------------------------------------------------------------------------------


def _names_and_title(
    lines: list[str], first_line: int, n: int, options: _Options, *, spreadsheet: bool
) -> tuple[tuple[str, ...], str]:
    """Read the C candidate names and the title that follow the ballots."""
    present: list[tuple[str, int]] = []
    last_line = first_line - 1
    for offset, raw in enumerate(lines):
        number = first_line + offset
        text = raw.strip()
        if spreadsheet:
            text = _spreadsheet_cells(text)
        if text and not text.startswith("#"):
            present.append((text, number))
            last_line = number
    items: list[tuple[str, int]] = []
    if len(present) in (n, n + 1):
        # One name per line, then the title: a line that is not one quoted string (such as
        # '"George HALL" "Scottish Conservative and Unionist"') is the name exactly as written.
        for text, number in present:
            single = _single_quoted(text)
            if single is None and text.startswith('"'):
                _quoted(text, number, options)  # refuse unbalanced quotes
            items.append((text if single is None else single, number))
    else:
        for text, number in present:
            if text.startswith('"'):
                items.extend((name, number) for name in _quoted(text, number, options))
            else:
                items.append((text, number))
    if len(items) < n:
        raise options.error(
            f"found {len(items)} candidate name{'' if len(items) == 1 else 's'} "
            f"but the first line says there are {n} candidates",
            max(last_line, 1),
        )
    if len(items) > n + 1:
        extra, line = items[n + 1]
        raise options.error(
            f"unexpected {extra!r} after the title (the first line says there are {n} candidates)",
            line,
        )
    repair = repair_mojibake if options.repair_names else _same
    names: list[str] = []
    where: dict[str, int] = {}
    for position, (raw_name, line) in enumerate(items[:n], start=1):
        name = repair(raw_name)
        if not name.strip():
            raise options.error(f"candidate {position} has an empty name", line)
        if name in where:
            raise options.error(
                f"two candidates are named {name!r} (lines {where[name]} and {line})", line
            )
        where[name] = line
        names.append(name)
    title = repair(items[n][0]) if len(items) > n else ""
    return tuple(names), title


def _same(text: str) -> str:
    return text


def _quoted(text: str, line: int, options: _Options) -> list[str]:
    """Split a line of one or more quoted names, undoubling inner quotes."""
    found: list[str] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        if text[i] != '"':
            raise options.error(f"unexpected text {text[i:]!r} after a quoted name", line)
        parts: list[str] = []
        j = i + 1
        while True:
            k = text.find('"', j)
            if k < 0:
                raise options.error(f"the quoted name {text[i:]!r} is not closed", line)
            parts.append(text[j:k])
            if text.startswith('"', k + 1):
                parts.append('"')
                j = k + 2
                continue
            i = k + 1
            break
        found.append("".join(parts))
    return found


def _single_quoted(text: str) -> str | None:
    """Return the text inside a line that is exactly one quoted string, else None."""
    if len(text) < 2 or not text.startswith('"') or not text.endswith('"'):
        return None
    inner = text[1:-1]
    if inner.replace('""', "").count('"'):
        return None
    return inner.replace('""', '"')


def _spreadsheet_cells(text: str) -> str:
    """Join a spreadsheet row's non-empty cells with spaces; commas inside quotes are kept."""
    cells: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    cells.append("".join(current).strip())
    return " ".join(cell for cell in cells if cell)


# --- writing --------------------------------------------------------------------------------------


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def format_blt(profile: Profile, *, seats: int | None = None) -> str:
    """Return the profile as packed BLT text: each distinct ballot once, in canonical order."""
    seats = seats if seats is not None else profile.seats
    if seats is None:
        raise CountError("a BLT file needs a number of seats; the profile has none (pass seats=)")
    lines = [f"{len(profile.candidates)} {seats}"]
    if profile.withdrawn:
        lines.append(" ".join(f"-{i + 1}" for i in sorted(profile.withdrawn)))
    for ranking, weight in profile.canonical().ballots():
        if weight:
            lines.append(" ".join([str(weight), *(str(c + 1) for c in ranking), "0"]))
    lines.append("0")
    lines.extend(_quote(name) for name in profile.candidates)
    lines.append(_quote(profile.title))
    return "\n".join(lines) + "\n"


def write_blt(
    profile: Profile, target: str | os.PathLike[str] | IO[str], *, seats: int | None = None
) -> None:
    """Write the profile as a packed BLT file to a path or an open text stream."""
    text = format_blt(profile, seats=seats)
    if isinstance(target, (str, os.PathLike)):
        Path(target).write_text(text, encoding="utf-8")
    else:
        target.write(text)
