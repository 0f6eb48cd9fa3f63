"""Time the count at the close: 200,000 ballots in 12 contests, on SQLite and on PostgreSQL.

    .venv/bin/python bench/bench_results.py [--ballots 200000] [--database sqlite|postgres|both]
        [--postgres-url postgres://postgres@127.0.0.1:5432/] [--recounts 2]

For each database it starts a fresh process (the settings read the database from the environment)
that migrates an empty database (SQLite: a file in a temporary directory; PostgreSQL: a database
of the bench's own, `hustings_bench_results`, dropped and made afresh), then builds, untimed:

- an election whose ballot has closed, with 11 regions;
- 12 contests: a national block vote (6 seats, 12 candidates, at least 3 women) and one STV
  contest per region (2 seats, 6 candidates, at least 1 woman), the regions taking the Scottish,
  ERS97 and Meek rules in turn;
- N members on the roll, each marked as having voted, and N ballots sealed in the ballot box as
  casting seals them (`ballots.box.seal`: a national vote and a regional vote each, so 2N votes),
  with preferences drawn from skewed random weights, 2% blank; after each mark the voter marks
  another with probability --carry-on (0.75), up to the seats (block) or all.

Then it times `do_start_count(None, election, run_now=True)` from the call to the finished count
(opening the ballot box into ballots, votes and trackers, aggregation in SQL, the counts, the
verification files and their checksums, storing the results) and the recounts the same way
(`do_recount`, which also compares). The target is under 30 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "hustings_bench_results"
NATIONAL_SEATS = 6
NATIONAL_CANDIDATES = 12
REGIONAL_SEATS = 2
REGIONAL_CANDIDATES = 6
REGIONS = 11
STV_METHODS = ("scottish-stv", "ers97-stv", "meek-stv")


# -- The inner process: build the scene and time the count -----------------------------------


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hustings.settings")
    import django

    django.setup()


def _ranking(
    rng: random.Random,
    ids: list[int],
    weights: list[float],
    limit: int,
    *,
    ranked: bool,
    carry_on: float,
) -> str:
    """Return a stored vote: ids drawn without replacement by weight, up to `limit`.

    A block vote is stored in ballot-paper order, as the casting action stores it.
    """
    if rng.random() < 0.02:
        return ""
    pool = list(zip(ids, weights, strict=True))
    chosen: list[int] = []
    while pool and len(chosen) < limit and (not chosen or rng.random() < carry_on):
        pick = rng.choices(range(len(pool)), [w for _, w in pool])[0]
        chosen.append(pool.pop(pick)[0])
    if not ranked:
        chosen.sort(key=ids.index)
    return ",".join(map(str, chosen))


def build(ballots: int, seed: int, carry_on: float) -> int:
    """Create the election, contests, candidates and ballots; return the election's id."""
    from django.db import transaction
    from django.utils import timezone

    from hustings.ballots.box import seal
    from hustings.ballots.models import SealedBallot, Voter
    from hustings.candidates.models import Candidacy
    from hustings.elections.models import Contest, Election, RepresentationRule
    from hustings.members.models import Member, Region, Unit
    from hustings.nominations.models import BallotConfirmation, BallotEntry

    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        election = Election.objects.create(
            name="Bench election",
            slug=f"bench-{seed}",
            declarations_open_at=now - timedelta(days=50),
            nominations_open_at=now - timedelta(days=40),
            nominations_close_at=now - timedelta(days=30),
            ballot_open_at=now - timedelta(days=20),
            ballot_close_at=now - timedelta(days=1),
            voters_joined_by=today - timedelta(days=100),
        )
        regions = [Region.objects.create(code=f"r{i}", name=f"Region {i}") for i in range(REGIONS)]
        units = [
            Unit.objects.create(region=r, code=f"u{r.pk}", name=f"Unit {r.pk}") for r in regions
        ]
        contests = [
            Contest.objects.create(
                election=election,
                name="National",
                slug="national",
                seats=NATIONAL_SEATS,
                method="block",
                position=0,
            )
        ]
        for i, region in enumerate(regions, start=1):
            contests.append(
                Contest.objects.create(
                    election=election,
                    name=region.name,
                    slug=f"region-{i}",
                    region=region,
                    seats=REGIONAL_SEATS,
                    method=STV_METHODS[(i - 1) % len(STV_METHODS)],
                    position=i,
                )
            )
        candidates: dict[int, list[int]] = {}
        n = 0
        for contest in contests:
            RepresentationRule.objects.create(
                contest=contest,
                attribute="gender",
                value="woman",
                minimum=3 if contest.region_id is None else 1,
            )
            size = NATIONAL_CANDIDATES if contest.region_id is None else REGIONAL_CANDIDATES
            confirmation = BallotConfirmation.objects.create(
                contest=contest, confirmed_at=now, order="surname"
            )
            ids = []
            for position in range(1, size + 1):
                n += 1
                member = Member.objects.create(
                    membership_number=f"C{n:06d}",
                    name=f"Candidate {n}",
                    email=f"candidate{n}@example.org",
                    address="1 Bench Street",
                    postcode="AB1 2CD",
                    unit=units[(contest.position - 1) % REGIONS] if contest.region_id else units[0],
                    joined_on=today - timedelta(days=2000),
                    paid_until=today + timedelta(days=365),
                    gender="woman" if position % 3 == 0 else "man",
                    updated_at=now,
                )
                candidacy = Candidacy.objects.create(
                    contest=contest, member=member, declared_at=now, updated_at=now
                )
                BallotEntry.objects.create(
                    ballot=confirmation, candidacy=candidacy, position=position
                )
                ids.append(candidacy.pk)
            candidates[contest.pk] = ids
    weights = {pk: [rng.uniform(0.5, 6) for _ in ids] for pk, ids in candidates.items()}
    national = contests[0]
    chunk = 5000
    done = 0
    while done < ballots:
        size = min(chunk, ballots - done)
        members = [
            Member(
                membership_number=f"V{done + k:07d}",
                name=f"Voter {done + k}",
                email="",
                address="1 Bench Street",
                postcode="AB1 2CD",
                unit=units[(done + k) % REGIONS],
                joined_on=today - timedelta(days=1000),
                paid_until=today + timedelta(days=365),
                updated_at=now,
            )
            for k in range(size)
        ]
        boxes: list[SealedBallot] = []
        for k in range(size):
            regional = contests[1 + rng.randrange(REGIONS)]
            rankings = {
                national.pk: _ranking(
                    rng,
                    candidates[national.pk],
                    weights[national.pk],
                    NATIONAL_SEATS,
                    ranked=False,
                    carry_on=carry_on,
                ),
                regional.pk: _ranking(
                    rng,
                    candidates[regional.pk],
                    weights[regional.pk],
                    REGIONAL_CANDIDATES,
                    ranked=True,
                    carry_on=carry_on,
                ),
            }
            tracker = f"{done + k:010d}"
            key_id, box = seal(election.pk, "online", tracker, rankings)
            boxes.append(SealedBallot(election=election, key_id=key_id, box=box))
        with transaction.atomic():
            Member.objects.bulk_create(members)
            Voter.objects.bulk_create(
                Voter(
                    election=election,
                    member=member,
                    region_id=member.unit.region_id,
                    voted="online",
                    added_at=now,
                )
                for member in members
            )
            SealedBallot.objects.bulk_create(boxes)
        done += size
    return election.pk


