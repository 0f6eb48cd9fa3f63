"""BLT ballot files: every real-world quirk read, every malformed file refused with its line."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hustings.counting import BallotFileError, CountError, Profile
from hustings.counting.io.blt import format_blt, parse_blt, read_blt, repair_mojibake, write_blt


def ballots_of(profile: Profile) -> dict[tuple[str, ...], int]:
    """Return the profile's ballots as {ranking by name: weight}, independent of row order."""
    return {
        tuple(profile.candidates[c] for c in ranking): weight
        for ranking, weight in profile.ballots()
    }


def refused(text: str | bytes, **options: str) -> BallotFileError:
    with pytest.raises(BallotFileError) as caught:
        parse_blt(text, path="ward.blt", **options)  # type: ignore[arg-type]
    return caught.value


PLAIN = """3 2
4 1 2 0
2 2 0
3 3 1 2 0
0
"Ann Smith"
"Bob Jones"
"Cat Brown"
"A small election"
"""


# --- reading ----------------------------------------------------------------------------------


def test_plain_file_gives_candidates_seats_title_and_ballots() -> None:
    profile = parse_blt(PLAIN)
    assert profile.candidates == ("Ann Smith", "Bob Jones", "Cat Brown")
    assert profile.seats == 2
    assert profile.title == "A small election"
    assert profile.withdrawn == frozenset()
    assert ballots_of(profile) == {
        ("Ann Smith", "Bob Jones"): 4,
        ("Bob Jones",): 2,
        ("Cat Brown", "Ann Smith", "Bob Jones"): 3,
    }


def test_text_and_bytes_and_file_read_the_same(tmp_path: Path) -> None:
    path = tmp_path / "small.blt"
    path.write_text(PLAIN, encoding="utf-8")
    from_text = parse_blt(PLAIN)
    from_bytes = parse_blt(PLAIN.encode())
    from_file = read_blt(path)
    assert from_text.digest() == from_bytes.digest() == from_file.digest()
    assert from_file.title == from_text.title


def test_identical_ballots_are_merged_with_their_weights_added() -> None:
    text = "2 1\n1 1 2 0\n1 1 2 0\n3 1 2 0\n2 2 0\n0\nA\nB\nT\n"
    profile = parse_blt(text)
    assert len(profile.weights) == 2
    assert ballots_of(profile) == {("A", "B"): 5, ("B",): 2}


def test_bare_names_are_whole_lines_with_inner_spaces_kept() -> None:
    text = "2 1\n1 1 0\n0\nEllen   Hurcombe\n  Gary O'RORKE (Lab)  \nWard 5 Sgìre nan Loch\n"
    profile = parse_blt(text)
    assert profile.candidates == ("Ellen   Hurcombe", "Gary O'RORKE (Lab)")
    assert profile.title == "Ward 5 Sgìre nan Loch"


def test_doubled_quotes_inside_a_quoted_name_stand_for_one_quote() -> None:
    text = '2 1\n1 1 0\n0\n"Stephen CURRAN ""Glasgow Labour"""\n"Lab ""Barney CROCKETT"" "\n"T"\n'
    profile = parse_blt(text)
    assert profile.candidates == ('Stephen CURRAN "Glasgow Labour"', 'Lab "Barney CROCKETT" ')


def test_several_quoted_names_may_share_a_line() -> None:
    profile = parse_blt('3 1\n1 1 0\n0\n"A" "B"\n"C" "The title"\n')
    assert profile.candidates == ("A", "B", "C")
    assert profile.title == "The title"


def test_a_name_line_that_is_not_one_quoted_string_is_the_name_as_written() -> None:
    # Aberdeenshire 2022: one candidate per line, name and party each quoted.
    text = (
        '2 1\n1 1 0\n0\n"George HALL" "Scottish Conservative and Unionist"\n'
        '"Neil SMITH" "Independent"\n"Ward 6 - Peterhead South and Cruden"\n'
    )
    profile = parse_blt(text)
    assert profile.candidates == (
        '"George HALL" "Scottish Conservative and Unionist"',
        '"Neil SMITH" "Independent"',
    )
    assert profile.title == "Ward 6 - Peterhead South and Cruden"


