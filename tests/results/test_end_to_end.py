"""From the ballot to a verifiable published result, through the real actions and the real CLI.

Two thousand members (and the candidates) vote through `do_cast_ballot`, most online while the ballot is open and the
rest by post after the close; the count runs through `hustings count-election`; the returning
officer publishes; then, as a member of the public would, each contest's published BLT is recounted
with the `hustings count` command line printed beside it, and the output must be the stored result
JSON byte for byte, with the published SHA-256.
"""

from __future__ import annotations

import hashlib
import random
import shlex
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from hustings.ballots.casting import do_cast_ballot, find_credential
from hustings.ballots.models import (
    Ballot,
    Credential,
    Delivery,
    PostalBatch,
    SealedBallot,
    Tracker,
    Voter,
)
from hustings.ballots.papers import Paper, papers_for
from hustings.ballots.roll import add_eligible_voters, mint_credentials
from hustings.elections.models import Election
from hustings.members.models import Member
from hustings.results.actions import do_publish_results, do_recount
from hustings.results.files import file_names, recount_command
from hustings.results.models import Count, CountKind, CountStatus
from hustings.results.queries import published_results, published_turnout
from tests.factories import (
    confirm_ballot,
    make_candidacy,
    make_contest,
    make_election,
    make_member,
    make_region,
    make_unit,
    returning_officer,
)
from tests.results.scene import close_ballot

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

VOTERS = 2000
POSTAL_SHARE = 5  # one voter in five votes by post
HUSTINGS = Path(sys.executable).with_name("hustings")

# A ballot's choices as the count reads them: (contest id, candidacy ids) sorted by contest id.
ReadBallot = tuple[tuple[int, tuple[int, ...]], ...]


def build_election() -> Election:
    """Return an open election: a national block vote and two regional STV contests."""
    election = make_election("ballot", slug="nec-2026", name="NEC 2026")
    regions = [make_region(name="North"), make_region(name="South")]
    units = [make_unit(region) for region in regions]
    national = make_contest(
        election, seats=3, method="block", min_women=2, name="National", slug="national"
    )
    contests = [national]
    for region, method in zip(regions, ("scottish-stv", "meek-stv"), strict=True):
        contests.append(
            make_contest(
                election,
                region=region,
                seats=2,
                method=method,
                min_women=1,
                name=f"{region.name} region",
                slug=region.name.lower(),
            )
        )
    genders = ("man", "woman", "man", "man", "woman", "man")
    for contest in contests:
        people = [
            make_candidacy(
                contest,
                make_member(
                    units[0] if contest.region_id in (None, regions[0].pk) else units[1],
                    name=f"{contest.slug.title()} Candidate {i + 1}",
                    gender=genders[i],
                ),
            )
            for i in range(6 if contest.region is None else 4)
        ]
        confirm_ballot(contest, people)
    today = timezone.localdate()
    now = timezone.now()
    Member.objects.bulk_create(
        Member(
            membership_number=f"E{n:07d}",
            name=f"Voter {n}",
            email=f"voter{n}@example.org",
            address=f"{n} Count Street",
            postcode="AB1 2CD",
            unit=units[n % 2],
            joined_on=today - timedelta(days=1000),
            paid_until=today + timedelta(days=365),
            updated_at=now,
        )
        for n in range(VOTERS)
    )
    return election


def choose(rng: random.Random, paper) -> list[int]:  # type: ignore[no-untyped-def]
    """Return a plausible, valid set of choices on one section of the paper."""
    ids = [choice.candidacy_id for choice in paper.candidates]
    if rng.random() < 0.03:
        return []
    # Skewed preferences, so the count has surpluses, exclusions and a substitution to make.
    weights = [6, 5, 4, 3, 2, 1][: len(ids)]
    ranked = []
    pool = list(zip(ids, weights, strict=True))
    while pool and (not ranked or rng.random() < 0.7):
        pick = rng.choices(range(len(pool)), [w for _, w in pool])[0]
        ranked.append(pool.pop(pick)[0])
    if not paper.ranked:
        ranked = ranked[: paper.seats]
    return ranked


def as_read(papers: Sequence[Paper], choices: dict[int, list[int]]) -> ReadBallot:
    """Return choices as the count reads them: by contest id, a block vote in paper order."""
    read = []
    for paper in papers:
        chosen = choices[paper.contest.pk]
        if not paper.ranked:
            chosen = [c.candidacy_id for c in paper.candidates if c.candidacy_id in chosen]
        read.append((paper.contest.pk, tuple(chosen)))
    return tuple(sorted(read))


