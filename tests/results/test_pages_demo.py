"""`hustings demo --stage results`: the ballot closed, every contest counted and published."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from hustings.audit.chain import verify_chain
from hustings.ballots.models import Ballot
from hustings.elections.models import Election, Phase
from hustings.results.models import Count, CountStatus, Publication
from hustings.results.queries import published_results

pytestmark = pytest.mark.django_db


@pytest.fixture
def output() -> str:
    out = StringIO()
    call_command("demo", "--members", "3000", "--no-photos", "--stage", "results", stdout=out)
    return out.getvalue()


def test_the_results_stage_counts_every_contest_publishes_and_the_pages_are_public(output):
    election = Election.objects.get()
    assert election.phase() == Phase.RESULTS
    assert "Results published" in output
    count = Count.objects.get()
    assert count.status == CountStatus.DONE
    assert Publication.objects.get().count == count
    results = published_results(election)
    assert results is not None
    assert len(results) == election.contests.count()
    national = next(r for r in results if r.contest.region_id is None)
    # Every ballot cast has a vote in the national contest, blank or not.
    assert national.ballots == Ballot.objects.filter(election=election).count() > 0
    assert len(national.elected_ids) == national.seats
    assert verify_chain().ok
    # One build serves both checks: the demo takes most of a minute to make.
    client = Client()
    assert client.get(reverse("results:election", args=[election.slug])).status_code == 200
    for contest in election.contests.all()[:2]:
        for name in ("contest", "sheet", "verify"):
            url = reverse(f"results:{name}", args=[election.slug, contest.slug])
            assert client.get(url).status_code == 200, url
    page = client.get(reverse("elections:election", args=[election.slug])).content.decode()
    assert reverse("results:election", args=[election.slug]) in page