def test_a_missing_title_reads_as_empty() -> None:
    assert parse_blt('2 1\n1 1 0\n0\n"A"\n"B"\n').title == ""


def test_utf8_misread_as_windows_1252_is_repaired_in_names_and_title() -> None:
    text = (
        '2 1\n1 1 0\n0\n"JÃ©rÃ©mie FERNANDES"\n"Peter Ã“ DONNGHAILE"\n'
        '"Scottish Greens â€“ Think Global"\n'
    )
    profile = parse_blt(text)
    assert profile.candidates == ("Jérémie FERNANDES", "Peter Ó DONNGHAILE")
    assert profile.title == "Scottish Greens – Think Global"


def test_mojibake_is_kept_when_repair_is_turned_off() -> None:
    profile = parse_blt('1 1\n1 1 0\n0\n"JÃ©rÃ©mie"\n"T"\n', repair_names=False)
    assert profile.candidates == ("JÃ©rÃ©mie",)


@pytest.mark.parametrize(
    "text",
    [
        "Sgìre nan Loch",
        "Siobhán Carey",
        "O\ufffdRORKE",
        "Greens \u0322\ufffd\ufffd Think",
        "Ã alone",
    ],
)
def test_text_that_does_not_round_trip_is_left_alone(text: str) -> None:
    assert repair_mojibake(text) == text


def test_comment_lines_and_trailing_comments_are_ignored() -> None:
    text = (
        "# exported 2026-05-01\n3 1\n# the ballots\n2 1 2 0 # two voters\n1 3 0\n0\n"
        "# the candidates\nA\nB\nC\nTitle\n"
    )
    profile = parse_blt(text)
    assert ballots_of(profile) == {("A", "B"): 2, ("C",): 1}
    assert profile.candidates == ("A", "B", "C")
    assert profile.title == "Title"


def test_withdrawn_candidates_follow_the_first_line() -> None:
    profile = parse_blt("5 2\n-2 -5\n1 2 1 0\n0\nA\nB\nC\nD\nE\nT\n")
    assert profile.withdrawn == frozenset({1, 4})
    # A preference for a withdrawn candidate stays on the ballot; the count skips it.
    assert ballots_of(profile) == {("B", "A"): 1}


def test_a_ballot_may_span_lines_because_tokens_matter_not_lines() -> None:
    text = "3 1\n2 1\n2\n3 0 1 3\n0\n0\nA\nB\nC\nT\n"
    profile = parse_blt(text)
    assert ballots_of(profile) == {("A", "B", "C"): 2, ("C",): 1}


def test_windows_line_ends_tabs_and_extra_spaces_are_whitespace() -> None:
    text = '3  1\r\n\t4 1  2 0 \r\n\r\n 2 3 0\r\n0\r\n"A"\r\n"B"\r\n"C"\r\n"T"\r\n'
    profile = parse_blt(text.encode())
    assert ballots_of(profile) == {("A", "B"): 4, ("C",): 2}
    assert profile.title == "T"


def test_a_byte_order_mark_is_ignored() -> None:
    profile = parse_blt(b"\xef\xbb\xbf" + PLAIN.encode())
    assert profile.candidates[0] == "Ann Smith"


def test_a_file_saved_from_a_spreadsheet_reads_its_commas_as_cell_breaks() -> None:
    # Perth & Kinross 2016 ward 9 by-election: every line ends in a comma, one name is split.
    text = "3 1,\n786 1 0,\n87 1 2 0,\n0,\nKathleen BAIRD,\nWilma,LUMSDEN\nDave MACKENZIE,\nWard 9,"
    profile = parse_blt(text)
    assert profile.candidates == ("Kathleen BAIRD", "Wilma LUMSDEN", "Dave MACKENZIE")
    assert profile.title == "Ward 9"
    assert ballots_of(profile) == {
        ("Kathleen BAIRD",): 786,
        ("Kathleen BAIRD", "Wilma LUMSDEN"): 87,
    }


def test_a_blank_ballot_is_kept_so_the_count_can_report_it() -> None:
    profile = parse_blt("2 1\n3 0\n1 2 0\n0\nA\nB\nT\n")
    assert ballots_of(profile) == {(): 3, ("B",): 1}


