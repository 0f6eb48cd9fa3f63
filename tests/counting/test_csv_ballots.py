"""CSV ballots: ranked rows and marked columns, with weights, and errors that name the line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hustings.counting import BallotFileError, Profile
from hustings.counting.io.csvfile import (
    format_csv_ballots,
    parse_csv_ballots,
    read_csv_ballots,
    write_csv_ballots,
)


def ballots_of(profile: Profile) -> dict[tuple[str, ...], int]:
    return {
        tuple(profile.candidates[c] for c in ranking): weight
        for ranking, weight in profile.ballots()
    }


def refused(text: str, **options: object) -> BallotFileError:
    with pytest.raises(BallotFileError) as caught:
        parse_csv_ballots(text, path="votes.csv", **options)  # type: ignore[arg-type]
    return caught.value


def test_ranked_rows_give_names_in_preference_order() -> None:
    text = "1,2,3\nAnn,Bob,\nBob,,\nAnn,Bob,\nCat,Ann,Bob\n"
    profile = parse_csv_ballots(text, seats=2, title="Vote")
    assert profile.candidates == ("Ann", "Bob", "Cat")  # in order of first appearance
    assert ballots_of(profile) == {("Ann", "Bob"): 2, ("Bob",): 1, ("Cat", "Ann", "Bob"): 1}
    assert profile.seats == 2
    assert profile.title == "Vote"


def test_a_weight_column_counts_each_row_that_many_times() -> None:
    text = "weight,1,2\n3,Ann,Bob\n2,Bob,\n1,Ann,Bob\n"
    assert ballots_of(parse_csv_ballots(text)) == {("Ann", "Bob"): 4, ("Bob",): 2}


def test_the_weight_column_may_stand_anywhere_and_in_any_case() -> None:
    text = "1,2,Weight\nAnn,Bob,5\n"
    assert ballots_of(parse_csv_ballots(text)) == {("Ann", "Bob"): 5}


def test_a_given_candidate_list_fixes_the_order_and_keeps_unranked_candidates() -> None:
    profile = parse_csv_ballots("1,2\nBob,Ann\n", candidates=["Ann", "Bob", "Dee"])
    assert profile.candidates == ("Ann", "Bob", "Dee")
    assert ballots_of(profile) == {("Bob", "Ann"): 1}


def test_names_are_trimmed_and_quoted_cells_may_hold_commas_and_quotes() -> None:
    text = '1,2\n"Smith, Jo",  "Stephen ""Steve"" CURRAN"\n'
    profile = parse_csv_ballots(text)
    assert profile.candidates == ("Smith, Jo", 'Stephen "Steve" CURRAN')


def test_a_row_of_empty_cells_is_a_blank_ballot_but_an_empty_line_is_skipped() -> None:
    profile = parse_csv_ballots("1,2\nAnn,\n,\n\nBob,\n")
    assert ballots_of(profile) == {("Ann",): 1, (): 1, ("Bob",): 1}


def test_marked_columns_read_as_a_block_vote() -> None:
    text = "weight,Ann,Bob,Cat\n2,X,,x\n1,,1,\n1,✓,0,X\n"
    profile = parse_csv_ballots(text, seats=2)
    assert profile.candidates == ("Ann", "Bob", "Cat")
    assert ballots_of(profile) == {("Ann", "Cat"): 3, ("Bob",): 1}


def test_marked_columns_follow_a_given_candidate_order() -> None:
    profile = parse_csv_ballots("Cat,Ann\nX,X\n", candidates=["Ann", "Bob", "Cat"])
    assert profile.candidates == ("Ann", "Bob", "Cat")
    assert ballots_of(profile) == {("Ann", "Cat"): 1}


def test_the_ranked_layout_can_be_insisted_on() -> None:
    error = refused("Ann,Bob\nX,\n", layout="ranked")
    assert error.line == 1
    assert "expected a ranked-ballot header" in str(error)


def test_a_skipped_rank_may_truncate_the_ballot_when_asked() -> None:
    profile = parse_csv_ballots("1,2,3\nAnn,,Bob\n", skipped_ranks="truncate")
    assert ballots_of(profile) == {("Ann",): 1}


def test_a_bom_and_windows_line_ends_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "votes.csv"
    path.write_bytes("\ufeff1,2\r\nAnn,Bob\r\n".encode())
    assert ballots_of(read_csv_ballots(path)) == {("Ann", "Bob"): 1}


@pytest.mark.parametrize(
    ("text", "options", "line", "words"),
    [
        (
            "1,2\nAnn,Zed\n",
            {"candidates": ["Ann", "Bob"]},
            2,
            "unknown candidate 'Zed' (preference 2)",
        ),
        ("1,2\nAnn,Bob\nBob,Bob\n", {}, 3, "the ballot ranks 'Bob' twice"),
        ("1,2,3\nAnn,,Bob\n", {}, 2, "preference 2 is blank but preference 3 is not"),
        ("weight,1\n0,Ann\n", {}, 2, "the weight must be a whole number from 1"),
        ("weight,1\n,Ann\n", {}, 2, "not ''"),
        ("weight,1\nlots,Ann\n", {}, 2, "not 'lots'"),
        ("1,2\nAnn,Bob,Cat\n", {}, 2, "more cells than the header: 'Cat'"),
        ("Ann,Bob\nX,Y\n", {}, 2, "cell 'Y' under 'Bob': mark a candidate with X or 1"),
        ("Ann,Ann\nX,\n", {}, 1, "two columns are headed 'Ann'"),
        ("Ann,,Bob\nX,,\n", {}, 1, "a column of the header has no candidate's name"),
        (
            "Ann,Zed\nX,\n",
            {"candidates": ["Ann", "Bob"]},
            1,
            "unknown candidate 'Zed' in the header",
        ),
        ("weight,Weight\n1,1\n", {}, 1, "more than one weight column"),
        ("weight\n1\n", {}, 1, "names no preference or candidate columns"),
        ("", {}, 1, "the file is empty"),
        ('1,2\n"Ann,Bob\n', {}, 2, "not a well-formed CSV file"),
    ],
)
def test_a_malformed_file_is_refused_naming_the_line_and_the_problem(
    text: str, options: dict[str, object], line: int, words: str
) -> None:
    error = refused(text, **options)
    assert error.path == "votes.csv"
    assert error.line == line
    assert words in str(error)


def test_a_file_that_is_not_utf8_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "votes.csv"
    path.write_bytes(b"1,2\nAnn,Bob\nJ\xe9r\xe9mie,Ann\n")
    with pytest.raises(BallotFileError) as caught:
        read_csv_ballots(path)
    assert caught.value.line == 3
    assert ballots_of(read_csv_ballots(path, encoding="cp1252")) == {
        ("Ann", "Bob"): 1,
        ("Jérémie", "Ann"): 1,
    }


def test_the_writer_packs_ranked_ballots_with_weights() -> None:
    profile = Profile.from_ballots(
        ["Ann", "Bob", "Smith, Jo"], [([1, 0], 2), ([2], 1), ([1, 0], 1)], seats=1
    )
    assert format_csv_ballots(profile) == 'weight,1,2\n3,Bob,Ann\n1,"Smith, Jo",\n'


def test_the_writer_writes_marks_under_every_candidate() -> None:
    profile = Profile.from_ballots(["Ann", "Bob", "Cat"], [([0, 2], 2), ([1], 1)], seats=2)
    assert format_csv_ballots(profile, layout="marks") == ("weight,Ann,Bob,Cat\n2,X,,X\n1,,X,\n")


def test_the_writer_writes_to_a_path_or_a_stream(tmp_path: Path) -> None:
    profile = Profile.from_ballots(["Ann", "Bob"], [([1, 0], 2)], seats=1)
    path = tmp_path / "out.csv"
    write_csv_ballots(profile, path)
    stream = io.StringIO()
    write_csv_ballots(profile, stream)
    assert path.read_text(encoding="utf-8") == stream.getvalue() == format_csv_ballots(profile)


candidate_names = st.lists(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp", "Zs")),
        min_size=1,
        max_size=10,
    ).filter(
        lambda s: (
            s.strip() == s and s.lower() != "weight" and s not in {"X", "x", "1", "0", "✓", "✔"}
        )
    ),
    min_size=1,
    max_size=6,
    unique=True,
)


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    names = draw(candidate_names)
    n = len(names)
    ballots = draw(
        st.lists(
            st.tuples(
                st.permutations(range(n)).flatmap(
                    lambda p: st.integers(1, len(p)).map(lambda k: list(p[:k]))
                ),
                st.integers(1, 20),
            ),
            max_size=30,
        )
    )
    return Profile.from_ballots(names, ballots, seats=1)


@settings(max_examples=120, deadline=None)
@given(profiles())
def test_ranked_ballots_round_trip_through_csv(profile: Profile) -> None:
    again = parse_csv_ballots(
        format_csv_ballots(profile), candidates=profile.candidates, seats=1, layout="ranked"
    )
    assert again.digest() == profile.digest()


@settings(max_examples=120, deadline=None)
@given(profiles())
def test_marked_ballots_round_trip_as_sets(profile: Profile) -> None:
    again = parse_csv_ballots(format_csv_ballots(profile, layout="marks"), seats=1)
    expected: dict[frozenset[str], int] = {}
    for ranking, weight in profile.ballots():
        key = frozenset(profile.candidates[c] for c in ranking)
        expected[key] = expected.get(key, 0) + weight
    assert {frozenset(k): w for k, w in ballots_of(again).items()} == expected
    assert again.candidates == profile.candidates
