"""`hustings count`: counts a ballot file, prints every report format, exits 2 on bad input."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hustings.count_command import run

ROOT = Path(__file__).resolve().parent.parent
HUSTINGS = ROOT / ".venv" / "bin" / "hustings"

# Ann 7 first preferences, Bob 5, Cat 3, Dee 1; 16 valid ballots; 2 seats; quota 16 // 3 + 1 = 6.
ELECTION = """4 2
4 1 2 0
3 1 3 0
5 2 1 0
3 3 4 0
1 4 0
0
"Ann Abbott"
"Bob ""Bobby"" Brown"
"Cat Carter"
"Dee Dawson"
"Branch committee 2026"
"""
BOB = 'Bob "Bobby" Brown'
ATTRIBUTES = 'candidate,gender\nAnn Abbott,woman\nBob "Bobby" Brown,man\nCat Carter,woman\n'


@pytest.fixture
def election(tmp_path: Path) -> Path:
    path = tmp_path / "branch.blt"
    path.write_text(ELECTION, encoding="utf-8")
    return path


@pytest.fixture
def attributes(tmp_path: Path) -> Path:
    path = tmp_path / "attributes.csv"
    path.write_text(ATTRIBUTES, encoding="utf-8")
    return path


def counted(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    status = run([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def refused(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> str:
    status, out, err = counted(capsys, *argv)
    assert status == 2, err
    assert out == ""
    assert err.startswith("hustings count: error: ") or err.startswith("usage: hustings count")
    assert "Traceback" not in err
    return err


# --- counting ---------------------------------------------------------------------------------


def test_a_blt_file_is_counted_by_scottish_stv_for_its_own_seats(
    capsys: pytest.CaptureFixture[str], election: Path
) -> None:
    status, out, err = counted(capsys, "--format", "json", election)
    assert status == 0, err
    assert err == ""
    data = json.loads(out)
    assert data["method"] == "scottish-stv"
    assert data["seats"] == 2
    assert data["quota"] == "6.00000"
    assert data["elected"][0] == "Ann Abbott"
    assert BOB in data["elected"]
    first = data["rounds"][0]
    assert first["action"] == "first-preferences"
    assert first["totals"] == {
        "Ann Abbott": "7.00000",
        BOB: "5.00000",
        "Cat Carter": "3.00000",
        "Dee Dawson": "1.00000",
    }
    assert all(set(r) >= {"action", "totals"} for r in data["rounds"])


def test_the_default_output_is_the_text_count_sheet(
    capsys: pytest.CaptureFixture[str], election: Path
) -> None:
    status, out, _ = counted(capsys, election)
    assert status == 0
    assert out.startswith("Count sheet: Branch committee 2026\n")
    assert "Returning officer: ____" in out


@pytest.mark.parametrize("method", ["block", "scottish-stv", "ers97-stv", "meek-stv"])
def test_every_method_can_be_chosen(
    capsys: pytest.CaptureFixture[str], election: Path, method: str
) -> None:
    status, out, _ = counted(capsys, election, "--method", method, "--format", "json")
    assert status == 0
    data = json.loads(out)
    assert data["method"] == method
    assert len(data["elected"]) == 2


def test_seats_may_be_given_instead_of_the_files(
    capsys: pytest.CaptureFixture[str], election: Path
) -> None:
    status, out, _ = counted(capsys, election, "--seats", "1", "--format", "json")
    assert status == 0
    data = json.loads(out)
    assert data["seats"] == 1
    assert len(data["elected"]) == 1


def test_a_minimum_from_the_attributes_file_changes_who_is_elected(
    capsys: pytest.CaptureFixture[str], election: Path, attributes: Path
) -> None:
    _, plain, _ = counted(capsys, election, "--format", "json")
    assert json.loads(plain)["elected"] == ["Ann Abbott", BOB]
    status, out, err = counted(
        capsys,
        election,
        "--attributes",
        attributes,
        "--min",
        "gender=woman:2",
        "--format",
        "json",
    )
    assert status == 0, err
    data = json.loads(out)
    assert sorted(data["elected"]) == ["Ann Abbott", "Cat Carter"]
    assert data["constraints"] == [
        {"attribute": "gender", "value": "woman", "minimum": 2, "maximum": None}
    ]


def test_a_minimum_and_a_maximum_for_one_group_make_one_rule(
    capsys: pytest.CaptureFixture[str], election: Path, attributes: Path
) -> None:
    status, out, _ = counted(
        capsys,
        election,
        "--attributes",
        attributes,
        "--min",
        "gender=woman:1",
        "--max",
        "gender=woman:1",
        "--format",
        "json",
    )
    assert status == 0
    assert json.loads(out)["constraints"] == [
        {"attribute": "gender", "value": "woman", "minimum": 1, "maximum": 1}
    ]


def test_the_seed_is_used_and_recorded(capsys: pytest.CaptureFixture[str], election: Path) -> None:
    _, out, _ = counted(capsys, election, "--seed", "12345", "--format", "json")
    assert json.loads(out)["seed"] == 12345


def test_html_goes_to_the_output_file(
    capsys: pytest.CaptureFixture[str], election: Path, tmp_path: Path
) -> None:
    target = tmp_path / "result.html"
    status, out, _ = counted(capsys, election, "--format", "html", "--output", target)
    assert status == 0
    assert out == ""
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "Bob &quot;Bobby&quot; Brown" in page
    assert "<svg" in page


def test_csv_output_is_the_sheet_as_a_table(
    capsys: pytest.CaptureFixture[str], election: Path
) -> None:
    status, out, _ = counted(capsys, election, "--format", "csv")
    assert status == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][0] == "candidate"
    assert [r[0] for r in rows[1:]] == [
        "Ann Abbott",
        BOB,
        "Cat Carter",
        "Dee Dawson",
        "non-transferable",
    ]
    assert rows[1][1] == "7.00000"


def test_a_csv_block_vote_is_counted(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "votes.csv"
    path.write_text("weight,Ann,Bob,Cat\n3,X,X,\n2,,X,X\n1,X,,\n", encoding="utf-8")
    status, out, _ = counted(capsys, path, "--method", "block", "--seats", "2", "--format", "json")
    assert status == 0
    data = json.loads(out)
    assert data["rounds"][0]["totals"] == {"Ann": "4", "Bob": "5", "Cat": "2"}
    assert data["elected"] == ["Bob", "Ann"]


def test_ranked_csv_with_a_candidate_list_and_a_title(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ballots = tmp_path / "votes.csv"
    ballots.write_text("1,2\nAnn,Bob\nAnn,\nBob,Ann\n", encoding="utf-8")
    names = tmp_path / "candidates.txt"
    names.write_text("# in ballot order\nAnn\nBob\nCat\n", encoding="utf-8")
    status, out, _ = counted(
        capsys,
        ballots,
        "--seats",
        "1",
        "--candidates",
        names,
        "--title",
        "By-election",
        "--format",
        "json",
    )
    assert status == 0
    data = json.loads(out)
    assert data["candidates"] == ["Ann", "Bob", "Cat"]
    assert data["title"] == "By-election"
    assert data["elected"] == ["Ann"]


def test_a_json_ballot_file_is_counted(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "ballots.json"
    path.write_text(
        json.dumps(
            {"candidates": ["Ann", "Bob"], "seats": 1, "ballots": [[["Ann"], 3], [["Bob"], 2]]}
        ),
        encoding="utf-8",
    )
    status, out, _ = counted(capsys, path, "--format", "json")
    assert status == 0
    assert json.loads(out)["elected"] == ["Ann"]


def test_standard_input_is_read_with_an_input_format(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ELECTION.encode())))
    status, out, _ = counted(capsys, "-", "--input-format", "blt", "--format", "json")
    assert status == 0
    assert json.loads(out)["title"] == "Branch committee 2026"


def test_a_file_with_another_extension_is_read_as_the_given_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "ballots.txt"
    path.write_text(ELECTION, encoding="utf-8")
    status, _, _ = counted(capsys, path, "--input-format", "blt")
    assert status == 0


def test_equal_rankings_can_be_truncated_on_request(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "equal.blt"
    path.write_text("3 1\n2 1 2=3 0\n1 2 0\n0\nA\nB\nC\nT\n", encoding="utf-8")
    error = refused(capsys, path)
    assert f"{path}:2: equal ranking '2=3' is not allowed" in error
    status, out, _ = counted(capsys, path, "--equal-rankings", "truncate", "--format", "json")
    assert status == 0
    assert json.loads(out)["rounds"][0]["totals"] == {
        "A": "2.00000",
        "B": "1.00000",
        "C": "0.00000",
    }


def test_mojibake_is_repaired_unless_kept(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "moray.blt"
    path.write_text('1 1\n1 1 0\n0\n"JÃ©rÃ©mie"\n"T"\n', encoding="utf-8")
    _, out, _ = counted(capsys, path, "--format", "json")
    assert json.loads(out)["elected"] == ["Jérémie"]
    _, out, _ = counted(capsys, path, "--format", "json", "--keep-mojibake")
    assert json.loads(out)["elected"] == ["JÃ©rÃ©mie"]


def test_help_describes_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = counted(capsys, "--help")
    assert status == 0
    for option in [
        "--method",
        "--seats",
        "--attributes",
        "--min",
        "--max",
        "--seed",
        "--format",
        "--input-format",
        "--output",
        "--encoding",
        "--equal-rankings",
        "--skipped-ranks",
        "--keep-mojibake",
        "--candidates",
        "--title",
    ]:
        assert option in out
    assert "exit status" in out


# --- refusing bad input, with exit status 2 ---------------------------------------------------


def test_a_missing_file_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    error = refused(capsys, tmp_path / "absent.blt")
    assert f"{tmp_path / 'absent.blt'}: No such file or directory" in error


def test_a_directory_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "ward.blt"
    folder.mkdir()
    assert "is a directory" in refused(capsys, folder)


def test_an_unknown_extension_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "ballots.txt"
    path.write_text(ELECTION, encoding="utf-8")
    assert "cannot tell the ballot file's format from its name" in refused(capsys, path)


def test_a_malformed_ballot_file_is_refused_naming_file_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "bad.blt"
    path.write_text("3 1\n1 1 0\n1 2 7 0\n0\nA\nB\nC\nT\n", encoding="utf-8")
    error = refused(capsys, path)
    assert f"{path}:3: candidate number 7 does not exist: there are 3 candidates" in error


def test_a_file_that_is_not_utf8_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"1,2\nJ\xe9r\xe9mie,Ann\n")
    error = refused(capsys, path, "--seats", "1")
    assert f"{path}:2: the file is not valid utf-8 text" in error


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--min", "gender=woman"], "--min 'gender=woman': expected ATTRIBUTE=VALUE:NUMBER"),
        (["--min", "gender=woman:1"], "--min and --max need the candidates' attributes"),
        (
            ["--min", "gender=woman:1", "--min", "gender=woman:2", "--attributes", "{attributes}"],
            "--min gender=woman is given twice",
        ),
        (
            ["--min", "gender=woman:2", "--max", "gender=woman:1", "--attributes", "{attributes}"],
            "the maximum is below the minimum",
        ),
        (
            ["--seats", "3", "--min", "gender=woman:3", "--attributes", "{attributes}"],
            "only 2 such candidates stand",
        ),
        (
            ["--min", "gender=woman:3", "--attributes", "{attributes}"],
            "the rule asks for more winners than there are seats to fill (2)",
        ),
        (
            ["--min", "region=north:1", "--attributes", "{attributes}"],
            "no candidate has the attribute 'region'",
        ),
    ],
)
def test_bad_representation_rules_are_refused(
    capsys: pytest.CaptureFixture[str],
    election: Path,
    attributes: Path,
    extra: list[str],
    words: str,
) -> None:
    argv = [a.replace("{attributes}", str(attributes)) for a in extra]
    assert words in refused(capsys, election, *argv)


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ("name,gender\nAnn Abbott,woman\n", 1, "the header must start with a 'candidate' column"),
        ("candidate,gender\nZed,man\n", 2, "unknown candidate 'Zed'"),
        (
            "candidate,gender\nCat Carter,woman\nCat Carter,man\n",
            3,
            "candidate 'Cat Carter' is listed twice (lines 2 and 3)",
        ),
        ("", 1, "the file is empty"),
    ],
)
def test_a_bad_attributes_file_is_refused_naming_file_and_line(
    capsys: pytest.CaptureFixture[str],
    election: Path,
    tmp_path: Path,
    content: str,
    line: int,
    words: str,
) -> None:
    path = tmp_path / "attrs.csv"
    path.write_text(content, encoding="utf-8")
    error = refused(capsys, election, "--attributes", path, "--min", "gender=woman:1")
    assert f"{path}:{line}: {words}" in error


def test_a_missing_attributes_file_is_refused(
    capsys: pytest.CaptureFixture[str], election: Path, tmp_path: Path
) -> None:
    error = refused(capsys, election, "--attributes", tmp_path / "none.csv")
    assert "none.csv: No such file or directory" in error


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--seats", "0"], "expected a whole number of at least 1, not '0'"),
        (["--seats", "two"], "expected a whole number of at least 1, not 'two'"),
        (["--seed", "-1"], "expected a whole number of 0 or more, not '-1'"),
        (["--method", "borda"], "invalid choice: 'borda'"),
        (["--format", "pdf"], "invalid choice: 'pdf'"),
        (["--equal-rankings", "both"], "invalid choice: 'both'"),
        (["--no-such-option"], "unrecognized arguments: --no-such-option"),
    ],
)
def test_bad_options_are_refused_with_usage(
    capsys: pytest.CaptureFixture[str], election: Path, argv: list[str], words: str
) -> None:
    error = refused(capsys, election, *argv)
    assert error.startswith("usage: hustings count")
    assert words in error


def test_no_file_at_all_is_refused_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert "the following arguments are required: FILE" in refused(capsys)


def test_more_seats_than_candidates_is_refused(
    capsys: pytest.CaptureFixture[str], election: Path
) -> None:
    assert f"9 seats but only 4 candidates in {election}" in refused(
        capsys, election, "--seats", "9"
    )


def test_a_ballot_file_without_seats_needs_the_option(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "votes.csv"
    path.write_text("1,2\nAnn,Bob\n", encoding="utf-8")
    assert "does not give the number of seats; give it with --seats" in refused(capsys, path)


def test_a_block_vote_csv_cannot_be_counted_by_stv(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "marks.csv"
    path.write_text("Ann,Bob\nX,\n", encoding="utf-8")
    error = refused(capsys, path, "--seats", "1")
    assert f"{path}:1: expected a ranked-ballot header" in error


def test_standard_input_needs_an_input_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert "reading standard input needs --input-format" in refused(capsys, "-")


def test_a_bad_candidate_list_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ballots = tmp_path / "votes.csv"
    ballots.write_text("1\nAnn\n", encoding="utf-8")
    names = tmp_path / "names.txt"
    names.write_text("Ann\nBob\nAnn\n", encoding="utf-8")
    assert f"{names}:3: 'Ann' is listed twice" in refused(
        capsys, ballots, "--seats", "1", "--candidates", names
    )
    names.write_text("Bob\n", encoding="utf-8")
    assert f"{ballots}:2: unknown candidate 'Ann'" in refused(
        capsys, ballots, "--seats", "1", "--candidates", names
    )


def test_an_unwritable_output_is_refused(
    capsys: pytest.CaptureFixture[str], election: Path, tmp_path: Path
) -> None:
    error = refused(capsys, election, "--output", tmp_path / "no" / "such" / "dir.txt")
    assert "No such file or directory" in error


def test_an_unknown_encoding_is_refused(capsys: pytest.CaptureFixture[str], election: Path) -> None:
    assert "unknown text encoding 'klingon'" in refused(capsys, election, "--encoding", "klingon")


# --- the installed command, as a separate process ----------------------------------------------


def hustings(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(HUSTINGS), "count", *map(str, argv)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def test_the_installed_command_counts_and_exits_0(election: Path) -> None:
    done = hustings(election, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["elected"] == ["Ann Abbott", BOB]
    assert done.stderr == ""


def test_the_installed_command_exits_2_with_the_message_on_stderr(tmp_path: Path) -> None:
    path = tmp_path / "bad.blt"
    path.write_text("3 1\n1 1 1 0\n0\nA\nB\nC\nT\n", encoding="utf-8")
    done = hustings(path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == f"hustings count: error: {path}:2: the ballot ranks candidate 1 twice\n"


def test_names_print_whatever_the_locale(tmp_path: Path) -> None:
    path = tmp_path / "accents.blt"
    path.write_text('1 1\n1 1 0\n0\n"Siobhán Ó Súilleabháin"\n"T"\n', encoding="utf-8")
    done = subprocess.run(
        [str(HUSTINGS), "count", str(path)],
        capture_output=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": "ascii"},
    )
    assert done.returncode == 0, done.stderr
    assert "Siobhán Ó Súilleabháin".encode() in done.stdout


def test_counting_never_imports_django(election: Path) -> None:
    code = (
        "import sys\n"
        "from hustings.cli import main\n"
        f"status = main(['count', {str(election)!r}, '--format', 'html'])\n"
        "assert status == 0, status\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print('DJANGO:' + ','.join(loaded))\n"
    )
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("DJANGO:")


@pytest.mark.slow
def test_a_real_ward_counts_through_the_installed_command(shared_data: Path) -> None:
    done = hustings(shared_data / "scotland" / "2022" / "moray_2022_ward6.blt", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert len(data["elected"]) == data["seats"] == 3
    assert 'Jérémie FERNANDES "Scottish National Party (SNP)"' in data["candidates"]