def inner(ballots: int, recounts: int, seed: int, carry_on: float) -> dict[str, Any]:
    """Migrate, build, count and recount; return the timings and what was counted."""
    _setup_django()
    from django.core.management import call_command
    from django.db import connection

    from hustings.elections.models import Election
    from hustings.results.actions import do_recount, do_start_count
    from hustings.results.models import CountStatus

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    election = Election.objects.get(pk=build(ballots, seed, carry_on))
    setup = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    started = time.perf_counter()
    count = do_start_count(None, election, run_now=True)
    timings = [time.perf_counter() - started]
    if count.status != CountStatus.DONE:
        raise SystemExit(f"the count failed: {count.error}")
    identical = []
    for _ in range(recounts):
        started = time.perf_counter()
        recount = do_recount(None, election, run_now=True)
        timings.append(time.perf_counter() - started)
        identical.append(recount.comparison.get("identical"))
    results = list(count.results.all())
    return {
        "database": connection.vendor,
        "ballots": ballots,
        "votes": sum(r.ballots for r in results),
        "contests": len(results),
        "distinct_rankings": sum(r.blt.count("\n") - len(r.candidacy_ids) - 3 for r in results),
        "setup_s": round(setup, 1),
        "count_s": round(timings[0], 2),
        "recounts_s": [round(t, 2) for t in timings[1:]],
        "recounts_identical": identical,
        "lots": sum(1 for r in results if r.lot_drawn),
    }


