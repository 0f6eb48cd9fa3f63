"""`hustings import-postal ELECTION FILE.csv`: enter a batch of returned paper ballots."""

from __future__ import annotations

import csv
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hustings.ballots.postal import PostalFileError, do_import_postal, postal_header
from hustings.elections.models import Election
from hustings.members.actions import Upload


class Command(BaseCommand):
    """Check (and with --yes, store) a file of returned postal ballots; report every rejection."""

    help = (
        "Enter returned paper ballots from a CSV file. The header is 'code', then one column per "
        "candidate box named <contest-slug>:<ballot position>, such as nec-constituency:3 (--template "
        "prints it). Each row is one paper: the code printed on it, then the voter's marks. An "
        "empty cell is no mark; in a block-vote contest a mark is X, 1 or a tick; in an STV contest "
        "a whole-number preference. A section with more marks than seats, or (STV) with marks but "
        "no single 1, is spoilt; STV preferences stop at the first gap or repeated number. Rows "
        "with an unknown, replaced or already-used code, a spoilt section or an unreadable cell "
        "are rejected and not stored. Without --yes the file is only checked: nothing is stored. "
        "Exits with status 1 if any row was rejected."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Take the election's slug, the file, --yes and --template."""
        parser.add_argument("election", help="the election's slug, such as nec-npf-2026")
        parser.add_argument("file", nargs="?", type=Path, help="the CSV file of returned papers")
        parser.add_argument(
            "--yes", action="store_true", help="store the accepted rows (without it, only check)"
        )
        parser.add_argument(
            "--template",
            action="store_true",
            help="print the file's header row for this election and stop",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Print the template, or import the file and report on it."""
        election = Election.objects.filter(slug=options["election"]).first()
        if election is None:
            raise CommandError(f"no election with the slug {options['election']!r}")
        if options["template"]:
            header = postal_header(election)
            if len(header) == 1:
                raise CommandError(f"{election.name} has no confirmed ballot yet")
            csv.writer(self.stdout, lineterminator="\n").writerow(header)
            return
        path: Path | None = options["file"]
        if path is None:
            raise CommandError("name the CSV file to import (or give --template)")
        try:
            upload = Upload.from_path(path)
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        check_only = not options["yes"]
        try:
            report = do_import_postal(
                None,
                election,
                upload,
                check_only=check_only,
                actor_label=f"command line ({path.name})",
            )
        except PostalFileError as error:
            raise CommandError(f"{path}: {error}") from None
        for rejection in report.rejections:
            self.stderr.write(f"{path}:{rejection.line}: {rejection.message}")
        for label, count in report.by_reason():
            self.stdout.write(f"  {label}: {count}")
        if check_only:
            self.stdout.write(
                f"Checked only, nothing stored: {report.rows} row(s) read, {report.accepted} "
                f"would be accepted, {report.rejected} rejected. Run again with --yes to store."
            )
        else:
            self.stdout.write(self.style.SUCCESS(report.summary()))
        if report.rejections:
            raise CommandError(f"{report.rejected} row(s) rejected", returncode=1)
