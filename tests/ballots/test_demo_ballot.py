"""`hustings demo --stage ballot`: the ballot open, every code issued, part of the roll voted."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from hustings.audit.chain import verify_chain
from hustings.ballots.casting import find_credential
from hustings.ballots.models import BallotEmail, Channel, Credential, SealedBallot, Vote, Voter
from hustings.elections.models import Contest, Election, Method, Phase
from tests.ballots.helpers import open_and_read, readable_rows, trackers

pytestmark = pytest.mark.django_db

VOTING_LINK = re.compile(r"voting link:\s+(https?://\S+/ballot/code/([\w-]+)/)")


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker) -> Iterator[str]:
    """Build the demo once for the module, inside a transaction rolled back at its end."""
    # Each test's own transaction nests inside this one as a savepoint, so the tests share one
    # build (a minute of work) and the database is left empty for other modules.
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = StringIO()
            mail.outbox = []
            call_command(
                "demo", "--members", "3000", "--no-photos", "--stage", "ballot", stdout=out
            )
            # Each test starts with an empty outbox, so say here what the build sent.
            out.write(f"\n[emails sent while building: {len(mail.outbox)}]")
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_the_ballot_is_open_with_every_eligible_member_on_the_roll(built):
    election = Election.objects.get()
    assert election.phase() == Phase.BALLOT
    assert Voter.objects.filter(election=election).count() == election.eligible_voters().count()
    assert verify_chain().ok


def test_every_voter_holds_one_code_by_email_or_post_and_no_email_was_sent(built):
    voters = Voter.objects.select_related("member")
    live = Credential.objects.filter(revoked_at__isnull=True)
    assert live.count() == voters.count()
    deliveries = dict(live.values_list("voter_id", "delivery"))
    for voter in voters:
        expected = "email" if voter.member.email else "post"
        assert deliveries[voter.pk] == expected
    assert "[emails sent while building: 0]" in built
    assert not BallotEmail.objects.exists()


def test_about_a_third_of_the_roll_has_voted_mostly_online(built):
    election = Election.objects.get()
    roll = Voter.objects.count()
    voted = Counter(Voter.objects.exclude(voted="").values_list("voted", flat=True))
    total = voted[Channel.ONLINE] + voted[Channel.POSTAL]
    assert 0.25 * roll <= total <= 0.35 * roll
    assert 0.15 * total <= voted[Channel.POSTAL] <= 0.35 * total
    # The ballot is open: every ballot is sealed in the box, none readable, each credential used
    # holds the tracker its voter was given.
    assert SealedBallot.objects.filter(election=election).count() == total
    assert readable_rows(election) == (0, 0, 0)
    handed_out = list(Credential.objects.filter(used=True).values_list("tracker", flat=True))
    assert len(handed_out) == total
    assert None not in handed_out
    # Opened as the count's start opens it, the ballots agree with the roll, channel by channel,
    # and the trackers are those handed out.
    assert Counter(ballot.channel for ballot in open_and_read(election)) == voted
    assert trackers(election) == sorted(handed_out)


def test_national_votes_are_lopsided_with_some_blanks_and_rankings_vary_in_length(built):
    open_and_read(Election.objects.get())
    national = Contest.objects.get(region__isnull=True)
    assert national.method == Method.BLOCK
    marks: Counter[int] = Counter()
    blanks = 0
    for vote in Vote.objects.filter(contest=national):
        ids = vote.candidacy_ids()
        assert len(ids) <= national.seats
        blanks += not ids
        marks.update(ids)
    assert blanks > 0
    ranked = marks.most_common()
    assert ranked[0][1] > 3 * ranked[-1][1]
    lengths = Counter(
        len(vote.candidacy_ids()) for vote in Vote.objects.filter(contest__region__isnull=False)
    )
    assert len(lengths) >= 5
    assert lengths[0] > 0


def test_member_personas_get_a_voting_link_that_opens_their_unused_ballot(built):
    links = VOTING_LINK.findall(built)
    assert len(links) == 3  # the unit secretary, the candidate and the member
    member_block = built.split("\nMember: ", 1)[1]
    url, code = VOTING_LINK.search(member_block).groups()
    client = Client()

    response = client.get(re.sub(r"^https?://[^/]+", "", url))

    assert response.status_code == 302
    assert response["Location"].endswith("/ballot/paper/")
    credential = find_credential(code)
    assert credential is not None
    assert not credential.used
    assert credential.voter.voted == ""
