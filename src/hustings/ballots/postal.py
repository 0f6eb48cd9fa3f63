"""Postal ballots: importing a file of returned paper ballots, each row checked like an online vote.

The file is CSV. Its header is `code`, then one column per candidate box on the paper, named
`<contest slug>:<ballot position>` (such as `nec-constituency:3`), for every contest whose ballot
list is confirmed; `postal_header(election)` gives the whole row. Each later row is one returned
paper: the code printed on it, then what the voter wrote in each box. An empty cell is no mark. In
a block-vote contest a mark is "X", "1" or a tick; in an STV contest it is a preference number.

A paper is read as the Scottish local government rules and ERS practice read one: an STV section
with marks but no first preference, or with more than one "1", is spoilt; otherwise the
preferences are read in order and stop at the first gap or repeated number, later ones being
ignored. A block-vote section with more marks than seats is spoilt; an empty section of either
kind is a blank vote in that contest, as online. A row that is spoilt in any contest, names an
unknown, replaced or already-used code, or holds a cell we cannot read is rejected whole: nothing
of it is stored, and the report gives its line and reason, never its code.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from hustings.audit import tags
from hustings.audit.chain import record_event
from hustings.ballots.casting import (
    AlreadyVoted,
    CodeNotValid,
    Refused,
    do_cast_ballot,
    find_credential,
    voting_open,
)
from hustings.ballots.codes import code_digests
from hustings.ballots.models import Channel, Credential, PostalBatch
from hustings.ballots.papers import BallotError, Paper, papers_for
from hustings.elections.models import Contest, Election
from hustings.members.actions import Upload
from hustings.nominations.models import BallotEntry

if TYPE_CHECKING:
    from hustings.accounts.models import User

__all__ = [
    "BLOCK_MARKS",
    "CODE_COLUMN",
    "REASONS",
    "PostalFileError",
    "PostalReport",
    "Rejection",
    "RowRejected",
    "do_import_postal",
    "postal_header",
    "read_section",
    "reasons_may_not_import",
]

CODE_COLUMN = "code"
# What counts as a mark in a block-vote box, compared after stripping and upper-casing.
BLOCK_MARKS = frozenset({"X", "1", "✓", "✔"})

# Why a row is rejected, in the order the report lists them.
REASONS = {
    "unknown-code": "unknown code",
    "replaced-code": "replaced code",
    "already-voted": "already voted",
    "unknown-column": "unknown column",
    "bad-cell": "bad cell value",
    "not-on-paper": "mark in a contest not on the voter's paper",
    "spoilt": "spoilt",
    "refused": "refused",
}


class PostalFileError(ValueError):
    """A file, or an import, refused as a whole before any row is read; the message says why."""


@dataclass(frozen=True)
class Rejection:
    """One rejected row: its line in the file and why; never its code."""

    line: int
    reason: str
    message: str

    def as_dict(self) -> dict[str, object]:
        """Return the rejection as PostalBatch.rejections stores it."""
        return {"line": self.line, "reason": self.reason, "message": self.message}


@dataclass(frozen=True)
class PostalReport:
    """What an import did (or, checked only, would do): rows, accepted, and every rejection."""

    filename: str
    sha256: str
    rows: int
    accepted: int
    rejections: tuple[Rejection, ...]
    batch: PostalBatch | None

    @property
    def rejected(self) -> int:
        """Return how many rows were rejected."""
        return len(self.rejections)

    def by_reason(self) -> list[tuple[str, int]]:
        """Return (reason in words, rows) for every reason that rejected a row."""
        counts = Counter(rejection.reason for rejection in self.rejections)
        return [(label, counts[reason]) for reason, label in REASONS.items() if counts[reason]]

    def summary(self) -> str:
        """Return the one-line summary of the import."""
        return f"{self.rows} row(s) read: {self.accepted} accepted, {self.rejected} rejected."


@dataclass(frozen=True)
class _Box:
    contest: Contest
    candidacy_id: int


class RowRejected(Exception):
    """A row that is not stored, with the reason's key and a message naming no code."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        self.message = message
        super().__init__(message)


def _boxes(election: Election) -> dict[str, _Box]:
    """Return every candidate box of the election's confirmed ballots, keyed by column name."""
    contests = {
        contest.pk: contest
        for contest in Contest.objects.filter(election=election, ballot__isnull=False)
    }
    entries = (
        BallotEntry.objects.filter(ballot__contest__in=list(contests))
        .order_by("ballot__contest__position", "ballot__contest__name", "position")
        .values_list("ballot__contest_id", "position", "candidacy_id")
    )
    return {
        f"{contests[contest_id].slug}:{position}": _Box(contests[contest_id], candidacy_id)
        for contest_id, position, candidacy_id in entries
    }


def postal_header(election: Election) -> list[str]:
    """Return the header row of a postal file for the election: code, then every candidate box."""
    return [CODE_COLUMN, *_boxes(election)]


