"""`hustings close-nominations ELECTION`: close nominations, show who reached the ballot."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from hustings.elections.models import Election
from hustings.nominations.actions import do_close_nominations, do_confirm_ballot
from hustings.nominations.models import BallotConfirmation, NominationsClosure
from hustings.nominations.queries import contest_tally


class Command(BaseCommand):
    """Close an election's nominations (with --yes), and confirm its ballots (with --confirm)."""

    help = (
        "Show each candidate's nominations and threshold status with the reason. With --yes, "
        "close nominations (at or after the deadline; once only), fixing those statuses. With "
        "--confirm as well, confirm every contest's ballot list and print it in ballot order."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Take the election's slug, --confirm and --yes."""
        parser.add_argument("election", help="the election's slug, such as nec-npf-2026")
        parser.add_argument(
            "--confirm", action="store_true", help="also confirm each contest's ballot list"
        )
        parser.add_argument(
            "--yes", action="store_true", help="really close (without it, only show the statuses)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Show, close and confirm as asked."""
        election = Election.objects.filter(slug=options["election"]).first()
        if election is None:
            raise CommandError(f"no election with the slug {options['election']!r}")
        closed = NominationsClosure.objects.filter(election=election).exists()
        if options["yes"] and not closed:
            try:
                do_close_nominations(None, election)
            except (ValidationError, PermissionDenied) as error:
                raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from None
            closed = True
            self.stdout.write(self.style.SUCCESS(f"Nominations for {election.name} closed."))
        elif closed:
            self.stdout.write(f"Nominations for {election.name} were already closed.")
        for contest in election.contests.all():
            self.stdout.write(f"\n{contest.name}")
            for line in contest_tally(contest):
                mark = "✓" if line.status.met else "✗"
                self.stdout.write(
                    f"  {mark} {line.name}: {line.units} unit(s), {line.affiliates} affiliate(s)"
                    f" — {line.status.reason}"
                )
            if options["confirm"] and options["yes"]:
                ballot = BallotConfirmation.objects.filter(contest=contest).first()
                if ballot is None:
                    ballot = do_confirm_ballot(None, contest)
                names = [
                    e.candidacy.member.name
                    for e in ballot.entries.select_related("candidacy__member").order_by("position")
                ]
                self.stdout.write(f"  Ballot ({ballot.get_order_display().lower()}):")
                for position, name in enumerate(names, start=1):
                    self.stdout.write(f"    {position}. {name}")
        if not options["yes"]:
            self.stdout.write(
                "\nNothing changed: these are the statuses now. Run again with --yes to close"
                + (" and --confirm to confirm the ballots." if not closed else ".")
            )
