"""Count a BLT file with pref_voting's stv_scottish and print the winners as JSON."""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

from pref_voting.profiles_with_ties import ProfileWithTies
from pref_voting.proportional_methods import stv_scottish

from blt_minimal import read_blt


def main() -> int:
    """Read argv[1], count it, and print {"elected": [...], timings} on stdout."""
    start = time.perf_counter()
    profile = read_blt(Path(sys.argv[1]))
    # Truncated rankings need ProfileWithTies (pref_voting's Profile takes only complete orders);
    # each distinct ranking once, with its count, as {candidate: rank}.
    rankings = [
        {candidate: rank for rank, candidate in enumerate(ranking, start=1)}
        for ranking in profile.rankings
    ]
    counts = list(profile.rankings.values())
    candidates = list(range(len(profile.names)))
    pwt = ProfileWithTies(rankings, rcounts=counts, candidates=candidates)
    loaded = time.perf_counter()
    winners = stv_scottish(pwt, num_seats=profile.seats, rng=random.Random(1))
    counted = time.perf_counter()
    # stv_scottish returns the winners sorted, not in order of election.
    elected = [profile.names[i] for i in winners]
    json.dump(
        {"elected": elected, "load_s": loaded - start, "count_s": counted - loaded},
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
