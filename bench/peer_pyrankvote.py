"""Count a BLT file with pyrankvote's single_transferable_vote and print the winners as JSON."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from pyrankvote import Ballot, Candidate, single_transferable_vote

from blt_minimal import read_blt


def main() -> int:
    """Read argv[1], count it, and print {"elected": [...], timings} on stdout."""
    start = time.perf_counter()
    profile = read_blt(Path(sys.argv[1]))
    candidates = [Candidate(name) for name in profile.names]
    # pyrankvote has no ballot weights: it wants one Ballot per voter. Voters with the same ranking
    # share one immutable Ballot object, which pyrankvote only reads.
    ballots: list[Ballot] = []
    for ranking, weight in profile.rankings.items():
        ballot = Ballot(ranked_candidates=[candidates[i] for i in ranking])
        ballots.extend([ballot] * weight)
    loaded = time.perf_counter()
    result = single_transferable_vote(candidates, ballots, number_of_seats=profile.seats)
    counted = time.perf_counter()
    elected = [candidate.name for candidate in result.get_winners()]
    json.dump(
        {"elected": elected, "load_s": loaded - start, "count_s": counted - loaded},
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