def _read_header(header: list[str], boxes: dict[str, _Box]) -> list[_Box]:
    names = [name.strip() for name in header]
    if not names or names[0].lower() != CODE_COLUMN:
        raise PostalFileError(
            f"the first column must be {CODE_COLUMN!r}, not {names[0] if names else 'missing'!r}"
        )
    columns = names[1:]
    for number, name in enumerate(columns, start=2):
        if name not in boxes:
            raise PostalFileError(
                f"column {number} ({name!r}) is not a candidate box of this election: columns "
                "are named contest-slug:position, such as "
                f"{next(iter(boxes), 'nec-constituency:1')!r}"
            )
    repeated = sorted(name for name, count in Counter(columns).items() if count > 1)
    if repeated:
        raise PostalFileError(f"column(s) given more than once: {', '.join(repeated)}")
    missing = [name for name in boxes if name not in columns]
    if missing:
        raise PostalFileError(
            f"missing column(s): {', '.join(missing)} (every candidate box must have a column; "
            "`hustings import-postal ELECTION --template` prints the header)"
        )
    return [boxes[name] for name in columns]


def read_section(paper: Paper, cells: dict[int, str]) -> list[int]:
    """Return the choices one section of a paper shows; raise RowRejected if spoilt or unreadable.

    `cells` holds the section's non-empty cells, stripped, keyed by candidacy id.
    """
    name = paper.contest.name
    if not paper.ranked:
        marked = []
        for candidacy_id, text in cells.items():
            if text.upper() not in BLOCK_MARKS:
                raise RowRejected(
                    "bad-cell",
                    f"{name}: {text!r} is not a mark (use X, 1 or a tick, or leave the box empty)",
                )
            marked.append(candidacy_id)
        if len(marked) > paper.seats:
            raise RowRejected(
                "spoilt",
                f"spoilt: too many marks in {name} ({len(marked)} marked, up to {paper.seats} "
                "allowed)",
            )
        return marked
    preferences: dict[int, list[int]] = {}
    for candidacy_id, text in cells.items():
        if not text.isascii() or not text.isdigit() or int(text) < 1:
            raise RowRejected(
                "bad-cell",
                f"{name}: {text!r} is not a preference (use whole numbers from 1, or leave the "
                "box empty)",
            )
        preferences.setdefault(int(text), []).append(candidacy_id)
    if not preferences:
        return []
    firsts = preferences.get(1, [])
    if not firsts:
        raise RowRejected("spoilt", f"spoilt: no first preference in {name}")
    if len(firsts) > 1:
        raise RowRejected("spoilt", f"spoilt: more than one first preference in {name}")
    # Read on from 1 and stop at the first gap or repeated number; what follows is ignored.
    ranking: list[int] = []
    number = 1
    while len(preferences.get(number, [])) == 1:
        ranking.append(preferences[number][0])
        number += 1
    return ranking


def _already_voted(credential: Credential, earlier: dict[str, int]) -> RowRejected:
    voter = credential.voter
    if voter.voted == Channel.ONLINE:
        return RowRejected("already-voted", "already voted online")
    line = earlier.get(credential.code_digest)
    if line is not None:
        return RowRejected("already-voted", f"already voted by post, on line {line} of this file")
    return RowRejected("already-voted", "already voted by post, in an earlier batch")