# -- The outer process: one inner run per database --------------------------------------------

FORBIDDEN_DB = re.compile(r"^(postgres|template.*|test|test_.*)$")


def _admin(base_url: str) -> Any:
    import psycopg

    parts = urllib.parse.urlsplit(base_url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
        autocommit=True,
    )


def _recreate(base_url: str, *, drop_only: bool = False) -> None:
    assert not FORBIDDEN_DB.match(DB_NAME)
    with _admin(base_url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        if not drop_only:
            admin.execute(f'CREATE DATABASE "{DB_NAME}"')


def outer(database: str, args: argparse.Namespace) -> dict[str, Any]:
    """Run one inner process against a fresh database and return its report."""
    with tempfile.TemporaryDirectory(prefix="bench-results-") as work:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HUSTINGS_", "DJANGO_"))}
        env.pop("DATABASE_URL", None)
        env.update(
            SECRET_KEY=secrets.token_urlsafe(50),
            HUSTINGS_DATA_DIR=work,
            HUSTINGS_LOG_LEVEL="WARNING",
            DJANGO_SETTINGS_MODULE="hustings.settings",
        )
        if database == "postgres":
            _recreate(args.postgres_url)
            parts = urllib.parse.urlsplit(args.postgres_url)
            env["DATABASE_URL"] = urllib.parse.urlunsplit(
                (parts.scheme, parts.netloc, f"/{DB_NAME}", "", "")
            )
        try:
            done = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--inner",
                    "--ballots",
                    str(args.ballots),
                    "--recounts",
                    str(args.recounts),
                    "--seed",
                    str(args.seed),
                    "--carry-on",
                    str(args.carry_on),
                ],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
        finally:
            if database == "postgres":
                _recreate(args.postgres_url, drop_only=True)
        if done.returncode != 0:
            raise SystemExit(f"{database}: the run failed:\n{done.stderr[-3000:]}")
        report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return report


def main() -> int:
    """Run the benchmark on the chosen databases and print one JSON report per line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=200_000)
    parser.add_argument("--recounts", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--carry-on",
        type=float,
        default=0.75,
        help="chance that a voter marks one more candidate (default: %(default)s); nearer 1 "
        "gives longer, more varied ballots",
    )
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        print(json.dumps(inner(args.ballots, args.recounts, args.seed, args.carry_on)))
        return 0
    databases = ("sqlite", "postgres") if args.database == "both" else (args.database,)
    for database in databases:
        report = outer(database, args)
        report["carry_on"] = args.carry_on
        print(json.dumps(report), flush=True)
        verdict = "within" if report["count_s"] < 30 else "OVER"
        print(
            f"{database}: counted {report['ballots']:,} ballots ({report['votes']:,} votes, "
            f"{report['contests']} contests) in {report['count_s']} s ({verdict} the 30 s target); "
            f"recounts {report['recounts_s']} s, identical {report['recounts_identical']}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
