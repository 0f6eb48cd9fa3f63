"""Nothing about a result shows before publication, except to the returning officer and observers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from hustings.results.access import (
    get_count_for_publishing,
    get_count_for_review,
    get_result_for_download,
    may_see_provisional,
    published_publication,
)
from hustings.results.actions import do_publish_results, do_recount, do_start_count
from hustings.results.models import Count
from hustings.results.queries import (
    contest_history,
    elected_candidacies,
    published_result,
    published_results,
    published_turnout,
)
from tests.factories import BallotScene, member, observer, outsider, returning_officer
from tests.results.scene import cast, close_ballot

pytestmark = pytest.mark.django_db


def counted() -> tuple[BallotScene, Count]:
    scene = BallotScene()
    cast(scene.election, {scene.national: [scene.national_candidates[1].pk]}, unit=scene.unit)
    close_ballot(scene.election)
    return scene, do_start_count(returning_officer(), scene.election)


def test_only_the_returning_officer_and_observers_may_see_provisional_results() -> None:
    assert may_see_provisional(returning_officer())
    assert may_see_provisional(observer())
    assert not may_see_provisional(member())
    assert not may_see_provisional(outsider())
    assert not may_see_provisional(AnonymousUser())


def test_before_publication_every_public_query_returns_nothing() -> None:
    scene, _ = counted()
    assert published_publication(scene.election) is None
    assert published_results(scene.election) is None
    assert published_result(scene.national) is None
    assert contest_history(scene.national) is None
    assert published_turnout(scene.election) is None
    assert not elected_candidacies().exists()


def test_a_publication_date_in_the_timetable_alone_publishes_nothing() -> None:
    scene, _ = counted()
    scene.election.results_published_at = timezone.now() - timedelta(minutes=1)
    scene.election.save(update_fields=["results_published_at"])
    assert published_results(scene.election) is None
    assert not elected_candidacies(scene.election).exists()


def test_provisional_counts_are_refused_to_members_and_hidden_from_visitors() -> None:
    _, count = counted()
    assert get_count_for_review(observer(), count.pk) == count
    with pytest.raises(PermissionDenied):
        get_count_for_review(member(), count.pk)
    with pytest.raises(Http404):
        get_count_for_review(AnonymousUser(), count.pk)
    with pytest.raises(PermissionDenied):
        get_count_for_publishing(observer(), count.pk)
    assert get_count_for_publishing(returning_officer(), count.pk) == count


def test_result_files_download_only_once_published_except_for_provisional_staff() -> None:
    scene, count = counted()
    result = count.results.get(contest=scene.national)
    for user in (member(), outsider(), AnonymousUser()):
        with pytest.raises(Http404):
            get_result_for_download(user, result.pk)
    assert get_result_for_download(observer(), result.pk) == result

    do_publish_results(returning_officer(), count)

    assert get_result_for_download(AnonymousUser(), result.pk) == result


def test_an_unpublished_recount_stays_hidden_after_publication() -> None:
    scene, count = counted()
    officer = returning_officer()
    do_publish_results(officer, count)
    recount = do_recount(officer, scene.election)
    hidden = recount.results.get(contest=scene.national)
    with pytest.raises(Http404):
        get_result_for_download(AnonymousUser(), hidden.pk)
    results = published_results(scene.election)
    assert results is not None
    assert {r.count_id for r in results} == {count.pk}
