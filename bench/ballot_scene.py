"""Set up and check the database for the voting benchmark (`bench_ballot.py` runs this).

Two verbs, each run as its own process with DATABASE_URL and SECRET_KEY set by the benchmark (the
codes are stored as keyed digests, so the server must use the same key):

    python bench/ballot_scene.py setup --voters N --out DIR
        Builds an election in its ballot phase on a migrated, empty database: 11 regions with
        two units each, N eligible members spread over them, a national block vote (6 seats, 12
        candidates, two slates) and a Scottish STV contest per region (2 seats, 5 candidates),
        ballot lists confirmed. Puts every member on the roll and mints their first codes with
        `hustings.ballots.roll.mint_credentials`, then writes DIR/codes.txt (one code a line,
        shuffled) and DIR/scene.json (the election and its contests).

    python bench/ballot_scene.py verify --scene DIR/scene.json --result RESULT.json
        Checks the stored ballots against what the clients saw (RESULT.json, written by the
        benchmark): ballots, voters marked voted, used credentials and stored trackers all equal
        the successful casts; two votes per ballot; every tracker a client was shown exists and
        none was shown twice; and, contest by contest, the multiset of stored rankings equals the
        rankings the clients cast. Prints a JSON report and exits 1 if any check fails. The report
        also counts the ballots that share a PostgreSQL transaction id with a voter's roll row (the
        residual risk in docs/security.md), as a measurement, not a check.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hustings.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from hustings.ballots.box import open_ballot_box  # noqa: E402
from hustings.ballots.models import (  # noqa: E402
    Ballot,
    Credential,
    Delivery,
    SealedBallot,
    Tracker,
    Vote,
    Voter,
)
from hustings.ballots.roll import add_eligible_voters, mint_credentials  # noqa: E402
from hustings.candidates.models import Candidacy, Slate, SlateMembership  # noqa: E402
from hustings.elections.models import Contest, Election  # noqa: E402
from hustings.members.models import Member, Region, Unit  # noqa: E402
from hustings.nominations.models import BallotConfirmation, BallotEntry  # noqa: E402

REGIONS = (
    "North West", "North East", "Yorkshire and the Humber", "East Midlands", "West Midlands",
    "Eastern", "London", "South East", "South West", "Scotland", "Wales",
)  # fmt: skip
FIRST = ("Aisha", "Ben", "Chloe", "Dafydd", "Emma", "Fatima", "Gareth", "Hannah", "Imran", "Jane")
LAST = ("Ahmed", "Brown", "Campbell", "Davies", "Evans", "Green", "Hughes", "Khan", "Owen", "Shaw")
NATIONAL_SEATS = 6
NATIONAL_CANDIDATES = 12
REGIONAL_SEATS = 2
REGIONAL_CANDIDATES = 5


def _member(n: int, unit: Unit, rng: random.Random, now: Any) -> Member:
    today = timezone.localdate()
    return Member(
        membership_number=f"B{n:08d}",
        name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        email=f"voter{n}@example.org",
        address=f"{n} High Street\nBenchton",
        postcode="AB1 2CD",
        unit=unit,
        joined_on=today - timedelta(days=400 + n % 3000),
        paid_until=today + timedelta(days=365),
        gender=rng.choice(("woman", "man")),
        updated_at=now,
    )


def _confirm(contest: Contest, candidacies: list[Candidacy], now: Any) -> None:
    confirmation = BallotConfirmation.objects.create(
        contest=contest, confirmed_at=now, order="surname"
    )
    BallotEntry.objects.bulk_create(
        BallotEntry(ballot=confirmation, candidacy=candidacy, position=position)
        for position, candidacy in enumerate(candidacies, start=1)
    )


def setup(voters: int, out: Path, seed: int) -> None:
    """Build the election, the roll and the codes; write codes.txt and scene.json."""
    if Election.objects.exists() or Member.objects.exists():
        raise SystemExit("ballot_scene setup: the database is not empty; give it a fresh one")
    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        regions = [
            Region.objects.create(code=f"r{i}", name=name) for i, name in enumerate(REGIONS, 1)
        ]
        units = [
            Unit.objects.create(code=f"U{r.pk:02d}{k}", name=f"{r.name} unit {k}", region=r)
            for r in regions
            for k in (1, 2)
        ]
        members = [_member(n, units[n % len(units)], rng, now) for n in range(1, voters + 1)]
        Member.objects.bulk_create(members, batch_size=5000)
        election = Election.objects.create(
            name="Benchmark NEC election",
            slug="bench-nec",
            declarations_open_at=now - timedelta(days=40),
            nominations_open_at=now - timedelta(days=30),
            nominations_close_at=now - timedelta(days=20),
            ballot_open_at=now - timedelta(days=1),
            ballot_close_at=now + timedelta(days=10),
            voters_joined_by=timezone.localdate() - timedelta(days=180),
            candidate_min_membership_days=365,
        )
        # Candidates are members like any other (they vote too): the first few of each region.
        by_region: dict[int, list[Member]] = {r.pk: [] for r in regions}
        for member in members:
            by_region[member.unit.region_id].append(member)
        national = Contest.objects.create(
            election=election,
            name="National",
            slug="national",
            position=1,
            seats=NATIONAL_SEATS,
            method="block",
            statement_word_limit=400,
        )
        pool = [m for r in regions for m in by_region[r.pk][:2]][:NATIONAL_CANDIDATES]
        national_candidacies = [_candidacy(national, m, now) for m in pool]
        _confirm(national, national_candidacies, now)
        for name, part in (
            ("Grassroots", national_candidacies[:5]),
            ("Forward", national_candidacies[5:9]),
        ):
            slate = Slate.objects.create(election=election, name=name, slug=name.lower())
            SlateMembership.objects.bulk_create(
                SlateMembership(slate=slate, candidacy=c, proposed_at=now, confirmed_at=now)
                for c in part
            )
        regional: dict[int, dict[str, Any]] = {}
        for region in regions:
            contest = Contest.objects.create(
                election=election,
                name=f"{region.name}",
                slug=f"regional-{region.code}",
                position=2,
                seats=REGIONAL_SEATS,
                method="scottish-stv",
                region=region,
                statement_word_limit=400,
            )
            people = by_region[region.pk][2 : 2 + REGIONAL_CANDIDATES]
            candidacies = [_candidacy(contest, m, now) for m in people]
            _confirm(contest, candidacies, now)
            regional[region.pk] = {"contest": contest.pk, "candidates": [c.pk for c in candidacies]}
        added = add_eligible_voters(election, now=now)
        roll = list(Voter.objects.filter(election=election).order_by("pk"))
        issued = mint_credentials(roll, delivery=Delivery.EMAIL, now=now)
    codes = [code for _, code in issued]
    rng.shuffle(codes)
    out.mkdir(parents=True, exist_ok=True)
    (out / "codes.txt").write_text("\n".join(codes) + "\n", encoding="ascii")
    scene = {
        "election": election.pk,
        "voters": added,
        "codes": len(codes),
        "national": {
            "contest": national.pk,
            "seats": NATIONAL_SEATS,
            "candidates": [c.pk for c in national_candidacies],
        },
        "regional": regional,
    }
    (out / "scene.json").write_text(json.dumps(scene, indent=1), encoding="utf-8")
    print(json.dumps({"voters": added, "codes": len(codes), "election": election.pk}))


def _candidacy(contest: Contest, member: Member, now: Any) -> Candidacy:
    return Candidacy.objects.create(
        contest=contest,
        member=member,
        statement=f"{member.name} for {contest.name}.",
        declared_at=now,
        updated_at=now,
    )


def verify(scene_path: Path, result_path: Path) -> int:
    """Compare the database with what the clients saw; print a report; return the exit status."""
    scene = json.loads(scene_path.read_text(encoding="utf-8"))
    result = json.loads(result_path.read_text(encoding="utf-8"))
    election = scene["election"]
    casts = result["casts"]
    trackers_seen: list[str] = result["trackers"]
    sealed = SealedBallot.objects.filter(election=election).count()
    voted = Voter.objects.filter(election=election).exclude(voted="").count()
    used = Credential.objects.filter(voter__election=election, used=True).count()
    started = time.perf_counter()
    opened = open_ballot_box(Election.objects.get(pk=election))
    opening_s = time.perf_counter() - started
    ballots = Ballot.objects.filter(election=election).count()
    votes = Vote.objects.filter(ballot__election=election).count()
    stored_trackers = set(Tracker.objects.filter(election=election).values_list("code", flat=True))
    odd_ballots = (
        Ballot.objects.filter(election=election).annotate(n=Count("votes")).exclude(n=2).count()
    )
    used_twice = (
        Credential.objects.filter(voter__election=election, used=True)
        .values("voter")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    stored_rankings: Counter[str] = Counter()
    for contest_id, ranking, n in (
        Vote.objects.filter(ballot__election=election)
        .values_list("contest_id", "ranking")
        .annotate(n=Count("ballot"))
    ):
        stored_rankings[f"{contest_id}:{ranking}"] += n
    cast_rankings: Counter[str] = Counter(result["rankings"])
    linked = _linked_by_xmin(election)
    checks = {
        "sealed boxes == successful casts": sealed == casts,
        "boxes opened at the count == successful casts": opened == casts,
        "ballots == successful casts": ballots == casts,
        "voters marked voted == successful casts": voted == casts,
        "credentials used == successful casts": used == casts,
        "trackers stored == successful casts": len(stored_trackers) == casts,
        "votes == 2 x ballots": votes == 2 * ballots,
        "every ballot has exactly 2 votes": odd_ballots == 0,
        "no voter has two used credentials": used_twice == 0,
        "every tracker shown to a client is stored": set(trackers_seen) <= stored_trackers,
        "no tracker shown twice": len(set(trackers_seen)) == len(trackers_seen),
        "a tracker shown for every cast": len(trackers_seen) == casts,
        "stored rankings == cast rankings, contest by contest": stored_rankings == cast_rankings,
        "no ballot, vote or tracker shares a transaction id with a roll entry": not any(
            linked.values()
        ),
    }
    report = {
        "database": connection.settings_dict["NAME"],
        "rows_linked_to_voters_by_xmin": linked,
        "sealed": sealed,
        "opening_seconds": round(opening_s, 3),
        "ballots": ballots,
        "voters_voted": voted,
        "credentials_used": used,
        "votes": votes,
        "trackers_stored": len(stored_trackers),
        "trackers_shown": len(trackers_seen),
        "casts": casts,
        "checks": checks,
        "ok": all(checks.values()),
    }
    print(json.dumps(report, indent=1))
    return 0 if report["ok"] else 1


def _linked_by_xmin(election: int) -> dict[str, int]:
    """Return, per table, how many rows share a transaction id with a voter's roll entry.

    PostgreSQL stamps every row a transaction writes with its id (`xmin`); a casting transaction
    writes only the roll, the credential and a sealed box, so once the box is opened no ballot,
    vote or tracker can share one. Empty on other databases.
    """
    if connection.vendor != "postgresql":
        return {}
    linked = {}
    for table, where in (
        ("ballots_ballot", "t.election_id = %s"),
        ("ballots_vote", "t.ballot_id IN (SELECT id FROM ballots_ballot WHERE election_id = %s)"),
        ("ballots_tracker", "t.election_id = %s"),
    ):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {table} t JOIN ballots_voter v ON v.xmin = t.xmin "
                f"WHERE {where} AND v.election_id = %s",
                [election, election],
            )
            row = cursor.fetchone()
        linked[table] = int(row[0]) if row else 0
    return linked


def main() -> int:
    """Run one verb."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    verbs = parser.add_subparsers(dest="verb", required=True)
    make = verbs.add_parser("setup")
    make.add_argument("--voters", type=int, required=True)
    make.add_argument("--out", type=Path, required=True)
    make.add_argument("--seed", type=int, default=2026)
    check = verbs.add_parser("verify")
    check.add_argument("--scene", type=Path, required=True)
    check.add_argument("--result", type=Path, required=True)
    args = parser.parse_args()
    if args.verb == "setup":
        setup(args.voters, args.out, args.seed)
        return 0
    return verify(args.scene, args.result)


if __name__ == "__main__":
    raise SystemExit(main())
