"""The candidates' attributes CSV: a row per candidate, refused with its line when wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from hustings.counting import BallotFileError
from hustings.counting.io.attributes import parse_attributes, read_attributes

CANDIDATES = ["Ann", "Bob", "Cat"]


def test_each_row_gives_a_candidates_attributes() -> None:
    text = "candidate,gender,region\nAnn,woman,North\n Bob , man ,\nCat,woman,South\n"
    assert parse_attributes(text, candidates=CANDIDATES) == {
        "Ann": {"gender": "woman", "region": "North"},
        "Bob": {"gender": "man"},
        "Cat": {"gender": "woman", "region": "South"},
    }


def test_a_candidate_may_be_left_out_and_blank_lines_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "attributes.csv"
    path.write_text("\ufeffCandidate,gender\n\nAnn,woman\n\n", encoding="utf-8")
    assert read_attributes(path, candidates=CANDIDATES) == {"Ann": {"gender": "woman"}}


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (
            "name,gender\nAnn,woman\n",
            1,
            "the header must start with a 'candidate' column, not 'name'",
        ),
        ("candidate\nAnn\n", 1, "names no attributes"),
        ("candidate,gender,gender\nAnn,woman,man\n", 1, "names the attribute 'gender' twice"),
        ("candidate,,region\nAnn,woman,North\n", 1, "column 2 of the header has no attribute name"),
        ("candidate,gender\nZed,woman\n", 2, "unknown candidate 'Zed'"),
        (
            "candidate,gender\nAnn,woman\nBob,man\nAnn,man\n",
            4,
            "'Ann' is listed twice (lines 2 and 4)",
        ),
        ("candidate,gender\nAnn,woman,extra\n", 2, "the row has 3 cells but the header has 2"),
        ("candidate,gender\n,woman\n", 2, "the row names no candidate"),
        ("", 1, "the file is empty"),
        ('candidate,gender\n"Ann,woman\n', 2, "not a well-formed CSV file"),
    ],
)
def test_a_malformed_file_is_refused_naming_the_line(text: str, line: int, words: str) -> None:
    with pytest.raises(BallotFileError) as caught:
        parse_attributes(text, path="attributes.csv", candidates=CANDIDATES)
    assert caught.value.path == "attributes.csv"
    assert caught.value.line == line
    assert words in str(caught.value)


def test_without_a_candidate_list_any_name_is_accepted() -> None:
    assert parse_attributes("candidate,gender\nZed,man\n") == {"Zed": {"gender": "man"}}
