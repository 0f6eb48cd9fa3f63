"""Forms of the voting pages: the code form, the ballot paper (read from plain POST data) and the
tracker search.

The paper is not a Django form: its fields follow the confirmed ballot (one set of checkboxes per
block-vote contest, one number box per candidate in a ranked contest), and the same field names
travel as hidden fields on the review page, so the cast re-reads exactly what the voter reviewed
without anything kept on the server.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django import forms
from django.http import QueryDict

from hustings.ballots.codes import ALPHABET, TRACKER_LENGTH, normalise_code
from hustings.ballots.papers import BallotError, Choice, Paper

__all__ = [
    "ContestError",
    "PaperForm",
    "Section",
    "TrackerSearchForm",
    "VoteForm",
    "normalise_membership_number",
    "normalise_tracker",
]

_SEPARATORS = re.compile(r"[\s\-–—_.]+")
_LOOK_ALIKES = str.maketrans({"I": "1", "L": "1", "O": "0"})


def normalise_membership_number(text: str) -> str:
    """Return a membership number as the register compares it: no spaces, upper case."""
    return "".join(text.split()).upper()


class VoteForm(forms.Form):
    """Ask for a membership number and the voting code from the ballot email or letter."""

    membership_number = forms.CharField(
        label="Membership number",
        max_length=40,
        help_text="It is on your ballot email or letter, and on your membership card.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label="Voting code",
        max_length=60,
        help_text="16 letters and numbers, such as 7K2M-Q9XD-4HNP-R3WB. Spaces, dashes and "
        "capital letters do not matter.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )

    def clean_membership_number(self) -> str:
        """Return the number without spaces, in capitals."""
        number = normalise_membership_number(self.cleaned_data["membership_number"])
        if not number:
            raise forms.ValidationError("Enter your membership number.")
        return number

    def clean_code(self) -> str:
        """Return the code's 16 bare characters, or say what a code looks like."""
        bare = normalise_code(self.cleaned_data["code"])
        if bare is None:
            raise forms.ValidationError(
                "A voting code has 16 letters and numbers, such as 7K2M-Q9XD-4HNP-R3WB. Check "
                "you have copied all of it."
            )
        return bare


def normalise_tracker(text: str) -> str | None:
    """Return a tracker in its written form ("K7M2Q-9XD4H"), or None if it cannot be one."""
    bare = _SEPARATORS.sub("", text).upper().translate(_LOOK_ALIKES)
    if len(bare) != TRACKER_LENGTH or any(char not in ALPHABET for char in bare):
        return None
    half = TRACKER_LENGTH // 2
    return f"{bare[:half]}-{bare[half:]}"


