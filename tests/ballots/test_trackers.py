"""The public list of trackers: only after the close, exactly the counted ballots, searchable."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hustings.ballots.casting import AlreadyVoted, CodeNotValid, do_cast_ballot, find_credential
from hustings.ballots.models import Ballot, Channel, Tracker
from hustings.ballots.papers import BallotError
from hustings.ballots.roll import mint_credential
from hustings.ballots.views import voting
from hustings.elections.models import Phase
from tests.factories import BallotScene

pytestmark = pytest.mark.django_db

LISTED = re.compile(r"<li>([0-9A-Z]{5}-[0-9A-Z]{5})</li>")


def trackers_url(scene: BallotScene) -> str:
    return reverse("ballots:trackers", args=[scene.election.slug])


def close(scene: BallotScene) -> None:
    """Close the ballot a minute ago: the election is counting."""
    scene.election.ballot_close_at = timezone.now() - timedelta(minutes=1)
    scene.election.save()
    assert scene.election.phase() == Phase.COUNT


def every_listed(client: Client, url: str) -> list[str]:
    """Return every tracker on every page of the list, in the order shown."""
    listed: list[str] = []
    page = 1
    while True:
        response = client.get(url, {"page": page})
        assert response.status_code == 200
        content = response.content.decode()
        listed.extend(LISTED.findall(content))
        if 'rel="next"' not in content:
            return listed
        page += 1


def cast(scene: BallotScene, *, channel: str = Channel.ONLINE, in_region: bool = True) -> str:
    _, code = scene.voter(in_region=in_region)
    national = [scene.national_candidates[0].pk]
    regional = [scene.regional_candidates[1].pk] if in_region else []
    choices = {scene.national.pk: national}
    if in_region:
        choices[scene.regional.pk] = regional
    return do_cast_ballot(find_credential(code), choices, channel=channel)


def test_the_list_is_not_published_while_the_ballot_is_open():
    scene = BallotScene()
    cast(scene)

    response = Client().get(trackers_url(scene))

    assert response.status_code == 404
    page = response.content.decode()
    assert "published after voting closes" in page
    assert not LISTED.findall(page)


def test_the_list_holds_exactly_the_trackers_of_counted_ballots(monkeypatch):
    monkeypatch.setattr(voting, "TRACKERS_PER_PAGE", 4)
    scene = BallotScene()
    issued = [cast(scene) for _ in range(5)]
    issued += [cast(scene, channel=Channel.POSTAL) for _ in range(3)]
    issued.append(cast(scene, in_region=False))

    # Refused attempts store nothing, and so list nothing.
    _, code = scene.voter()
    credential = find_credential(code)
    with pytest.raises(BallotError):
        do_cast_ballot(credential, {scene.national.pk: [c.pk for c in scene.national_candidates]})
    issued.append(do_cast_ballot(credential, {}))
    with pytest.raises(AlreadyVoted):
        do_cast_ballot(find_credential(code), {}, channel=Channel.POSTAL)
    replaced, old = scene.voter()
    with transaction.atomic():
        mint_credential(replaced, reissue=True)
    with pytest.raises(CodeNotValid):
        do_cast_ballot(find_credential(old), {})

    close(scene)
    # Postal ballots received by the close are still entered after it.
    issued.append(cast(scene, channel=Channel.POSTAL))

    listed = every_listed(Client(), trackers_url(scene))

    assert len(listed) == Ballot.objects.filter(election=scene.election).count() == 11
    assert set(listed) == set(issued)
    assert listed == sorted(listed)


def test_another_elections_trackers_are_not_listed():
    scene, other = BallotScene(), BallotScene()
    mine = cast(scene)
    cast(other)
    close(scene)

    assert every_listed(Client(), trackers_url(scene)) == [mine]


def test_a_voter_finds_their_tracker_however_they_type_it(monkeypatch):
    monkeypatch.setattr(voting, "TRACKERS_PER_PAGE", 2)
    scene = BallotScene()
    trackers = sorted(cast(scene) for _ in range(5))
    close(scene)
    wanted = trackers[3]
    typed = " " + wanted.replace("-", " ").lower() + " "

    response = Client().get(trackers_url(scene), {"tracker": typed})

    page = response.content.decode()
    assert response.status_code == 200
    assert f"Tracker {wanted} is on the list of counted ballots" in page
    assert "?page=2" in page


def test_a_tracker_not_on_the_list_is_reported_missing():
    scene = BallotScene()
    mine = cast(scene)
    close(scene)
    Tracker.objects.filter(code=mine).delete()

    response = Client().get(trackers_url(scene), {"tracker": mine})

    assert f"Tracker {mine} is not on the list." in response.content.decode()


def test_something_that_cannot_be_a_tracker_says_what_one_looks_like():
    scene = BallotScene()
    close(scene)

    response = Client().get(trackers_url(scene), {"tracker": "ABC"})

    assert response.status_code == 400
    assert "A tracker has 10 letters and numbers" in response.content.decode()


def test_the_list_stays_published_with_the_results():
    scene = BallotScene(Phase.RESULTS)

    response = Client().get(trackers_url(scene))

    assert response.status_code == 200
    assert "No ballots were counted." in response.content.decode()