def test_a_file_with_no_ballots_reads_as_an_empty_profile() -> None:
    profile = parse_blt("2 1\n0\nA\nB\nT\n")
    assert profile.total_weight == 0
    assert profile.candidates == ("A", "B")


def test_equal_rankings_may_truncate_the_ballot_when_asked() -> None:
    profile = parse_blt("4 1\n1 1 2=3 4 0\n1 2 0\n0\nA\nB\nC\nD\nT\n", equal_rankings="truncate")
    assert ballots_of(profile) == {("A",): 1, ("B",): 1}


def test_skipped_ranks_may_truncate_the_ballot_when_asked() -> None:
    profile = parse_blt("3 1\n1 1 - 2 0\n0\nA\nB\nC\nT\n", skipped_ranks="truncate")
    assert ballots_of(profile) == {("A",): 1}


# --- refusing malformed files, with the line ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("3 1\n1 1 4 0\n0\nA\nB\nC\nT\n", 2, "candidate number 4 does not exist: there are 3"),
        ("3 1\n1 1 0\n1 2 1 2 0\n0\nA\nB\nC\nT\n", 3, "ranks candidate 2 twice"),
        ("3 1\n1 1 2=3 0\n0\nA\nB\nC\nT\n", 2, "equal ranking '2=3' is not allowed"),
        ("3 1\n1 1 - 2 0\n0\nA\nB\nC\nT\n", 2, "skipped rank '-' is not allowed"),
        ("3 1\n1 1 0\n1 1 2\nA\nB\nC\nT\n", 4, "the ballot starting on line 3 has no closing 0"),
        ("3 1\n1 1 0\n1 1 2", 3, "the ballot starting on line 3 has no closing 0"),
        # Tokens, not lines: this 0 closes the ballot, so the end-of-ballots 0 is what is missing.
        ("3 1\n1 1 2\n0\nA\nB\nC\nT\n", 4, "the line holding 0 after the last ballot is missing"),
        (
            "3 1\n1 1 2 0\n1 3 0\nA\nB\nC\nT\n",
            4,
            "the line holding 0 after the last ballot is missing",
        ),
        ("3 1\n1 1 2 0\n1 3 0\n", 3, "the ballots are not ended by a line holding 0"),
        ("3 1\n1 1 0\n0\nA\nB\n", 5, "found 2 candidate names but the first line says there are 3"),
        ("3 1\n1 x 0\n0\nA\nB\nC\nT\n", 2, "expected a candidate number or 0, found 'x'"),
        ("3 1\n1.5 1 0\n0\nA\nB\nC\nT\n", 2, "expected a ballot weight"),
        (
            "3 1\n1 1 0\n-2 1 0\n0\nA\nB\nC\nT\n",
            3,
            "weight must be a positive whole number, not -2",
        ),
        ("3 4\n1 1 0\n0\nA\nB\nC\nT\n", 1, "4 seats but only 3 candidates"),
        ("3 0\n1 1 0\n0\nA\nB\nC\nT\n", 1, "no seats to fill"),
        ("0 0\n0\n", 1, "no candidates"),
        ("three 1\n0\n", 1, "must start with the number of candidates and of seats"),
        ("", 1, "the file is empty"),
        ("3 1\n-4\n1 1 0\n0\nA\nB\nC\nT\n", 2, "withdrawn candidate 4 does not exist"),
        ("3 1\n1 1 0\n0 1 0\nA\nB\nC\nT\n", 3, "unexpected '1' after the 0 that ends the ballots"),
        ("3 1\n1 1 0\n0\nA\nB\nC\nT\nMore\n", 8, "unexpected 'More' after the title"),
        ('3 1\n1 1 0\n0\n"A" "B\n"C"\n"T"\n', 4, "is not closed"),
        ('3 1\n1 1 0\n0\n"A" B "C"\n"T"\n', 4, "unexpected text 'B \"C\"' after a quoted name"),
        ("3 1\n1 1 0\n0\nA\nB\nA\nT\n", 6, "two candidates are named 'A' (lines 4 and 6)"),
        ('2 1\n1 1 0\n0\n"A"\n""\n"T"\n', 5, "candidate 2 has an empty name"),
        ("3 1\n1 1 2\n3 2 0\n0\nA\nB\nC\nT\n", 3, "may be missing its closing 0"),
        ("3 1\n1 1 2=9 0\n0\nA\nB\nC\nT\n", 2, "candidate number 9 does not exist"),
        ("3 1\n10000000000000000 1 0\n0\nA\nB\nC\nT\n", 2, "is too large"),
    ],
)
def test_a_malformed_file_is_refused_naming_the_line_and_the_problem(
    text: str, line: int, words: str
) -> None:
    error = refused(text)
    assert error.path == "ward.blt"
    assert error.line == line
    assert words in str(error)
    assert str(error).startswith(f"ward.blt:{line}: ")


