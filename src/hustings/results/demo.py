"""The results for the demonstration: close the ballot, count every contest, publish.

Everything goes through the same actions as a real count (`do_start_count`, run here and now, and
`do_publish_results`), so the demo's audit log, files and checksums are those of a real election.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils import timezone

from hustings.elections.actions import do_update_election
from hustings.elections.models import Election
from hustings.results.actions import do_publish_results, do_start_count
from hustings.results.models import Count

__all__ = ["publish_demo_results"]


def publish_demo_results(
    election: Election,
    *,
    now: datetime | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> Count:
    """Close the open ballot a minute before `now`, count every contest and publish the result."""
    now = now or timezone.now()
    close = now - timedelta(minutes=1)
    if election.ballot_open_at >= close:
        raise ValueError(
            f"{election.name}: the ballot opened at {election.ballot_open_at:%Y-%m-%d %H:%M}, "
            "too late to close it before now; open the ballot first (--stage ballot)"
        )
    do_update_election(None, election, ballot_close_at=close)
    progress("the count of every contest")
    count = do_start_count(None, election, run_now=True, now=now)
    if not count.is_done:
        raise RuntimeError(f"the demo count of {election.name} failed: {count.error}")
    progress("the published results")
    do_publish_results(None, count)
    # Publishing stamped the election through the count's own copy of it; bring this one level.
    election.refresh_from_db()
    return count
