"""A counted election for the results page tests: a block vote where a women's minimum substitutes."""

from __future__ import annotations

from dataclasses import dataclass

from hustings.elections.models import RepresentationRule
from hustings.results.actions import do_publish_results, do_start_count
from hustings.results.models import ContestResult, Count
from tests.factories import BallotScene
from tests.results.scene import cast, close_ballot


@dataclass
class Counted:
    """The scene, its count, and each contest's stored result."""

    scene: BallotScene
    count: Count
    national: ContestResult
    regional: ContestResult

    @property
    def slug(self) -> str:
        return self.scene.election.slug

    def publish(self) -> None:
        do_publish_results(None, self.count)


def counted(*, publish: bool = False) -> Counted:
    """Cast ballots (online and postal), close, count; Di replaces Ben to seat one woman.

    National (2 seats, at least 1 woman): Cy 9, Ben 7, Di 5, Ada 4, so Di replaces Ben, the
    lowest-placed winner. Regional (2 seats, STV): Eve 6, Fay 2, Gus 3.
    """
    scene = BallotScene()
    RepresentationRule.objects.create(
        contest=scene.national, attribute="gender", value="woman", minimum=1
    )
    ada, ben, cy, di = (c.pk for c in scene.national_candidates)
    eve, fay, gus = (c.pk for c in scene.regional_candidates)
    national, regional = scene.national, scene.regional
    election = scene.election
    cast(election, {national: [ben, cy], regional: [eve, fay]}, unit=scene.unit, times=4)
    cast(election, {national: [ben, cy], regional: [eve, gus]}, unit=scene.unit, channel="postal")
    cast(election, {national: [ada, ben], regional: [eve]}, unit=scene.unit, times=2)
    cast(election, {national: [cy, di], regional: [gus, fay]}, unit=scene.unit, times=3)
    cast(election, {national: [ada, di], regional: [fay, eve]}, unit=scene.unit, times=2)
    cast(election, {national: [], regional: []}, unit=scene.unit)
    cast(election, {national: [cy]}, channel="postal")
    close_ballot(election)
    count = do_start_count(None, election, run_now=True)
    assert count.is_done, count.error
    result = Counted(
        scene=scene,
        count=count,
        national=count.results.get(contest=national),
        regional=count.results.get(contest=regional),
    )
    if publish:
        result.publish()
    return result
