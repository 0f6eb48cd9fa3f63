"""`hustings import-nominations ELECTION FILE.csv`: record units' nominations from a CSV file."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hustings.elections.models import Election
from hustings.members.actions import Upload
from hustings.members.importing import ImportFileError
from hustings.nominations.importing import COLUMNS, do_import_nominations


class Command(BaseCommand):
    """Import units' nominations, printing every rejected row and then a summary."""

    help = (
        "Record units' nominations from a CSV file with the columns "
        f"{', '.join(COLUMNS)} and optionally votes. Each unit's rows for a contest are one "
        "return, checked like a secretary's and replacing any earlier one; a bad row rejects "
        "its unit's whole return. Exits with status 1 if any row was rejected."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Take the election's slug and the CSV file."""
        parser.add_argument("election", help="the election's slug, such as nec-npf-2026")
        parser.add_argument("file", type=Path, help="the CSV file to import")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the import and report on it."""
        election = Election.objects.filter(slug=options["election"]).first()
        if election is None:
            raise CommandError(f"no election with the slug {options['election']!r}")
        path: Path = options["file"]
        try:
            upload = Upload.from_path(path)
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        try:
            report = do_import_nominations(
                None, election, upload, actor_label=f"command line ({path.name})"
            )
        except ImportFileError as error:
            raise CommandError(f"{path}: {error}") from None
        for row_error in report.errors:
            self.stderr.write(f"{path}:{row_error}")
        self.stdout.write(report.summary())
        if report.errors:
            raise CommandError(f"{report.rejected} row(s) rejected", returncode=1)
