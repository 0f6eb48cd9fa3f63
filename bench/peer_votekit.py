"""Count a BLT file with VoteKit's FastSTV and print the winners as JSON."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from votekit.ballot import RankBallot
from votekit.elections import FastSTV
from votekit.pref_profile import RankProfile

from blt_minimal import read_blt


def main() -> int:
    """Read argv[1], count it, and print {"elected": [...], timings} on stdout."""
    start = time.perf_counter()
    profile = read_blt(Path(sys.argv[1]))
    names = profile.names
    # The same construction as VoteKit's own load_scottish: one weighted RankBallot per distinct
    # ranking, each preference a singleton frozenset.
    ballots = [
        RankBallot(ranking=tuple(frozenset({names[i]}) for i in ranking), weight=weight)
        for ranking, weight in profile.rankings.items()
    ]
    rank_profile = RankProfile(ballots=tuple(ballots), candidates=tuple(names))
    loaded = time.perf_counter()
    # Droop quota floor(v/(s+1))+1 (VoteKit's "droop"), fractional surplus transfer; ties by a
    # seeded lot so a tie cannot abort the run.
    election = FastSTV(
        rank_profile, n_seats=profile.seats, quota="droop", tiebreak="random", rng_seed=1
    )
    counted = time.perf_counter()
    elected = [name for group in election.get_elected() for name in sorted(group)]
    json.dump(
        {"elected": elected, "load_s": loaded - start, "count_s": counted - loaded},
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
