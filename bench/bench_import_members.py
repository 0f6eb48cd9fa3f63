"""Time `hustings import-members` on a synthetic register of 600,000 members.

Writes a units file (600 units in 11 regions) and a member register with believable, varied rows
(seeded, so every run reads the same file), then, each in its own `hustings` process against a
fresh database in a temporary directory:

1. `hustings migrate` and `hustings import-units` (untimed set-up);
2. `hustings import-members` into the empty register (the issue's target: under 60 s);
3. the same file again (every row unchanged);
4. a file in which one row in ten differs (a change of unit, subscription or email).

Each step is timed from process start to exit, so interpreter start-up, Django set-up, reading the
CSV, checking every row and writing are all included. SQLite by default; pass --database-url to
time PostgreSQL (the database must exist and be empty; it is migrated first).

    .venv/bin/python bench/bench_import_members.py [--members 600000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HUSTINGS = ROOT / ".venv" / "bin" / "hustings"
TARGET_SECONDS = 60.0

REGIONS = (
    "North West", "North East", "Yorkshire and the Humber", "East Midlands", "West Midlands",
    "Eastern", "London", "South East", "South West", "Scotland", "Wales",
)  # fmt: skip
FIRST = [
    "Aisha",
    "Alan",
    "Alice",
    "Amir",
    "Ann",
    "Ben",
    "Bethan",
    "Callum",
    "Catherine",
    "Chloe",
    "Dafydd",
    "David",
    "Deborah",
    "Eilidh",
    "Emma",
    "Fatima",
    "Fiona",
    "Gareth",
    "Grace",
    "Hannah",
    "Harpreet",
    "Ian",
    "Imran",
    "Jack",
    "James",
    "Jane",
    "Joanne",
    "John",
    "Kate",
    "Kwame",
    "Laura",
    "Leon",
    "Lucy",
    "Mark",
    "Mary",
    "Megan",
    "Mohammed",
    "Nadia",
    "Neil",
    "Niamh",
    "Oliver",
    "Priya",
    "Rachel",
    "Rhys",
    "Ruth",
    "Sam",
    "Sarah",
    "Sean",
    "Siobhan",
    "Sophie",
    "Stephen",
    "Tariq",
    "Thomas",
    "Tom",
    "Yusuf",
    "Zoe",
]
LAST = [
    "Ahmed",
    "Begum",
    "Bell",
    "Brown",
    "Campbell",
    "Clarke",
    "Davies",
    "Edwards",
    "Evans",
    "Green",
    "Hall",
    "Hughes",
    "Hussain",
    "Jones",
    "Kaur",
    "Khan",
    "Lewis",
    "MacDonald",
    "Martin",
    "Morgan",
    "Murray",
    "Owen",
    "Patel",
    "Price",
    "Roberts",
    "Robertson",
    "Singh",
    "Smith",
    "Stewart",
    "Taylor",
    "Thomas",
    "Thompson",
    "Walker",
    "Watson",
    "White",
    "Williams",
    "Wilson",
    "Wood",
    "Wright",
    "Young",
]
STREETS = "High Street,Church Road,Mill Lane,Station Road,Park Avenue,Victoria Street,The Crescent"
TOWNS = "Ashford,Bolton,Carlisle,Derby,Ely,Frome,Gateshead,Hull,Ipswich,Kendal,Luton,Neath,Oban"
GENDERS = ("woman", "woman", "man", "man", "", "", "non-binary", "prefer-not-to-say")


def write_units(path: Path, units: int) -> list[str]:
    """Write the units file and return the unit codes."""
    codes = [f"U{n:04d}" for n in range(1, units + 1)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit_code", "unit_name", "region_name"])
        for n, code in enumerate(codes):
            writer.writerow([code, f"Constituency {n + 1}", REGIONS[n % len(REGIONS)]])
    return codes


def member_rows(members: int, codes: list[str], seed: int) -> list[list[str]]:
    """Return the register's rows, drawn from a seeded generator."""
    rng = random.Random(seed)
    streets, towns = STREETS.split(","), TOWNS.split(",")
    today = date(2026, 11, 1)
    rows = []
    for n in range(1, members + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        joined = today - timedelta(days=rng.randrange(20, 40 * 365))
        paid = today + timedelta(days=rng.randrange(-400, 400))
        email = f"{first}.{last}{n}@example.org".lower() if rng.random() < 0.92 else ""
        rows.append(
            [
                f"L{n:07d}",
                f"{first} {last}",
                email,
                f"{rng.randrange(1, 200)} {rng.choice(streets)}",
                "",
                "",
                rng.choice(towns),
                f"{rng.choice('ABCDEHLMNS')}{rng.randrange(1, 30)} {rng.randrange(1, 9)}"
                f"{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}",
                rng.choice(codes),
                joined.isoformat(),
                paid.isoformat() if rng.random() < 0.97 else "",
                rng.choice(GENDERS),
            ]
        )
    return rows


def write_members(path: Path, rows: list[list[str]]) -> None:
    """Write rows under the register's header."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "membership_number", "name", "email", "address_line_1", "address_line_2",
                "address_line_3", "town", "postcode", "unit_code", "joined_on", "paid_until",
                "gender",
            ]
        )  # fmt: skip
        writer.writerows(rows)


def changed(rows: list[list[str]], codes: list[str], seed: int) -> list[list[str]]:
    """Return a copy in which every tenth row has a new unit, subscription or email."""
    rng = random.Random(seed + 1)
    out = [list(row) for row in rows]
    for row in out[::10]:
        which = rng.randrange(3)
        if which == 0:
            row[8] = rng.choice(codes)
        elif which == 1:
            row[10] = "2028-12-31"
        else:
            row[2] = f"new.{row[0].lower()}@example.org"
    return out


def run(env: dict[str, str], *args: str) -> tuple[float, str]:
    """Run one `hustings` process; return its wall-clock seconds and its output."""
    start = time.perf_counter()
    done = subprocess.run(
        [str(HUSTINGS), *args], env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"hustings {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed, done.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    """Generate the files, run the imports, print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=600_000)
    parser.add_argument("--units", type=int, default=600)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: SQLite)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="hustings-bench-") as tmp:
        work = Path(tmp)
        codes = write_units(work / "units.csv", args.units)
        rows = member_rows(args.members, codes, args.seed)
        write_members(work / "members.csv", rows)
        write_members(work / "members-changed.csv", changed(rows, codes, args.seed))
        size = (work / "members.csv").stat().st_size
        env = {
            **os.environ,
            "HUSTINGS_DEV": "1",
            "HUSTINGS_DATA_DIR": str(work),
            "DATABASE_URL": args.database_url,
        }
        database = "PostgreSQL" if args.database_url else "SQLite"
        print(f"{args.members:,} members ({size / 1e6:.1f} MB CSV), {args.units} units, {database}")
        run(env, "migrate", "--no-input")
        run(env, "import-units", str(work / "units.csv"))
        steps = [
            ("first import (all created)", work / "members.csv"),
            ("same file again (all unchanged)", work / "members.csv"),
            ("one row in ten changed", work / "members-changed.csv"),
        ]
        first = 0.0
        for label, path in steps:
            seconds, summary = run(env, "import-members", str(path))
            first = first or seconds
            print(f"  {label:34} {seconds:6.1f} s   {summary}")
    verdict = "meets" if first < TARGET_SECONDS else "MISSES"
    print(f"first import: {first:.1f} s, which {verdict} the {TARGET_SECONDS:.0f} s target")
    return 0 if first < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
