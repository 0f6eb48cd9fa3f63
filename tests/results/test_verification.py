"""The published files: canonical, checksummed, and recounted by the CLI to the same bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from hustings.count_command import run
from hustings.results.actions import do_start_count
from hustings.results.files import file_names, recount_arguments, recount_command
from hustings.results.models import ContestResult, CountStatus
from tests.factories import BallotScene, returning_officer
from tests.results.scene import cast, close_ballot

pytestmark = pytest.mark.django_db


def recount_with_cli(result: ContestResult, directory: Path) -> str:
    """Write the published files, run `hustings count` as printed, and return its output."""
    names = file_names(result)
    (directory / names["blt"]).write_text(result.blt, encoding="utf-8")
    (directory / names["attributes"]).write_text(result.attributes, encoding="utf-8")
    output = directory / names["result"]
    args = recount_arguments(result)
    # The command names the files relative to where they are downloaded.
    args = [str(directory / a) if a in (names["blt"], names["attributes"]) else a for a in args]
    assert run([*args, "--output", str(output)]) == 0
    return output.read_text(encoding="utf-8")


def counted(scene: BallotScene) -> list[ContestResult]:
    close_ballot(scene.election)
    count = do_start_count(returning_officer(), scene.election)
    count.refresh_from_db()
    assert count.status == CountStatus.DONE, count.error
    return list(count.results.order_by("contest__position", "contest__name"))


def test_the_cli_recounts_each_published_blt_to_the_identical_result_json(tmp_path: Path) -> None:
    scene = BallotScene()
    ada, ben, cy, di = (c.pk for c in scene.national_candidates)
    eve, fay, gus = (c.pk for c in scene.regional_candidates)
    cast(
        scene.election,
        {scene.national: [ada, ben], scene.regional: [eve, gus, fay]},
        unit=scene.unit,
        times=4,
    )
    cast(
        scene.election, {scene.national: [di], scene.regional: [fay, eve]}, unit=scene.unit, times=3
    )
    cast(scene.election, {scene.national: [cy, di], scene.regional: []}, unit=scene.unit, times=2)
    for result in counted(scene):
        assert recount_with_cli(result, tmp_path) == result.result_json


def test_a_lot_is_drawn_with_the_stored_seed_and_the_cli_repeats_it(tmp_path: Path) -> None:
    scene = BallotScene()
    ada, ben, cy, di = (c.pk for c in scene.national_candidates)
    # Four candidates with one vote each for two seats: only a lot can choose.
    cast(scene.election, {scene.national: [ada, ben]})
    cast(scene.election, {scene.national: [cy, di]})
    national = counted(scene)[0]
    assert national.lot_drawn
    assert national.seed == national.count.seed
    assert national.result["seed"] == int(national.seed)
    assert f"--seed {national.seed}" in recount_command(national)
    assert recount_with_cli(national, tmp_path) == national.result_json


def test_without_a_lot_no_seed_is_stored_or_needed(tmp_path: Path) -> None:
    scene = BallotScene()
    ada, ben = (c.pk for c in scene.national_candidates[:2])
    cast(scene.election, {scene.national: [ada, ben]}, times=2)
    cast(scene.election, {scene.national: [ada]})
    national = counted(scene)[0]
    assert national.seed == ""
    assert national.result["seed"] is None
    assert "--seed" not in recount_command(national)
    assert recount_with_cli(national, tmp_path) == national.result_json


def test_each_file_is_stored_with_the_sha256_of_its_bytes() -> None:
    scene = BallotScene()
    cast(scene.election, {scene.national: [scene.national_candidates[0].pk]})
    for result in counted(scene):
        for kind in ("blt", "csv", "attributes", "result_json"):
            text = getattr(result, kind)
            digest = getattr(result, "result_sha256" if kind == "result_json" else f"{kind}_sha256")
            assert hashlib.sha256(text.encode()).hexdigest() == digest


def test_the_ballot_files_do_not_depend_on_the_order_ballots_were_cast() -> None:
    ballots = []
    for order in (1, -1):
        scene = BallotScene()
        eve, fay, gus = (c.pk for c in scene.regional_candidates)
        rankings = [[eve, fay], [gus], [fay, gus, eve], [eve, fay], []][::order]
        for ranking in rankings:
            cast(scene.election, {scene.regional: ranking}, unit=scene.unit)
        regional = counted(scene)[1]
        # Different elections have different names; the ballots are what must agree.
        ballots.append(regional.blt.split('\n0\n"')[0])
        ballots.append(regional.csv)
    assert ballots[0] == ballots[2]
    assert ballots[1] == ballots[3]
    # Packed and sorted by ranking (Eve 1, Fay 2, Gus 3), the blank ballot first.
    assert ballots[0] == "3 2\n1 0\n2 1 2 0\n1 2 3 1 0\n1 3 0"


def test_the_attributes_file_gives_each_candidate_s_gender_by_name() -> None:
    scene = BallotScene()
    national = counted(scene)[0]
    assert national.attributes.splitlines() == [
        "candidate,gender",
        "Ada Candidate,woman",
        "Ben Candidate,man",
        "Cy Candidate,man",
        "Di Candidate,woman",
    ]


def test_the_recount_command_names_the_files_method_and_rules_as_the_public_runs_it() -> None:
    scene = BallotScene()
    scene.national.representation_rules.create(attribute="gender", value="woman", minimum=1)
    scene.national.representation_rules.create(attribute="gender", value="man", maximum=1)
    # Votes 4, 2, 1, 3 for Ada, Ben, Cy, Di: no ties, so no lot and no --seed.
    for candidacy, votes in zip(scene.national_candidates, (4, 2, 1, 3), strict=True):
        cast(scene.election, {scene.national: [candidacy.pk]}, times=votes)
    national = counted(scene)[0]
    stem = f"{scene.election.slug}-{scene.national.slug}"
    assert file_names(national) == {
        "blt": f"{stem}.blt",
        "csv": f"{stem}.csv",
        "attributes": f"{stem}-attributes.csv",
        "result": f"{stem}-result.json",
    }
    assert recount_command(national) == (
        f"hustings count {stem}.blt --method block --attributes {stem}-attributes.csv "
        "--min gender=woman:1 --max gender=man:1 --format json"
    )
