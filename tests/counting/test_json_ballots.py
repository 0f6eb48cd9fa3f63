"""JSON ballots: the count's input by name, for exact round trips, and errors that say where."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hustings.counting import BallotFileError, Profile
from hustings.counting.io.jsonfile import (
    format_json_ballots,
    parse_json_ballots,
    profile_to_dict,
    read_json_ballots,
    write_json_ballots,
)

SMALL = {
    "format": "hustings-ballots",
    "version": 1,
    "title": "NEC 2026",
    "seats": 2,
    "candidates": ["Ann", "Bob", "Cat"],
    "withdrawn": ["Cat"],
    "rejected": 3,
    "ballots": [[["Ann", "Bob"], 4], [["Bob"], 2], [[], 1], [["Ann", "Bob"], 1]],
}


def refused(data: object) -> BallotFileError:
    text = data if isinstance(data, str) else json.dumps(data)
    with pytest.raises(BallotFileError) as caught:
        parse_json_ballots(text, path="ballots.json")
    return caught.value


def test_a_ballot_file_reads_every_field() -> None:
    profile = parse_json_ballots(json.dumps(SMALL))
    assert profile.candidates == ("Ann", "Bob", "Cat")
    assert profile.seats == 2
    assert profile.title == "NEC 2026"
    assert profile.withdrawn == frozenset({2})
    assert profile.rejected == 3
    assert {tuple(r): w for r, w in profile.ballots()} == {(0, 1): 5, (1,): 2, (): 1}


def test_only_candidates_and_ballots_are_required() -> None:
    profile = parse_json_ballots('{"candidates": ["A"], "ballots": [[["A"], 1]]}')
    assert profile.seats is None
    assert profile.title == ""


def test_the_writer_gives_canonical_json_by_name() -> None:
    profile = parse_json_ballots(json.dumps(SMALL))
    assert profile_to_dict(profile) == {
        **SMALL,
        "ballots": [[[], 1], [["Ann", "Bob"], 5], [["Bob"], 2]],
    }


def test_the_writer_writes_to_a_path_or_a_stream(tmp_path: Path) -> None:
    profile = parse_json_ballots(json.dumps(SMALL))
    path = tmp_path / "b.json"
    write_json_ballots(profile, path)
    stream = io.StringIO()
    write_json_ballots(profile, stream)
    assert path.read_text(encoding="utf-8") == stream.getvalue() == format_json_ballots(profile)
    assert read_json_ballots(path).digest() == profile.digest()


def test_names_keep_every_character() -> None:
    names = ['Stephen CURRAN "Glasgow Labour"', "Jérémie", "<b>&amp;</b>"]
    data = {"candidates": names, "ballots": [[names[::-1], 1]], "seats": 1}
    profile = parse_json_ballots(json.dumps(data, ensure_ascii=False))
    assert profile.candidates == tuple(names)
    assert json.loads(format_json_ballots(profile))["ballots"] == [[names[::-1], 1]]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ([], "expected a JSON object"),
        ({"candidates": ["A"]}, "the key 'ballots' is missing"),
        ({"ballots": []}, "the key 'candidates' is missing"),
        ({"candidates": ["A"], "ballots": [], "seat": 1}, "unknown key 'seat'"),
        ({"candidates": ["A"], "ballots": [], "format": "blt"}, "'format' is 'blt'"),
        ({"candidates": ["A"], "ballots": [], "version": 2}, "'version' 2 is not supported"),
        ({"candidates": "A", "ballots": []}, "'candidates' must be a list of names"),
        ({"candidates": ["A", "A"], "ballots": []}, "candidates[1]: 'A' is listed twice"),
        ({"candidates": [" "], "ballots": []}, "candidates[0] is an empty name"),
        ({"candidates": ["A"], "ballots": [], "seats": 0}, "'seats' must be a whole number"),
        ({"candidates": ["A"], "ballots": [], "seats": True}, "'seats' must be a whole number"),
        ({"candidates": ["A"], "ballots": [], "title": 5}, "'title' must be a string"),
        ({"candidates": ["A"], "ballots": [], "rejected": -1}, "'rejected' must be"),
        ({"candidates": ["A"], "ballots": [], "withdrawn": ["B"]}, "withdrawn[0]: 'B' is not one"),
        ({"candidates": ["A"], "ballots": {}}, "'ballots' must be a list"),
        ({"candidates": ["A"], "ballots": [["A", 1]]}, "ballots[0] must be a pair"),
        ({"candidates": ["A"], "ballots": [[["A"], 0]]}, "ballots[0]: the weight must be"),
        ({"candidates": ["A"], "ballots": [[["A"], 1.5]]}, "ballots[0]: the weight must be"),
        (
            {"candidates": ["A"], "ballots": [[["A"], 1], [["B"], 1]]},
            "ballots[1][0][0]: unknown candidate 'B'",
        ),
        (
            {"candidates": ["A"], "ballots": [[["A", "A"], 1]]},
            "ballots[0]: the ballot ranks 'A' twice",
        ),
    ],
)
def test_a_malformed_file_is_refused_saying_where(data: object, words: str) -> None:
    error = refused(data)
    assert error.path == "ballots.json"
    assert words in str(error)


def test_invalid_json_is_refused_with_its_line() -> None:
    error = refused('{"candidates": ["A"],\n "ballots": [\n}')
    assert error.line == 3
    assert "not valid JSON" in str(error)


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_bytes(b'{"candidates": ["J\xe9r\xe9mie"], "ballots": []}')
    with pytest.raises(BallotFileError, match="JSON must be UTF-8"):
        read_json_ballots(path)


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    names = draw(
        st.lists(
            st.text(min_size=1, max_size=8).filter(str.strip), min_size=1, max_size=6, unique=True
        )
    )
    n = len(names)
    ballots = draw(
        st.lists(
            st.tuples(
                st.permutations(range(n)).flatmap(
                    lambda p: st.integers(0, len(p)).map(lambda k: list(p[:k]))
                ),
                st.integers(1, 50),
            ),
            max_size=30,
        )
    )
    withdrawn = draw(st.sets(st.integers(0, n - 1), max_size=n - 1))
    return Profile.from_ballots(
        names,
        ballots,
        seats=draw(st.integers(1, n)),
        title=draw(st.text(max_size=20)),
        withdrawn=withdrawn,
        rejected=draw(st.integers(0, 5)),
    )


@settings(max_examples=150, deadline=None)
@given(profiles())
def test_every_profile_round_trips_through_json_exactly(profile: Profile) -> None:
    again = parse_json_ballots(format_json_ballots(profile))
    assert again.digest() == profile.digest()
    assert again.title == profile.title
    assert format_json_ballots(again) == format_json_ballots(profile)