@pytest.mark.parametrize("layout", ["text", "bytes"])
def test_errors_are_the_same_whichever_reader_path_sees_the_file(layout: str) -> None:
    # A plain one-ballot-per-line file takes the fast path until it finds the fault; the token
    # parser then names the line.
    lines = ["3 1"] + ["1 1 2 0"] * 500 + ["1 2 2 0"] + ["1 3 0"] * 10 + ["0", "A", "B", "C", "T"]
    text = "\n".join(lines) + "\n"
    error = refused(text if layout == "text" else text.encode())
    assert error.line == 502
    assert "ranks candidate 2 twice" in str(error)


def test_bytes_that_are_not_utf8_are_refused_naming_the_line() -> None:
    error = refused(b"2 1\n1 1 0\n0\nA\nJ\xe9r\xe9mie\nT\n")
    assert error.line == 5
    assert "not valid utf-8 text (byte e9)" in str(error)
    assert "--encoding" in str(error)


def test_another_encoding_can_be_named() -> None:
    profile = parse_blt(b"2 1\n1 1 0\n0\nA\nJ\xe9r\xe9mie\nT\n", encoding="cp1252")
    assert profile.candidates == ("A", "Jérémie")


def test_an_unknown_encoding_is_refused() -> None:
    assert "unknown text encoding" in str(refused(PLAIN.encode(), encoding="klingon"))


def test_a_missing_file_raises_the_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_blt(tmp_path / "absent.blt")


def test_an_unknown_option_value_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="equal_rankings"):
        parse_blt(PLAIN, equal_rankings="count-both")  # type: ignore[arg-type]


# --- the fast path agrees with the token parser -------------------------------------------------

names = st.lists(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
        min_size=1,
        max_size=12,
    ).filter(lambda s: s.strip() == s and not s.startswith("#")),
    min_size=1,
    max_size=7,
    unique=True,
)


@st.composite
def profiles(draw: st.DrawFn) -> tuple[list[str], int, list[tuple[list[int], int]], set[int]]:
    candidates = draw(names)
    n = len(candidates)
    seats = draw(st.integers(1, n))
    ballots = draw(
        st.lists(
            st.tuples(
                st.permutations(range(1, n + 1)).flatmap(
                    lambda p: st.integers(0, len(p)).map(lambda k: list(p[:k]))
                ),
                st.integers(1, 30),
            ),
            max_size=40,
        )
    )
    withdrawn = draw(st.sets(st.integers(1, n), max_size=n - 1))
    return candidates, seats, ballots, withdrawn


def blt_text(
    candidates: list[str],
    seats: int,
    ballots: list[tuple[list[int], int]],
    withdrawn: set[int],
    layout: str,
) -> str:
    out = [f"{len(candidates)} {seats}"]
    if withdrawn:
        out.append(" ".join(f"-{w}" for w in sorted(withdrawn)))
    for ranking, weight in ballots:
        tokens = [str(weight), *map(str, ranking), "0"]
        if layout == "spanning" and len(tokens) > 2:
            out.append(" ".join(tokens[:2]))
            out.append("  ".join(tokens[2:]))
        elif layout == "commented":
            out.append(" ".join(tokens) + " # ballot")
        else:
            out.append(" ".join(tokens))
    out.append("0")
    out.extend('"' + c.replace('"', '""') + '"' for c in candidates)
    out.append('"An election"')
    return "\n".join(out) + "\n"


