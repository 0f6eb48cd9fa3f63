"""`hustings send-reminders ELECTION --yes`: email a reminder to members who have not voted."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from hustings.ballots.reminders import RemindersRefused, do_send_reminders, reminder_recipients
from hustings.elections.models import Election


class Command(BaseCommand):
    """Queue reminder emails (no code in them) to voters with an email address who have not voted."""

    help = (
        "Queue a reminder email to every member on the election's roll with an email address "
        "who has not yet voted. The reminder holds no code. Without --yes, only count them."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Take the election's slug and --yes."""
        parser.add_argument("election", help="the election's slug, such as nec-npf-2026")
        parser.add_argument("--yes", action="store_true", help="really queue the reminders")

    def handle(self, *args: Any, **options: Any) -> None:
        """Count, or queue, the reminders."""
        election = Election.objects.filter(slug=options["election"]).first()
        if election is None:
            raise CommandError(f"no election with the slug {options['election']!r}")
        if not options["yes"]:
            count = reminder_recipients(election).count()
            self.stdout.write(
                f"Nothing sent. {count} member(s) of {election.name} would get a reminder. "
                "Run again with --yes to queue them."
            )
            return
        try:
            queued = do_send_reminders(None, election)
        except (RemindersRefused, PermissionDenied) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{queued} reminder(s) queued for {election.name}, sent by `hustings worker`."
            )
        )