def test_ballots_cast_online_and_by_post_are_counted_published_and_recounted_by_the_cli(
    tmp_path: Path,
) -> None:
    election = build_election()
    add_eligible_voters(election)
    with transaction.atomic():
        codes = mint_credentials(
            list(Voter.objects.filter(election=election).select_related("member")),
            delivery=Delivery.EMAIL,
        )
    papers = {}
    rng = random.Random(2026)
    postal = []
    # Every ballot as the count must read it: its channel and, per contest, the ids chosen (a
    # block vote in ballot-paper order, a ranking in the voter's).
    expected: Counter[tuple[str, ReadBallot]] = Counter()
    for number, (voter, code) in enumerate(codes):
        if voter.region_id not in papers:
            papers[voter.region_id] = papers_for(election, voter.region_id)
        choices = {p.contest.pk: choose(rng, p) for p in papers[voter.region_id]}
        channel = "postal" if number % POSTAL_SHARE == 0 else "online"
        expected[(channel, as_read(papers[voter.region_id], choices))] += 1
        if channel == "postal":
            postal.append((code, choices))
            continue
        credential = find_credential(code)
        assert credential is not None
        do_cast_ballot(credential, choices, papers=papers[voter.region_id])
    close_ballot(election)
    # Paper ballots received by the close are entered after it, before the count.
    for code, choices in postal:
        credential = find_credential(code)
        assert credential is not None
        do_cast_ballot(credential, choices, channel="postal")
    # One returned paper was spoilt; the postal import records it so.
    PostalBatch.objects.create(
        election=election,
        filename="returns.csv",
        sha256="0" * 64,
        imported_at=timezone.now(),
        rows=1,
        accepted=0,
        rejections=[{"line": 2, "reason": "spoilt", "message": "spoilt: no first preference"}],
    )
    # Until the count starts every ballot is sealed in the box, none readable.
    assert SealedBallot.objects.filter(election=election).count() == len(codes)
    assert not Ballot.objects.filter(election=election).exists()
    assert not Tracker.objects.filter(election=election).exists()

    call_command("count_election", election.slug, "--yes", stdout=(tmp_path / "log").open("w"))
    count = Count.objects.get(election=election, kind=CountKind.COUNT)
    assert count.status == CountStatus.DONE, count.error
    # Starting the count opened the box into exactly the ballots cast, and the trackers handed out.
    assert not SealedBallot.objects.filter(election=election).exists()
    opened = Counter(
        (
            ballot.channel,
            tuple(sorted((v.contest_id, tuple(v.candidacy_ids())) for v in ballot.votes.all())),
        )
        for ballot in Ballot.objects.filter(election=election).prefetch_related("votes")
    )
    assert opened == expected
    assert sorted(Tracker.objects.filter(election=election).values_list("code", flat=True)) == (
        sorted(
            Credential.objects.filter(voter__election=election, used=True).values_list(
                "tracker", flat=True
            )
        )
    )
    assert count.spoilt == 1
    assert published_results(election) is None

    officer = returning_officer()
    do_publish_results(officer, count)
    results = published_results(election)
    assert results is not None
    assert len(results) == 3
    turnout = published_turnout(election)
    assert turnout is not None
    assert turnout.voted == len(codes)
    assert turnout.by_channel == {"online": len(codes) - len(postal), "postal": len(postal)}
    assert turnout.spoilt == 1

    for result in results:
        voters = Voter.objects.filter(election=election)
        if result.contest.region_id is not None:
            voters = voters.filter(region_id=result.contest.region_id)
        assert result.ballots == voters.count()
        names = file_names(result)
        (tmp_path / names["blt"]).write_bytes(result.blt.encode("utf-8"))
        (tmp_path / names["attributes"]).write_bytes(result.attributes.encode("utf-8"))
        assert hashlib.sha256((tmp_path / names["blt"]).read_bytes()).hexdigest() == (
            result.blt_sha256
        )
        command = shlex.split(recount_command(result))
        assert command[:2] == ["hustings", "count"]
        done = subprocess.run(
            [str(HUSTINGS), *command[1:]], cwd=tmp_path, capture_output=True, check=True
        )
        assert done.stdout.decode("utf-8") == result.result_json
        assert hashlib.sha256(done.stdout).hexdigest() == result.result_sha256
        assert len(result.result["elected"]) == result.seats

    recount = do_recount(officer, election)
    recount.refresh_from_db()
    assert recount.comparison["identical"] is True