@settings(max_examples=150, deadline=None)
@given(profiles(), st.sampled_from(["plain", "spanning", "commented"]))
def test_any_layout_reads_to_the_ballots_that_were_written(
    drawn: tuple[list[str], int, list[tuple[list[int], int]], set[int]], layout: str
) -> None:
    candidates, seats, ballots, withdrawn = drawn
    text = blt_text(candidates, seats, ballots, withdrawn, layout)
    expected: Counter[tuple[str, ...]] = Counter()
    for ranking, weight in ballots:
        expected[tuple(candidates[c - 1] for c in ranking)] += weight
    profile = parse_blt(text.encode(), repair_names=False)
    assert ballots_of(profile) == dict(expected)
    assert list(profile.candidates) == candidates
    assert profile.seats == seats
    assert profile.withdrawn == {w - 1 for w in withdrawn}
    assert profile.title == "An election"


def test_a_large_plain_file_reads_the_same_as_the_same_file_with_a_comment() -> None:
    # The comment sends the second copy through the token parser instead of the fast path.
    lines = [f"{1 + i % 3} {1 + i % 7} {1 + (i * 5 + 3) % 7} 0" for i in range(20_000)]
    lines = [line if line.split()[1] != line.split()[2] else "2 4 0" for line in lines]
    body = "\n".join(lines)
    tail = "\n0\nA\nB\nC\nD\nE\nF\nG\nTitle\n"
    fast = parse_blt(("7 3\n" + body + tail).encode())
    slow = parse_blt(("7 3\n# comment\n" + body + tail).encode())
    assert fast.digest() == slow.digest()
    assert len(fast.weights) < 60  # 20,000 ballot lines, few distinct rankings


@pytest.mark.parametrize("weight", ["1", "123456789012"])
@pytest.mark.parametrize("n", [5, 40])
def test_a_plain_file_ranking_a_candidate_twice_is_refused_whatever_the_sizes(
    n: int, weight: str
) -> None:
    names_text = "\n".join(f"C{i}" for i in range(1, n + 1))
    lines = [f"{weight} 1 2 0"] * 300 + [f"{weight} 3 {n} 3 0"] + ["2 1 0"] * 300
    text = f"{n} 2\n" + "\n".join(lines) + f"\n0\n{names_text}\nT\n"
    error = refused(text.encode())
    assert error.line == 302
    assert "ranks candidate 3 twice" in str(error)
    fine = parse_blt(text.replace(f"3 {n} 3 0", f"3 {n} 2 0").encode())
    assert fine.total_weight == 301 * int(weight) + 600


def test_a_file_with_more_than_63_candidates_is_read_and_checked() -> None:
    n = 70
    names_text = "\n".join(f"C{i}" for i in range(1, n + 1))
    good = parse_blt(f"{n} 2\n1 70 1 65 0\n2 64 0\n0\n{names_text}\nT\n".encode())
    assert ballots_of(good) == {("C70", "C1", "C65"): 1, ("C64",): 2}
    error = refused(f"{n} 2\n1 70 1 70 0\n0\n{names_text}\nT\n".encode())
    assert error.line == 2
    assert "ranks candidate 70 twice" in str(error)


# --- writing ------------------------------------------------------------------------------------


def test_the_writer_packs_identical_ballots_in_canonical_order_with_quoted_names() -> None:
    profile = Profile.from_ballots(
        ['Stephen CURRAN "Glasgow Labour"', "Ann", "Bob"],
        [([2, 0], 1), ([0], 2), ([2, 0], 3), ([1, 2], 1)],
        seats=1,
        title='The "big" vote',
        withdrawn=[1],
    )
    assert format_blt(profile) == (
        "3 1\n"
        "-2\n"
        "2 1 0\n"
        "1 2 3 0\n"
        "4 3 1 0\n"
        "0\n"
        '"Stephen CURRAN ""Glasgow Labour"""\n'
        '"Ann"\n'
        '"Bob"\n'
        '"The ""big"" vote"\n'
    )


