"""The public names of the ballot-file and report packages are pinned."""

from __future__ import annotations

from pathlib import Path

import pytest

import hustings.counting.io
import hustings.counting.report
from hustings.counting import BallotFileError
from hustings.counting.io import read_ballots


def test_the_ballot_file_functions_are_pinned() -> None:
    assert hustings.counting.io.__all__ == [
        "FORMATS",
        "BallotFormat",
        "format_blt",
        "format_csv_ballots",
        "format_json_ballots",
        "format_of",
        "parse_attributes",
        "parse_blt",
        "parse_csv_ballots",
        "parse_json_ballots",
        "profile_to_dict",
        "read_attributes",
        "read_ballots",
        "read_blt",
        "read_csv_ballots",
        "read_json_ballots",
        "repair_mojibake",
        "write_blt",
        "write_csv_ballots",
        "write_json_ballots",
    ]
    for name in hustings.counting.io.__all__:
        assert hasattr(hustings.counting.io, name), name


def test_the_report_functions_are_pinned() -> None:
    assert hustings.counting.report.__all__ == [
        "REPORT_FORMATS",
        "ReportFormat",
        "csv_report",
        "html_report",
        "json_report",
        "render",
        "text_report",
    ]
    for name in hustings.counting.report.__all__:
        assert hasattr(hustings.counting.report, name), name


def test_read_ballots_picks_the_reader_by_extension_or_as_told(tmp_path: Path) -> None:
    blt = tmp_path / "a.blt"
    blt.write_text("1 1\n3 1 0\n0\nAnn\nBy-election\n", encoding="utf-8")
    as_json = tmp_path / "a.json"
    as_json.write_text(
        '{"candidates": ["A"], "seats": 1, "ballots": [[["A"], 2]]}', encoding="utf-8"
    )
    upper = tmp_path / "a.CSV"
    upper.write_text("1\nA\n", encoding="utf-8")
    other = tmp_path / "a.txt"
    other.write_text(as_json.read_text(encoding="utf-8"), encoding="utf-8")
    assert read_ballots(blt).title == "By-election"
    assert read_ballots(as_json).total_weight == 2
    assert read_ballots(upper).candidates == ("A",)
    assert read_ballots(other, file_format="json").total_weight == 2
    with pytest.raises(BallotFileError, match="cannot tell the ballot file's format"):
        read_ballots(other)
