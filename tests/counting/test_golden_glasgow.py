"""Glasgow 2007: every ward counted by Scottish STV matches an independent count to the 5th decimal.

The reference sheets in ../shared/data/scotland/glasgow-2007-reference/ were made by the
open-source counter droop (rule `scotland`, fixed point, 5 decimals). Each reference round R >= 1
is one transfer, so our stages other than "fill" correspond one to one with the reference's
`begin` row (our first stage) and its `transfer` rows, in order.

droop splits what we call non-transferable into two figures: the value on exhausted papers
(its Non-Transferable column) and a residual lost to truncation, which it does not print but
which is valid papers - candidates' votes - Non-Transferable. We show the sum, so that our sheet
adds up, and keep the truncation part apart in `Stage.rounding_loss`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from hustings.counting import CountResult, Rules, count
from hustings.counting.io.blt import read_blt

WARDS = (
    "Anderston-City",
    "Baillieston",
    "Calton",
    "Canal",
    "Craigton",
    "Drumchapel-Anniesland",
    "East-Centre",
    "Garscadden-Scotsounhill",
    "Govan",
    "Greater-Pollock",
    "Hillhead",
    "Langside",
    "Linn",
    "Maryhill-Kelvin",
    "Newlands-Auldburn",
    "North-East",
    "Partick-West",
    "Pollokshields",
    "Shettleston",
    "Southside-Central",
    "Springburn",
)


@dataclass(frozen=True)
class ReferenceRow:
    """One row of droop's sheet: round, action, quota, non-transferable and every candidate."""

    round: str
    action: str
    quota: Decimal
    non_transferable: Decimal
    #: (name, state, vote) for each candidate, in ballot-file order.
    candidates: tuple[tuple[str, str, Decimal], ...]

    @property
    def elected(self) -> frozenset[int]:
        """Return the ballot-file positions of the candidates droop shows as elected."""
        return frozenset(i for i, (_, state, _) in enumerate(self.candidates) if state in "Ee")


def read_reference(path: Path) -> list[ReferenceRow]:
    """Parse droop's tab-separated sheet, keeping every row that carries the candidates' votes."""
    rows = []
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t")[:4] == ["R", "Action", "Quota", "Non-Transferable"]
    for line in lines[1:]:
        fields = line.split("\t")
        if fields[1] in {"log", "round"}:
            continue
        cells = fields[4:]
        rows.append(
            ReferenceRow(
                round=fields[0],
                action=fields[1],
                quota=Decimal(fields[2]),
                non_transferable=Decimal(fields[3]),
                candidates=tuple(
                    (cells[i], cells[i + 1], Decimal(cells[i + 2])) for i in range(0, len(cells), 3)
                ),
            )
        )
    return rows


def counted(shared_data: Path, ward: str) -> tuple[CountResult, list[ReferenceRow]]:
    profile = read_blt(shared_data / "scotland" / "glasgow-2007" / f"{ward}-2007.blt")
    reference = read_reference(
        shared_data
        / "scotland"
        / "glasgow-2007-reference"
        / f"{ward}-2007-scotland-fixed-p5-d5.txt"
    )
    return count(profile, Rules(method="scottish-stv")), reference


def spaced(name: str) -> str:
    # droop collapses runs of spaces in names ("Ellen   Hurcombe"); we keep the file's spelling.
    return " ".join(name.split())


@pytest.mark.parametrize("ward", WARDS)
def test_ward_reproduces_every_transfer_of_the_reference_count(
    shared_data: Path, ward: str
) -> None:
    result, reference = counted(shared_data, ward)
    names = result.candidates
    stages = [s for s in result.stages if s.action != "fill"]
    rounds = [r for r in reference if r.action in {"begin", "transfer"}]

    assert [spaced(name) for name, _, _ in rounds[0].candidates] == [spaced(n) for n in names]
    assert len(stages) == len(rounds), "one stage per reference round"
    assert result.quota == rounds[0].quota
    for stage, row in zip(stages, rounds, strict=True):
        where = f"{ward} stage {stage.number} (reference round {row.round})"
        ours = [stage.totals[name] for name in names]
        theirs = [vote for _, _, vote in row.candidates]
        assert ours == theirs, where
        residual = result.valid - sum(theirs) - row.non_transferable
        assert stage.non_transferable == row.non_transferable + residual, where
        assert stage.rounding_loss is not None, where
        assert stage.non_transferable - stage.rounding_loss == row.non_transferable, where


@pytest.mark.parametrize("ward", WARDS)
def test_ward_elects_the_reference_winners_at_the_same_rounds(shared_data: Path, ward: str) -> None:
    result, reference = counted(shared_data, ward)
    position = {name: i for i, name in enumerate(result.candidates)}

    # Our elected set after each non-fill stage (and any fill stage that directly follows it,
    # which droop carries out within the same round) equals droop's at the end of that round.
    ours: list[frozenset[int]] = []
    elected: set[int] = set()
    for stage in result.stages:
        elected.update(position[name] for name in stage.elected)
        if stage.action == "fill":
            ours[-1] = frozenset(elected)
        else:
            ours.append(frozenset(elected))
    last_row_of_round: dict[str, ReferenceRow] = {}
    for row in reference:
        if row.round != "X":
            last_row_of_round[row.round] = row
    theirs = [last_row_of_round[str(r)].elected for r in range(len(last_row_of_round))]

    assert ours == theirs
    assert set(result.elected) == {result.candidates[i] for i in reference[-1].elected}
    assert len(result.elected) == result.seats
