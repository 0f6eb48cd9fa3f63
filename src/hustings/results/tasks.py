"""Background work: the count runs as a task so the returning officer's request returns at once."""

from __future__ import annotations

from django.tasks import task

from hustings.results.counting import execute_count


@task()
def run_count(count_id: int) -> None:
    """Count every contest of a queued count and store the results."""
    execute_count(count_id)
