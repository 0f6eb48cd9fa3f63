"""`hustings issue-credentials ELECTION --print-file PATH`: the roll, the print file, the emails."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from hustings.ballots.issuing import IssuingRefused, do_issue_credentials, reasons_may_not_issue
from hustings.ballots.models import Voter
from hustings.elections.models import Election


class Command(BaseCommand):
    """Issue voting credentials: roll, print file for the mail house, and queued ballot emails."""

    help = (
        "Put every eligible member on the election's roll, write a voting code for each member "
        "without an email address to the print file for the mail house (CSV, mode 0600), and "
        "queue ballot emails for the rest. Running it again issues only to members who have "
        "never been issued a code. Without --yes, only say what would be done."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Take the election's slug, --print-file, --no-email, --force and --yes."""
        parser.add_argument("election", help="the election's slug, such as nec-npf-2026")
        parser.add_argument(
            "--print-file", required=True, type=Path, help="where to write the mail house's CSV"
        )
        parser.add_argument(
            "--no-email",
            action="store_true",
            help="do not queue ballot emails (members with an email address get no code yet)",
        )
        parser.add_argument(
            "--force", action="store_true", help="overwrite the print file if it exists"
        )
        parser.add_argument("--yes", action="store_true", help="really issue the credentials")

    def handle(self, *args: Any, **options: Any) -> None:
        """Check, then issue and report the counts."""
        election = Election.objects.filter(slug=options["election"]).first()
        if election is None:
            raise CommandError(f"no election with the slug {options['election']!r}")
        reasons = reasons_may_not_issue(election)
        if reasons:
            raise CommandError(" ".join(reasons))
        path: Path = options["print_file"]
        if path.exists() and not options["force"]:
            raise CommandError(
                f"{path} already exists: move it somewhere safe first (it holds voting codes), "
                "or pass --force to overwrite it"
            )
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent} is not a directory")
        if not options["yes"]:
            on_roll = Voter.objects.filter(election=election).count()
            self.stdout.write(
                f"Nothing issued. {election.name}: {on_roll} member(s) on the roll so far. "
                "Run again with --yes to issue credentials."
            )
            return
        self._issue(election, path, send_emails=not options["no_email"])

    def _issue(self, election: Election, path: Path, *, send_emails: bool) -> None:
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        # Created readable by the owner only: the file holds working voting codes.
        descriptor = os.open(path, flags, 0o600)
        os.chmod(path, 0o600)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as print_file:
                report = do_issue_credentials(
                    None, election, print_file=print_file, send_emails=send_emails
                )
        except (IssuingRefused, PermissionDenied) as error:
            path.unlink(missing_ok=True)
            raise CommandError(str(error)) from None
        except BaseException:
            # The transaction rolled back, so the codes written so far were never issued.
            path.unlink(missing_ok=True)
            raise
        self.stdout.write(self.style.SUCCESS(f"Credentials issued for {election.name}."))
        self.stdout.write(f"  Added to the roll:        {report.added_to_roll}")
        self.stdout.write(f"  On the roll in all:       {report.roll_size}")
        self.stdout.write(f"  Letters in the print file: {report.letters}")
        if send_emails:
            self.stdout.write(
                f"  Ballot emails queued:     {report.emails_queued} "
                f"(in {report.email_tasks} task(s), sent by `hustings worker`)"
            )
        else:
            self.stdout.write("  Ballot emails:            none queued (--no-email)")
        self.stdout.write(
            f"Print file: {path.resolve()} (mode 0600). It holds working voting codes: hand it "
            "to the mail house securely, then delete it."
        )
