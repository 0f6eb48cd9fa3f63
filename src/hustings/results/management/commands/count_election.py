"""`hustings count-election ELECTION --yes`: count an election's ballots here and now."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from hustings.elections.models import Election
from hustings.results.actions import do_start_count
from hustings.results.files import recount_command
from hustings.results.models import CountStatus


class Command(BaseCommand):
    """Count every contest of a closed election synchronously and print the winners."""

    help = (
        "Count every contest of an election whose ballot has closed, as the returning officer's "
        "'start the count' does, but in this process; print each contest's winners, the seed and "
        "the checksums. Needs --yes (a count can be started only once; later, recount)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Take the election's slug and --yes."""
        parser.add_argument("election", help="the election's slug, such as nec-npf-2026")
        parser.add_argument("--yes", action="store_true", help="really start the count")

    def handle(self, *args: Any, **options: Any) -> None:
        """Count, then print the outcome."""
        election = Election.objects.filter(slug=options["election"]).first()
        if election is None:
            raise CommandError(f"no election with the slug {options['election']!r}")
        if not options["yes"]:
            raise CommandError(
                f"counting {election.name} cannot be undone; run again with --yes to count"
            )
        try:
            count = do_start_count(None, election, run_now=True)
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from None
        if count.status != CountStatus.DONE:
            raise CommandError(f"the count failed: {count.error}")
        self.stdout.write(self.style.SUCCESS(f"Counted {election.name} (count #{count.pk})."))
        self.stdout.write(f"Seed drawn for any lot: {count.seed}")
        for result in count.results.select_related("contest"):
            self.stdout.write(
                f"\n{result.contest.name}: {result.ballots} ballots, {result.blank} blank"
            )
            for number, name in enumerate(result.result["elected"], start=1):
                self.stdout.write(f"  {number}. {name}")
            self.stdout.write(f"  BLT SHA-256: {result.blt_sha256}")
            self.stdout.write(f"  result SHA-256: {result.result_sha256}")
            self.stdout.write(f"  recount: {recount_command(result)}")
        self.stdout.write("\nNothing is public until the returning officer publishes the results.")
