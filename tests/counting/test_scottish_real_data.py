"""Every real Scottish ward of 2012 and 2022, and every by-election, counts cleanly by Scottish STV."""

from __future__ import annotations

from pathlib import Path

import pytest

from hustings.counting import CountError, Rules, count
from hustings.counting.io.blt import read_blt

FOLDERS = {"2012": 353, "2022": 345, "by-elections": 30}


def problems_counting(path: Path) -> list[str]:
    """Count one ballot file and return what is wrong with the result (nothing, if all is well)."""
    try:
        profile = read_blt(path)
        result = count(profile, Rules(method="scottish-stv"))
    except CountError as error:
        return [f"{path.name}: {error}"]
    problems = []
    if len(result.elected) != profile.seats:
        problems.append(f"elected {len(result.elected)} of {profile.seats} seats")
    for stage in result.stages:
        total = sum(stage.totals.values()) + stage.non_transferable
        if total != result.valid:
            problems.append(f"stage {stage.number} adds up to {total}, not {result.valid}")
    return [f"{path.name}: {problem}" for problem in problems]


@pytest.mark.slow
@pytest.mark.parametrize("folder", FOLDERS)
def test_every_ward_counts_and_fills_its_seats_with_votes_conserved(
    shared_data: Path, folder: str
) -> None:
    files = sorted((shared_data / "scotland" / folder).glob("*.blt"))
    assert len(files) == FOLDERS[folder], f"expected {FOLDERS[folder]} ballot files in {folder}"

    problems = [problem for path in files for problem in problems_counting(path)]

    assert problems == []
