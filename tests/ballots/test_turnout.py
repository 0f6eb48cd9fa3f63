"""Turnout: counted from the roll by region and channel; live for staff, public after the close."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hustings.ballots.casting import do_cast_ballot, find_credential
from hustings.ballots.models import Channel
from hustings.ballots.turnout import turnout_for
from hustings.elections.models import Phase
from tests.accounts.helpers import staff_client
from tests.factories import (
    BallotScene,
    member,
    observer,
    outsider,
    returning_officer,
    timetable,
)

pytestmark = pytest.mark.django_db


def vote(code: str, channel: str = Channel.ONLINE) -> None:
    credential = find_credential(code)
    assert credential is not None
    do_cast_ballot(credential, {}, channel=channel)


def scene_with_votes(phase: Phase = Phase.BALLOT) -> BallotScene:
    """Four voters in the scene's region (two online, one by post) and two elsewhere (one online)."""
    scene = BallotScene(Phase.BALLOT)
    here = [scene.voter()[1] for _ in range(4)]
    away = [scene.voter(in_region=False)[1] for _ in range(2)]
    vote(here[0])
    vote(here[1])
    vote(here[2], Channel.POSTAL)
    vote(away[0])
    if phase != Phase.BALLOT:
        # Move the timetable on once the votes are in.
        for name, value in timetable(phase).items():
            setattr(scene.election, name, value)
        scene.election.save()
    return scene


def test_turnout_counts_the_roll_by_region_and_channel():
    scene = scene_with_votes()

    turnout = turnout_for(scene.election)

    lines = {line.label: line for line in turnout.regions}
    here = lines[scene.region.name]
    away = lines[scene.elsewhere.region.name]
    assert (here.eligible, here.online, here.postal, here.voted) == (4, 2, 1, 3)
    assert here.percent == pytest.approx(75.0)
    assert (away.eligible, away.online, away.postal) == (2, 1, 0)
    overall = turnout.overall
    assert (overall.eligible, overall.online, overall.postal, overall.voted) == (6, 3, 1, 4)
    assert overall.online_percent == pytest.approx(50.0)
    assert overall.postal_percent == pytest.approx(100 / 6)


def test_an_empty_roll_has_no_turnout_rather_than_a_division_by_zero():
    scene = BallotScene()

    turnout = turnout_for(scene.election)

    assert turnout.regions == ()
    assert turnout.overall.eligible == 0
    assert turnout.overall.percent == 0.0


def test_turnout_is_one_grouped_query_and_one_for_region_names():
    scene = scene_with_votes()

    with CaptureQueriesContext(connection) as queries:
        turnout_for(scene.election)

    assert len(queries) == 2
    assert "GROUP BY" in queries[0]["sql"]


@pytest.mark.parametrize("persona", [returning_officer, observer])
def test_staff_see_turnout_live_during_the_ballot(persona):
    scene = scene_with_votes()

    response = staff_client(persona()).get(
        reverse("ballots:staff-turnout", args=[scene.election.slug])
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "75.0%" in page  # the scene's region
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart"' in page
    assert 'hx-trigger="every 30s"' in page
    # Only the returning officer, who alone may import postal ballots, is pointed there.
    postal = reverse("ballots:staff-postal", args=[scene.election.slug])
    assert (postal in page) == (persona is returning_officer)


@pytest.mark.parametrize("persona", [member, outsider])
def test_members_may_not_see_live_turnout(persona):
    scene = scene_with_votes()
    client = Client()
    client.force_login(persona())

    response = client.get(reverse("ballots:staff-turnout", args=[scene.election.slug]))

    assert response.status_code == 403


def test_visitors_are_sent_to_sign_in_for_live_turnout():
    scene = scene_with_votes()

    response = Client().get(reverse("ballots:staff-turnout", args=[scene.election.slug]))

    assert response.status_code == 302
    assert reverse("accounts:staff-sign-in") in response["Location"]


def test_public_turnout_is_not_shown_while_voting_is_open():
    scene = scene_with_votes()

    response = Client().get(reverse("ballots:turnout", args=[scene.election.slug]))

    assert response.status_code == 404
    page = response.content.decode()
    assert "published after voting closes" in page
    assert "75.0%" not in page


@pytest.mark.parametrize("phase", [Phase.COUNT, Phase.RESULTS])
def test_public_turnout_is_shown_to_anyone_after_the_close(phase):
    scene = scene_with_votes(phase)

    response = Client().get(reverse("ballots:turnout", args=[scene.election.slug]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "75.0%" in page
    assert "hx-trigger" not in page
    # The table gives every number the chart shows.
    assert f'<th scope="row">{scene.region.name}</th><td class="number">4</td>' in page
