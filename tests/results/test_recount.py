"""Recounts: the same seed, the same ballots, the same result; and any difference reported."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from hustings.ballots.models import Ballot, Vote
from hustings.results.actions import do_publish_results, do_recount, do_start_count
from hustings.results.models import CountKind, CountStatus
from tests.factories import BallotScene, returning_officer
from tests.results.scene import cast, close_ballot

pytestmark = pytest.mark.django_db


def tied_scene() -> BallotScene:
    """Return a closed scene where a lot decides the national seats."""
    scene = BallotScene()
    ada, ben, cy, di = (c.pk for c in scene.national_candidates)
    eve, fay, gus = (c.pk for c in scene.regional_candidates)
    cast(scene.election, {scene.national: [ada, ben], scene.regional: [eve]}, unit=scene.unit)
    cast(scene.election, {scene.national: [cy, di], scene.regional: [fay, gus]}, unit=scene.unit)
    close_ballot(scene.election)
    return scene


def test_a_recount_uses_the_same_seed_and_is_identical() -> None:
    scene = tied_scene()
    officer = returning_officer()
    count = do_start_count(officer, scene.election)
    recount = do_recount(officer, scene.election)
    recount.refresh_from_db()
    assert recount.status == CountStatus.DONE, recount.error
    assert recount.kind == CountKind.RECOUNT
    assert recount.repeats == count
    assert recount.seed == count.seed
    assert recount.comparison["identical"] is True
    assert [c["identical"] for c in recount.comparison["contests"]] == [True, True]
    before = {r.contest_id: r for r in count.results.all()}
    for result in recount.results.all():
        assert result.result_json == before[result.contest_id].result_json
        assert result.blt_sha256 == before[result.contest_id].blt_sha256
    assert any(r.lot_drawn for r in recount.results.all())


def test_a_recount_after_a_late_ballot_shows_the_difference_and_cannot_be_published() -> None:
    scene = tied_scene()
    officer = returning_officer()
    do_start_count(officer, scene.election)
    # A ballot that appears in the database after the count started. No action allows that (the
    # casting action refuses postal papers once a count has begun), so it is written directly,
    # as tampering would be; the recount must notice. (Its voter is from outside the region, so the
    # regional contest is untouched.)
    ballot = Ballot.objects.create(election=scene.election, channel="postal")
    Vote.objects.create(
        ballot=ballot, contest=scene.national, ranking=str(scene.national_candidates[0].pk)
    )
    recount = do_recount(officer, scene.election)
    recount.refresh_from_db()
    assert recount.comparison["identical"] is False
    national, regional = recount.comparison["contests"]
    assert national["name"] == "National"
    assert "the ballots differ (BLT checksum)" in national["differences"]
    assert regional["identical"] is True
    with pytest.raises(ValidationError, match="differs from the count it repeats"):
        do_publish_results(officer, recount)


def test_a_recount_needs_a_finished_count() -> None:
    scene = tied_scene()
    with pytest.raises(ValidationError, match="no finished count"):
        do_recount(returning_officer(), scene.election)


def test_an_identical_recount_may_be_published() -> None:
    scene = tied_scene()
    officer = returning_officer()
    do_start_count(officer, scene.election)
    recount = do_recount(officer, scene.election)
    recount.refresh_from_db()
    publication = do_publish_results(officer, recount)
    assert publication.count == recount
