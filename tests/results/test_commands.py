"""`hustings count-election`: counts a closed election here and now, and only with --yes."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from hustings.audit import tags
from hustings.audit.models import AuditEvent
from hustings.results.actions import do_start_count
from hustings.results.models import Count, CountStatus
from tests.factories import BallotScene, make_contest, returning_officer
from tests.results.scene import cast, close_ballot

pytestmark = pytest.mark.django_db


def test_the_command_counts_and_prints_winners_seed_checksums_and_recount_line() -> None:
    scene = BallotScene()
    cast(scene.election, {scene.national: [scene.national_candidates[3].pk]}, unit=scene.unit)
    close_ballot(scene.election)
    out = io.StringIO()
    call_command("count_election", scene.election.slug, "--yes", stdout=out)
    count = Count.objects.get(election=scene.election)
    assert count.status == CountStatus.DONE
    national = count.results.get(contest=scene.national)
    text = out.getvalue()
    assert f"Seed drawn for any lot: {count.seed}" in text
    assert "1. Di Candidate" in text
    assert national.blt_sha256 in text
    assert "hustings count " in text


def test_the_command_needs_yes_and_a_closed_ballot() -> None:
    scene = BallotScene()
    with pytest.raises(CommandError, match="--yes"):
        call_command("count_election", scene.election.slug)
    with pytest.raises(CommandError, match="count only after it closes"):
        call_command("count_election", scene.election.slug, "--yes")
    with pytest.raises(CommandError, match="no election"):
        call_command("count_election", "no-such-election", "--yes")
    assert not Count.objects.exists()


def test_a_count_that_fails_is_marked_failed_with_the_reason_and_may_be_started_again() -> None:
    scene = BallotScene()
    # A contest whose ballot list was never confirmed cannot be counted.
    make_contest(scene.election, name="Unconfirmed")
    close_ballot(scene.election)
    count = do_start_count(returning_officer(), scene.election)
    count.refresh_from_db()
    assert count.status == CountStatus.FAILED
    assert "Unconfirmed: the ballot list was never confirmed" in count.error
    assert not count.results.exists()
    assert AuditEvent.objects.filter(tag=tags.RESULTS_COUNT_FAILED).count() == 1
    again = do_start_count(returning_officer(), scene.election)
    assert again.pk != count.pk