class TrackerSearchForm(forms.Form):
    """Look for one tracker in the public list."""

    tracker = forms.CharField(
        label="Your tracker",
        max_length=40,
        help_text="10 letters and numbers, such as K7M2Q-9XD4H, as shown when you voted.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_tracker(self) -> str:
        """Return the tracker in its written form, or say what a tracker looks like."""
        tracker = normalise_tracker(self.cleaned_data["tracker"])
        if tracker is None:
            raise forms.ValidationError(
                "A tracker has 10 letters and numbers, such as K7M2Q-9XD4H. Check you have "
                "copied all of it."
            )
        return tracker


# -- The ballot paper ---------------------------------------------------------------------------


def contest_field(paper: Paper) -> str:
    """Return the field name of a block-vote contest's checkboxes."""
    return f"c{paper.contest.pk}"


def rank_field(paper: Paper, choice: Choice) -> str:
    """Return the field name of the number box beside one candidate in a ranked contest."""
    return f"c{paper.contest.pk}-{choice.candidacy_id}"


def contest_anchor(paper: Paper) -> str:
    """Return the id of a contest's fieldset, which the error summary links to."""
    return f"contest-{paper.contest.pk}"


@dataclass(frozen=True)
class ContestError:
    """What is wrong with the voter's choices in one contest."""

    paper: Paper
    message: str

    @property
    def anchor(self) -> str:
        """Return the id of the contest's fieldset."""
        return contest_anchor(self.paper)


@dataclass(frozen=True)
class Row:
    """One candidate as the paper form shows them, with what the voter entered."""

    choice: Choice
    field: str
    input_id: str
    checked: bool
    value: str


@dataclass(frozen=True)
class Section:
    """One contest as the paper form and the review page show it."""

    paper: Paper
    anchor: str
    field: str
    rows: tuple[Row, ...]
    error: str
    chosen: tuple[Choice, ...]


class PaperForm:
    """The voter's choices on a whole paper, read from POST data and checked contest by contest.

    Ranked contests are read here (each number a whole number from 1, none repeated, none skipped)
    so that the message can name the candidate; the rules of the ballot itself (over-votes,
    unknown candidates) are the paper's own `check`, whose message is shown word for word.
    """

    def __init__(self, papers: Sequence[Paper], data: QueryDict | None = None) -> None:
        self.papers = list(papers)
        self.data = data
        self._choices: dict[int, list[int]] = {}
        self._errors: dict[int, str] = {}
        if data is not None:
            for paper in self.papers:
                try:
                    picked = self._read(paper, data)
                    self._choices[paper.contest.pk] = paper.check(picked)
                except BallotError as error:
                    self._errors[paper.contest.pk] = str(error)

    @property
    def is_bound(self) -> bool:
        """Return whether the form was given data."""
        return self.data is not None

    def is_valid(self) -> bool:
        """Return whether every contest's choices can be cast."""
        return self.is_bound and not self._errors

    @property
    def errors(self) -> list[ContestError]:
        """Return what is wrong, contest by contest, in the paper's order."""
        return [
            ContestError(paper, self._errors[paper.contest.pk])
            for paper in self.papers
            if paper.contest.pk in self._errors
        ]

    def choices(self) -> dict[int, list[int]]:
        """Return the checked choices: contest id to candidacy ids in stored order."""
        if not self.is_valid():
            raise ValueError("the paper has errors; there are no choices to cast")
        return dict(self._choices)

    def _read(self, paper: Paper, data: QueryDict) -> list[int]:
        if paper.ranked:
            return _read_ranking(paper, data)
        picked: list[int] = []
        for value in data.getlist(contest_field(paper)):
            try:
                picked.append(int(value))
            except ValueError:
                raise BallotError(
                    f"{paper.contest.name}: a choice is not a candidate in this contest.",
                    contest=paper.contest,
                ) from None
        return picked

    def sections(self) -> list[Section]:
        """Return each contest with its candidates and what the voter entered, for the pages."""
        data = self.data
        sections = []
        for paper in self.papers:
            marked = set(data.getlist(contest_field(paper))) if data is not None else set()
            rows = []
            for choice in paper.candidates:
                field = rank_field(paper, choice) if paper.ranked else contest_field(paper)
                value = (data.get(field, "") if data is not None else "").strip()
                rows.append(
                    Row(
                        choice=choice,
                        field=field,
                        input_id=rank_field(paper, choice),
                        checked=str(choice.candidacy_id) in marked,
                        value=value[:10] if paper.ranked else str(choice.candidacy_id),
                    )
                )
            by_id = paper.by_id()
            chosen = tuple(by_id[cid] for cid in self._choices.get(paper.contest.pk, ()))
            sections.append(
                Section(
                    paper=paper,
                    anchor=contest_anchor(paper),
                    field=contest_field(paper),
                    rows=tuple(rows),
                    error=self._errors.get(paper.contest.pk, ""),
                    chosen=chosen,
                )
            )
        return sections

    def hidden_fields(self) -> list[tuple[str, str]]:
        """Return the checked choices as (name, value) pairs for the review page's hidden fields."""
        pairs: list[tuple[str, str]] = []
        for paper in self.papers:
            chosen = self.choices().get(paper.contest.pk, [])
            by_id = paper.by_id()
            if paper.ranked:
                pairs.extend(
                    (rank_field(paper, by_id[cid]), str(rank))
                    for rank, cid in enumerate(chosen, start=1)
                )
            else:
                pairs.extend((contest_field(paper), str(cid)) for cid in chosen)
        return pairs


def _read_ranking(paper: Paper, data: QueryDict) -> list[int]:
    """Return the candidacy ids in the order the voter numbered them, or raise BallotError."""
    name = paper.contest.name
    count = len(paper.candidates)
    numbered: list[tuple[int, Choice]] = []
    for choice in paper.candidates:
        text = data.get(rank_field(paper, choice), "").strip()
        if not text:
            continue
        if not text.isdecimal():
            raise BallotError(
                f"{name}: the number beside {choice.name} must be a whole number, such as 1, 2 "
                "or 3 (leave the box empty to give them no preference).",
                contest=paper.contest,
            )
        rank = int(text)
        if not 1 <= rank <= count:
            raise BallotError(
                f"{name}: the number beside {choice.name} is {rank}; use numbers from 1 to "
                f"{count}.",
                contest=paper.contest,
            )
        numbered.append((rank, choice))
    by_rank: dict[int, list[Choice]] = {}
    for rank, choice in numbered:
        by_rank.setdefault(rank, []).append(choice)
    for rank in sorted(by_rank):
        if len(by_rank[rank]) > 1:
            names = _and_list([choice.name for choice in by_rank[rank]])
            raise BallotError(
                f"{name}: {names} are all numbered {rank}; give each candidate a different number."
                if len(by_rank[rank]) > 2
                else f"{name}: {names} are both numbered {rank}; give each candidate a "
                "different number.",
                contest=paper.contest,
            )
    for expected in range(1, len(numbered) + 1):
        if expected not in by_rank:
            after = min(rank for rank in by_rank if rank > expected)
            skipped = by_rank[after][0]
            raise BallotError(
                f"{name}: no candidate is numbered {expected}, but {skipped.name} is numbered "
                f"{after}; number your choices 1, 2, 3 and so on without leaving gaps.",
                contest=paper.contest,
            )
    return [choice.candidacy_id for _, choice in sorted(numbered, key=lambda pair: pair[0])]


def _and_list(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