def test_the_writer_writes_to_a_path_or_a_stream(tmp_path: Path) -> None:
    profile = parse_blt(PLAIN)
    path = tmp_path / "out.blt"
    write_blt(profile, path)
    stream = io.StringIO()
    write_blt(profile, stream)
    assert path.read_text(encoding="utf-8") == stream.getvalue() == format_blt(profile)


def test_the_writer_needs_a_number_of_seats() -> None:
    profile = Profile.from_ballots(["A"], [([0], 1)])
    with pytest.raises(CountError, match="needs a number of seats"):
        format_blt(profile)
    assert format_blt(profile, seats=1).startswith("1 1\n")


@settings(max_examples=150, deadline=None)
@given(profiles())
def test_writing_then_reading_gives_back_the_same_profile(
    drawn: tuple[list[str], int, list[tuple[list[int], int]], set[int]],
) -> None:
    candidates, seats, ballots, withdrawn = drawn
    profile = Profile.from_ballots(
        candidates,
        [([c - 1 for c in r], w) for r, w in ballots],
        seats=seats,
        title='Title with "quotes"',
        withdrawn=[w - 1 for w in withdrawn],
    )
    again = parse_blt(format_blt(profile), repair_names=False)
    assert again.digest() == profile.digest()
    assert again.title == profile.title
    assert format_blt(again) == format_blt(profile)


# --- the real Scottish files -------------------------------------------------------------------


@pytest.mark.slow
def test_every_real_scottish_file_reads_and_both_reader_paths_agree(shared_data: Path) -> None:
    files = sorted((shared_data / "scotland").rglob("*.blt"))
    assert len(files) == 749
    for path in files:
        profile = read_blt(path)
        assert 1 <= profile.seats <= len(profile.candidates), path  # type: ignore[operator]
        # The same text as str goes through the fast path too; a leading comment forces the
        # token parser. Both must agree exactly.
        text = path.read_text(encoding="utf-8")
        slow = parse_blt("# force the token parser\n" + text)
        assert slow.digest() == profile.digest(), path
        assert slow.title == profile.title, path


def test_real_quirks_read_as_the_people_who_stood(shared_data: Path) -> None:
    scotland = shared_data / "scotland"
    moray = read_blt(scotland / "2022" / "moray_2022_ward6.blt")
    assert 'Jérémie FERNANDES "Scottish National Party (SNP)"' in moray.candidates
    ayrshire = read_blt(scotland / "2022" / "east_ayrshire_2022_ward5.blt")
    assert '"Keyrin James VON-DÖRING" "Scottish Libertarian Party" ' in ayrshire.candidates
    aberdeen = read_blt(scotland / "2012" / "aberdeen_2012_ward1.blt")
    assert aberdeen.candidates[0] == 'Lab "Barney CROCKETT" '
    assert aberdeen.title == "Ward 1 - Dyce - Bucksburn - Danestone"
    perth = read_blt(scotland / "by-elections" / "perth_kinross_2016_by_election_ward9.blt")
    assert perth.candidates[3] == "Wilma LUMSDEN"
    assert perth.seats == 1


@pytest.mark.slow
def test_a_million_ballot_plain_file_is_read_by_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import random

    from hustings.counting.io import blt

    generator = random.Random(2026)
    shapes = []
    for _ in range(20_000):
        ranking = generator.sample(range(1, 21), generator.randint(1, 20))
        shapes.append("1 " + " ".join(map(str, ranking)) + " 0")
    lines = generator.choices(shapes, k=1_000_000)
    names = "\n".join(f'"Candidate {i}"' for i in range(1, 21))
    path = tmp_path / "million.blt"
    path.write_text("20 9\n" + "\n".join(lines) + f'\n0\n{names}\n"A million"\n', encoding="utf-8")

    # The token parser (about ten seconds for this file on the project's machine, against a few
    # tenths for the fast path) must not be reached: how long reading takes is the benchmark's
    # business (bench/bench_count.py), which path reads it is this test's.
    def token_parser(*args: object, **kwargs: object) -> None:
        raise AssertionError("a plain file fell back to the token parser")

    monkeypatch.setattr(blt, "_parse_tokens", token_parser)
    profile = read_blt(path)

    assert profile.total_weight == 1_000_000
    assert len(profile.weights) == len(set(lines))
