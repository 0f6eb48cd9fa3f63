"""Read and write ballots as JSON: the count's input (candidates, seats, ballots) for round trips.

    {"format": "hustings-ballots", "version": 1,
     "title": "NEC 2026", "seats": 2,
     "candidates": ["Ann", "Bob", "Cat"], "withdrawn": ["Cat"], "rejected": 0,
     "ballots": [[["Ann", "Bob"], 4], [["Bob"], 2], [[], 1]]}

Candidates appear by name, exactly as in the result's `candidates`; each ballot is its ranking (or
a block vote's marks) and its weight. Only `candidates` and `ballots` are required.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any

from hustings.counting.errors import BallotFileError, CountError
from hustings.counting.io._limits import MAX_TOTAL, MAX_WEIGHT
from hustings.counting.profile import Profile

__all__ = [
    "FORMAT",
    "VERSION",
    "format_json_ballots",
    "parse_json_ballots",
    "profile_to_dict",
    "read_json_ballots",
    "write_json_ballots",
]

FORMAT = "hustings-ballots"
VERSION = 1
_KEYS = {"format", "version", "title", "seats", "candidates", "withdrawn", "rejected", "ballots"}


def profile_to_dict(profile: Profile) -> dict[str, Any]:
    """Return the profile as JSON-ready data, each distinct ballot once, in canonical order."""
    names = profile.candidates
    return {
        "format": FORMAT,
        "version": VERSION,
        "title": profile.title,
        "seats": profile.seats,
        "candidates": list(names),
        "withdrawn": [names[i] for i in sorted(profile.withdrawn)],
        "rejected": profile.rejected,
        "ballots": [
            [[names[c] for c in ranking], weight]
            for ranking, weight in profile.canonical().ballots()
            if weight
        ],
    }


def format_json_ballots(profile: Profile) -> str:
    """Return the profile as JSON text."""
    return json.dumps(profile_to_dict(profile), ensure_ascii=False, indent=1) + "\n"


def write_json_ballots(profile: Profile, target: str | os.PathLike[str] | IO[str]) -> None:
    """Write the profile as a JSON ballot file to a path or an open text stream."""
    text = format_json_ballots(profile)
    if isinstance(target, (str, os.PathLike)):
        Path(target).write_text(text, encoding="utf-8")
    else:
        target.write(text)


def read_json_ballots(path: str | os.PathLike[str]) -> Profile:
    """Read a JSON ballot file into a profile."""
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise BallotFileError("JSON must be UTF-8 text", path=os.fspath(path), line=line) from None
    return parse_json_ballots(text, path=os.fspath(path))


def parse_json_ballots(text: str, *, path: str | None = None) -> Profile:
    """Parse the text of a JSON ballot file; `path` only names it in errors."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BallotFileError(
            f"not valid JSON: {error.msg}", path=path, line=error.lineno
        ) from None
    except RecursionError:
        raise BallotFileError("not valid JSON: nested too deeply", path=path) from None

    def fail(message: str) -> BallotFileError:
        return BallotFileError(message, path=path)

    if not isinstance(data, dict):
        raise fail("expected a JSON object with candidates and ballots")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise fail(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})")
    if data.get("format", FORMAT) != FORMAT:
        raise fail(f"'format' is {data['format']!r}, not {FORMAT!r}")
    if data.get("version", VERSION) != VERSION:
        raise fail(f"'version' {data['version']!r} is not supported (this reader knows {VERSION})")
    for key in ("candidates", "ballots"):
        if key not in data:
            raise fail(f"the key {key!r} is missing")
    candidates = data["candidates"]
    if not isinstance(candidates, list) or not all(isinstance(c, str) for c in candidates):
        raise fail("'candidates' must be a list of names")
    index: dict[str, int] = {}
    for i, name in enumerate(candidates):
        if not name.strip():
            raise fail(f"candidates[{i}] is an empty name")
        if name in index:
            raise fail(f"candidates[{i}]: {name!r} is listed twice")
        index[name] = i
    title = data.get("title", "")
    if not isinstance(title, str):
        raise fail("'title' must be a string")
    seats = data.get("seats")
    if seats is not None and (not _whole(seats) or seats < 1):
        raise fail(f"'seats' must be a whole number of at least 1, not {seats!r}")
    rejected = data.get("rejected", 0)
    if not _whole(rejected) or rejected < 0:
        raise fail(f"'rejected' must be a whole number of at least 0, not {rejected!r}")
    withdrawn_names = data.get("withdrawn", [])
    if not isinstance(withdrawn_names, list):
        raise fail("'withdrawn' must be a list of names")
    withdrawn = set()
    for i, name in enumerate(withdrawn_names):
        if name not in index:
            raise fail(f"withdrawn[{i}]: {name!r} is not one of the candidates")
        withdrawn.add(index[name])
    ballots = data["ballots"]
    if not isinstance(ballots, list):
        raise fail("'ballots' must be a list of [ranking, weight] pairs")
    counts: dict[tuple[int, ...], int] = {}
    total = 0
    for b, entry in enumerate(ballots):
        where = f"ballots[{b}]"
        if not isinstance(entry, list) or len(entry) != 2 or not isinstance(entry[0], list):
            raise fail(f"{where} must be a pair [[names in order], weight]")
        ranking, weight = entry
        if not _whole(weight) or not 1 <= weight <= MAX_WEIGHT:
            raise fail(
                f"{where}: the weight must be a whole number from 1 to {MAX_WEIGHT}, not {weight!r}"
            )
        total += weight
        if total > MAX_TOTAL:
            raise fail(f"{where}: the weights add up to more than can be counted")
        order: list[int] = []
        for p, name in enumerate(ranking):
            if not isinstance(name, str) or name not in index:
                raise fail(f"{where}[0][{p}]: unknown candidate {name!r}")
            if index[name] in order:
                raise fail(f"{where}: the ballot ranks {name!r} twice")
            order.append(index[name])
        counts[tuple(order)] = counts.get(tuple(order), 0) + weight
    try:
        return Profile.from_counts(
            candidates,
            counts,
            seats=seats,
            title=title,
            withdrawn=withdrawn,
            rejected=rejected,
        )
    except CountError as error:
        raise fail(str(error)) from None


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
