"""The public list of trackers: only once the count starts, exactly the counted ballots, searchable.

Until the count starts the trackers are sealed in the ballot box with the ballots, so the list is
not published at the close but when the returning officer starts the count, which opens the box.
"""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from hustings.ballots.casting import (
    AlreadyVoted,
    BallotClosed,
    CodeNotValid,
    do_cast_ballot,
    find_credential,
)
from hustings.ballots.models import Ballot, Channel, Credential, SealedBallot, Tracker
from hustings.ballots.papers import BallotError
from hustings.ballots.roll import mint_credential
from hustings.ballots.views import voting
from hustings.elections.models import Phase
from hustings.results.actions import do_publish_results, do_start_count
from hustings.results.models import Count, CountStatus
from tests.factories import BallotScene, returning_officer
from tests.results.scene import close_ballot

pytestmark = pytest.mark.django_db

LISTED = re.compile(r"<li>([0-9A-Z]{5}-[0-9A-Z]{5})</li>")
SHOWN = re.compile(r'<p class="tracker" id="tracker">([0-9A-Z]{5}-[0-9A-Z]{5})</p>')
PENDING = "until then the trackers are sealed in the ballot box with the ballots"


def trackers_url(scene: BallotScene) -> str:
    return reverse("ballots:trackers", args=[scene.election.slug])


def close(scene: BallotScene) -> None:
    """Close the ballot a minute ago (past the count's grace): the election is counting."""
    close_ballot(scene.election)
    assert scene.election.phase() == Phase.COUNT


def start_count(scene: BallotScene) -> Count:
    """Start and run the count as the returning officer does, which opens the ballot box."""
    count = do_start_count(returning_officer(), scene.election, run_now=True)
    assert count.status == CountStatus.DONE
    return count


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


def cast_on_the_site(scene: BallotScene) -> str:
    """Vote through the pages and return the tracker the receipt shows the voter."""
    _, code = scene.voter()
    client = Client()
    assert client.get(reverse("ballots:code", args=[code])).status_code == 302
    response = client.post(
        reverse("ballots:cast"), {f"c{scene.national.pk}": [str(scene.national_candidates[1].pk)]}
    )
    assert response.status_code == 200
    (shown,) = SHOWN.findall(response.content.decode())
    return shown


def assert_pending(response, tracker: str) -> None:
    assert response.status_code == 404
    page = response.content.decode()
    assert PENDING in page
    assert not LISTED.findall(page)
    assert tracker not in page


def test_the_list_is_not_published_while_the_ballot_is_open():
    scene = BallotScene()
    mine = cast(scene)

    assert_pending(Client().get(trackers_url(scene)), mine)
    assert_pending(Client().get(trackers_url(scene), {"tracker": mine}), mine)


def test_the_list_is_not_published_at_the_close_but_when_the_count_starts():
    scene = BallotScene()
    mine = cast(scene)
    close(scene)

    assert_pending(Client().get(trackers_url(scene)), mine)
    assert_pending(Client().get(trackers_url(scene), {"tracker": mine}), mine)
    assert not Tracker.objects.exists()

    start_count(scene)

    assert every_listed(Client(), trackers_url(scene)) == [mine]


def test_the_list_holds_exactly_the_trackers_of_counted_ballots(monkeypatch):
    monkeypatch.setattr(voting, "TRACKERS_PER_PAGE", 4)
    scene = BallotScene()
    issued = [cast(scene) for _ in range(4)]
    issued += [cast_on_the_site(scene) for _ in range(2)]
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
    # Postal ballots received by the close are still entered after it, until the count starts.
    issued.append(cast(scene, channel=Channel.POSTAL))
    start_count(scene)
    with pytest.raises(BallotClosed):
        cast(scene, channel=Channel.POSTAL)

    listed = every_listed(Client(), trackers_url(scene))

    assert len(issued) == len(set(issued)) == 12
    assert len(listed) == Ballot.objects.filter(election=scene.election).count() == 12
    assert set(listed) == set(issued)
    assert listed == sorted(listed)
    # The trackers voters were handed are the ones kept on their credentials, and the ones listed.
    handed = Credential.objects.filter(voter__election=scene.election, tracker__isnull=False)
    assert set(handed.values_list("tracker", flat=True)) == set(listed)
    assert not SealedBallot.objects.filter(election=scene.election).exists()


def test_another_elections_trackers_are_not_listed():
    scene, other = BallotScene(), BallotScene()
    mine = cast(scene)
    theirs = cast(other)
    close(scene)
    start_count(scene)

    assert every_listed(Client(), trackers_url(scene)) == [mine]
    # The other election is still voting: its list is not published, its ballot still sealed.
    assert_pending(Client().get(trackers_url(other)), theirs)
    assert SealedBallot.objects.filter(election=other.election).count() == 1


def test_a_voter_finds_their_tracker_however_they_type_it(monkeypatch):
    monkeypatch.setattr(voting, "TRACKERS_PER_PAGE", 2)
    scene = BallotScene()
    trackers = sorted(cast(scene) for _ in range(5))
    close(scene)
    start_count(scene)
    wanted = trackers[3]
    typed = " " + wanted.replace("-", " ").lower() + " "

    response = Client().get(trackers_url(scene), {"tracker": typed})

    page = response.content.decode()
    assert response.status_code == 200
    assert f"Tracker {wanted} is on the list of counted ballots" in page
    assert "?page=2" in page
    assert wanted in every_listed(Client(), trackers_url(scene))[2:4]


def test_a_tracker_from_another_election_is_reported_missing():
    scene, other = BallotScene(), BallotScene()
    cast(scene)
    theirs = cast(other)
    for election in (scene, other):
        close(election)
        start_count(election)

    response = Client().get(trackers_url(scene), {"tracker": theirs})

    page = response.content.decode()
    assert f"Tracker {theirs} is not on the list." in page
    assert "is on the list of counted ballots" not in page
    assert theirs in every_listed(Client(), trackers_url(other))


def test_something_that_cannot_be_a_tracker_says_what_one_looks_like():
    scene = BallotScene()
    cast(scene)
    close(scene)
    start_count(scene)

    response = Client().get(trackers_url(scene), {"tracker": "ABC"})

    assert response.status_code == 400
    assert "A tracker has 10 letters and numbers" in response.content.decode()


def test_the_list_stays_published_with_the_results():
    scene = BallotScene()
    mine = cast(scene)
    close(scene)
    do_publish_results(returning_officer(), start_count(scene))
    scene.election.refresh_from_db()
    assert scene.election.phase() == Phase.RESULTS

    assert every_listed(Client(), trackers_url(scene)) == [mine]


def test_a_count_of_no_ballots_publishes_an_empty_list():
    scene = BallotScene()
    close(scene)
    start_count(scene)

    response = Client().get(trackers_url(scene))

    assert response.status_code == 200
    assert "No ballots were counted." in response.content.decode()
