"""Write synthetic NEC-like ballot profiles as BLT files, plus the candidates' attributes CSV.

The shape follows a constituency-section ballot for a party's national executive: 20 candidates for
9 seats, two organised slates (9 and 8 candidates) and three independents. Most voters back one
slate, ranking part of it in their own noisy order (a Plackett-Luce draw around the slate's
popularity), sometimes followed by independents or the other slate; many stop after 1-6
preferences; a minority put independents first or rank across slates. Each ballot is written on its
own line with weight 1, as a real export of cast ballots would be.

The draws come from NumPy's PCG64 generator seeded with --seed, so the same seed, size and NumPy
version give byte-identical files (the script prints each file's SHA-256 to check).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

__all__ = ["CANDIDATES", "SEATS", "Candidate", "write_attributes", "write_profile"]

SEATS = 9
DEFAULT_SIZES = (2_000, 200_000, 1_000_000)
DEFAULT_OUT = Path(__file__).resolve().parent / "out"
# Ballots are drawn in blocks so that memory stays flat whatever the size; the block size is part
# of what fixes the output for a seed, so it is a constant, not an option.
BLOCK = 100_000


@dataclass(frozen=True)
class Candidate:
    """One fictional candidate: name, gender, slate ("" for an independent) and popularity."""

    name: str
    gender: str
    slate: str
    popularity: float


# Invented names. Within each slate the men are, on purpose, slightly more popular, so that an
# unconstrained count tends to elect fewer than five women and `--min gender=woman:5` has work to do.
CANDIDATES: tuple[Candidate, ...] = (
    Candidate("Ruth Abernethy", "woman", "Members First", 6.0),
    Candidate("Daniel Okafor", "man", "Members First", 9.0),
    Candidate("Siobhán Carey", "woman", "Members First", 5.0),
    Candidate("Marcus Hale", "man", "Members First", 7.5),
    Candidate("Priya Raman", "woman", "Members First", 4.0),
    Candidate("Tom Whitfield", "man", "Members First", 5.5),
    Candidate("Gwen Llewellyn", "woman", "Members First", 3.0),
    Candidate("Samuel Adeyemi", "man", "Members First", 3.5),
    Candidate("Hannah Brook", "woman", "Members First", 2.0),
    Candidate("Colin McAteer", "man", "Forward Together", 8.0),
    Candidate("Aisha Siddiqui", "woman", "Forward Together", 5.0),
    Candidate("Peter Novak", "man", "Forward Together", 7.0),
    Candidate("Joanne Pryce", "woman", "Forward Together", 4.5),
    Candidate("Graham Ellis", "man", "Forward Together", 4.0),
    Candidate("Niamh O'Rourke", "woman", "Forward Together", 3.5),
    Candidate("Kwame Mensah", "man", "Forward Together", 3.0),
    Candidate("Laura Fenwick", "woman", "Forward Together", 2.0),
    Candidate("Imran Chaudhry", "man", "", 4.0),
    Candidate("Bethan Morgan", "woman", "", 3.0),
    Candidate("Alan Stroud", "man", "", 1.5),
)

N = len(CANDIDATES)
SLATE_A = np.array([c.slate == "Members First" for c in CANDIDATES])
SLATE_B = np.array([c.slate == "Forward Together" for c in CANDIDATES])
INDEPENDENT = np.array([c.slate == "" for c in CANDIDATES])
LOG_POPULARITY = np.log(np.array([c.popularity for c in CANDIDATES]))

# Voter blocs and their shares of the electorate.
LOYAL_A, LOYAL_B, INDEPENDENTS_FIRST, UNALIGNED = 0, 1, 2, 3
BLOC_SHARE = np.array([0.44, 0.38, 0.08, 0.10])


def _length_pmf(weights: dict[int, float]) -> NDArray[np.float64]:
    """Return a probability vector over ballot lengths 1..N from relative weights."""
    pmf = np.array([weights.get(length, 0.0) for length in range(1, N + 1)])
    total: float = pmf.sum()
    return pmf / total


# How many preferences a voter marks. Slate voters often stop at one to six, a good number rank
# exactly their slate (8 or 9), and a tail goes on into the independents and the other slate.
LENGTH_PMF = {
    LOYAL_A: _length_pmf(
        {1: 14, 2: 10, 3: 10, 4: 10, 5: 9, 6: 8, 7: 5, 8: 5, 9: 12, 10: 5, 11: 4, 12: 3}
        | dict.fromkeys(range(13, N + 1), 0.7)
    ),
    LOYAL_B: _length_pmf(
        {1: 15, 2: 11, 3: 10, 4: 10, 5: 9, 6: 7, 7: 5, 8: 11, 9: 5, 10: 4, 11: 3, 12: 3}
        | dict.fromkeys(range(13, N + 1), 0.7)
    ),
    INDEPENDENTS_FIRST: _length_pmf(
        {1: 20, 2: 16, 3: 14, 4: 9, 5: 8, 6: 7, 7: 5, 8: 4, 9: 3, 10: 3, 11: 2, 12: 2}
        | dict.fromkeys(range(13, N + 1), 0.6)
    ),
    UNALIGNED: _length_pmf({n: 12.0 / n for n in range(1, N + 1)}),
}

# Chance that a loyal voter lifts one outside candidate into their slate block, or drops one of
# their own slate below it: the cross-voting that makes real profiles so varied.
PROMOTE = 0.04
DEMOTE = 0.06


def _draw_block(rng: np.random.Generator, size: int) -> list[NDArray[np.int64]]:
    """Draw `size` ballots and return each as an array of candidate indices in preference order."""
    bloc = rng.choice(4, size=size, p=BLOC_SHARE)
    # A tier per voter and candidate (lower is ranked earlier), then Gumbel noise on the log
    # popularity inside a tier: sorting by that is a Plackett-Luce draw within each tier.
    tier = np.empty((size, N), dtype=np.float64)
    loyal_a = bloc == LOYAL_A
    loyal_b = bloc == LOYAL_B
    indep = bloc == INDEPENDENTS_FIRST
    tier[loyal_a] = np.where(SLATE_A, 0.0, np.where(INDEPENDENT, 1.0, 2.0))
    tier[loyal_b] = np.where(SLATE_B, 0.0, np.where(INDEPENDENT, 1.0, 2.0))
    second_slate_is_a = rng.random(size) < 0.5
    tier[indep] = np.where(
        INDEPENDENT,
        0.0,
        np.where(second_slate_is_a[indep, None] == SLATE_A, 1.0, 2.0),
    )
    tier[bloc == UNALIGNED] = 0.0
    loyal = loyal_a | loyal_b
    promote = loyal[:, None] & (tier > 0) & (rng.random((size, N)) < PROMOTE)
    demote = loyal[:, None] & (tier == 0) & (rng.random((size, N)) < DEMOTE)
    tier[promote] = 0.0
    tier[demote] = 1.0
    key = tier * 1000.0 - (LOG_POPULARITY + rng.gumbel(size=(size, N)))
    order = np.argsort(key, axis=1, kind="stable")
    lengths = np.empty(size, dtype=np.int64)
    for b, pmf in LENGTH_PMF.items():
        members = bloc == b
        lengths[members] = rng.choice(np.arange(1, N + 1), size=int(members.sum()), p=pmf)
    return [order[i, : lengths[i]] for i in range(size)]


def write_profile(path: Path, size: int, seed: int) -> int:
    """Write a `size`-ballot profile to `path` and return the number of distinct rankings."""
    rng = np.random.Generator(np.random.PCG64(seed))
    # BLT numbers candidates from 1; ballot lines are "weight pref pref ... 0".
    tokens = [str(i) for i in range(1, N + 1)]
    distinct: set[bytes] = set()
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(f"{N} {SEATS}\n")
        remaining = size
        while remaining:
            block = min(BLOCK, remaining)
            remaining -= block
            lines = []
            for ranking in _draw_block(rng, block):
                distinct.add(ranking.astype(np.int8).tobytes())
                lines.append("1 " + " ".join([tokens[c] for c in ranking]) + " 0\n")
            out.write("".join(lines))
        out.write("0\n")
        for candidate in CANDIDATES:
            out.write('"' + candidate.name.replace('"', '""') + '"\n')
        out.write(f'"Synthetic NEC-like election: {size} ballots, seed {seed}"\n')
    return len(distinct)


def write_attributes(path: Path) -> None:
    """Write the attributes CSV (`candidate,gender,slate`) that `hustings count --attributes` reads."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["candidate", "gender", "slate"])
        for candidate in CANDIDATES:
            writer.writerow([candidate.name, candidate.gender, candidate.slate or "independent"])


def profile_path(out_dir: Path, size: int) -> Path:
    """Return where the profile of `size` ballots is written."""
    return out_dir / f"nec-{size}.blt"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    """Write the profiles and the attributes file; print each file's size and digest."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "sizes",
        nargs="*",
        type=int,
        default=list(DEFAULT_SIZES),
        help="numbers of ballots, one file each (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=2026, help="generator seed (%(default)s)")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output directory (%(default)s)"
    )
    args = parser.parse_args(argv)
    if any(size < 1 for size in args.sizes):
        parser.error("every size must be at least 1 ballot")
    args.out.mkdir(parents=True, exist_ok=True)
    attributes = args.out / "nec-attributes.csv"
    write_attributes(attributes)
    print(f"{attributes}  sha256 {_sha256(attributes)[:16]}")
    for size in args.sizes:
        path = profile_path(args.out, size)
        distinct = write_profile(path, size, args.seed + size)
        megabytes = path.stat().st_size / 1e6
        print(
            f"{path}  {size:,} ballots  {distinct:,} distinct rankings  "
            f"{megabytes:.1f} MB  sha256 {_sha256(path)[:16]}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