class _Importer:
    def __init__(self, election: Election, boxes: list[_Box], now: datetime) -> None:
        self.election = election
        self.boxes = boxes
        self.now = now
        self.papers: dict[int | None, list[Paper]] = {}
        # Credential digest to the line that used it: only in memory, only for this file.
        self.accepted_at: dict[str, int] = {}

    def papers_for(self, region_id: int | None) -> list[Paper]:
        if region_id not in self.papers:
            self.papers[region_id] = papers_for(self.election, region_id)
        return self.papers[region_id]

    def credential(self, text: str) -> Credential:
        if not text:
            raise RowRejected("unknown-code", "unknown code: the code cell is empty")
        if not code_digests(text):
            raise RowRejected("unknown-code", "unknown code: not a voting code")
        credential = find_credential(text)
        if credential is None or credential.voter.election_id != self.election.pk:
            raise RowRejected("unknown-code", "unknown code: no such code for this election")
        if credential.voter.voted:
            raise _already_voted(credential, self.accepted_at)
        if credential.revoked_at is not None:
            raise RowRejected(
                "replaced-code", "replaced code: a newer code was issued to this voter"
            )
        return credential

    def choices(self, credential: Credential, cells: list[str]) -> dict[int, list[int]]:
        papers = self.papers_for(credential.voter.region_id)
        on_paper = {paper.contest.pk: paper for paper in papers}
        sections: dict[int, dict[int, str]] = {pk: {} for pk in on_paper}
        for box, raw in zip(self.boxes, cells, strict=False):
            text = raw.strip()
            if not text:
                continue
            if box.contest.pk not in on_paper:
                raise RowRejected(
                    "not-on-paper",
                    f"a mark in {box.contest.name}, which is not on this voter's paper",
                )
            sections[box.contest.pk][box.candidacy_id] = text
        return {pk: read_section(on_paper[pk], cells) for pk, cells in sections.items()}

    def row(self, line: int, row: list[str]) -> None:
        if len(row) > len(self.boxes) + 1 and any(
            cell.strip() for cell in row[len(self.boxes) + 1 :]
        ):
            raise RowRejected(
                "unknown-column",
                f"unknown column: the row has {len(row)} cells and the header "
                f"{len(self.boxes) + 1}",
            )
        credential = self.credential(row[0].strip() if row else "")
        choices = self.choices(credential, row[1:])
        try:
            do_cast_ballot(
                credential,
                choices,
                channel=Channel.POSTAL,
                now=self.now,
                papers=self.papers_for(credential.voter.region_id),
            )
        except AlreadyVoted:
            credential.voter.refresh_from_db(fields=["voted"])
            raise _already_voted(credential, self.accepted_at) from None
        except CodeNotValid:
            raise RowRejected(
                "replaced-code", "replaced code: a newer code was issued to this voter"
            ) from None
        except (Refused, BallotError) as error:
            raise RowRejected("refused", f"refused: {error}") from None
        self.accepted_at[credential.code_digest] = line


def _rows(upload: Upload) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        text = upload.data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PostalFileError(f"not UTF-8 text (byte {error.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
        rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as error:
        raise PostalFileError(f"line {reader.line_num}: {error}") from None
    if not header:
        raise PostalFileError("the file is empty: it needs a header row and one row per paper")
    return header, rows


def reasons_may_not_import(election: Election, now: datetime | None = None) -> list[str]:
    """Return why postal ballots cannot be entered for the election now, or nothing if they can."""
    if voting_open(election, Channel.POSTAL, now):
        return []
    return [
        f"Postal ballots for {election.name} can be entered from the opening of the ballot on "
        f"{timezone.localtime(election.ballot_open_at):%-d %B %Y %H:%M} until the count starts; "
        "they cannot be entered now."
    ]


def do_import_postal(
    actor: User | None,
    election: Election,
    upload: Upload,
    *,
    check_only: bool = False,
    actor_label: str | None = None,
    now: datetime | None = None,
) -> PostalReport:
    """Import a file of returned paper ballots, storing the good rows and reporting the others.

    Raise PostalFileError, storing nothing, if postal ballots cannot be entered now or the header
    is wrong. With `check_only`, every row is checked and cast exactly as it would be, and then
    all of it is rolled back: nothing is stored, no batch recorded.
    """
    now = now or timezone.now()
    reasons = reasons_may_not_import(election, now)
    if reasons:
        raise PostalFileError(" ".join(reasons))
    all_boxes = _boxes(election)
    if not all_boxes:
        raise PostalFileError(f"{election.name} has no confirmed ballot paper to enter votes on")
    header, rows = _rows(upload)
    boxes = _read_header(header, all_boxes)
    importer = _Importer(election, boxes, now)
    rejections: list[Rejection] = []
    with transaction.atomic():
        # Locked as the count's start locks it, so a file is entered wholly before the ballot box
        # is opened for the count, or refused after.
        Election.objects.select_for_update().filter(pk=election.pk).first()
        reasons = reasons_may_not_import(election, now)
        if reasons:
            raise PostalFileError(" ".join(reasons))
        for line, row in rows:
            try:
                importer.row(line, row)
            except RowRejected as rejected:
                rejections.append(Rejection(line, rejected.reason, rejected.message))
        accepted = len(importer.accepted_at)
        batch = None
        if check_only:
            transaction.set_rollback(True)
        else:
            batch = PostalBatch.objects.create(
                election=election,
                filename=upload.name[:300],
                sha256=upload.digest(),
                imported_at=now,
                imported_by=actor,
                rows=len(rows),
                accepted=accepted,
                rejections=[rejection.as_dict() for rejection in rejections],
            )
            reasons_count = Counter(rejection.reason for rejection in rejections)
            record_event(
                tags.BALLOT_POSTAL_IMPORTED,
                actor=actor,
                actor_label=actor_label,
                obj=batch,
                election=election,
                data={
                    "file": batch.filename,
                    "sha256": batch.sha256,
                    "rows": batch.rows,
                    "accepted": accepted,
                    "rejected": dict(sorted(reasons_count.items())),
                },
            )
    return PostalReport(
        filename=upload.name,
        sha256=upload.digest(),
        rows=len(rows),
        accepted=accepted,
        rejections=tuple(rejections),
        batch=batch,
    )
